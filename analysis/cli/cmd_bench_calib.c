/* dispsim bench --calibration CALIB.yaml: what one particle run of a calibration costs against one
 * replication of its scenario (issue 17: a particle reuses its thread's workspace, so it should
 * cost no more). Prints figures; asserts nothing. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../models/mdl_calib.h"
#include "../../models/mdl_world.h"
#include "cli.h"
#include "cli_common.h"

static const char calib_help[] =
    "usage: dispsim bench --calibration CALIB.yaml\n"
    "\n"
    "Times, single-threaded, one replication of the calibration's scenario (mdl_world_run_rep on a\n"
    "plain workspace) and one particle run as calibrate does it (mdl_world_run_point on a\n"
    "workspace with the calibration's parameters, then the simulated points and the distance), both\n"
    "at the scenario's own parameter values and the same seeds, so they simulate the same events:\n"
    "the difference is the cost of the particle machinery. Each is timed over 2 runs in 3 passes\n"
    "after one untimed run: the thread's CPU seconds (not inflated by other work on the machine)\n"
    "and wall seconds, the best pass with the median. Ends with the CPU time the calibration's\n"
    "algorithm settings (particles x generations x replications) take at that speed (particles\n"
    "elsewhere in the prior run shorter or longer).\n"
    "\n"
    "Example:\n"
    "  dispsim bench --calibration scenarios/calibration-2018-2023.yaml\n";

enum { PASSES = 3, RUNS = 2 };

/* This thread's CPU seconds: unlike the wall clock, not inflated by other work on the machine. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One workspace of each kind and their buffers. */
struct bench {
    struct mdl_calib *c;
    struct mdl_world_ws *plain, *params;
    double *values, *theta, *sim;
    const char **paths;
};

/* Runs seed index r on the plain workspace (particle false) or as a particle; events into *ev. */
static sim_status run_one(struct bench *b, bool particle, uint64_t r, uint64_t *ev, char *err, size_t errlen)
{
    uint64_t seed = b->c->opts.seed;
    if (!particle)
        return mdl_world_run_rep(b->plain, seed, r, b->values, NULL, ev, err, errlen);
    sim_status st = mdl_world_run_point(b->params, b->theta, 0, seed, r, b->values, NULL, ev, err, errlen);
    if (st == SIM_OK) {
        mdl_calib_simulated(b->c, b->values, b->sim);
        b->sim[b->c->npoints] = mdl_calib_distance(b->c, b->sim); /* kept: it is part of the cost */
    }
    return st;
}

/* Per run: CPU seconds (best pass, median), wall seconds (best pass, median), and the events of
 * the last pass, into out[0..4]. */
static sim_status time_runs(struct bench *b, bool particle, double out[5], char *err, size_t errlen)
{
    uint64_t ev = 0, total = 0;
    sim_status st = run_one(b, particle, 0, &ev, err, errlen); /* warms the pools */
    double cpu[PASSES], wall[PASSES];
    for (int pass = 0; pass < PASSES && st == SIM_OK; pass++) {
        total = 0;
        double c0 = cpu_now(), t0 = cli_wall_now();
        for (uint64_t r = 1; r <= RUNS && st == SIM_OK; r++, total += ev)
            st = run_one(b, particle, r, &ev, err, errlen);
        cpu[pass] = (cpu_now() - c0) / RUNS, wall[pass] = (cli_wall_now() - t0) / RUNS;
    }
    if (st != SIM_OK)
        return st;
    qsort(cpu, PASSES, sizeof *cpu, cmp_double);
    qsort(wall, PASSES, sizeof *wall, cmp_double);
    out[0] = cpu[0], out[1] = cpu[PASSES / 2], out[2] = wall[0], out[3] = wall[PASSES / 2];
    out[4] = (double)total;
    return SIM_OK;
}

/* The workspaces, and theta = the scenario's own values of the calibrated parameters. */
static sim_status setup(struct bench *b, char *err, size_t errlen)
{
    const struct mdl_calib *c = b->c;
    size_t d = c->parameters_count;
    b->values = malloc((mdl_world_table(c->world)->rep_values + 1) * sizeof *b->values);
    b->theta = malloc((d + 1) * sizeof *b->theta);
    b->sim = malloc((c->npoints + 1) * sizeof *b->sim);
    b->paths = malloc((d + 1) * sizeof *b->paths);
    if (b->values == NULL || b->theta == NULL || b->sim == NULL || b->paths == NULL)
        return snprintf(err, errlen, "out of memory"), SIM_ENOMEM;
    for (size_t j = 0; j < d; j++) {
        struct mdl_param p;
        sim_status st = mdl_scenario_param(c->scn, c->parameters[j].path, &p, err, errlen);
        if (st != SIM_OK)
            return st;
        b->theta[j] = mdl_param_get(&p);
        b->paths[j] = c->parameters[j].path;
    }
    sim_status st = mdl_world_ws_create(c->world, &b->plain);
    if (st == SIM_OK)
        st = mdl_world_ws_create_params(c->world, b->paths, d, &b->params, err, errlen);
    else
        snprintf(err, errlen, "out of memory");
    return st;
}

static void print(const struct mdl_calib *c, const double rep[5], const double part[5])
{
    printf("calibration %s, scenario %s (%u parameters at the scenario's values, %u points), per run, best "
           "of %d passes of %d runs (median):\n",
           c->path, c->scn->name, c->parameters_count, c->npoints, PASSES, RUNS);
    const double *x[2] = {rep, part};
    for (int k = 0; k < 2; k++)
        printf("  %-13s %.3f CPU s (%.3f), %.3f wall s (%.3f), %.0f events\n",
               k ? "particle run" : "replication", x[k][0], x[k][1], x[k][2], x[k][3], x[k][4]);
    printf("  particle / replication: %.3f CPU, %.3f wall (1: reusing the workspace costs nothing)%s\n",
           part[0] / rep[0], part[2] / rep[2], part[4] == rep[4] ? "" : "; DIFFERENT events: a bug");
    double runs = (double)c->opts.nparticles * c->opts.generations * c->opts.reps;
    if (runs > 0)
        printf("  the calibration's %u particles x %u generations x %u replications = %.0f runs: about "
               "%.1f CPU-hours, %.1f h on 2 free cores\n",
               c->opts.nparticles, c->opts.generations, c->opts.reps, runs, runs * part[0] / 3600.0,
               runs * part[0] / 7200.0);
}

int cli_bench_calib(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(calib_help, stdout), CLI_OK;
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage_error("bench", calib_help, "--calibration needs one CALIB.yaml");
    char err[16384] = "";
    struct bench b = {0};
    sim_status st = mdl_calib_load(argv[1], &b.c, err, sizeof err);
    if (st != SIM_OK)
        return cli_load_failed(err, st);
    double rep[5], part[5];
    st = setup(&b, err, sizeof err);
    if (st == SIM_OK)
        st = time_runs(&b, false, rep, err, sizeof err);
    if (st == SIM_OK)
        st = time_runs(&b, true, part, err, sizeof err);
    if (st == SIM_OK)
        print(b.c, rep, part);
    else
        fprintf(stderr, "dispsim bench: %s: %s\n", argv[1], err);
    mdl_world_ws_destroy(b.plain);
    mdl_world_ws_destroy(b.params);
    free(b.values), free(b.theta), free(b.sim), free((void *)b.paths);
    mdl_calib_destroy(b.c);
    return st == SIM_OK ? CLI_OK : cli_exit_code(st);
}
