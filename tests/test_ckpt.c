/* The checkpoint files of interrupted runs (results/res_ckpt.h). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../results/res_ckpt.h"
#include "../results/res_trailer.h" /* the CRC, to forge a header */

static char dir[] = "/tmp/dispsim_ckpt_XXXXXX", path[256];
static const struct res_ckpt_shape shape = {.nitems = 10, .rep_values = 5, .nstreams = 2};
static const char key[] = "master_seed=7\nreplications=5\n";

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.h5.ckpt", dir);
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    strcpy(dir, "/tmp/dispsim_ckpt_XXXXXX");
}

TestSuite(ckpt, .init = setup, .fini = teardown);

/* The values and seeds of item i: distinct for every item and position. */
static void item_data(size_t i, double *v, uint64_t *s)
{
    for (size_t k = 0; k < shape.rep_values; k++)
        v[k] = (double)i * 100.0 + (double)k + 0.25;
    for (size_t k = 0; k < shape.nstreams; k++)
        s[k] = 0x9e3779b97f4a7c15ull * (i + 1) + k;
}

static struct res_ckpt *fresh(void)
{
    char err[512];
    struct res_ckpt *c = NULL;
    cr_assert_eq(res_ckpt_create(path, key, &shape, &c, err, sizeof err), SIM_OK, "%s", err);
    return c;
}

static void append(struct res_ckpt *c, size_t i)
{
    double v[5];
    uint64_t s[2];
    item_data(i, v, s);
    cr_assert_eq(res_ckpt_append(c, i, 1000 + i, v, s, 60.0), SIM_OK);
}

static struct res_ckpt *resume(size_t *dropped)
{
    char err[512];
    struct res_ckpt *c = NULL;
    cr_assert_eq(res_ckpt_resume(path, key, &shape, &c, dropped, err, sizeof err), SIM_OK, "%s", err);
    return c;
}

Test(ckpt, records_read_back_exactly_after_resuming)
{
    struct res_ckpt *c = fresh();
    const size_t order[] = {7, 0, 3};
    for (int i = 0; i < 3; i++)
        append(c, order[i]);
    res_ckpt_close(c);
    size_t dropped = 99;
    c = resume(&dropped);
    cr_assert_eq(dropped, 0);
    cr_assert_eq(res_ckpt_count(c), 3);
    for (size_t i = 0; i < shape.nitems; i++) {
        bool want = i == 7 || i == 0 || i == 3;
        cr_assert_eq(res_ckpt_has(c, i), want, "item %zu", i);
        if (!want)
            continue;
        double v[5], w[5];
        uint64_t s[2], t[2], ev = 0;
        item_data(i, v, s);
        cr_assert_eq(res_ckpt_read(c, i, 1, 3, w), SIM_OK);
        cr_assert_eq(memcmp(w, v + 1, 3 * sizeof *w), 0);
        cr_assert_eq(res_ckpt_read_seeds(c, i, t, &ev), SIM_OK);
        cr_assert_eq(memcmp(t, s, sizeof t), 0);
        cr_assert_eq(ev, 1000 + i);
    }
    double w[5];
    cr_assert_eq(res_ckpt_read(c, 1, 0, 5, w), SIM_ENOENT);
    res_ckpt_discard(c);
    cr_assert_neq(access(path, F_OK), 0, "discard deletes the file");
}

Test(ckpt, a_torn_last_record_is_dropped_and_appends_go_after_the_whole_ones)
{
    struct res_ckpt *c = fresh();
    append(c, 1);
    append(c, 2);
    res_ckpt_close(c);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(truncate(path, sb.st_size - 7), 0); /* item 2's record loses its last bytes */
    size_t dropped = 0;
    c = resume(&dropped);
    cr_assert_eq(res_ckpt_count(c), 1);
    cr_assert(res_ckpt_has(c, 1) && !res_ckpt_has(c, 2));
    cr_assert_gt(dropped, 0);
    append(c, 2);
    res_ckpt_close(c);
    c = resume(&dropped);
    cr_assert_eq(dropped, 0);
    cr_assert_eq(res_ckpt_count(c), 2);
    res_ckpt_close(c);
}

Test(ckpt, a_damaged_record_is_skipped_and_the_records_after_it_kept)
{
    struct res_ckpt *c = fresh();
    append(c, 4);
    append(c, 5);
    append(c, 6);
    res_ckpt_close(c);
    int fd = open(path, O_RDWR);
    cr_assert_geq(fd, 0);
    size_t rec = 24 + 8 * shape.rep_values + 8 * shape.nstreams;
    unsigned char b;
    off_t at = (off_t)(4096 + rec + 30); /* a value byte of the second record */
    cr_assert_eq(pread(fd, &b, 1, at), 1);
    b ^= 0x10;
    cr_assert_eq(pwrite(fd, &b, 1, at), 1);
    close(fd);
    c = resume(NULL);
    cr_assert_eq(res_ckpt_count(c), 2, "the CRC rejects the damaged record only");
    cr_assert(res_ckpt_has(c, 4) && !res_ckpt_has(c, 5) && res_ckpt_has(c, 6));
    append(c, 5); /* runs again, recorded after the others */
    res_ckpt_close(c);
    c = resume(NULL);
    cr_assert_eq(res_ckpt_count(c), 3);
    double w[5], v[5];
    uint64_t sd[2];
    item_data(5, v, sd);
    cr_assert_eq(res_ckpt_read(c, 5, 0, 5, w), SIM_OK);
    cr_assert_eq(memcmp(w, v, sizeof w), 0);
    res_ckpt_close(c);
}

Test(ckpt, no_item_is_recorded_twice)
{
    struct res_ckpt *c = fresh();
    append(c, 3);
    double v[5];
    uint64_t s[2];
    item_data(3, v, s);
    cr_assert_eq(res_ckpt_append(c, 3, 1, v, s, 60.0), SIM_EINVAL);
    cr_assert_not_null(strstr(res_ckpt_error(c), "twice"));
    cr_assert_eq(res_ckpt_append(c, 10, 1, v, s, 60.0), SIM_EINVAL, "an item beyond the run");
    cr_assert_not_null(strstr(res_ckpt_error(c), "beyond"));
    cr_assert_eq(res_ckpt_count(c), 1);
    res_ckpt_close(c);
}

Test(ckpt, resuming_another_run_names_the_first_difference)
{
    res_ckpt_close(fresh());
    char err[512];
    struct res_ckpt *c = NULL;
    cr_assert_eq(res_ckpt_resume(path, "master_seed=8\nreplications=5\n", &shape, &c, NULL, err, sizeof err),
                 SIM_EINVAL);
    cr_assert_null(c);
    cr_assert_not_null(strstr(err, "master_seed=7"), "%s", err);
    cr_assert_not_null(strstr(err, "master_seed=8"), "%s", err);
    const struct res_ckpt_shape other = {.nitems = 10, .rep_values = 6, .nstreams = 2};
    cr_assert_eq(res_ckpt_resume(path, key, &other, &c, NULL, err, sizeof err), SIM_EINVAL);
    cr_assert_not_null(strstr(err, "rep_values"), "%s", err);
}

Test(ckpt, create_refuses_an_existing_file_and_resume_a_missing_or_foreign_one)
{
    res_ckpt_close(fresh());
    char err[512];
    struct res_ckpt *c = NULL;
    cr_assert_eq(res_ckpt_create(path, key, &shape, &c, err, sizeof err), SIM_ECREATE);
    cr_assert_not_null(strstr(err, "File exists"), "%s", err);
    unlink(path);
    cr_assert_eq(res_ckpt_resume(path, key, &shape, &c, NULL, err, sizeof err), SIM_ENOENT);
    FILE *f = fopen(path, "w");
    fputs("dispsim checkpoint? no, a text file\n", f);
    fclose(f);
    cr_assert_eq(res_ckpt_resume(path, key, &shape, &c, NULL, err, sizeof err), SIM_EFORMAT);
    cr_assert_not_null(strstr(err, "not a dispsim checkpoint"), "%s", err);
    cr_assert(!res_ckpt_is(path));
}

Test(ckpt, another_process_cannot_take_a_checkpoint_in_use)
{
    struct res_ckpt *c = fresh();
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        char err[512];
        struct res_ckpt *d = NULL;
        sim_status st = res_ckpt_resume(path, key, &shape, &d, NULL, err, sizeof err);
        bool refused = st == SIM_ECREATE && strstr(err, "in use") != NULL;
        refused = refused && res_ckpt_remove(path, err, sizeof err) == SIM_ECREATE && access(path, F_OK) == 0;
        _exit(refused ? 0 : 1);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the second process could resume or delete it");
    res_ckpt_close(c);
    char err[512];
    cr_assert_eq(res_ckpt_remove(path, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_neq(access(path, F_OK), 0);
}

Test(ckpt, inspect_counts_whole_records_and_returns_the_key)
{
    struct res_ckpt *c = fresh();
    append(c, 0);
    append(c, 9);
    cr_assert(res_ckpt_is(path));
    char err[512], *k = NULL;
    size_t n = 0, done = 0;
    cr_assert_eq(res_ckpt_inspect(path, &k, &n, &done, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(n, 10);
    cr_assert_eq(done, 2);
    cr_assert_not_null(strstr(k, "master_seed=7"));
    free(k);
    res_ckpt_close(c);
}

/* A header with a valid CRC but impossible counts (a forged file) is refused, not scanned. */
Test(ckpt, inspect_refuses_a_forged_header_with_impossible_counts)
{
    char h[4096] = "dispsim checkpoint 1\nitems=10\nrep_values=2305843009213693952\nstreams=1\n";
    uint32_t crc = res__crc32(0, h, 4092);
    memcpy(h + 4092, &crc, 4);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(h, 1, sizeof h, f), sizeof h);
    cr_assert_eq(fwrite(h, 1, 100, f), 100); /* something where records would be */
    fclose(f);
    char err[512], *k = NULL;
    size_t n = 0, done = 0;
    cr_assert_eq(res_ckpt_inspect(path, &k, &n, &done, err, sizeof err), SIM_EFORMAT);
    cr_assert_not_null(strstr(err, "impossible"), "%s", err);
    cr_assert_null(k);
}
