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

#include "../models/mdl_scenario.h"
#include "../models/mdl_world.h"
#include "../results/res.h"
#include "../sim/sim_run.h"
#include "ana_study.h"
#include "ana_summary.h"
#include "cli.h"

static const char run_help[] =
    "usage: dispsim run SCENARIO [-o OUT.h5] [-r REPS] [-j THREADS] [--seed S] [--force] [--quiet]\n"
    "\n"
    "Simulates SCENARIO (a YAML file, see scenarios/README.md) and writes every replication's\n"
    "daily series and totals to an HDF5 file (layout: results/README.md).\n"
    "\n"
    "  -o, --output FILE   results file (default: the scenario's base name with .h5, here)\n"
    "  -r, --reps N        replications (default: run.replications of the scenario)\n"
    "  -j, --threads N     worker threads (default: $SLURM_CPUS_PER_TASK, else $OMP_NUM_THREADS,\n"
    "                      else all cores); results are bitwise identical for any N\n"
    "      --seed S        master seed (default: run.master_seed of the scenario)\n"
    "      --precision X   add replications in batches until the relative half-width of every\n"
    "                      key 95% interval is at most X (e.g. 0.01) and stays so for 2 more\n"
    "                      batches (Hoad, Robinson and Davies); -r is then the maximum (default\n"
    "                      1000). Key intervals: total arrivals of every variant (people passed\n"
    "                      at the controls for a ports-only scenario)\n"
    "      --batch B       replications per batch with --precision (default 10); the stopping\n"
    "                      point depends on B and X only, never on threads\n"
    "      --shard i/N     run only the i-th of N contiguous slices of the replications (job\n"
    "                      arrays); dispsim merge combines the N files into the file one run\n"
    "                      would have written\n"
    "  -f, --force         overwrite an existing results file\n"
    "  -q, --quiet         no progress lines on stderr\n"
    "\n"
    "A scenario with variants or a sweep (a study) runs every variant for every replication, on\n"
    "the same random streams, and adds the paired comparison of each variant with the baseline.\n"
    "\n"
    "Replication r always uses the random streams of (master seed, r), whatever the thread count,\n"
    "so a run is reproduced exactly from its scenario file and seed. The file is written under a\n"
    "temporary name and renamed when complete: a results file that exists is whole.\n";

struct run_opts {
    const char *scenario, *out;
    long reps, batch, shard, shards; /* shard i of N (1-based); shards 0: the whole run */
    double precision;
    int threads;
    uint64_t seed;
    bool seed_set, force, quiet;
};

struct run_ctx {
    const struct mdl_world *w;
    uint64_t seed;
    size_t rep_values, nstreams, nreps, nvariants;
    double *values;
    uint64_t *seeds, *events;
    char **errors;
    bool quiet, batches;
    double t_start, t_last_print;
};

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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
        case 'p': {
            char *end;
            errno = 0;
            double x = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' || !(x > 0.0 && x < 1.0))
                return fprintf(stderr, "dispsim run: --precision: expected a number in (0, 1), got '%s'\n",
                               optarg),
                       CLI_USAGE;
            o->precision = x;
            break;
        }
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
    if (o->shards > 0 && o->precision > 0)
        return fprintf(stderr, "dispsim run: --shard and --precision do not go together\n"), CLI_USAGE;
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

static sim_status ws_create(const void *vctx, void **ws)
{
    const struct run_ctx *ctx = vctx;
    struct mdl_world_ws *w = NULL;
    sim_status st = mdl_world_ws_create(ctx->w, &w);
    if (st == SIM_OK)
        *ws = w;
    return st;
}

static void ws_destroy(void *ws)
{
    mdl_world_ws_destroy(ws);
}

/* Item i is replication i % nreps of variant i / nreps: variant-major, as the results file stores
 * them. */
static sim_status run_item(const void *vctx, void *ws, size_t i)
{
    const struct run_ctx *ctx = vctx;
    char err[512];
    sim_status st = mdl_world_run_variant(ws, i / ctx->nreps, ctx->seed, i % ctx->nreps,
                                          ctx->values + i * ctx->rep_values, ctx->seeds + i * ctx->nstreams,
                                          ctx->events + i, err, sizeof err);
    if (st != SIM_OK)
        ctx->errors[i] = strdup(err); /* each item owns its own slot */
    return st;
}

/* Progress for runs longer than a couple of seconds: a rewritten line on a terminal, and a line
 * every 10 seconds in batch logs. */
static void progress(const void *vctx, size_t done, size_t total)
{
    struct run_ctx *ctx = (struct run_ctx *)vctx; /* progress fields are written under the runner's lock */
    if (ctx->quiet || ctx->batches)
        return; /* batches print a line each instead */
    double now = wall_now(), el = now - ctx->t_start;
    bool tty = isatty(STDERR_FILENO);
    if (el < 2.0 || (done < total && now - ctx->t_last_print < (tty ? 0.5 : 10.0)))
        return;
    ctx->t_last_print = now;
    double left = el / (double)done * (double)(total - done);
    fprintf(stderr, "%sdispsim: %zu/%zu %s (%.0f%%), %.1f s elapsed, ~%.0f s left%s", tty ? "\r" : "", done,
            total, ctx->nvariants > 1 ? "replications of all variants" : "replications",
            100.0 * (double)done / (double)total, el, left, tty ? (done == total ? "\n" : "") : "\n");
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
static double key_value(const struct run_ctx *ctx, size_t v, size_t r)
{
    const struct sim_out_table *t = mdl_world_table(ctx->w);
    int id = sim_out_find(t, "totals", "arrivals");
    if (id < 0)
        id = sim_out_find(t, "totals", "people_passed");
    if (id < 0)
        return NAN;
    const double *x = ctx->values + (v * ctx->nreps + r) * ctx->rep_values + t->offset[id];
    double sum = 0.0;
    for (size_t i = 0; i < sim_out_var_size(t, id); i++)
        sum += x[i];
    return sum;
}

/* The largest relative half-width of the key 95% intervals over replications [0, n). */
static double worst_precision(const struct run_ctx *ctx, size_t n)
{
    double worst = 0.0, *x = malloc(n * sizeof *x);
    if (x == NULL)
        return INFINITY;
    for (size_t v = 0; v < ctx->nvariants; v++) {
        for (size_t r = 0; r < n; r++)
            x[r] = key_value(ctx, v, r);
        struct ana_ci c = ana_summarise(x, n, 1, 0.95);
        double rel = c.mean != 0.0 ? 0.5 * (c.high - c.low) / fabs(c.mean) : INFINITY;
        worst = isnan(rel) ? INFINITY : fmax(worst, rel);
    }
    free(x);
    return worst;
}

/* Runs replications [from, to) of every variant. Item v * nreps + r writes slot (v, r). */
static sim_status run_range(struct run_ctx *ctx, const struct run_opts *o, size_t from, size_t to,
                            size_t *failed)
{
    size_t n = (to - from) * ctx->nvariants, k = 0;
    size_t *items = malloc(n * sizeof *items);
    if (items == NULL)
        return SIM_ENOMEM;
    for (size_t v = 0; v < ctx->nvariants; v++)
        for (size_t r = from; r < to; r++)
            items[k++] = v * ctx->nreps + r;
    const struct sim_run_ops ops = {ws_create, ws_destroy, run_item, progress};
    sim_status st = sim_run_items(&ops, ctx, items, n, thread_count(o->threads), &cli_interrupted, failed);
    if (st != SIM_OK && st != SIM_ECANCELED)
        *failed = items[*failed];
    free(items);
    return st;
}

/* Moves the rows of replications [0, n) of every variant together: slot (v, r) from v * nmax + r
 * to v * n + r (forwards: a row never moves past one still to be read). */
static void compact(struct run_ctx *ctx, size_t nmax, size_t first, size_t n)
{
    for (size_t v = 0; v < ctx->nvariants; v++)
        for (size_t r = 0; r < n; r++) {
            size_t from = v * nmax + first + r, to = v * n + r;
            memmove(ctx->values + to * ctx->rep_values, ctx->values + from * ctx->rep_values,
                    ctx->rep_values * sizeof *ctx->values);
            memmove(ctx->seeds + to * ctx->nstreams, ctx->seeds + from * ctx->nstreams,
                    ctx->nstreams * sizeof *ctx->seeds);
            ctx->events[to] = ctx->events[from];
        }
    ctx->nreps = n;
}

static int simulate(const struct run_opts *o, const struct mdl_scenario *s, const char *out)
{
    int rc = CLI_SOFTWARE;
    struct mdl_world *w = NULL;
    size_t nreps = o->reps > 0 ? (size_t)o->reps : o->precision > 0 ? 1000 : s->run.replications;
    struct run_ctx ctx = {.seed = o->seed_set ? o->seed : s->run.master_seed, .quiet = o->quiet};
    size_t nitems = 0, nalloc = 0, first_rep = 0;
    struct ana_study *study = NULL;
    uint64_t *rep_index = malloc(nreps * sizeof *rep_index);
    if (rep_index == NULL || mdl_world_create(s, &w) != SIM_OK)
        goto done;
    ctx.w = w;
    ctx.rep_values = mdl_world_table(w)->rep_values;
    ctx.nstreams = mdl_world_nstreams(w);
    ctx.nreps = nreps;
    ctx.nvariants = mdl_world_nvariants(w);
    nitems = nalloc = nreps * ctx.nvariants;
    ctx.values = malloc(nitems * ctx.rep_values * sizeof *ctx.values);
    ctx.seeds = malloc(nitems * ctx.nstreams * sizeof *ctx.seeds);
    ctx.events = calloc(nitems, sizeof *ctx.events);
    ctx.errors = calloc(nitems, sizeof *ctx.errors);
    if (ctx.values == NULL || ctx.seeds == NULL || ctx.events == NULL || ctx.errors == NULL) {
        fprintf(stderr, "dispsim run: out of memory for %zu replications of %zu variants\n", nreps,
                ctx.nvariants);
        goto done;
    }
    ctx.t_start = ctx.t_last_print = wall_now();
    size_t failed = 0;
    sim_status st = SIM_OK;
    if (o->precision > 0) {
        /* Batches of replications [n, n + B) of every variant; each decision looks at completed
         * replications 0..n-1 only, so threads and ranks cannot move the stopping point. */
        size_t batch = o->batch > 0 ? (size_t)o->batch : 10, n = 0, streak = 0;
        const size_t confirm = 2;
        ctx.batches = true;
        double h = INFINITY;
        while (st == SIM_OK && n < nreps && streak <= confirm) {
            size_t to = n + batch < nreps ? n + batch : nreps;
            st = run_range(&ctx, o, n, to, &failed);
            n = to;
            if (st != SIM_OK || n < 2)
                continue;
            h = worst_precision(&ctx, n);
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
                    o->precision, nreps, h);
        if (st == SIM_OK) {
            compact(&ctx, nreps, 0, n);
            nreps = n;
            nitems = n * ctx.nvariants;
        }
    } else if (o->shards > 0) {
        /* Shard i of N: the contiguous replications [floor((i-1) R / N), floor(i R / N)). */
        size_t lo = (size_t)(o->shard - 1) * nreps / (size_t)o->shards,
               hi = (size_t)o->shard * nreps / (size_t)o->shards;
        st = run_range(&ctx, o, lo, hi, &failed);
        if (st == SIM_OK) {
            compact(&ctx, nreps, lo, hi - lo);
            first_rep = lo;
            nreps = hi - lo;
            nitems = nreps * ctx.nvariants;
        }
    } else {
        st = run_range(&ctx, o, 0, nreps, &failed);
    }
    if (st == SIM_ECANCELED) {
        fprintf(stderr, "\ndispsim run: interrupted; no results written\n");
        rc = CLI_TEMPFAIL;
        goto done;
    }
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim run: %s: %s\n", s->path,
                ctx.errors[failed] != NULL ? ctx.errors[failed] : sim_status_str(st));
        rc = cli_exit_code(st);
        goto done;
    }
    for (size_t r = 0; r < nreps; r++)
        rep_index[r] = first_rep + r;
    if (ctx.nvariants > 1 && o->shards == 0 && /* a shard's study is computed by dispsim merge */
        (study = ana_study_compute(mdl_world_table(w), ctx.values, ctx.nvariants, nreps)) == NULL) {
        fprintf(stderr, "dispsim run: out of memory for the study metrics\n");
        goto done;
    }
    struct res_meta meta = {
        .program_version = DISPSIM_VERSION,
        .scenario_path = s->path,
        .scenario_text = s->text,
        .scenario_name = s->name,
        .master_seed = ctx.seed,
        .nreps = nreps,
        .rep_index = rep_index,
        .nstreams = ctx.nstreams,
        .stream_names = mdl_world_stream_names(w),
        .stream_seeds = ctx.seeds, /* variant 0's rows: every variant uses the same streams */
        .nvariants = ctx.nvariants,
        .variant_names = mdl_world_variant_names(w),
        .extra = study != NULL ? ana_study_extra(study) : NULL,
    };
    char err[1024];
    double t_write = wall_now();
    st = res_write_run(out, &meta, mdl_world_table(w), ctx.values, err, sizeof err);
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim run: %s\n", err);
        rc = cli_exit_code(st);
        goto done;
    }
    uint64_t events = 0;
    for (size_t i = 0; i < nitems; i++)
        events += ctx.events[i];
    double el = wall_now() - ctx.t_start;
    if (!o->quiet)
        fprintf(stderr, "dispsim: %zu replications%s, %.3g events in %.2f s (%.2f s writing); wrote %s\n",
                nreps, ctx.nvariants > 1 ? " of every variant" : "", (double)events, el, wall_now() - t_write,
                out);
    rc = CLI_OK;
done:
    for (size_t i = 0; ctx.errors != NULL && i < nalloc; i++)
        free(ctx.errors[i]);
    ana_study_free(study);
    free(ctx.errors);
    free(ctx.values);
    free(ctx.seeds);
    free(ctx.events);
    free(rep_index);
    mdl_world_destroy(w);
    return rc;
}

int cli_simulate(const struct mdl_scenario *s, size_t reps, uint64_t seed, int threads, const char *out,
                 bool quiet)
{
    struct run_opts o = {
        .reps = (long)reps, .seed = seed, .seed_set = true, .threads = threads, .quiet = quiet};
    return simulate(&o, s, out);
}

int cli_run(int argc, char **argv)
{
    struct run_opts o = {0};
    int rc = parse_run_opts(argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    struct mdl_scenario *s = NULL;
    if ((rc = load(o.scenario, &s)) != CLI_OK)
        return rc;
    char *out = o.out != NULL ? strdup(o.out) : cli_default_output(o.scenario, ".h5");
    if (out == NULL)
        rc = CLI_SOFTWARE;
    else if ((rc = cli_check_output("run", out, o.force)) == CLI_OK)
        rc = simulate(&o, s, out);
    free(out);
    mdl_scenario_destroy(s);
    return rc;
}

static const char validate_help[] =
    "usage: dispsim validate FILE...\n"
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
