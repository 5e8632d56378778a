/* dispsim run: the command line of a run; the run itself is run_simulate's (run.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../models/mdl_scenario.h"
#include "cli.h"
#include "run.h"

static const char run_help[] =
    "usage: dispsim run SCENARIO [-o OUT.h5] [-r REPS] [-j THREADS] [--seed S] [OPTIONS]\n"
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
    "      --posterior P   run under parameter uncertainty: every variant at N draws resampled by\n"
    "                      weight from the posterior file P of dispsim calibrate (deterministic in\n"
    "                      the seed), REPS replications each (replication j is at draw j / REPS);\n"
    "                      a study then reports each metric's interval with parameter and Monte\n"
    "                      Carlo uncertainty beside the Monte Carlo-only one (dispsim info)\n"
    "      --draws N       posterior draws with --posterior (default 20)\n"
    "      --timing FILE   write wall times (simulating, writing) and peak memory as key=value\n"
    "                      lines to FILE (what dispsim bench --scaling reads)\n"
    "  -f, --force         overwrite an existing results file; discard an existing checkpoint\n"
    "  -q, --quiet         no progress lines on stderr\n"
    "  -h, --help          this text\n";

/* The rest of the help: one literal would pass the 4,095 characters C17 promises to support. */
static const char run_help_more[] =
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
    "count, so a run is reproduced exactly from its scenario file and seed.\n"
    "\n"
    "Exit codes: 0 the results file is written; 64 bad command line; 65 bad scenario data (every\n"
    "problem as FILE:LINE:COLUMN), or a checkpoint of another run; 66 scenario or checkpoint\n"
    "missing; 70 internal error; 73 the output exists or cannot be created; 74 I/O error; 75\n"
    "interrupted (the checkpoint is kept: repeat the command with --resume).\n"
    "\n"
    "Examples:\n"
    "  dispsim run scenarios/baseline.yaml -r 40 -o base.h5     then: dispsim info base.h5\n"
    "  dispsim run scenarios/inspector-study.yaml --precision 0.01 -j 8\n"
    "  dispsim run scenarios/baseline.yaml -r 40 -o base.h5 --resume   (after an interruption)\n";

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

/* --seed S: an unsigned 64-bit integer, without a sign. */
static bool parse_seed(const char *arg, struct run_opts *o)
{
    char *end;
    errno = 0;
    unsigned long long s = strtoull(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-')
        return false;
    o->seed = s;
    o->seed_set = true;
    return true;
}

/* --shard i/N with 1 <= i <= N <= 100000. */
static bool parse_shard(const char *arg, struct run_opts *o)
{
    char *end;
    errno = 0;
    long i = strtol(arg, &end, 10), n = *end == '/' ? strtol(end + 1, &end, 10) : 0;
    if (errno != 0 || *end != '\0' || n < 1 || n > 100000 || i < 1 || i > n)
        return false;
    o->shard = i;
    o->shards = n;
    return true;
}

/* Sets the option `c` that takes a value from `arg`. When `arg` is not such a value, returns false
 * with *expected saying what the option takes. */
static bool set_value(struct run_opts *o, int c, const char *arg, const char **expected)
{
    long v = 0;
    switch (c) {
    case 'r':
        *expected = "-r: expected a count in [1, 1000000]";
        return cli_parse_count(arg, 1, 1000000, &o->reps);
    case 'j':
        *expected = "-j: expected a thread count in [1, 4096]";
        if (!cli_parse_count(arg, 1, 4096, &v))
            return false;
        o->threads = (int)v;
        return true;
    case 's': *expected = "--seed: expected an unsigned 64-bit integer"; return parse_seed(arg, o);
    case 'p':
        *expected = "--precision: expected a number in (0, 1)";
        return parse_real(arg, &o->precision) && o->precision > 0.0 && o->precision < 1.0;
    case 'b':
        *expected = "--batch: expected a count in [2, 100000]";
        return cli_parse_count(arg, 2, 100000, &o->batch);
    case 'S': *expected = "--shard: expected i/N with 1 <= i <= N"; return parse_shard(arg, o);
    default:
        *expected = "--checkpoint: expected seconds in [0, 86400]";
        return parse_real(arg, &o->sync_s) && o->sync_s >= 0.0 && o->sync_s <= 86400.0;
    }
}

/* Fills *o from the command line. Returns CLI_OK to run, -1 after printing the help, else the exit
 * code of a bad command line (after saying what is wrong). */
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
        {"posterior", required_argument, NULL, 'P'},
        {"draws", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    const char *expected = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:r:j:fqh", longs, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'r':
        case 'j':
        case 's':
        case 'p':
        case 'b':
        case 'S':
        case 'c':
            if (!set_value(o, c, optarg, &expected))
                return cli_usage_error("run", NULL, "%s, got '%s'", expected, optarg);
            break;
        case 'R': o->resume = true; break;
        case 'T': o->timing = optarg; break;
        case 'P': o->posterior = optarg; break;
        case 'D':
            if (!cli_parse_count(optarg, 2, 100000, &o->draws))
                return cli_usage_error("run", NULL, "--draws: expected a count in [2, 100000], got '%s'",
                                       optarg);
            break;
        case 'f': o->force = true; break;
        case 'q': o->quiet = true; break;
        case 'h': fputs(run_help, stdout), fputs(run_help_more, stdout); return -1;
        default: return cli_bad_option("run", c, argv);
        }
    }
    if (optind == argc)
        return cli_usage_error("run", NULL,
                               "no SCENARIO file given, e.g. dispsim run scenarios/baseline.yaml; see "
                               "'dispsim run --help'");
    if (optind != argc - 1)
        return cli_usage_error("run", NULL,
                               "one SCENARIO file at a time, got %d ('%s' and '%s'...); see 'dispsim run "
                               "--help'",
                               argc - optind, argv[optind], argv[optind + 1]);
    o->scenario = argv[optind];
    o->argc = argc;
    o->argv = argv;
    if (o->shards > 0 && o->precision > 0)
        return cli_usage_error("run", NULL, "--shard and --precision do not go together");
    if (o->precision > 0 && o->reps == 1)
        return cli_usage_error("run", NULL,
                               "--precision needs at least 2 replications to compute an interval, got -r 1");
    if (o->posterior == NULL && o->draws > 0)
        return cli_usage_error("run", NULL, "--draws needs --posterior");
    if (o->posterior != NULL && (o->shards > 0 || o->precision > 0))
        return cli_usage_error("run", NULL, "--posterior does not go with --shard or --precision");
    if (o->posterior != NULL && o->reps == 1) /* the within-draw variance needs two */
        return cli_usage_error("run", NULL,
                               "--posterior needs at least 2 replications per draw (the Monte Carlo part of "
                               "the interval is their spread), got -r 1");
    if (o->resume && o->force)
        return cli_usage_error("run", NULL,
                               "--resume continues a checkpoint and --force discards it: give one of them");
    return CLI_OK;
}

int cli_run(int argc, char **argv)
{
    struct run_opts o = {.sync_s = RUN_DEFAULT_SYNC_S};
    int rc = parse_run_opts(argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    struct mdl_scenario *s = NULL;
    if ((rc = cli_not_a_scenario("run", o.scenario)) != CLI_OK ||
        (rc = cli_load_scenario(o.scenario, &s)) != CLI_OK) {
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
        rc = run_simulate(&o, s, out);
    free(out);
    mdl_scenario_destroy(s);
    return rc;
}
