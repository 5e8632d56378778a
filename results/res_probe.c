/* res_probe.c: reading an untrusted results file once in a child process before trusting HDF5
 * with it in ours.
 *
 * The checksum trailer stops accidental damage, but not a file written wrong on purpose or by a
 * buggy tool (a CRC is no signature), nor a file another HDF5 tool rewrote (which has no trailer).
 * HDF5 1.10's parser crashes (use of freed memory, wild pointers) or loops on some malformed files:
 * the fuzzer (tests/fuzz/fuzz_results.c) finds such files within seconds, and nothing in dispsim can
 * fix HDF5. So res_open lets a forked child do every read this API can do first; if the child is
 * killed by a signal, fails in the sanitizers, or exceeds its CPU budget, the file is refused as
 * malformed. HDF5 is deterministic, so when the child got through, the same reads in the parent
 * do too. The cost is one extra read of the file and a fork (about a millisecond). */
#define _GNU_SOURCE /* mallopt */
#include "res_priv.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* CPU seconds the child may spend: generous for a healthy file (reading one takes milliseconds per
 * megabyte), short enough that a looping HDF5 is noticed. */
static unsigned cpu_budget_s(uint64_t size)
{
    uint64_t s = 5 + size / (1u << 20);
    return s > 3600 ? 3600 : (unsigned)s;
}

/* Reads dataset `name` of `group` and, for a root dataset, its labels; discards both. */
static void read_one(struct res_file *f, const char *group, const char *name)
{
    struct res_array a = {0};
    if (res_read(f, group, name, &a) == SIM_OK)
        res_array_free(&a);
    char **labels = NULL;
    size_t n = 0;
    if (group[0] == '\0' && res_read_labels(f, name, &labels, &n) == SIM_OK)
        res_labels_free(labels, n);
}

/* Reads every dataset of `group` ("" for the root). */
static void read_group(struct res_file *f, const char *group)
{
    char **names = NULL;
    size_t n = 0;
    if (res_list(f, group, &names, &n) != SIM_OK)
        return;
    for (size_t i = 0; i < n; i++)
        read_one(f, group, names[i]);
    res_labels_free(names, n);
}

static herr_t visit_attr(hid_t obj, const char *name, const H5A_info_t *info, void *vf)
{
    (void)obj;
    (void)info;
    char *s = NULL;
    uint64_t v;
    if (res_read_string(vf, name, &s) == SIM_OK)
        free(s);
    (void)res_read_u64(vf, name, &v);
    return 0;
}

static herr_t visit_link(hid_t g, const char *name, const H5L_info_t *info, void *vf)
{
    (void)g;
    (void)info;
    read_group(vf, name); /* SIM_ENOENT for a dataset: read below with the root */
    return 0;
}

/* The child's work: every read a caller of res.h can make. */
static void read_everything(const char *path, int sealed, uint64_t size)
{
    struct res_file *f = NULL;
    if (res__open_hdf5(path, sealed, size, &f, NULL, 0) != SIM_OK)
        return; /* refused cleanly: the parent will say why */
    char *text = NULL;
    if (res_read_string(f, "scenario_text", &text) == SIM_OK)
        free(text);
    hsize_t idx = 0;
    H5Aiterate2(f->file, H5_INDEX_NAME, H5_ITER_INC, &idx, visit_attr, f);
    read_group(f, "");
    idx = 0;
    H5Literate(f->file, H5_INDEX_NAME, H5_ITER_INC, &idx, visit_link, f);
    res_close(f);
}

/* Formats the refusal for a child that did not finish. */
static sim_status refuse(char *err, size_t errlen, const char *path, int status, unsigned budget)
{
    char why[160];
    if (WIFSIGNALED(status) &&
        (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL || WTERMSIG(status) == SIGALRM))
        snprintf(why, sizeof why, "HDF5 did not finish reading it within %u s", budget);
    else if (WIFSIGNALED(status))
        snprintf(why, sizeof why, "HDF5 crashed reading it (signal %d)", WTERMSIG(status));
    else
        snprintf(why, sizeof why, "reading it failed (status %d)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: not a readable HDF5 file: %s; the file is corrupted or malformed", path,
                 why);
    return SIM_EFORMAT;
}

sim_status res__probe(const char *path, int sealed, uint64_t size, char *err, size_t errlen)
{
    unsigned budget = cpu_budget_s(size);
    fflush(NULL); /* nothing buffered may be written twice (the child ends with _exit anyway) */
    pid_t pid = fork();
    if (pid < 0) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s: cannot check the file: fork failed: %s", path, strerror(errno));
        return SIM_ENOMEM;
    }
    if (pid == 0) {
        struct rlimit cpu = {budget, budget + 1};
        setrlimit(RLIMIT_CPU, &cpu);
        alarm(3 * budget); /* wall clock, in case the child waits rather than computes */
        /* Fresh and freed memory filled with a pattern, so that HDF5 reading uninitialised or freed
         * memory is more likely to crash here than to go unnoticed (no effect under ASan). */
        mallopt(M_PERTURB, 0xbe);
        read_everything(path, sealed, size);
        _exit(0);
    }
    int status = 0;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        continue;
    if (got < 0) /* SIGCHLD ignored by the caller: the child was reaped, its fate is unknown */
        return SIM_OK;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return SIM_OK;
    return refuse(err, errlen, path, status, budget);
}
