/* cli_common.c: what every dispsim command shares (see cli_common.h). */
#define _GNU_SOURCE
#include "cli_common.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../models/mdl_scenario.h"
#include "../../results/res.h"
#include "../../results/res_ckpt.h"

volatile sig_atomic_t cli_interrupted = 0, cli_abandon = 0;

int cli_exit_code(sim_status status)
{
    switch (status) {
    case SIM_OK: return CLI_OK;
    case SIM_EFORMAT:
    case SIM_EINVAL:
    case SIM_EVERSION: return CLI_DATAERR;
    case SIM_ENOENT: return CLI_NOINPUT;
    case SIM_ECREATE: return CLI_CANTCREAT;
    case SIM_EIO: return CLI_IOERR;
    case SIM_ECANCELED: return CLI_TEMPFAIL;
    case SIM_ENOMEM:
    case SIM_EINVARIANT: return CLI_SOFTWARE;
    }
    return CLI_SOFTWARE;
}

double cli_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* SIGUSR1 (Slurm's --signal=USR1@T warning) lets replications in progress finish; SIGTERM (the
 * time limit) and SIGINT abandon them: a checkpointed run loses at most the work in flight. */
static void on_signal(int sig)
{
    cli_interrupted = 1;
    if (sig != SIGUSR1)
        cli_abandon = 1;
}

void cli_catch_signals(void)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGUSR1, on_signal);
    /* Past a file-size limit (ulimit -f) the kernel would kill the process with SIGXFSZ in the middle
     * of writing, leaving the temporary file behind; ignored, write() fails with EFBIG and the
     * results layer reports it and removes the file, as it does for a full disk. */
    signal(SIGXFSZ, SIG_IGN);
}

int cli_usage_error(const char *cmd, const char *help, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dispsim %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (help != NULL)
        fprintf(stderr, "\n%s", help);
    return CLI_USAGE;
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    /* glibc leaves optopt 0 for an unknown long option and sets it to the option's value for a
     * long one without its argument; a short option is always optopt itself. */
    bool is_long = strncmp(arg, "--", 2) == 0 && (optopt == 0 || c == ':');
    int n = is_long ? (int)strcspn(arg, "=") : 2;
    char name[3] = {'-', (char)optopt, '\0'};
    if (!is_long)
        arg = name;
    if (c == ':')
        fprintf(stderr, "dispsim %s: %.*s needs a value\n", cmd, n, arg);
    else if (is_long || isprint(optopt))
        fprintf(stderr, "dispsim %s: unknown option '%.*s'\n", cmd, n, arg);
    else
        fprintf(stderr, "dispsim %s: unknown option\n", cmd);
    fprintf(stderr, "dispsim %s: see 'dispsim %s --help' for the options\n", cmd, cmd);
    return CLI_USAGE;
}

int cli_not_a_scenario(const char *cmd, const char *path)
{
    static const unsigned char hdf5[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8] = {0};
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return CLI_OK;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n == sizeof head && memcmp(head, hdf5, sizeof head) == 0) {
        fprintf(stderr,
                "dispsim %s: %s is a results file, not a scenario: 'dispsim info %s' summarises it, "
                "'dispsim reproduce %s' runs it again\n",
                cmd, path, path, path);
        return CLI_DATAERR;
    }
    if (res_ckpt_is(path)) {
        fprintf(stderr,
                "dispsim %s: %s is the checkpoint of an interrupted run, not a scenario: 'dispsim info "
                "%s' shows its progress; to finish the run, repeat its command with --resume\n",
                cmd, path, path);
        return CLI_DATAERR;
    }
    return CLI_OK;
}

bool cli_parse_count(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

char *cli_default_output(const char *input, const char *ext)
{
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    size_t n = strlen(base), len;
    const char *dot = strrchr(base, '.');
    if (dot != NULL && dot != base)
        n = (size_t)(dot - base);
    char *out = malloc(len = n + strlen(ext) + 1);
    if (out != NULL)
        snprintf(out, len, "%.*s%s", (int)n, base, ext);
    return out;
}

int cli_output_options(int argc, char **argv, const char *help, const char **out, bool *force)
{
    static const struct option longs[] = {{"output", required_argument, NULL, 'o'},
                                          {"force", no_argument, NULL, 'f'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:fh", longs, NULL)) != -1) {
        if (c == 'o')
            *out = optarg;
        else if (c == 'f')
            *force = true;
        else if (c == 'h')
            return fputs(help, stdout), CLI_OK;
        else
            return cli_bad_option(argv[0], c, argv);
    }
    return -1;
}

int cli_job_options(int argc, char **argv, const char *cmd, const char *help, const char *what,
                    const char *extra, struct cli_job_opts *o)
{
    const struct option lo[] = {
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 'j'},
        {"resume", no_argument, NULL, 'R'},       {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {extra, required_argument, NULL, 'X'},    {NULL, 0, NULL, 0}};
    int ch;
    long v;
    *o = (struct cli_job_opts){0};
    optind = 1;
    /* With no extra option the table ends at its entry, which getopt then never sees. */
    while ((ch = getopt_long(argc, argv, "o:j:fqh", lo, NULL)) != -1) {
        if (ch == 'o')
            o->out = optarg;
        else if (ch == 'j' && cli_parse_count(optarg, 1, 4096, &v))
            o->threads = (int)v;
        else if (ch == 'R' || ch == 'f' || ch == 'q')
            *(ch == 'R' ? &o->resume : ch == 'f' ? &o->force : &o->quiet) = true;
        else if (ch == 'X')
            o->extra = optarg;
        else if (ch == 'h')
            return fputs(help, stdout), CLI_OK;
        else
            return cli_usage_error(cmd, help,
                                   ch == 'j' ? "-j: expected a count >= 1, got '%s'" : "bad option%s",
                                   ch == 'j' ? optarg : "");
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, help, "expected one %s", what);
    o->input = argv[optind];
    return -1;
}

int cli_load_failed(const char *err, sim_status st)
{
    fputs(err, stderr);
    if (err[0] != '\0' && err[strlen(err) - 1] != '\n')
        fputc('\n', stderr);
    return cli_exit_code(st);
}

int cli_check_output(const char *cmd, const char *out, bool force)
{
    struct stat st;
    if (stat(out, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return fprintf(stderr, "dispsim %s: %s: is a directory; give a file name with -o\n", cmd, out),
                   CLI_CANTCREAT;
        if (!force)
            return fprintf(stderr,
                           "dispsim %s: %s: exists; use --force to overwrite it or -o for another name\n",
                           cmd, out),
                   CLI_CANTCREAT;
    }
    char *copy = strdup(out);
    if (copy == NULL)
        return CLI_SOFTWARE;
    const char *dir = dirname(copy);
    int rc = CLI_OK;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "dispsim %s: %s: cannot create: directory '%s' does not exist\n", cmd, out, dir);
        rc = CLI_CANTCREAT;
    } else if (access(dir, W_OK) != 0) {
        fprintf(stderr, "dispsim %s: %s: cannot create: directory '%s' is not writable\n", cmd, out, dir);
        rc = CLI_CANTCREAT;
    }
    free(copy);
    return rc;
}

int cli_open_results(const char *cmd, const char *path, struct res_file **f)
{
    char err[8192];
    sim_status st = res_open(path, f, err, sizeof err);
    if (st != SIM_OK)
        return fprintf(stderr, "dispsim %s: %s\n", cmd, err), cli_exit_code(st);
    return CLI_OK;
}

int cli_load_scenario(const char *path, struct mdl_scenario **s)
{
    char err[8192];
    sim_status st = mdl_scenario_load(path, s, err, sizeof err);
    if (st != SIM_OK) {
        fprintf(stderr, "%s", err);
        if (err[0] != '\0' && err[strlen(err) - 1] != '\n')
            fputc('\n', stderr);
        return cli_exit_code(st);
    }
    return CLI_OK;
}

void cli_keep_first_failure(pthread_mutex_t *lock, sim_status *status, size_t *failed_item, char *msg,
                            size_t len, size_t item, sim_status st, const char *text)
{
    pthread_mutex_lock(lock);
    if (*status == SIM_OK || item < *failed_item) {
        *status = st;
        *failed_item = item;
        snprintf(msg, len, "%s", text);
    }
    pthread_mutex_unlock(lock);
}
