/* run_simulate.c: one run from start to end (see run.h): the world and the checkpoint set up on
 * every rank, the phases, then the results file, the summary line and the --timing file, or what
 * to do after an interruption or a failure. */
#define _GNU_SOURCE
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <omp.h>

#include "../../models/mdl_scenario.h"
#include "cli_common.h"
#include "run_post.h"

static int thread_count(int requested)
{
    if (requested > 0)
        return requested;
    const char *slurm = getenv("SLURM_CPUS_PER_TASK");
    long v;
    if (slurm != NULL && cli_parse_count(slurm, 1, 4096, &v))
        return (int)v;
    return 0; /* the OpenMP default, which honours OMP_NUM_THREADS */
}

/* Tells how to continue an interrupted run. */
static void say_interrupted(const struct run *r, const struct run_opts *o, const char *ckpt)
{
    char shape[96];
    run_shape(r, r->nreps, shape, sizeof shape);
    fprintf(stderr, "\ndispsim run: interrupted; %zu of %zu %s%s are kept in %s\n", res_ckpt_count(r->ckpt),
            r->nitems, run_unit(r, r->nitems), shape, ckpt);
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

/* Fills in what the run takes from world `w` (tables, streams, variants, the key variable) for
 * `nreps` replications, and sets up its lock and arrays. False when out of memory. */
static bool setup(struct run *r, struct mdl_world *w, size_t nreps)
{
    r->w = w;
    r->t = mdl_world_table(w);
    r->rep_values = r->t->rep_values;
    r->nstreams = mdl_world_nstreams(w);
    r->nreps = nreps;
    r->nvariants = mdl_world_nvariants(w);
    r->nitems = nreps * r->nvariants;
    r->key_var = sim_out_find(r->t, "totals", "arrivals");
    if (r->key_var < 0)
        r->key_var = sim_out_find(r->t, "totals", "people_passed");
    return run_init(r) == SIM_OK;
}

/* The summary line of a written results file of replications [first, first + n), and what to do
 * with the file next. */
static void say_done(const struct run *r, const struct run_opts *o, const char *out, size_t first, size_t n,
                     double t_write)
{
    uint64_t events = 0;
    for (size_t v = 0; v < r->nvariants; v++)
        for (size_t k = first; k < first + n; k++)
            events += r->events[v * r->nreps + k];
    char shape[96];
    run_shape(r, n, shape, sizeof shape);
    fprintf(stderr, "dispsim: %zu %s%s, %.3g events in %.2f s (%.2f s writing); wrote %s\n", n * r->nvariants,
            run_unit(r, n * r->nvariants), shape, (double)events, cli_wall_now() - r->t_start, t_write, out);
    if (o->shards > 0)
        fprintf(stderr,
                "dispsim: shard %ld of %ld; once all are written: dispsim merge -o OUT.h5 SHARD.h5...\n",
                o->shard, o->shards);
    else if (n < 2)
        fprintf(stderr,
                "dispsim: with one replication there are no confidence intervals: they need at least "
                "two (-r 2 or more); dispsim info %s shows the totals\n",
                out);
    else
        fprintf(stderr, "dispsim: next: dispsim info %s (totals with 95%% intervals), dispsim report %s\n",
                out, out);
}

/* After the phases succeeded: writes the results file from the checkpoint `ckpt` and, once it is
 * written, prints the summary line, writes the --timing file and deletes the checkpoint. */
static int write_out(struct run *r, const struct run_opts *o, const struct mdl_scenario *s, const char *out,
                     const char *ckpt, size_t first, size_t n, double t_sim, long rss_sim)
{
    double t_write = cli_wall_now();
    int rc = run_write_results(r, o, s, out, first, n);
    t_write = cli_wall_now() - t_write;
    if (rc != CLI_OK) {
        fprintf(stderr,
                "dispsim run: all %zu %s are kept in %s: once the cause is fixed, the "
                "same command with --resume writes %s without running them again\n",
                res_ckpt_count(r->ckpt), run_unit(r, res_ckpt_count(r->ckpt)), ckpt, out);
        return rc;
    }
    if (!o->quiet && !o->no_summary)
        say_done(r, o, out, first, n, t_write);
    if (o->timing != NULL)
        write_timing(o, r, s, n, t_sim, t_write, rss_sim);
    res_ckpt_discard(r->ckpt); /* the results file holds everything it held */
    r->ckpt = NULL;
    return CLI_OK;
}

/* Rank 0, once every rank is ready: runs the phases, then writes the results file, or says what
 * is kept in the checkpoint `ckpt` after an interruption or a failure. Returns the exit code. */
static int run_and_write(struct run *r, const struct run_opts *o, const struct mdl_scenario *s,
                         const char *out, const char *ckpt)
{
    size_t first = 0, n = 0;
    sim_status st = run_phases(r, o, &first, &n);
    double t_sim = cli_wall_now() - r->t_start;
    long rss_sim = peak_rss_kb();
    if (st == SIM_OK && r->fail_status == SIM_OK && (st = res_ckpt_sync(r->ckpt)) != SIM_OK)
        snprintf(r->fail_msg, sizeof r->fail_msg, "%s", res_ckpt_error(r->ckpt));
    if (st == SIM_ECANCELED) {
        say_interrupted(r, o, ckpt);
        return CLI_TEMPFAIL;
    }
    if (st != SIM_OK || r->fail_status != SIM_OK) {
        fprintf(stderr, "dispsim run: %s: %s\n", s->path, r->fail_msg[0] ? r->fail_msg : sim_status_str(st));
        fprintf(stderr, "dispsim run: the %zu completed %s are kept in %s\n", res_ckpt_count(r->ckpt),
                run_unit(r, res_ckpt_count(r->ckpt)), ckpt);
        return cli_exit_code(r->fail_status != SIM_OK ? r->fail_status : st);
    }
    return write_out(r, o, s, out, ckpt, first, n, t_sim, rss_sim);
}

int run_simulate(const struct run_opts *o, const struct mdl_scenario *s, const char *out)
{
    int rc = CLI_SOFTWARE;
    struct mdl_world *w = NULL;
    size_t nreps = o->reps > 0 ? (size_t)o->reps : o->precision > 0 ? 1000 : s->run.replications;
    struct run r = {.seed = o->seed_set ? o->seed : s->run.master_seed,
                    .quiet = o->quiet || run_mpi_rank() > 0,
                    .batches = o->precision > 0,
                    .sync_s = o->sync_s,
                    .threads = thread_count(o->threads)};
    struct run_post post = {0};
    char *ckpt = malloc(strlen(out) + 8);
    bool ready = ckpt != NULL && mdl_world_create(s, &w) == SIM_OK, posterior_ok = true;
    if (ready && o->posterior != NULL) {
        size_t draws = o->draws > 0 ? (size_t)o->draws : RUN_POST_DEFAULT_DRAWS;
        if ((rc = run_post_load(&post, o->posterior, draws, r.seed, w, s)) != CLI_OK) {
            ready = posterior_ok = false;
        } else {
            rc = CLI_SOFTWARE; /* until the run says otherwise */
            r.post = &post;
            r.npar = post.d;
            r.theta = post.theta;
            r.paths = (const char *const *)post.p.paths;
            r.ndraws = draws;
            r.reps_per_draw = nreps;
            nreps *= draws; /* draw-major: replication j is rep j % reps of draw j / reps */
        }
    }
    if (ready) {
        sprintf(ckpt, "%s.ckpt", out);
        ready = setup(&r, w, nreps);
    }
    if (!ready && posterior_ok)
        fprintf(stderr, "dispsim run: out of memory for %zu replications\n", nreps);
    /* Rank 0 alone owns the output and the checkpoint; the other ranks serve it until it ends the
     * run. Resuming may replace an output that a run killed just before deleting its checkpoint
     * wrote: the new one is the same file. */
    if (ready && run_mpi_rank() == 0) {
        struct stat sb;
        bool replace = o->force || (o->resume && stat(ckpt, &sb) == 0);
        if ((rc = cli_check_output("run", out, replace)) != CLI_OK ||
            (rc = run_open_checkpoint(&r, o, s, ckpt)) != CLI_OK)
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
    } else if (run_mpi_rank() > 0) {
        rc = run_mpi_serve(&r);
    } else {
        rc = run_and_write(&r, o, s, out, ckpt);
        if (run_mpi_size() > 1)
            run_mpi_end(rc);
    }
    res_ckpt_close(r.ckpt);
    run_fini(&r);
    run_post_fini(&post);
    mdl_world_destroy(w);
    free(ckpt);
    return rc;
}
