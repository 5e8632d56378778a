/* test_results.c: the HDF5 results layer (results/res.h).
 *
 * This is the results layer's own test, so it may include <hdf5.h> to forge the files that
 * res_write_run never produces (newer schema, missing marker, plain HDF5) and to inspect the
 * storage layout, and the private res_trailer.h. Each test runs in its own temporary directory. */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "../results/res.h"
#include "../results/res_posterior.h"
#include "../results/res_trailer.h"

enum { NREPS = 2, NSTREAMS = 3, NPORTS = 3 };
static const char *const port_labels[NPORTS] = {"calais", "coquelles", "dunkerque"};
static const char *const stream_names[NSTREAMS] = {"arrivals", "search", "weather"};
static const uint64_t rep_index[NREPS] = {3, 7};
static const uint64_t stream_seeds[NREPS * NSTREAMS] = {11, 12, 13, 21, 22, 23};
static const double BIG_COUNT = 4503599627370499.0; /* 2^52 + 3: exact in a double and an int64 */

static char dir[64];
static struct sim_out_table table;
static double *values;
static struct res_meta meta;

/* The value of element i of variable v in replication r: counts are integers (one of them huge),
 * reals have no short binary expansion so that any rounding would show. */
static double expected(size_t r, size_t v, size_t i)
{
    if (table.vars[v].kind == SIM_OUT_COUNT)
        return r == 1 && v == 0 && i == 0 ? BIG_COUNT : (double)(17 * r + 5 * i + v);
    return 2.375 + 0.125 * (double)r + (double)i / 3.0 + (double)v;
}

/* Builds daily/{arrivals,wait_mean} [day, port], totals/{arrivals [port], cost []}. */
static void build_table(size_t ndays)
{
    memset(&table, 0, sizeof table);
    int day, port, id;
    struct sim_out_dim d_day = {.name = "day",
                                .size = ndays,
                                .origin = 0.5,
                                .step = 1.0,
                                .units = "day",
                                .description = "middle of the daily bin"};
    struct sim_out_dim d_port = {
        .name = "port", .size = NPORTS, .labels = port_labels, .description = "juxtaposed control"};
    cr_assert_eq(sim_out_add_dim(&table, &d_day, &day), SIM_OK);
    cr_assert_eq(sim_out_add_dim(&table, &d_port, &port), SIM_OK);
    struct sim_out_var vars[] = {
        {"daily", "arrivals", "lorries", "lorries arriving", SIM_OUT_COUNT, 2, {day, port}},
        {"daily", "wait_mean", "min", "mean wait", SIM_OUT_REAL, 2, {day, port}},
        {"totals", "arrivals", "lorries", "lorries over the run", SIM_OUT_COUNT, 1, {port}},
        {"totals", "cost", "EUR", "staff cost", SIM_OUT_REAL, 0, {0}},
    };
    for (size_t v = 0; v < sizeof vars / sizeof vars[0]; v++)
        cr_assert_eq(sim_out_add_var(&table, &vars[v], &id), SIM_OK);
    sim_out_finalize(&table);
    free(values);
    values = malloc(NREPS * table.rep_values * sizeof *values);
    cr_assert_not_null(values);
    for (size_t r = 0; r < NREPS; r++)
        for (size_t v = 0; v < table.nvars; v++)
            for (size_t i = 0; i < sim_out_var_size(&table, (int)v); i++)
                values[r * table.rep_values + table.offset[v] + i] = expected(r, v, i);
}

static void setup(void)
{
    strcpy(dir, "/tmp/test_results_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    meta = (struct res_meta){.program_version = "0.1.0",
                             .scenario_path = "scenarios/baseline.yaml",
                             .scenario_text = "dispsim: 1\nname: baseline \xc3\xa9t\xc3\xa9\n",
                             .scenario_name = "baseline",
                             .master_seed = UINT64_C(0xFEDCBA9876543210),
                             .nreps = NREPS,
                             .rep_index = rep_index,
                             .nstreams = NSTREAMS,
                             .stream_names = stream_names,
                             .stream_seeds = stream_seeds};
    build_table(4);
}

static int remove_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static void teardown(void)
{
    chmod(dir, 0700);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(values);
    values = NULL;
}

TestSuite(results, .init = setup, .fini = teardown);

/* Returns dir/name in a static buffer (one of two, so two paths can be live at once). */
static const char *in_dir(const char *name)
{
    static char buf[2][256];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
    return buf[which];
}

static size_t count_entries(const char *d)
{
    DIR *dp = opendir(d);
    cr_assert_not_null(dp);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(dp);
    return n;
}

static void write_good(const char *path)
{
    char err[256];
    cr_assert_eq(res_write_run(path, &meta, &table, values, err, sizeof err), SIM_OK, "%s", err);
}

static struct res_file *open_good(const char *path)
{
    char err[256];
    struct res_file *f = NULL;
    cr_assert_eq(res_open(path, &f, err, sizeof err), SIM_OK, "%s", err);
    return f;
}

/* Copies the first `len` bytes of `src` to `dst`, optionally flipping the byte at `flip`. */
static void copy_prefix(const char *src, const char *dst, long len, long flip)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    cr_assert(in != NULL && out != NULL);
    for (long i = 0; i < len; i++) {
        int c = fgetc(in);
        cr_assert_neq(c, EOF);
        fputc(i == flip ? c ^ 0xff : c, out);
    }
    fclose(in);
    cr_assert_eq(fclose(out), 0);
}

static long file_size(const char *path)
{
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    return (long)sb.st_size;
}

/* Whether the current user can create files in a directory made read-only (root can). */
static int chmod_is_effective(const char *d)
{
    char probe[256];
    snprintf(probe, sizeof probe, "%s/probe", d);
    FILE *fp = fopen(probe, "w");
    if (fp == NULL)
        return 1;
    fclose(fp);
    remove(probe);
    return 0;
}

/* Sets (creating or replacing) an integer root attribute with HDF5 directly. */
static void forge_int_attr(const char *path, const char *name, int value, int remove_only)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(file, 0);
    if (H5Aexists(file, name) > 0)
        cr_assert_geq(H5Adelete(file, name), 0);
    if (!remove_only) {
        hid_t space = H5Screate(H5S_SCALAR);
        hid_t attr = H5Acreate2(file, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
        cr_assert_geq(H5Awrite(attr, H5T_NATIVE_INT, &value), 0);
        H5Aclose(attr);
        H5Sclose(space);
    }
    cr_assert_geq(H5Fclose(file), 0);
}

Test(results, round_trip_restores_values_shapes_and_dimension_names)
{
    write_good(in_dir("run.h5"));
    struct res_file *f = open_good(in_dir("run.h5"));
    for (size_t v = 0; v < table.nvars; v++) {
        struct res_array a;
        cr_assert_eq(res_read(f, table.vars[v].group, table.vars[v].name, &a), SIM_OK);
        cr_assert_eq(a.rank, table.vars[v].rank + 2);
        cr_assert_eq(a.shape[0], 1, "one variant: the baseline");
        cr_assert_str_eq(a.dim_names[0], "variant");
        cr_assert_eq(a.shape[1], NREPS);
        cr_assert_str_eq(a.dim_names[1], "replication");
        for (int k = 0; k < table.vars[v].rank; k++) {
            const struct sim_out_dim *d = &table.dims[table.vars[v].dims[k]];
            cr_assert_eq(a.shape[k + 2], d->size);
            cr_assert_str_eq(a.dim_names[k + 2], d->name);
        }
        cr_assert_str_eq(a.units, table.vars[v].units);
        cr_assert_str_eq(a.description, table.vars[v].description);
        size_t n = sim_out_var_size(&table, (int)v);
        for (size_t r = 0; r < NREPS; r++)
            for (size_t i = 0; i < n; i++)
                cr_assert_eq(a.data[r * n + i], expected(r, v, i), "%s/%s[%zu,%zu]", table.vars[v].group,
                             table.vars[v].name, r, i);
        res_array_free(&a);
        cr_assert_null(a.data);
    }
    res_close(f);
    cr_assert_eq(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0, "HDF5 identifiers leaked");
}

Test(results, counts_are_int64_on_disk_and_come_back_exact)
{
    write_good(in_dir("run.h5"));
    hid_t file = H5Fopen(in_dir("run.h5"), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(file, "/daily/arrivals", H5P_DEFAULT), ty = H5Dget_type(ds);
    cr_assert_eq(H5Tequal(ty, H5T_STD_I64LE), 1);
    int64_t first[NREPS * 4 * NPORTS];
    cr_assert_geq(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, first), 0);
    cr_assert_eq(first[4 * NPORTS], INT64_C(4503599627370499));
    H5Tclose(ty);
    H5Dclose(ds);
    ds = H5Dopen2(file, "/daily/wait_mean", H5P_DEFAULT), ty = H5Dget_type(ds);
    cr_assert_eq(H5Tequal(ty, H5T_IEEE_F64LE), 1);
    H5Tclose(ty);
    H5Dclose(ds);
    H5Fclose(file);
    struct res_file *f = open_good(in_dir("run.h5"));
    struct res_array a;
    cr_assert_eq(res_read(f, "daily", "arrivals", &a), SIM_OK);
    cr_assert_eq(a.data[4 * NPORTS], BIG_COUNT);
    res_array_free(&a);
    res_close(f);
}

Test(results, categorical_labels_come_back_in_order_and_numeric_dims_have_none)
{
    write_good(in_dir("run.h5"));
    struct res_file *f = open_good(in_dir("run.h5"));
    char **labels = NULL;
    size_t n = 0;
    cr_assert_eq(res_read_labels(f, "port", &labels, &n), SIM_OK);
    cr_assert_eq(n, NPORTS);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(labels[i], port_labels[i]);
    res_labels_free(labels, n);
    cr_assert_eq(res_read_labels(f, "stream", &labels, &n), SIM_OK);
    cr_assert_eq(n, NSTREAMS);
    cr_assert_str_eq(labels[2], "weather");
    res_labels_free(labels, n);
    labels = NULL;
    cr_assert_eq(res_read_labels(f, "day", &labels, &n), SIM_ENOENT);
    cr_assert_eq(res_read_labels(f, "berth", &labels, &n), SIM_ENOENT);
    cr_assert_null(labels);
    res_close(f);
}

Test(results, numeric_dimension_holds_origin_plus_step_with_units)
{
    write_good(in_dir("run.h5"));
    struct res_file *f = open_good(in_dir("run.h5"));
    struct res_array a;
    cr_assert_eq(res_read(f, NULL, "day", &a), SIM_OK);
    cr_assert_eq(a.rank, 1);
    cr_assert_eq(a.shape[0], 4);
    cr_assert_str_eq(a.dim_names[0], "day");
    cr_assert_str_eq(a.units, "day");
    cr_assert_str_eq(a.description, "middle of the daily bin");
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(a.data[i], 0.5 + (double)i);
    res_array_free(&a);
    cr_assert_eq(res_read(f, "", "replication", &a), SIM_OK);
    cr_assert(a.data[0] == 3.0 && a.data[1] == 7.0);
    res_array_free(&a);
    res_close(f);
}

Test(results, list_returns_sorted_dataset_names_and_enoent_for_absent_group)
{
    write_good(in_dir("run.h5"));
    struct res_file *f = open_good(in_dir("run.h5"));
    char **names = NULL;
    size_t n = 0;
    cr_assert_eq(res_list(f, "daily", &names, &n), SIM_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(names[0], "arrivals");
    cr_assert_str_eq(names[1], "wait_mean");
    res_labels_free(names, n);
    cr_assert_eq(res_list(f, NULL, &names, &n), SIM_OK); /* the root holds the dimensions */
    const char *root[] = {"day", "port", "replication", "stream", "variant"};
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(names[i], root[i]);
    res_labels_free(names, n);
    names = NULL;
    cr_assert_eq(res_list(f, "weekly", &names, &n), SIM_ENOENT);
    cr_assert_eq(res_list(f, "port", &names, &n), SIM_ENOENT); /* a dataset, not a group */
    cr_assert_null(names);
    res_close(f);
}

Test(results, string_and_u64_attributes_round_trip)
{
    write_good(in_dir("run.h5"));
    struct res_file *f = open_good(in_dir("run.h5"));
    const char *names[] = {"program_version", "scenario_name", "scenario_path", "scenario_text"};
    const char *want[] = {meta.program_version, meta.scenario_name, meta.scenario_path, meta.scenario_text};
    for (size_t i = 0; i < 4; i++) {
        char *s = NULL;
        cr_assert_eq(res_read_string(f, names[i], &s), SIM_OK);
        cr_assert_str_eq(s, want[i]);
        free(s);
    }
    uint64_t u = 0;
    cr_assert_eq(res_read_u64(f, "master_seed", &u), SIM_OK);
    cr_assert_eq(u, UINT64_C(0xFEDCBA9876543210));
    cr_assert_eq(res_read_u64(f, "replications", &u), SIM_OK);
    cr_assert_eq(u, NREPS);
    cr_assert_eq(res_read_u64(f, "schema_version", &u), SIM_OK);
    cr_assert_eq(u, RES_SCHEMA_VERSION);
    cr_assert_eq(res_read_u64(f, "complete", &u), SIM_OK);
    cr_assert_eq(u, 1);
    char *s = NULL;
    u = 42;
    cr_assert_eq(res_read_string(f, "operator", &s), SIM_ENOENT);
    cr_assert_eq(res_read_string(f, "master_seed", &s), SIM_EFORMAT);
    cr_assert_eq(res_read_u64(f, "operator", &u), SIM_ENOENT);
    cr_assert_eq(res_read_u64(f, "program_version", &u), SIM_EFORMAT);
    cr_assert(s == NULL && u == 42, "out-parameters must be untouched on failure");
    res_close(f);
}

Test(results, provenance_holds_rep_index_and_stream_seeds_over_named_dims)
{
    write_good(in_dir("run.h5"));
    struct res_file *f = open_good(in_dir("run.h5"));
    struct res_array a;
    cr_assert_eq(res_read(f, "provenance", "stream_seed", &a), SIM_OK);
    cr_assert(a.rank == 2 && a.shape[0] == NREPS && a.shape[1] == NSTREAMS);
    cr_assert_str_eq(a.dim_names[0], "replication");
    cr_assert_str_eq(a.dim_names[1], "stream");
    for (size_t i = 0; i < NREPS * NSTREAMS; i++)
        cr_assert_eq(a.data[i], (double)stream_seeds[i]);
    res_array_free(&a);
    cr_assert_eq(res_read(f, "provenance", "rep_index", &a), SIM_OK);
    cr_assert(a.data[0] == 3.0 && a.data[1] == 7.0);
    res_array_free(&a);
    res_close(f);
}

Test(results, read_of_absent_dataset_is_enoent_and_of_strings_is_eformat)
{
    write_good(in_dir("run.h5"));
    struct res_file *f = open_good(in_dir("run.h5"));
    struct res_array a = {0};
    cr_assert_eq(res_read(f, "daily", "departures", &a), SIM_ENOENT);
    cr_assert_eq(res_read(f, "weekly", "arrivals", &a), SIM_ENOENT);
    cr_assert_eq(res_read(f, NULL, "daily", &a), SIM_ENOENT); /* a group, not a dataset */
    cr_assert_eq(res_read(f, NULL, "port", &a), SIM_EFORMAT);
    cr_assert_eq(res_read(f, "provenance", "scenario_text", &a), SIM_EFORMAT);
    cr_assert_eq(res_read(NULL, "daily", "arrivals", &a), SIM_EINVAL);
    cr_assert_null(a.data);
    res_array_free(&a);
    res_close(f);
    res_close(NULL);
    res_labels_free(NULL, 0);
}

Test(results, write_into_missing_directory_is_ecreate_and_leaves_nothing)
{
    char err[256];
    const char *path = in_dir("missing/run.h5");
    cr_assert_eq(res_write_run(path, &meta, &table, values, err, sizeof err), SIM_ECREATE);
    char want[300];
    snprintf(want, sizeof want, "%s: cannot create: %s", path, strerror(ENOENT));
    cr_assert_str_eq(err, want);
    cr_assert_eq(count_entries(dir), 0);
}

Test(results, write_into_read_only_directory_is_ecreate_and_leaves_nothing)
{
    cr_assert_eq(chmod(dir, 0555), 0);
    if (!chmod_is_effective(dir)) {
        teardown(); /* a skipped test does not run the suite's fini */
        cr_skip_test("running as root: a read-only directory is still writable");
    }
    char err[256];
    cr_assert_eq(res_write_run(in_dir("run.h5"), &meta, &table, values, err, sizeof err), SIM_ECREATE);
    cr_assert(strstr(err, ": cannot create: ") != NULL, "%s", err);
    cr_assert_eq(count_entries(dir), 0);
}

Test(results, inconsistent_arguments_are_einval_and_leave_nothing)
{
    char err[256];
    const char *path = in_dir("run.h5");
    values[0] = 2.5; /* daily/arrivals is a count */
    cr_assert_eq(res_write_run(path, &meta, &table, values, err, sizeof err), SIM_EINVAL);
    cr_assert(strstr(err, "daily/arrivals") != NULL, "%s", err);
    values[0] = 0.0;
    cr_assert_eq(res_write_run(path, NULL, &table, values, err, sizeof err), SIM_EINVAL);
    struct res_meta no_reps = meta;
    no_reps.nreps = 0;
    cr_assert_eq(res_write_run(path, &no_reps, &table, values, err, sizeof err), SIM_EINVAL);
    table.rep_values++; /* as if sim_out_finalize had not been called after the last add */
    cr_assert_eq(res_write_run(path, &meta, &table, values, err, sizeof err), SIM_EINVAL);
    cr_assert_eq(count_entries(dir), 0);
}

Test(results, failed_rename_is_eio_and_removes_the_temporary_file)
{
    const char *path = in_dir("run.h5");
    cr_assert_eq(mkdir(path, 0700), 0); /* a non-empty directory cannot be renamed over */
    cr_assert_eq(mkdir(in_dir("run.h5/keep"), 0700), 0);
    char err[256];
    cr_assert_eq(res_write_run(path, &meta, &table, values, err, sizeof err), SIM_EIO);
    cr_assert(strstr(err, ": write failed: ") != NULL, "%s", err);
    cr_assert_eq(count_entries(dir), 1);
}

Test(results, full_disk_is_eio_and_leaves_nothing)
{
    build_table(2000);        /* 2 x 2000 x 3 values per daily variable: chunked, written in pieces */
    signal(SIGXFSZ, SIG_IGN); /* write(2) past the limit then fails with EFBIG, like ENOSPC */
    struct rlimit old, lim;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 16384;
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    char err[256];
    sim_status st = res_write_run(in_dir("run.h5"), &meta, &table, values, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    cr_assert_eq(st, SIM_EIO, "%s", err);
    cr_assert(strstr(err, ": write failed: ") != NULL, "%s", err);
    cr_assert_eq(count_entries(dir), 0);
}

Test(results, writing_over_an_existing_file_replaces_it)
{
    const char *path = in_dir("run.h5");
    write_good(path);
    meta.scenario_name = "second";
    write_good(path);
    struct res_file *f = open_good(path);
    char *s = NULL;
    cr_assert_eq(res_read_string(f, "scenario_name", &s), SIM_OK);
    cr_assert_str_eq(s, "second");
    free(s);
    res_close(f);
    cr_assert_eq(count_entries(dir), 1);
}

Test(results, open_of_missing_file_or_directory_is_enoent)
{
    char err[256];
    struct res_file *f = NULL;
    const char *path = in_dir("absent.h5");
    cr_assert_eq(res_open(path, &f, err, sizeof err), SIM_ENOENT);
    cr_assert(strncmp(err, path, strlen(path)) == 0, "%s", err);
    cr_assert_eq(res_open(dir, &f, err, sizeof err), SIM_ENOENT);
    cr_assert_null(f);
}

Test(results, open_of_unreadable_file_is_enoent)
{
    write_good(in_dir("run.h5"));
    cr_assert_eq(chmod(in_dir("run.h5"), 0), 0);
    if (access(in_dir("run.h5"), R_OK) == 0) {
        teardown(); /* a skipped test does not run the suite's fini */
        cr_skip_test("running as root: an unreadable file is still readable");
    }
    struct res_file *f = NULL;
    char err[256];
    cr_assert_eq(res_open(in_dir("run.h5"), &f, err, sizeof err), SIM_ENOENT);
}

Test(results, open_of_non_hdf5_file_is_eformat)
{
    FILE *fp = fopen(in_dir("notes.h5"), "w");
    fputs("dispsim: 1\nthis is YAML, not HDF5\n", fp);
    fclose(fp);
    struct res_file *f = NULL;
    char err[256];
    cr_assert_eq(res_open(in_dir("notes.h5"), &f, err, sizeof err), SIM_EFORMAT);
    cr_assert(strstr(err, in_dir("notes.h5")) == err, "%s", err);
    cr_assert_null(f);
}

Test(results, open_of_truncated_file_is_eformat)
{
    write_good(in_dir("run.h5"));
    long size = file_size(in_dir("run.h5"));
    long cuts[] = {0, 7, 100, size / 2, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        copy_prefix(in_dir("run.h5"), in_dir("cut.h5"), cuts[i], -1);
        struct res_file *f = NULL;
        char err[256];
        cr_assert_eq(res_open(in_dir("cut.h5"), &f, err, sizeof err), SIM_EFORMAT, "cut at %ld", cuts[i]);
    }
}

Test(results, open_of_plain_hdf5_file_is_eformat)
{
    hid_t file = H5Fcreate(in_dir("plain.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(file, 0);
    H5Fclose(file);
    struct res_file *f = NULL;
    char err[256];
    cr_assert_eq(res_open(in_dir("plain.h5"), &f, err, sizeof err), SIM_EFORMAT);
    cr_assert(strstr(err, "not a dispsim results file") != NULL, "%s", err);
}

Test(results, open_of_file_without_complete_marker_is_eformat)
{
    write_good(in_dir("run.h5"));
    forge_int_attr(in_dir("run.h5"), "complete", 0, 1);
    struct res_file *f = NULL;
    char err[256];
    cr_assert_eq(res_open(in_dir("run.h5"), &f, err, sizeof err), SIM_EFORMAT);
    cr_assert(strstr(err, "incomplete") != NULL, "%s", err);
    forge_int_attr(in_dir("run.h5"), "complete", 0, 0);
    cr_assert_eq(res_open(in_dir("run.h5"), &f, err, sizeof err), SIM_EFORMAT);
}

Test(results, open_of_newer_schema_is_eversion)
{
    write_good(in_dir("run.h5"));
    forge_int_attr(in_dir("run.h5"), "dispsim_schema_version", RES_SCHEMA_VERSION + 1, 0);
    struct res_file *f = NULL;
    char err[256];
    cr_assert_eq(res_open(in_dir("run.h5"), &f, err, sizeof err), SIM_EVERSION);
    cr_assert(strstr(err, in_dir("run.h5")) == err, "%s", err);
    cr_assert_null(f);
}

Test(results, labels_of_a_non_vector_string_dataset_are_eformat)
{
    write_good(in_dir("run.h5"));
    hid_t file = H5Fopen(in_dir("run.h5"), H5F_ACC_RDWR, H5P_DEFAULT);
    hsize_t dims[2] = {2, 2};
    hid_t space = H5Screate_simple(2, dims, NULL), ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, 8);
    hid_t ds = H5Dcreate2(file, "berth", ty, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const char text[4][8] = {"quai 1", "quai 2", "quai 3", "quai 4"};
    cr_assert_geq(H5Dwrite(ds, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, text), 0);
    H5Dclose(ds);
    H5Tclose(ty);
    H5Sclose(space);
    H5Fclose(file);
    struct res_file *f = open_good(in_dir("run.h5"));
    char **labels = NULL;
    size_t n = 0;
    cr_assert_eq(res_read_labels(f, "berth", &labels, &n), SIM_EFORMAT);
    cr_assert_null(labels);
    res_close(f);
}

Test(results, null_arguments_are_einval)
{
    write_good(in_dir("run.h5"));
    struct res_file *f = open_good(in_dir("run.h5"));
    char err[256], **names = NULL, *s = NULL;
    size_t n = 0;
    uint64_t u = 0;
    struct res_array a;
    struct res_file *g = NULL;
    cr_assert_eq(res_open(NULL, &g, err, sizeof err), SIM_EINVAL);
    cr_assert_eq(res_read(f, "daily", NULL, &a), SIM_EINVAL);
    cr_assert_eq(res_read_labels(f, "port", NULL, &n), SIM_EINVAL);
    cr_assert_eq(res_list(NULL, "daily", &names, &n), SIM_EINVAL);
    cr_assert_eq(res_read_string(f, NULL, &s), SIM_EINVAL);
    cr_assert_eq(res_read_u64(f, "master_seed", NULL), SIM_EINVAL);
    cr_assert_eq(res_write_run(NULL, &meta, &table, values, err, sizeof err), SIM_EINVAL);
    cr_assert_eq(res_write_run(in_dir("x.h5"), &meta, &table, NULL, NULL, 0), SIM_EINVAL);
    cr_assert(g == NULL && names == NULL && s == NULL && u == 0);
    res_close(f);
}

Test(results, every_flipped_byte_is_eformat_not_a_crash)
{
    write_good(in_dir("run.h5"));
    long size = file_size(in_dir("run.h5"));
    for (long at = 0; at < size; at += 3) {
        copy_prefix(in_dir("run.h5"), in_dir("bad.h5"), size, at);
        struct res_file *f = NULL;
        char err[256];
        cr_assert_eq(res_open(in_dir("bad.h5"), &f, err, sizeof err), SIM_EFORMAT, "byte %ld", at);
        cr_assert_null(f);
    }
}

Test(results, file_rewritten_by_another_hdf5_tool_still_opens)
{
    write_good(in_dir("run.h5"));
    forge_int_attr(in_dir("run.h5"), "complete", 1, 0); /* HDF5 overwrites the trailer */
    struct res_file *f = open_good(in_dir("run.h5"));
    res_close(f);
}

Test(results, trailer_checksum_is_zlib_crc32)
{
    cr_assert_eq(res__crc32(0, "123456789", 9), UINT32_C(0xCBF43926));
    cr_assert_eq(res__crc32(res__crc32(0, "1234", 4), "56789", 5), UINT32_C(0xCBF43926));
}

Test(results, identical_data_gives_byte_identical_datasets_and_files)
{
    write_good(in_dir("a.h5"));
    sleep(1); /* any timestamp would now differ */
    write_good(in_dir("b.h5"));
    struct res_file *fa = open_good(in_dir("a.h5")), *fb = open_good(in_dir("b.h5"));
    const char *groups[] = {"daily", "totals", "provenance", ""};
    for (size_t g = 0; g < 4; g++) {
        char **names;
        size_t n;
        cr_assert_eq(res_list(fa, groups[g], &names, &n), SIM_OK);
        for (size_t i = 0; i < n; i++) {
            struct res_array a, b;
            if (res_read(fa, groups[g], names[i], &a) != SIM_OK)
                continue; /* string datasets */
            cr_assert_eq(res_read(fb, groups[g], names[i], &b), SIM_OK);
            size_t count = 1;
            for (int k = 0; k < a.rank; k++)
                count *= a.shape[k];
            cr_assert_eq(memcmp(a.data, b.data, count * sizeof(double)), 0, "%s", names[i]);
            res_array_free(&a);
            res_array_free(&b);
        }
        res_labels_free(names, n);
    }
    res_close(fa);
    res_close(fb);
    long size = file_size(in_dir("a.h5"));
    cr_assert_eq(file_size(in_dir("b.h5")), size);
    FILE *pa = fopen(in_dir("a.h5"), "rb"), *pb = fopen(in_dir("b.h5"), "rb");
    for (long i = 0; i < size; i++)
        cr_assert_eq(fgetc(pa), fgetc(pb), "files differ at byte %ld", i);
    fclose(pa);
    fclose(pb);
}

/* Returns the layout of dataset `name` and whether its pipeline holds shuffle then deflate. */
static H5D_layout_t layout_of(const char *path, const char *name, int *compressed)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT), dcpl = H5Dget_create_plist(ds);
    H5D_layout_t layout = H5Pget_layout(dcpl);
    unsigned flags, cd[4];
    size_t n0 = 4, n1 = 4;
    *compressed = H5Pget_nfilters(dcpl) == 2 &&
                  H5Pget_filter2(dcpl, 0, &flags, &n0, cd, 0, NULL, NULL) == H5Z_FILTER_SHUFFLE &&
                  H5Pget_filter2(dcpl, 1, &flags, &n1, cd, 0, NULL, NULL) == H5Z_FILTER_DEFLATE && n1 == 1 &&
                  cd[0] == 4;
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Fclose(file);
    return layout;
}

Test(results, large_datasets_are_chunked_and_compressed_small_ones_contiguous)
{
    build_table(1000); /* daily vars: 2 x 1000 x 3 = 6000 > 4096 elements */
    write_good(in_dir("run.h5"));
    int compressed;
    cr_assert_eq(layout_of(in_dir("run.h5"), "/daily/wait_mean", &compressed), H5D_CHUNKED);
    cr_assert(compressed);
    cr_assert_eq(layout_of(in_dir("run.h5"), "/totals/arrivals", &compressed), H5D_CONTIGUOUS);
    cr_assert(!compressed);
    struct res_file *f = open_good(in_dir("run.h5"));
    struct res_array a;
    cr_assert_eq(res_read(f, "daily", "wait_mean", &a), SIM_OK);
    cr_assert_eq(a.data[NREPS * 1000 * NPORTS - 1], expected(1, 1, 1000 * NPORTS - 1));
    res_array_free(&a);
    res_close(f);
}

Test(results, errors_print_nothing_on_stderr, .init = cr_redirect_stderr)
{
    char err[256];
    struct res_file *f = NULL;
    res_write_run(in_dir("missing/run.h5"), &meta, &table, values, err, sizeof err);
    FILE *fp = fopen(in_dir("junk.h5"), "w");
    fputs("junk", fp);
    fclose(fp);
    cr_assert_eq(res_open(in_dir("junk.h5"), &f, err, sizeof err), SIM_EFORMAT);
    write_good(in_dir("run.h5"));
    f = open_good(in_dir("run.h5"));
    struct res_array a;
    cr_assert_eq(res_read(f, "daily", "nothing", &a), SIM_ENOENT);
    res_close(f);
    fflush(stderr);
    cr_assert_stderr_eq_str("");
}

Test(results, variants_lead_every_dataset_and_extra_datasets_have_their_dimensions)
{
    /* Two variants: the second's values are the first's plus 1000. */
    double *two = malloc(2 * NREPS * table.rep_values * sizeof *two);
    cr_assert_not_null(two);
    for (size_t i = 0; i < NREPS * table.rep_values; i++) {
        two[i] = values[i];
        two[NREPS * table.rep_values + i] = values[i] + 1000.0;
    }
    static const char *const names[] = {"baseline", "more"};
    static const char *const stats[] = {"mean", "ci_low", "ci_high"};
    const double change[2 * 3] = {0, 0, 0, 1000, 999, 1001};
    const struct res_extra_dim xdim = {.name = "stat", .size = 3, .labels = stats, .description = "s"};
    const struct res_extra_var xvar = {.name = "change",
                                       .units = "people",
                                       .description = "d",
                                       .rank = 2,
                                       .dims = {"variant", "stat"},
                                       .data = change};
    const struct res_extra extra = {.group = "study", .ndims = 1, .dims = &xdim, .nvars = 1, .vars = &xvar};
    struct res_meta m = meta;
    m.nvariants = 2;
    m.variant_names = names;
    m.extra = &extra;
    char err[256];
    cr_assert_eq(res_write_run(in_dir("study.h5"), &m, &table, two, err, sizeof err), SIM_OK, "%s", err);
    struct res_file *f = open_good(in_dir("study.h5"));
    char **labels = NULL;
    size_t n = 0;
    cr_assert_eq(res_read_labels(f, "variant", &labels, &n), SIM_OK);
    cr_assert(n == 2 && strcmp(labels[0], "baseline") == 0 && strcmp(labels[1], "more") == 0);
    res_labels_free(labels, n);
    struct res_array a;
    int v = sim_out_find(&table, "daily", "arrivals");
    cr_assert_eq(res_read(f, "daily", "arrivals", &a), SIM_OK);
    cr_assert_eq(a.shape[0], 2);
    size_t per = sim_out_var_size(&table, v);
    for (size_t r = 0; r < NREPS; r++)
        for (size_t i = 0; i < per; i++) {
            cr_assert_eq(a.data[r * per + i], expected(r, (size_t)v, i));
            cr_assert_eq(a.data[(NREPS + r) * per + i], expected(r, (size_t)v, i) + 1000.0);
        }
    res_array_free(&a);
    cr_assert_eq(res_read(f, "study", "change", &a), SIM_OK);
    cr_assert(a.rank == 2 && a.shape[0] == 2 && a.shape[1] == 3);
    cr_assert_str_eq(a.dim_names[0], "variant");
    cr_assert_str_eq(a.dim_names[1], "stat");
    cr_assert_eq(a.data[4], 999.0);
    res_array_free(&a);
    uint64_t nv = 0;
    cr_assert_eq(res_read_u64(f, "variants", &nv), SIM_OK);
    cr_assert_eq(nv, 2);
    res_close(f);
    /* An extra dataset over an unknown dimension is refused, and nothing is left behind. */
    const struct res_extra_var bad = {.name = "x", .rank = 1, .dims = {"nowhere"}, .data = change};
    const struct res_extra bad_extra = {
        .group = "study", .ndims = 1, .dims = &xdim, .nvars = 1, .vars = &bad};
    m.extra = &bad_extra;
    cr_assert_eq(res_write_run(in_dir("bad.h5"), &m, &table, two, err, sizeof err), SIM_EINVAL);
    cr_assert(strstr(err, "unknown dimension") != NULL, "%s", err);
    cr_assert_neq(access(in_dir("bad.h5"), F_OK), 0);
    free(two);
}

Test(results, a_posterior_file_reads_back_and_is_byte_identical_when_rewritten, .init = setup,
     .fini = teardown)
{
    char *names[] = {"inflow", "b"}, *paths[] = {"population.inflow.level_per_day", "choice.b_success"};
    char *priors[] = {"uniform(100, 260)", "loguniform(0.3, 3)"}, *tg[] = {"boats", "boats", "ppb"};
    char *per[] = {"2023-Q1", "2023-Q2", "2023"};
    double lo[] = {100, 0.3}, hi[] = {260, 3}, part[] = {150, 1, 170, 1.2, 200, 0.8}, w[] = {0.2, 0.5, 0.3};
    double tol[] = {0.9, 0.5}, acc[] = {0.5, 0.3}, ess[] = {3, 2.5}, obs[] = {5, 6, 40}, m[] = {5.1, 6.2, 41};
    uint64_t seeds[] = {1, 2, 3, 4, 5, 6};
    struct res_posterior p = {.d = 2,
                              .n = 3,
                              .ngen = 2,
                              .npoints = 3,
                              .names = names,
                              .paths = paths,
                              .priors = priors,
                              .prior_lo = lo,
                              .prior_hi = hi,
                              .particles = part,
                              .weights = w,
                              .tolerance = tol,
                              .acceptance = acc,
                              .ess = ess,
                              .point_target = tg,
                              .point_period = per,
                              .observed = obs,
                              .pred_mean = m,
                              .pred_q05 = obs,
                              .pred_q50 = m,
                              .pred_q95 = m,
                              .run_seeds = seeds,
                              .reps = 2,
                              .master_seed = UINT64_C(0xFEDCBA9876543210),
                              .calibration_path = "c.yaml",
                              .calibration_text = "scenario: x.yaml\n",
                              .scenario_text = "dispsim: 1\n",
                              .program_version = "0.1.0"};
    char a[512], b[512], err[512];
    snprintf(a, sizeof a, "%s/a.h5", dir);
    snprintf(b, sizeof b, "%s/b.h5", dir);
    cr_assert_eq(res_posterior_write(a, &p, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(res_posterior_write(b, &p, err, sizeof err), SIM_OK, "%s", err);
    cr_assert(res_posterior_is(a));
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", a, b);
    cr_assert_eq(system(cmd), 0, "the same posterior gives the same bytes");
    struct res_posterior q;
    cr_assert_eq(res_posterior_read(a, &q, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(q.d, 2);
    cr_assert_eq(q.n, 3);
    cr_assert_eq(q.ngen, 2);
    cr_assert_eq(q.npoints, 3);
    cr_assert_eq(q.reps, 2);
    cr_assert_eq(q.master_seed, p.master_seed);
    cr_assert_str_eq(q.paths[1], "choice.b_success");
    cr_assert_str_eq(q.point_period[2], "2023");
    cr_assert_str_eq(q.calibration_text, p.calibration_text);
    cr_assert_eq(memcmp(q.particles, part, sizeof part), 0);
    cr_assert_eq(memcmp(q.run_seeds, seeds, sizeof seeds), 0);
    cr_assert_eq(q.ess[1], 2.5);
    res_posterior_free(&q);
    cr_assert_not(res_posterior_is(dir));
    snprintf(b, sizeof b, "%s/none.h5", dir);
    cr_assert_eq(res_posterior_read(b, &q, err, sizeof err), SIM_ENOENT);
}
