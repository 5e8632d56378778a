/* dispsim run / dispsim validate. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "../models/mdl_scenario.h"
#include "../models/mdl_world.h"
#include "../results/res.h"
#include "../sim/sim_run.h"
#include "ana_study.h"
#include "ana_summary.h"
#include "cli.h"
#include "run.h"

static const char run_help[] =
    "usage: dispsim run SCENARIO [-o OUT.h5] [-r REPS] [-j THREADS] [--seed S] [--resume] [--force]\n"
    "       mpirun -n K dispsim run SCENARIO ...\n"
    "\n"
    "Simulates SCENARIO (a YAML file, see scenarios/README.md) and writes every replication's\n"
    "daily series and totals to an HDF5 file (layout: results/README.md).\n"
    "\n"
    "  -o, --output FILE   results file (default: the scenario's base name with .h5, here)\n"
    "  -r, --reps N        replications (default: run.replications of the scenario)\n"
    "  -j, --threads N     worker threads per process (default: $SLURM_CPUS_PER_TASK, else\n"
    "                      $OMP_NUM_THREADS, else all cores); results are bitwise identical for any N\n"
    "      --seed S        master seed (default: run.master_seed of the scenario)\n"
    "      --precision X   add replications in batches until the relative half-width of every\n"
    "                      key 95% interval is at most X (e.g. 0.01) and stays so for 2 more\n"
    "                      batches (Hoad, Robinson and Davies); -r is then the maximum (default\n"
    "                      1000). Key intervals: total arrivals of every variant (people passed\n"
    "                      at the controls for a ports-only scenario)\n"
    "      --batch B       replications per batch with --precision (default 10); the stopping\n"
    "                      point depends on B and X only, never on threads or ranks\n"
    "      --shard i/N     run only the i-th of N contiguous slices of the replications (job\n"
    "                      arrays); dispsim merge combines the N files into the file one run\n"
    "                      would have written\n"
    "      --resume        continue the interrupted run whose checkpoint is OUT.h5.ckpt (give the\n"
    "                      same options); only replications without a record run again\n"
    "      --checkpoint S  make the checkpoint durable (fsync) every S seconds (default 60)\n"
    "      --timing FILE   write wall times (simulating, writing) and peak memory as key=value\n"
    "                      lines to FILE (what dispsim bench --scaling reads)\n"
    "  -f, --force         overwrite an existing results file; discard an existing checkpoint\n"
    "  -q, --quiet         no progress lines on stderr\n"
    "\n"
    "A scenario with variants or a sweep (a study) runs every variant for every replication, on\n"
    "the same random streams, and adds the paired comparison of each variant with the baseline.\n"
    "\n"
    "Checkpoints and signals: every finished replication is appended at once to OUT.h5.ckpt (a\n"
    "checkpoint, not a results file). SIGUSR1 lets the replications in progress finish, SIGTERM\n"
    "and SIGINT abandon them; either way the checkpoint is kept and dispsim exits with 75. After\n"
    "any interruption, even SIGKILL or a node failure, the same command with --resume finishes\n"
    "the run, and its file is bitwise identical to an uninterrupted run's. OUT.h5 itself appears\n"
    "only when complete (written under a temporary name, then renamed), and the checkpoint is\n"
    "then deleted.\n"
    "\n"
    "MPI: started by mpirun or srun, every rank runs threads; each asks rank 0 for the next\n"
    "replication when a thread is free, and rank 0 alone writes the checkpoint and the file.\n"
    "\n"
    "Replication r always uses the random streams of (master seed, r), whatever the thread or rank\n"
    "count, so a run is reproduced exactly from its scenario file and seed.\n";

struct run_opts {
    const char *scenario, *out, *timing;
    long reps, batch, shard, shards; /* shard i of N (1-based); shards 0: the whole run */
    double precision, sync_s;
    int threads;
    uint64_t seed;
    bool seed_set, force, quiet, resume;
    int argc; /* the command line, to print the command that resumes an interrupted run */
    char **argv;
};

static bool parse_count(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* A whole string as a finite double (the caller checks the range). */
static bool parse_real(const char *s, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(x))
        return false;
    *out = x;
    return true;
}

static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'},
        {"reps", required_argument, NULL, 'r'},
        {"threads", required_argument, NULL, 'j'},
        {"seed", required_argument, NULL, 's'},
        {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"precision", required_argument, NULL, 'p'},
        {"batch", required_argument, NULL, 'b'},
        {"shard", required_argument, NULL, 'S'},
        {"resume", no_argument, NULL, 'R'},
        {"checkpoint", required_argument, NULL, 'c'},
        {"timing", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    long v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:r:j:fqh", longs, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'r':
            if (!parse_count(optarg, 1, 1000000, &o->reps))
                return fprintf(stderr, "dispsim run: -r: expected a count in [1, 1000000], got '%s'\n",
                               optarg),
                       CLI_USAGE;
            break;
        case 'j':
            if (!parse_count(optarg, 1, 4096, &v))
                return fprintf(stderr, "dispsim run: -j: expected a thread count in [1, 4096], got '%s'\n",
                               optarg),
                       CLI_USAGE;
            o->threads = (int)v;
            break;
        case 's': {
            char *end;
            errno = 0;
            unsigned long long s = strtoull(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-')
                return fprintf(stderr, "dispsim run: --seed: expected an unsigned 64-bit integer, got '%s'\n",
                               optarg),
                       CLI_USAGE;
            o->seed = s;
            o->seed_set = true;
            break;
        }
        case 'p':
            if (!parse_real(optarg, &o->precision) || !(o->precision > 0.0 && o->precision < 1.0))
                return fprintf(stderr, "dispsim run: --precision: expected a number in (0, 1), got '%s'\n",
                               optarg),
                       CLI_USAGE;
            break;
        case 'b':
            if (!parse_count(optarg, 2, 100000, &o->batch))
                return fprintf(stderr, "dispsim run: --batch: expected a count in [2, 100000], got '%s'\n",
                               optarg),
                       CLI_USAGE;
            break;
        case 'S': {
            char *end;
            errno = 0;
            long i = strtol(optarg, &end, 10), n = *end == '/' ? strtol(end + 1, &end, 10) : 0;
            if (errno != 0 || *end != '\0' || n < 1 || n > 100000 || i < 1 || i > n)
                return fprintf(stderr, "dispsim run: --shard: expected i/N with 1 <= i <= N, got '%s'\n",
                               optarg),
                       CLI_USAGE;
            o->shard = i;
            o->shards = n;
            break;
        }
        case 'c':
            if (!parse_real(optarg, &o->sync_s) || !(o->sync_s >= 0.0 && o->sync_s <= 86400.0))
                return fprintf(stderr,
                               "dispsim run: --checkpoint: expected seconds in [0, 86400], got '%s'\n",
                               optarg),
                       CLI_USAGE;
            break;
        case 'R': o->resume = true; break;
        case 'T': o->timing = optarg; break;
        case 'f': o->force = true; break;
        case 'q': o->quiet = true; break;
        case 'h': fputs(run_help, stdout); return -1;
        default: fputs(run_help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "dispsim run: expected exactly one SCENARIO file\n\n%s", run_help);
        return CLI_USAGE;
    }
    o->scenario = argv[optind];
    o->argc = argc;
    o->argv = argv;
    if (o->shards > 0 && o->precision > 0)
        return fprintf(stderr, "dispsim run: --shard and --precision do not go together\n"), CLI_USAGE;
    if (o->resume && o->force)
        return fprintf(stderr, "dispsim run: --resume continues a checkpoint and --force discards it: give "
                               "one of them\n"),
               CLI_USAGE;
    return CLI_OK;
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
    while ((c = getopt_long(argc, argv, "o:fh", longs, NULL)) != -1) {
        if (c == 'o')
            *out = optarg;
        else if (c == 'f')
            *force = true;
        else if (c == 'h')
            return fputs(help, stdout), CLI_OK;
        else
            return fputs(help, stderr), CLI_USAGE;
    }
    return -1;
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

static int thread_count(int requested)
{
    if (requested > 0)
        return requested;
    const char *slurm = getenv("SLURM_CPUS_PER_TASK");
    long v;
    if (slurm != NULL && parse_count(slurm, 1, 4096, &v))
        return (int)v;
    return 0; /* the OpenMP default, which honours OMP_NUM_THREADS */
}

static int load(const char *path, struct mdl_scenario **s)
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

/* The key quantity of replication r of variant v: total arrivals over modes, or people passed at
 * all controls without a population. */
/* The largest relative half-width of the key 95% intervals over replications [0, n). */
static double worst_precision(const struct run *r, size_t n)
{
    double worst = 0.0, *x = malloc(n * sizeof *x);
    if (x == NULL)
        return INFINITY;
    for (size_t v = 0; v < r->nvariants; v++) {
        for (size_t k = 0; k < n; k++)
            x[k] = r->key[v * r->nreps + k];
        struct ana_ci c = ana_summarise(x, n, 1, 0.95);
        double rel = c.mean != 0.0 ? 0.5 * (c.high - c.low) / fabs(c.mean) : INFINITY;
        worst = isnan(rel) ? INFINITY : fmax(worst, rel);
    }
    free(x);
    return worst;
}

/* Runs replications [from, to) of every variant, except those the checkpoint already holds, on
 * this process or on every MPI rank. */
static sim_status run_range(struct run *r, size_t from, size_t to)
{
    size_t n = 0;
    size_t *items = malloc(((to - from) * r->nvariants + 1) * sizeof *items);
    if (items == NULL)
        return SIM_ENOMEM;
    for (size_t v = 0; v < r->nvariants; v++)
        for (size_t k = from; k < to; k++)
            if (!res_ckpt_has(r->ckpt, v * r->nreps + k))
                items[n++] = v * r->nreps + k;
    sim_status st = SIM_OK;
    pthread_mutex_lock(&r->lock);
    r->done = 0;
    r->todo = n;
    pthread_mutex_unlock(&r->lock);
    if (n > 0)
        st = run_mpi_size() > 1 ? run_mpi_items(r, items, n) : run_local(r, items, n);
    free(items);
    return st;
}

/* Runs the phases the options ask for; the rows of the results file are replications [*first,
 * *first + *nrows) of every variant. */
static sim_status run_phases(struct run *r, const struct run_opts *o, size_t *first, size_t *nrows)
{
    sim_status st = SIM_OK;
    *first = 0;
    *nrows = r->nreps;
    if (o->precision > 0) {
        /* Batches of replications [n, n + B) of every variant; each decision looks at completed
         * replications 0..n-1 only, so threads, ranks and resuming cannot move the stopping point. */
        size_t batch = o->batch > 0 ? (size_t)o->batch : 10, n = 0, streak = 0;
        const size_t confirm = 2;
        double h = INFINITY;
        while (st == SIM_OK && n < r->nreps && streak <= confirm) {
            size_t to = n + batch < r->nreps ? n + batch : r->nreps;
            st = run_range(r, n, to);
            n = to;
            if (st != SIM_OK || n < 2)
                continue;
            h = worst_precision(r, n);
            streak = h <= o->precision ? streak + 1 : 0;
            if (!o->quiet)
                fprintf(stderr, "dispsim: %zu replications: largest relative half-width %.4g (target %g)%s\n",
                        n, h, o->precision,
                        streak > confirm ? ": reached and confirmed"
                        : streak > 0     ? ": reached"
                                         : "");
        }
        if (st == SIM_OK && streak <= confirm && !o->quiet)
            fprintf(stderr,
                    "dispsim: precision %g not confirmed within the maximum of %zu replications (%.4g)\n",
                    o->precision, r->nreps, h);
        *nrows = n;
    } else if (o->shards > 0) {
        /* Shard i of N: the contiguous replications [floor((i-1) R / N), floor(i R / N)). */
        size_t lo = (size_t)(o->shard - 1) * r->nreps / (size_t)o->shards,
               hi = (size_t)o->shard * r->nreps / (size_t)o->shards;
        st = run_range(r, lo, hi);
        *first = lo;
        *nrows = hi - lo;
    } else {
        st = run_range(r, 0, r->nreps);
    }
    return st;
}

/* The results file's values, read from the checkpoint one variable at a time: row k is item
 * rows[k]. */
struct ckpt_source {
    const struct run *r;
    const size_t *rows;
    size_t nrows;
};

static sim_status ckpt_read_var(void *vctx, int var, double *out, char *err, size_t errlen)
{
    const struct ckpt_source *c = vctx;
    size_t n = sim_out_var_size(c->r->t, var);
    for (size_t k = 0; k < c->nrows; k++) {
        sim_status st = res_ckpt_read(c->r->ckpt, c->rows[k], c->r->t->offset[var], n, out + k * n);
        if (st != SIM_OK)
            return snprintf(err, errlen, "%s", res_ckpt_error(c->r->ckpt)), st;
    }
    return SIM_OK;
}

/* Writes the results file from the checkpoint: rows are replications [first, first + n) of every
 * variant, the study's paired metrics beside them (not for a shard: dispsim merge adds those). */
static int write_results(struct run *r, const struct run_opts *o, const struct mdl_scenario *s,
                         const char *out, size_t first, size_t n)
{
    int rc = CLI_SOFTWARE;
    size_t nrows = n * r->nvariants;
    size_t *rows = malloc(nrows * sizeof *rows);
    uint64_t *rep_index = malloc(n * sizeof *rep_index), *seeds = malloc(n * r->nstreams * sizeof *seeds + 1);
    struct ana_study *study = NULL;
    char err[1024] = "";
    if (rows == NULL || rep_index == NULL || seeds == NULL)
        goto done;
    for (size_t v = 0; v < r->nvariants; v++)
        for (size_t k = 0; k < n; k++)
            rows[v * n + k] = v * r->nreps + first + k;
    sim_status st = SIM_OK;
    for (size_t k = 0; k < n && st == SIM_OK; k++) {
        rep_index[k] = first + k;
        st = res_ckpt_read_seeds(r->ckpt, first + k, seeds + k * r->nstreams, NULL);
    }
    struct ckpt_source cs = {r, rows, nrows};
    const struct res_source src = {ckpt_read_var, &cs};
    if (st == SIM_OK && r->nvariants > 1 && o->shards == 0 &&
        (study = ana_study_compute_source(r->t, &src, r->nvariants, n, err, sizeof err)) == NULL)
        st = SIM_EIO;
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim run: %s\n", err[0] ? err : res_ckpt_error(r->ckpt));
        rc = cli_exit_code(st);
        goto done;
    }
    struct res_meta meta = {
        .program_version = DISPSIM_VERSION,
        .scenario_path = s->path,
        .scenario_text = s->text,
        .scenario_name = s->name,
        .master_seed = r->seed,
        .nreps = n,
        .rep_index = rep_index,
        .nstreams = r->nstreams,
        .stream_names = mdl_world_stream_names(r->w),
        .stream_seeds = seeds, /* variant 0's rows: every variant uses the same streams */
        .nvariants = r->nvariants,
        .variant_names = mdl_world_variant_names(r->w),
        .extra = study != NULL ? ana_study_extra(study) : NULL,
    };
    st = res_write_source(out, &meta, r->t, &src, err, sizeof err);
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim run: %s\n", err);
        rc = cli_exit_code(st);
        goto done;
    }
    rc = CLI_OK;
done:
    if (rc == CLI_SOFTWARE && err[0] == '\0')
        fprintf(stderr, "dispsim run: out of memory for %zu rows\n", nrows);
    ana_study_free(study);
    free(rows);
    free(rep_index);
    free(seeds);
    return rc;
}

/* A 64-bit FNV-1a of n bytes, continuing h (14695981039346656037 to start). */
static uint64_t fnv64(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

/* A hash of this program's executable: a rebuilt dispsim whose code changed may compute other
 * results, so it must not resume a checkpoint the old one wrote. 0 if it cannot be read. */
static uint64_t program_hash(void)
{
    FILE *f = fopen("/proc/self/exe", "rb");
    if (f == NULL)
        return 0;
    unsigned char buf[65536];
    uint64_t h = 14695981039346656037ull;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = fnv64(h, buf, n);
    fclose(f);
    return h;
}

/* What a checkpoint must match to be resumed: everything that decides which items run and what
 * they produce. 64-bit FNV-1a hashes stand for the scenario text and the executable. */
static void checkpoint_key(const struct run *r, const struct run_opts *o, const struct mdl_scenario *s,
                           char *key, size_t len)
{
    uint64_t h = fnv64(14695981039346656037ull, (const unsigned char *)s->text, strlen(s->text));
    snprintf(key, len,
             "program_version=%s\nprogram_fnv64=%016llx\nscenario_name=%.200s\nscenario_fnv64=%016llx\n"
             "scenario_bytes=%zu\n"
             "master_seed=%llu\nreplications=%zu\nvariants=%zu\nshard=%ld/%ld\nprecision=%.17g\nbatch=%ld\n",
             DISPSIM_VERSION, (unsigned long long)program_hash(), s->name, (unsigned long long)h,
             strlen(s->text), (unsigned long long)r->seed, r->nreps, r->nvariants, o->shard, o->shards,
             o->precision, o->precision > 0 ? (o->batch > 0 ? o->batch : 10) : 0);
}

/* Opens the run's checkpoint: resumed with --resume, else created (an old one is kept unless
 * --force). Prints why not and returns the exit code. */
static int open_checkpoint(struct run *r, const struct run_opts *o, const struct mdl_scenario *s,
                           const char *path)
{
    char key[1024], err[1024];
    checkpoint_key(r, o, s, key, sizeof key);
    const struct res_ckpt_shape shape = {r->nitems, r->rep_values, r->nstreams};
    sim_status st;
    if (o->resume) {
        size_t dropped = 0;
        st = res_ckpt_resume(path, key, &shape, &r->ckpt, &dropped, err, sizeof err);
        if (st == SIM_ENOENT)
            return fprintf(stderr, "dispsim run: %s: no checkpoint to resume; run without --resume\n", path),
                   CLI_NOINPUT;
        if (st == SIM_OK && run_reload(r) != SIM_OK)
            return fprintf(stderr, "dispsim run: %s\n", r->fail_msg), CLI_IOERR;
        if (st == SIM_OK && !o->quiet)
            fprintf(stderr, "dispsim: resuming %s: %zu of %zu replications%s already done%s\n", path,
                    res_ckpt_count(r->ckpt), r->nitems, r->nvariants > 1 ? " of all variants" : "",
                    dropped > 0 ? " (a torn last record was dropped)" : "");
    } else {
        struct stat sb;
        if (stat(path, &sb) == 0 && !o->force)
            return fprintf(stderr,
                           "dispsim run: %s: a checkpoint of an interrupted run exists; add --resume to "
                           "continue it, or --force to discard it\n",
                           path),
                   CLI_CANTCREAT;
        st = o->force ? res_ckpt_remove(path, err, sizeof err) : SIM_OK; /* refused while a run holds it */
        if (st == SIM_OK)
            st = res_ckpt_create(path, key, &shape, &r->ckpt, err, sizeof err);
    }
    if (st != SIM_OK)
        return fprintf(stderr, "dispsim run: %s\n", err), cli_exit_code(st);
    return CLI_OK;
}

/* Tells how to continue an interrupted run. */
static void say_interrupted(const struct run *r, const struct run_opts *o, const char *ckpt)
{
    fprintf(stderr, "\ndispsim run: interrupted; %zu of %zu replications%s are kept in %s\n",
            res_ckpt_count(r->ckpt), r->nitems, r->nvariants > 1 ? " of all variants" : "", ckpt);
    if (o->argv == NULL)
        return;
    fputs("dispsim run: to finish the run: dispsim", stderr);
    for (int i = 0; i < o->argc; i++)
        if (strcmp(o->argv[i], "--resume") != 0 && strcmp(o->argv[i], "--force") != 0 &&
            strcmp(o->argv[i], "-f") != 0)
            fprintf(stderr, " %s", o->argv[i]);
    fputs(" --resume\n", stderr);
}

/* Peak resident memory of this process, kB (VmHWM), or -1. */
static long peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f != NULL)
        fclose(f);
    return kb;
}

/* Writes the --timing file: what dispsim bench --scaling reads. */
static void write_timing(const struct run_opts *o, const struct run *r, const struct mdl_scenario *s,
                         size_t nrows, double t_sim, double t_write, long rss_sim_kb)
{
    FILE *f = fopen(o->timing, "w");
    if (f == NULL) {
        fprintf(stderr, "dispsim run: --timing %s: %s\n", o->timing, strerror(errno));
        return;
    }
    double years =
        (s->calendar.warmup_days + s->calendar.horizon_days) / 365.25 * (double)(nrows * r->nvariants);
    fprintf(f,
            "ranks=%d\nthreads=%d\nitems=%zu\nreplication_years=%.6g\nsimulate_s=%.6f\nwrite_s=%.6f\n"
            "peak_rss_simulate_kb=%ld\npeak_rss_kb=%ld\n",
            run_mpi_size(), r->threads > 0 ? r->threads : omp_get_max_threads(), nrows * r->nvariants, years,
            t_sim, t_write, rss_sim_kb, peak_rss_kb());
    fclose(f);
}

static int simulate(const struct run_opts *o, const struct mdl_scenario *s, const char *out)
{
    int rc = CLI_SOFTWARE;
    struct mdl_world *w = NULL;
    size_t nreps = o->reps > 0 ? (size_t)o->reps : o->precision > 0 ? 1000 : s->run.replications;
    struct run r = {.seed = o->seed_set ? o->seed : s->run.master_seed,
                    .quiet = o->quiet || run_mpi_rank() > 0,
                    .batches = o->precision > 0,
                    .sync_s = o->sync_s,
                    .threads = thread_count(o->threads)};
    char *ckpt = malloc(strlen(out) + 8);
    bool ready = ckpt != NULL && mdl_world_create(s, &w) == SIM_OK;
    if (ready) {
        sprintf(ckpt, "%s.ckpt", out);
        r.w = w;
        r.t = mdl_world_table(w);
        r.rep_values = r.t->rep_values;
        r.nstreams = mdl_world_nstreams(w);
        r.nreps = nreps;
        r.nvariants = mdl_world_nvariants(w);
        r.nitems = nreps * r.nvariants;
        r.key_var = sim_out_find(r.t, "totals", "arrivals");
        if (r.key_var < 0)
            r.key_var = sim_out_find(r.t, "totals", "people_passed");
        ready = run_init(&r) == SIM_OK;
    }
    if (!ready)
        fprintf(stderr, "dispsim run: out of memory for %zu replications\n", nreps);
    /* Rank 0 alone owns the output and the checkpoint; the other ranks serve it until it ends the
     * run. Resuming may replace an output that a run killed just before deleting its checkpoint
     * wrote: the new one is the same file. */
    if (ready && run_mpi_rank() == 0) {
        struct stat sb;
        bool replace = o->force || (o->resume && stat(ckpt, &sb) == 0);
        if ((rc = cli_check_output("run", out, replace)) != CLI_OK ||
            (rc = open_checkpoint(&r, o, s, ckpt)) != CLI_OK)
            ready = false;
    }
    if (run_mpi_size() > 1 && !run_mpi_all_ready(ready))
        ready = false;
    if (!ready) {
        if (r.ckpt != NULL && !o->resume)
            res_ckpt_discard(r.ckpt); /* ours and empty: another rank cannot run */
        else
            res_ckpt_close(r.ckpt);
        r.ckpt = NULL;
        if (rc == CLI_OK || rc == CLI_SOFTWARE)
            rc = run_mpi_size() > 1 ? CLI_SOFTWARE : rc;
        goto done;
    }
    if (run_mpi_rank() > 0) {
        rc = run_mpi_serve(&r);
        goto done;
    }
    size_t first = 0, n = 0;
    sim_status st = run_phases(&r, o, &first, &n);
    double t_sim = cli_wall_now() - r.t_start;
    long rss_sim = peak_rss_kb();
    if (st == SIM_OK && r.fail_status == SIM_OK && (st = res_ckpt_sync(r.ckpt)) != SIM_OK)
        snprintf(r.fail_msg, sizeof r.fail_msg, "%s", res_ckpt_error(r.ckpt));
    if (st == SIM_ECANCELED) {
        say_interrupted(&r, o, ckpt);
        rc = CLI_TEMPFAIL;
    } else if (st != SIM_OK || r.fail_status != SIM_OK) {
        fprintf(stderr, "dispsim run: %s: %s\n", s->path, r.fail_msg[0] ? r.fail_msg : sim_status_str(st));
        fprintf(stderr, "dispsim run: the %zu completed replications are kept in %s\n",
                res_ckpt_count(r.ckpt), ckpt);
        rc = cli_exit_code((int)(r.fail_status != SIM_OK ? r.fail_status : st));
    } else {
        double t_write = cli_wall_now();
        rc = write_results(&r, o, s, out, first, n);
        t_write = cli_wall_now() - t_write;
        if (rc == CLI_OK) {
            uint64_t events = 0;
            for (size_t v = 0; v < r.nvariants; v++)
                for (size_t k = first; k < first + n; k++)
                    events += r.events[v * r.nreps + k];
            if (!o->quiet)
                fprintf(stderr,
                        "dispsim: %zu replications%s, %.3g events in %.2f s (%.2f s writing); wrote %s\n", n,
                        r.nvariants > 1 ? " of every variant" : "", (double)events,
                        cli_wall_now() - r.t_start, t_write, out);
            if (o->timing != NULL)
                write_timing(o, &r, s, n, t_sim, t_write, rss_sim);
            res_ckpt_discard(r.ckpt); /* the results file holds everything it held */
            r.ckpt = NULL;
        } else {
            fprintf(stderr,
                    "dispsim run: all %zu replications are kept in %s: once the cause is fixed, the "
                    "same command with --resume writes %s without running them again\n",
                    res_ckpt_count(r.ckpt), ckpt, out);
        }
    }
    if (run_mpi_size() > 1)
        run_mpi_end(rc);
done:
    res_ckpt_close(r.ckpt);
    run_fini(&r);
    mdl_world_destroy(w);
    free(ckpt);
    return rc;
}

int cli_simulate(const struct mdl_scenario *s, size_t reps, uint64_t seed, int threads, const char *out,
                 bool quiet)
{
    struct run_opts o = {.reps = (long)reps,
                         .seed = seed,
                         .seed_set = true,
                         .threads = threads,
                         .quiet = quiet,
                         .sync_s = 60.0};
    return simulate(&o, s, out);
}

int cli_run(int argc, char **argv)
{
    struct run_opts o = {.sync_s = 60.0};
    int rc = parse_run_opts(argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    struct mdl_scenario *s = NULL;
    if ((rc = load(o.scenario, &s)) != CLI_OK) {
        /* Under MPI the other ranks may have loaded it (a node-local path): they would wait for
         * this one for ever. */
        if (run_mpi_size() > 1)
            run_mpi_abort(rc);
        return rc;
    }
    char *out = o.out != NULL ? strdup(o.out) : cli_default_output(o.scenario, ".h5");
    if (out == NULL)
        rc = CLI_SOFTWARE;
    else
        rc = simulate(&o, s, out);
    free(out);
    mdl_scenario_destroy(s);
    return rc;
}

static const char validate_help[] =
    "usage: dispsim validate FILE...\n"
    "       dispsim validate --reference   (print every scenario parameter: range, default, unit)\n"
    "\n"
    "Checks scenario files without running them. Every problem is reported on its own line as\n"
    "FILE:LINE:COLUMN: FIELD: what was expected, got what. Exit 0 if all files are valid, 65 if\n"
    "any has bad data, 66 if any cannot be read.\n";

int cli_validate(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(validate_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "--reference") == 0)
        return argc == 2 ? cli_validate_reference() : (fputs(validate_help, stderr), CLI_USAGE);
    int worst = CLI_OK;
    for (int i = 1; i < argc; i++) {
        struct mdl_scenario *s = NULL;
        int rc = load(argv[i], &s);
        if (rc == CLI_OK)
            printf("%s: valid (%u ports, %g days after %g days warm-up, %u replications)\n", argv[i],
                   s->ports_count, s->calendar.horizon_days, s->calendar.warmup_days, s->run.replications);
        else if (worst == CLI_OK || rc == CLI_NOINPUT)
            worst = rc;
        mdl_scenario_destroy(s);
    }
    return worst;
}
