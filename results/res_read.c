/* res_read.c: reads results files written by res_write.c (layout in results/README.md).
 *
 * Files come from disk and may be truncated, corrupted or simply something else. HDF5's parser
 * does not survive every damaged file (a flipped byte in the global heap can crash or hang it),
 * so res_open first checks the CRC-32 trailer that res_write_run appends (res_trailer.h), then
 * lets a child process read the whole file (res_probe.c: a CRC is no defence against a file made
 * wrong on purpose), and only then lets HDF5 parse the file in this process. Every HDF5 call is checked and
 * every size taken from the file is validated before it is used: a bad file yields a status, never a crash.
 */
#define _POSIX_C_SOURCE 200809L /* fsync, getpid, stat, access */
#include "res.h"
#include "res_priv.h"
#include "res_trailer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

/* Formats "PATH: <what>" into err (which may be NULL) and returns `st`. */
static sim_status open_fail(char *err, size_t errlen, sim_status st, const char *path, const char *what,
                            const char *detail)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: %s%s%s", path, what, detail != NULL ? ": " : "",
                 detail != NULL ? detail : "");
    return st;
}

/* Checks the checksum trailer of the open file `fp` of `size` bytes. Sets *sealed when the file
 * has one (and it matched). SIM_EFORMAT when the trailer is present but the file does not match
 * it, SIM_EIO when reading fails. */
static sim_status check_trailer(FILE *fp, uint64_t size, int *sealed, const char **why)
{
    unsigned char tr[RES__TRAILER_SIZE], buf[65536];
    *sealed = 0;
    if (size < RES__TRAILER_SIZE)
        return SIM_OK;
    if (fseek(fp, (long)(size - RES__TRAILER_SIZE), SEEK_SET) != 0 ||
        fread(tr, 1, sizeof tr, fp) != sizeof tr) {
        *why = "read failed";
        return SIM_EIO;
    }
    if (memcmp(tr, RES__TRAILER_MAGIC, 8) != 0)
        return SIM_OK;
    uint64_t len = 0;
    uint32_t want = 0, crc = 0;
    for (int i = 7; i >= 0; i--)
        len = len << 8 | tr[8 + i];
    for (int i = 3; i >= 0; i--)
        want = want << 8 | tr[16 + i];
    *why = "checksum mismatch (the file is corrupted or was modified)";
    if (len != size - RES__TRAILER_SIZE || tr[20] != 0 || tr[21] != 0 || tr[22] != 0 || tr[23] != 0)
        return SIM_EFORMAT;
    rewind(fp);
    for (uint64_t left = len; left > 0;) {
        size_t k = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, k, fp) != k) {
            *why = "read failed";
            return SIM_EIO;
        }
        crc = res__crc32(crc, buf, k);
        left -= k;
    }
    if (crc != want)
        return SIM_EFORMAT;
    *sealed = 1;
    return SIM_OK;
}

/* Verifies the checksum trailer of `path` if it has one. */
static sim_status verify_file(const char *path, uint64_t size, int *sealed, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return open_fail(err, errlen, SIM_ENOENT, path, "cannot open", strerror(errno));
    const char *why = NULL;
    sim_status st = check_trailer(fp, size, sealed, &why);
    fclose(fp);
    if (st != SIM_OK)
        return open_fail(err, errlen, st, path, st == SIM_EIO ? "cannot read" : "not a valid results file",
                         why);
    return SIM_OK;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* Number of elements selected by a dataspace, or -1 for an invalid (corrupted) one. */
static hssize_t npoints(hid_t space)
{
    return space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
}

static herr_t read_raw(hid_t obj, int is_attr, hid_t mtype, void *buf)
{
    return is_attr ? H5Aread(obj, mtype, buf) : H5Dread(obj, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

/* Reads n variable-length strings into s[] as malloc'd copies (HDF5's own are released). */
static sim_status copy_vl(hid_t obj, int is_attr, hid_t mtype, size_t n, char **s)
{
    if (H5Tset_size(mtype, H5T_VARIABLE) < 0 || read_raw(obj, is_attr, mtype, s) < 0)
        return SIM_EFORMAT;
    sim_status st = SIM_OK;
    for (size_t i = 0; i < n; i++) {
        char *c = dup_str(s[i] != NULL ? s[i] : "");
        if (c == NULL)
            st = SIM_ENOMEM;
        H5free_memory(s[i]);
        s[i] = c;
    }
    return st;
}

/* Reads n fixed-length strings of file type `ftype` into s[] as malloc'd copies. */
static sim_status copy_fixed(hid_t obj, int is_attr, hid_t ftype, hid_t mtype, size_t n, char **s)
{
    size_t size = H5Tget_size(ftype) + 1; /* room for a terminating NUL */
    if (size < 2 || n > SIZE_MAX / size || H5Tset_size(mtype, size) < 0 ||
        H5Tset_strpad(mtype, H5T_STR_NULLTERM) < 0)
        return SIM_EFORMAT;
    char *fixed = calloc(n > 0 ? n : 1, size);
    if (fixed == NULL)
        return SIM_ENOMEM;
    sim_status st = read_raw(obj, is_attr, mtype, fixed) < 0 ? SIM_EFORMAT : SIM_OK;
    for (size_t i = 0; st == SIM_OK && i < n; i++) {
        fixed[i * size + size - 1] = '\0';
        if ((s[i] = dup_str(fixed + i * size)) == NULL)
            st = SIM_ENOMEM;
    }
    free(fixed);
    return st;
}

/* Reads the `n` strings held by `obj` (an attribute if `is_attr`, else a dataset) into a malloc'd
 * array of malloc'd copies. Handles variable-length strings (what res_write writes) and
 * fixed-length ones (what other tools may write). SIM_EFORMAT if `obj` does not hold strings. */
static sim_status read_strings(hid_t obj, int is_attr, size_t n, char ***out)
{
    sim_status st = SIM_EFORMAT;
    hid_t ftype = is_attr ? H5Aget_type(obj) : H5Dget_type(obj), mtype = -1;
    char **s = calloc(n > 0 ? n : 1, sizeof *s);
    if (s == NULL) {
        st = SIM_ENOMEM;
        goto cleanup;
    }
    if (ftype < 0 || H5Tget_class(ftype) != H5T_STRING || (mtype = H5Tcopy(H5T_C_S1)) < 0)
        goto cleanup;
    /* HDF5 does not convert between character sets: read in the file's own (ASCII or UTF-8). */
    H5T_cset_t cset = H5Tget_cset(ftype);
    htri_t vl = H5Tis_variable_str(ftype);
    if (vl < 0 || cset < 0 || H5Tset_cset(mtype, cset) < 0)
        goto cleanup;
    st = vl ? copy_vl(obj, is_attr, mtype, n, s) : copy_fixed(obj, is_attr, ftype, mtype, n, s);
cleanup:
    if (mtype >= 0)
        H5Tclose(mtype);
    if (ftype >= 0)
        H5Tclose(ftype);
    if (st == SIM_OK)
        *out = s;
    else
        res_labels_free(s, s != NULL ? n : 0); /* entries are copies or NULL */
    return st;
}

/* Reads scalar string attribute `name` of `obj`. SIM_ENOENT if absent, SIM_EFORMAT if it is not
 * a single string. */
static sim_status read_str_attr(hid_t obj, const char *name, char **out)
{
    htri_t have = H5Aexists(obj, name);
    if (have == 0)
        return SIM_ENOENT;
    hid_t attr = have > 0 ? H5Aopen(obj, name, H5P_DEFAULT) : -1;
    if (attr < 0)
        return SIM_EFORMAT;
    hid_t space = H5Aget_space(attr);
    char **s = NULL;
    sim_status st = npoints(space) == 1 ? read_strings(attr, 1, 1, &s) : SIM_EFORMAT;
    if (space >= 0)
        H5Sclose(space);
    H5Aclose(attr);
    if (st == SIM_OK) {
        *out = s[0];
        free(s);
    }
    return st;
}

/* Reads scalar integer attribute `name` of `obj`. Sets *negative for a negative value (and *out
 * to 0). SIM_ENOENT if absent, SIM_EFORMAT if not a single integer. */
static sim_status read_int_attr(hid_t obj, const char *name, uint64_t *out, int *negative)
{
    htri_t have = H5Aexists(obj, name);
    if (have == 0)
        return SIM_ENOENT;
    hid_t attr = have > 0 ? H5Aopen(obj, name, H5P_DEFAULT) : -1;
    if (attr < 0)
        return SIM_EFORMAT;
    sim_status st = SIM_EFORMAT;
    hid_t type = H5Aget_type(attr), space = H5Aget_space(attr);
    if (type < 0 || H5Tget_class(type) != H5T_INTEGER || npoints(space) != 1)
        goto cleanup;
    if (H5Tget_sign(type) == H5T_SGN_2) {
        int64_t v;
        if (H5Aread(attr, H5T_NATIVE_INT64, &v) < 0)
            goto cleanup;
        *negative = v < 0;
        *out = v < 0 ? 0 : (uint64_t)v;
    } else {
        uint64_t v;
        if (H5Aread(attr, H5T_NATIVE_UINT64, &v) < 0)
            goto cleanup;
        *negative = 0;
        *out = v;
    }
    st = SIM_OK;
cleanup:
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    H5Aclose(attr);
    return st;
}

/* Checks the root attributes that make an HDF5 file a complete dispsim results file. */
static sim_status check_root(hid_t file, const char *path, char *err, size_t errlen)
{
    uint64_t version = 0, complete = 0;
    int neg = 0;
    sim_status st = read_int_attr(file, "dispsim_schema_version", &version, &neg);
    if (st != SIM_OK || neg || version == 0)
        return open_fail(err, errlen, SIM_EFORMAT, path, "not a dispsim results file",
                         "no valid dispsim_schema_version attribute");
    if (version > RES_SCHEMA_VERSION) {
        char why[96];
        snprintf(why, sizeof why, "schema version %llu is newer than this build's %d",
                 (unsigned long long)version, RES_SCHEMA_VERSION);
        return open_fail(err, errlen, SIM_EVERSION, path, "incompatible file", why);
    }
    st = read_int_attr(file, "complete", &complete, &neg);
    if (st != SIM_OK || neg || complete != 1)
        return open_fail(err, errlen, SIM_EFORMAT, path, "incomplete results file",
                         "the complete marker is missing");
    return SIM_OK;
}

sim_status res_open(const char *path, struct res_file **out, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (path == NULL || out == NULL)
        return open_fail(err, errlen, SIM_EINVAL, "(null)", "invalid argument", NULL);
    struct stat sb;
    if (stat(path, &sb) < 0 || access(path, R_OK) < 0)
        return open_fail(err, errlen, SIM_ENOENT, path, "cannot open", strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return open_fail(err, errlen, SIM_ENOENT, path, "cannot open",
                         S_ISDIR(sb.st_mode) ? strerror(EISDIR) : "not a regular file");

    int sealed = 0;
    sim_status st = verify_file(path, (uint64_t)sb.st_size, &sealed, err, errlen);
    if (st == SIM_OK)
        st = res__probe(path, sealed, (uint64_t)sb.st_size, err, errlen);
    if (st == SIM_OK)
        st = res__open_hdf5(path, sealed, (uint64_t)sb.st_size, out, err, errlen);
    return st;
}

sim_status res__open_hdf5(const char *path, int sealed, uint64_t size, struct res_file **out, char *err,
                          size_t errlen)
{
    sim_status st = SIM_OK;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), file = -1;
    if (fapl < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        st = open_fail(err, errlen, SIM_ENOMEM, path, "cannot open", "HDF5 initialisation failed");
        goto cleanup;
    }
    file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    if (file < 0) {
        st = open_fail(err, errlen, SIM_EFORMAT, path, "not a readable HDF5 file",
                       "not HDF5, truncated or corrupted");
        goto cleanup;
    }
    /* Without a trailer (another HDF5 tool rewrote the file, overwriting it) the file must end
     * exactly where HDF5's data ends: anything else is a damaged or partial trailer. */
    haddr_t eoa = 0;
    if (!sealed && (H5Fget_eoa(file, &eoa) < 0 || eoa != (haddr_t)size)) {
        st = open_fail(err, errlen, SIM_EFORMAT, path, "not a valid results file",
                       "trailing bytes after the HDF5 data (damaged checksum trailer)");
        goto cleanup;
    }
    st = check_root(file, path, err, errlen);
    if (st != SIM_OK)
        goto cleanup;
    struct res_file *f = malloc(sizeof *f);
    if (f == NULL) {
        st = open_fail(err, errlen, SIM_ENOMEM, path, "cannot open", strerror(ENOMEM));
        goto cleanup;
    }
    f->file = file;
    file = -1;
    *out = f;
cleanup:
    if (file >= 0)
        H5Fclose(file);
    if (fapl >= 0)
        H5Pclose(fapl);
    return st;
}

void res_close(struct res_file *f)
{
    if (f == NULL)
        return;
    H5Fclose(f->file);
    free(f);
}

/* Opens the object at "/group/name" (group NULL or "" for the root) if it exists and has HDF5
 * type `want` (H5I_DATASET or H5I_GROUP). SIM_ENOENT otherwise. */
static sim_status open_object(hid_t file, const char *group, const char *name, H5I_type_t want, hid_t *obj)
{
    int root = group == NULL || group[0] == '\0';
    size_t n = (root ? 0 : strlen(group)) + (name != NULL ? strlen(name) : 0) + 3;
    char *p = malloc(n);
    if (p == NULL)
        return SIM_ENOMEM;
    snprintf(p, n, "/%s%s%s", root ? "" : group, root || name == NULL ? "" : "/", name != NULL ? name : "");
    sim_status st = SIM_ENOENT;
    hid_t o = H5LTpath_valid(file, p, 1) > 0 ? H5Oopen(file, p, H5P_DEFAULT) : -1;
    if (o >= 0 && H5Iget_type(o) == want) {
        *obj = o;
        st = SIM_OK;
    } else if (o >= 0) {
        H5Oclose(o);
    }
    free(p);
    return st;
}

/* H5DSiterate_scales visitor: copies the name of the first scale attached to an axis. */
static herr_t scale_name_cb(hid_t did, unsigned dim, hid_t dsid, void *data)
{
    (void)did;
    (void)dim;
    char **name = data;
    char buf[256];
    ssize_t n = H5DSget_scale_name(dsid, buf, sizeof buf);
    if (n <= 0)
        n = H5Iget_name(dsid, buf, sizeof buf);
    if (n <= 0)
        return 1;
    buf[sizeof buf - 1] = '\0';
    const char *slash = strrchr(buf, '/');
    *name = dup_str(slash != NULL ? slash + 1 : buf);
    return 1;
}

/* Names axis k of dataset `ds`: the attached dimension scale's name; a scale's own axis is named
 * after the scale itself; "" when the axis has no scale. NULL only when out of memory. */
static char *axis_name(hid_t ds, int k)
{
    char *name = NULL;
    int idx = 0;
    if (H5DSget_num_scales(ds, (unsigned)k) > 0)
        H5DSiterate_scales(ds, (unsigned)k, &idx, scale_name_cb, &name);
    else if (k == 0 && H5DSis_scale(ds) > 0)
        scale_name_cb(ds, 0, ds, &name);
    return name != NULL ? name : dup_str("");
}

/* Fills shape and data of `a` from dataset `ds`, converting to double. */
static sim_status read_values(hid_t ds, struct res_array *a)
{
    sim_status st = SIM_EFORMAT;
    hid_t type = H5Dget_type(ds), space = H5Dget_space(ds);
    H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[SIM_OUT_MAXRANK + 2];
    if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || rank < 0 || rank > SIM_OUT_MAXRANK + 2 ||
        H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        goto cleanup;
    size_t n = 1;
    for (int k = 0; k < rank; k++) {
        if (dims[k] > SIZE_MAX / sizeof(double) || (dims[k] > 0 && n > SIZE_MAX / sizeof(double) / dims[k]))
            goto cleanup; /* a corrupted extent: refuse rather than overflow */
        a->shape[k] = (size_t)dims[k];
        n *= (size_t)dims[k];
    }
    a->rank = rank;
    a->data = malloc(n > 0 ? n * sizeof(double) : 1);
    if (a->data == NULL) {
        st = SIM_ENOMEM;
        goto cleanup;
    }
    if (n > 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->data) < 0)
        goto cleanup;
    st = SIM_OK;
cleanup:
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return st;
}

/* Reads string attribute `name` of `ds`, "" when absent. */
static sim_status read_opt_attr(hid_t ds, const char *name, char **out)
{
    sim_status st = read_str_attr(ds, name, out);
    if (st != SIM_ENOENT)
        return st;
    *out = dup_str("");
    return *out != NULL ? SIM_OK : SIM_ENOMEM;
}

sim_status res_read(struct res_file *f, const char *group, const char *name, struct res_array *out)
{
    if (f == NULL || name == NULL || out == NULL)
        return SIM_EINVAL;
    hid_t ds = -1;
    struct res_array a = {0};
    sim_status st = open_object(f->file, group, name, H5I_DATASET, &ds);
    if (st != SIM_OK)
        return st;
    st = read_values(ds, &a);
    for (int k = 0; st == SIM_OK && k < a.rank; k++)
        if ((a.dim_names[k] = axis_name(ds, k)) == NULL)
            st = SIM_ENOMEM;
    if (st == SIM_OK)
        st = read_opt_attr(ds, "units", &a.units);
    if (st == SIM_OK)
        st = read_opt_attr(ds, "description", &a.description);
    H5Dclose(ds);
    if (st != SIM_OK) {
        res_array_free(&a);
        return st;
    }
    *out = a;
    return SIM_OK;
}

void res_array_free(struct res_array *a)
{
    if (a == NULL)
        return;
    for (int k = 0; k < SIM_OUT_MAXRANK + 2; k++)
        free(a->dim_names[k]);
    free(a->units);
    free(a->description);
    free(a->data);
    memset(a, 0, sizeof *a);
}

sim_status res_read_labels(struct res_file *f, const char *dim, char ***labels, size_t *n)
{
    if (f == NULL || dim == NULL || labels == NULL || n == NULL)
        return SIM_EINVAL;
    hid_t ds = -1;
    sim_status st = open_object(f->file, NULL, dim, H5I_DATASET, &ds);
    if (st != SIM_OK)
        return st;
    hid_t type = H5Dget_type(ds), space = H5Dget_space(ds);
    hssize_t count = npoints(space);
    if (type < 0 || H5Tget_class(type) != H5T_STRING)
        st = SIM_ENOENT; /* a numeric dimension has no labels */
    else if (count < 0 || H5Sget_simple_extent_ndims(space) != 1)
        st = SIM_EFORMAT;
    else
        st = read_strings(ds, 0, (size_t)count, labels);
    if (st == SIM_OK)
        *n = (size_t)count;
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    H5Dclose(ds);
    return st;
}

void res_labels_free(char **labels, size_t n)
{
    if (labels == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(labels[i]);
    free(labels);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether link `name` of group `g` leads to a dataset. */
static int is_dataset(hid_t g, const char *name)
{
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
        return 0;
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    if (o < 0)
        return 0;
    int yes = H5Iget_type(o) == H5I_DATASET;
    H5Oclose(o);
    return yes;
}

/* Copies the dataset names among the group's links into `names` (room for all links). */
static sim_status collect_datasets(hid_t g, hsize_t nlinks, char **names, size_t *n)
{
    for (hsize_t i = 0; i < nlinks; i++) {
        ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        if (len < 0)
            return SIM_EFORMAT;
        char *name = malloc((size_t)len + 1);
        if (name == NULL)
            return SIM_ENOMEM;
        if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, (size_t)len + 1, H5P_DEFAULT) <
            0) {
            free(name);
            return SIM_EFORMAT;
        }
        if (is_dataset(g, name))
            names[(*n)++] = name;
        else
            free(name);
    }
    return SIM_OK;
}

sim_status res_list(struct res_file *f, const char *group, char ***names, size_t *n)
{
    if (f == NULL || names == NULL || n == NULL)
        return SIM_EINVAL;
    hid_t g = -1;
    sim_status st = open_object(f->file, group, NULL, H5I_GROUP, &g);
    if (st != SIM_OK)
        return st;
    H5G_info_t info;
    char **list = NULL;
    size_t count = 0;
    if (H5Gget_info(g, &info) < 0 || info.nlinks > SIZE_MAX / sizeof *list) {
        st = SIM_EFORMAT;
        goto cleanup;
    }
    if ((list = calloc(info.nlinks > 0 ? (size_t)info.nlinks : 1, sizeof *list)) == NULL) {
        st = SIM_ENOMEM;
        goto cleanup;
    }
    st = collect_datasets(g, info.nlinks, list, &count);
    if (st == SIM_OK) {
        qsort(list, count, sizeof *list, cmp_names);
        *names = list;
        *n = count;
        list = NULL;
    }
cleanup:
    res_labels_free(list, count);
    H5Gclose(g);
    return st;
}

sim_status res_read_string(struct res_file *f, const char *name, char **out)
{
    if (f == NULL || name == NULL || out == NULL)
        return SIM_EINVAL;
    if (strcmp(name, "scenario_text") != 0)
        return read_str_attr(f->file, name, out);
    hid_t ds = -1;
    sim_status st = open_object(f->file, "provenance", "scenario_text", H5I_DATASET, &ds);
    if (st != SIM_OK)
        return st;
    hid_t space = H5Dget_space(ds);
    char **s = NULL;
    st = npoints(space) == 1 ? read_strings(ds, 0, 1, &s) : SIM_EFORMAT;
    if (space >= 0)
        H5Sclose(space);
    H5Dclose(ds);
    if (st == SIM_OK) {
        *out = s[0];
        free(s);
    }
    return st;
}

sim_status res_read_u64(struct res_file *f, const char *name, uint64_t *out)
{
    if (f == NULL || name == NULL || out == NULL)
        return SIM_EINVAL;
    if (strcmp(name, "schema_version") == 0)
        name = "dispsim_schema_version";
    uint64_t v = 0;
    int neg = 0;
    sim_status st = read_int_attr(f->file, name, &v, &neg);
    if (st == SIM_OK && neg)
        st = SIM_EFORMAT;
    if (st == SIM_OK)
        *out = v;
    return st;
}
