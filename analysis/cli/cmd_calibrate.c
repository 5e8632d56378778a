/* dispsim calibrate: fits a scenario's parameters by ABC-SMC (calib.h), or with --synthetic writes
 * what the targets would observe at given parameter values. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calib.h"
#include "cli.h"
#include "cli_common.h"
#include "run.h"

static const char help[] =
    "usage: dispsim calibrate CALIB.yaml [-o POSTERIOR.h5] [-j N] [--resume] [--force] [-q]\n"
    "       dispsim calibrate CALIB.yaml --synthetic 'PATH=VALUE,...' -o OBSERVED.csv\n"
    "\n"
    "Fits the parameters of the calibration file's scenario to its observed data by ABC-SMC\n"
    "(scenarios/CALIBRATION.md), by population Monte Carlo (algorithm.sampler: pmc, the default)\n"
    "or resample-move (sampler: resample-move, for many parameters: its weights do not pile onto\n"
    "a few particles): each generation runs up to particles x replications simulations, each\n"
    "with its own seed from (seed, generation, particle, replication), so the posterior is the same\n"
    "bytes for any -j. Every finished simulation is kept in POSTERIOR.h5.ckpt at once: after an\n"
    "interruption (Ctrl-C, a killed job) the same command with --resume runs only what is missing\n"
    "and gives the same file. Progress (generation, tolerance, acceptance, effective sample size)\n"
    "goes to stderr. The posterior file (results/README.md) holds the particles, weights, every\n"
    "generation's tolerance, acceptance and ESS, the posterior predictive of every observed point,\n"
    "the calibration and scenario texts and the seeds; read it with `dispsim info POSTERIOR.h5`\n"
    "and `dispsim report POSTERIOR.h5`.\n"
    "\n"
    "  -o, --output FILE     the posterior file (default NAME.posterior.h5 in the current\n"
    "                        directory); with --synthetic, the CSV to write (required)\n"
    "  -j, --threads N       worker threads (default: all cores, or $OMP_NUM_THREADS)\n"
    "  --resume              continue the calibration kept in FILE.ckpt\n"
    "  -f, --force           replace an existing output file and start afresh\n"
    "  -q, --quiet           no progress\n"
    "  --synthetic SPEC      do not calibrate: set each PATH (a parameter of the calibration: its\n"
    "                        path or name; VALUE inside its prior's support; parameters not\n"
    "                        given keep the scenario's value) to VALUE, run the calibration's\n"
    "                        replications (seeds 0..R-1 of its seed) and write the mean of every\n"
    "                        target's simulated points in the observed-CSV format: data with a\n"
    "                        known answer, for checking that a calibration recovers it\n"
    "  -h, --help            this help\n"
    "\n"
    "Example:\n"
    "  dispsim calibrate scenarios/calibration-synthetic.yaml --synthetic \\\n"
    "      'population.inflow.level_per_day=190,choice.b_success=1.4,choice.leave.asc=-2.5' -o obs.csv\n"
    "  (point the calibration's `observed:` at obs.csv, then)\n"
    "  dispsim calibrate my-calibration.yaml -o post.h5 -j 2 && dispsim info post.h5\n"
    "\n"
    "Exit status: 0 done, 64 bad command line, 65 bad calibration file (nothing is written),\n"
    "66 missing input, 73 cannot create the output, 74 I/O error, 75 interrupted (--resume).\n";

/* The command line into *o; -1 to go on, else the exit code. */
static int parse(int argc, char **argv, struct cli_job_opts *o)
{
    int rc = cli_job_options(argc, argv, "calibrate", help, "calibration file", "synthetic", o);
    if (rc < 0 && o->extra != NULL && o->out == NULL)
        return cli_usage_error("calibrate", help, "--synthetic needs -o OBSERVED.csv");
    return rc;
}

/* Parses SPEC "PATH=VALUE,..." into paths (pointing into the copy `buf`) and values; the count, or
 * 0 after printing why not. */
static size_t parse_spec(char *buf, const char **paths, double *values, size_t max)
{
    size_t n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '='), *end = NULL;
        if (eq != NULL)
            *eq = '\0', values[n] = strtod(eq + 1, &end);
        if (eq == NULL || end == eq + 1 || *end != '\0' || !(values[n] - values[n] == 0.0) || n == max) {
            fprintf(stderr,
                    "dispsim calibrate: --synthetic: expected PATH=VALUE (a finite number), got '%s%s%s'\n",
                    tok, eq != NULL ? "=" : "", eq != NULL ? eq + 1 : "");
            return 0;
        }
        paths[n++] = tok;
    }
    if (n == 0)
        fprintf(stderr, "dispsim calibrate: --synthetic: expected PATH=VALUE,...\n");
    return n;
}

/* Each PATH of the spec must be a parameter of c (its path or its name; names become paths) and
 * its VALUE inside the parameter's prior support, where the loader checked the scenario stays
 * valid. Prints why not; true when all are. */
static bool check_spec(const struct mdl_calib *c, const char **paths, const double *values, size_t np)
{
    for (size_t i = 0; i < np; i++) {
        unsigned j = 0;
        while (j < c->parameters_count && strcmp(c->parameters[j].path, paths[i]) != 0 &&
               (c->parameters[j].name == NULL || strcmp(c->parameters[j].name, paths[i]) != 0))
            j++;
        if (j == c->parameters_count) {
            fprintf(stderr, "dispsim calibrate: --synthetic: %s: not a parameter of %s\n", paths[i], c->path);
            return false;
        }
        double lo, hi;
        sim_prior_support(&c->priors[j], &lo, &hi);
        if (!sim_prior_in_support(&c->priors[j], values[i])) {
            fprintf(stderr,
                    "dispsim calibrate: --synthetic: %s: must lie in its prior's support [%g, %g], got %g\n",
                    paths[i], lo, hi, values[i]);
            return false;
        }
        paths[i] = c->parameters[j].path;
    }
    return true;
}

/* Whether point k of c repeats the series and period of an earlier point (two targets may share
 * a series): the observed-CSV format allows one row per series and period. */
static bool repeated(const struct mdl_calib *c, const unsigned *tgt, size_t k)
{
    const char *series = c->targets[tgt[k]].series, *period = NULL;
    size_t pos = 0;
    for (unsigned t = 0; t < c->targets_count; t++)
        for (unsigned j = 0; j < c->targets[t].npoints; j++, pos++)
            if (pos == k)
                period = c->targets[t].points[j].period;
    pos = 0;
    for (unsigned t = 0; t < c->targets_count; t++)
        for (unsigned j = 0; j < c->targets[t].npoints && pos < k; j++, pos++)
            if (strcmp(c->targets[t].series, series) == 0 &&
                strcmp(c->targets[t].points[j].period, period) == 0)
                return true;
    return false;
}

/* Writes the mean over the calibration's replications of every point, at the values of `spec`. */
static int synthetic(const struct mdl_calib *c, const char *spec, const char *out, bool force)
{
    enum { MAXP = 64 };
    const char *paths[MAXP];
    double values[MAXP];
    char *buf = strdup(spec), err[1024];
    size_t np = buf != NULL ? parse_spec(buf, paths, values, MAXP) : 0, k = c->npoints;
    int rc = np == 0                             ? CLI_USAGE
             : !check_spec(c, paths, values, np) ? CLI_DATAERR
                                                 : cli_check_output("calibrate", out, force);
    struct mdl_world_ws *ws = NULL;
    double *vals = malloc((mdl_world_table(c->world)->rep_values + 1) * sizeof *vals);
    double *sim = malloc((k + 1) * sizeof *sim), *mean = calloc(k + 1, sizeof *mean);
    unsigned *tgt = malloc((k + 1) * sizeof *tgt);
    if (rc == CLI_OK && (vals == NULL || sim == NULL || mean == NULL || tgt == NULL))
        rc = CLI_SOFTWARE;
    if (rc == CLI_OK && mdl_world_ws_create_params(c->world, paths, np, &ws, err, sizeof err) != SIM_OK) {
        fprintf(stderr, "dispsim calibrate: --synthetic: %s\n", err);
        rc = CLI_DATAERR;
    }
    for (unsigned r = 0; rc == CLI_OK && r < c->opts.reps; r++) {
        sim_status st =
            mdl_world_run_point(ws, values, 0, c->opts.seed, r, vals, NULL, NULL, err, sizeof err);
        if (st != SIM_OK) {
            fprintf(stderr, "dispsim calibrate: --synthetic: %s\n", err);
            rc = cli_exit_code(st);
        }
        mdl_calib_simulated(c, vals, sim);
        for (size_t j = 0; j < k; j++)
            mean[j] += sim[j] / (double)c->opts.reps;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", out, (long)getpid());
    FILE *f = rc == CLI_OK ? fopen(tmp, "w") : NULL;
    if (rc == CLI_OK && f == NULL) {
        perror(out);
        rc = CLI_CANTCREAT;
    }
    size_t pos = 0;
    for (unsigned t = 0; t < c->targets_count; t++)
        for (unsigned j = 0; j < c->targets[t].npoints; j++)
            tgt[pos++] = t;
    pos = 0;
    for (unsigned t = 0; f != NULL && t < c->targets_count; t++)
        for (unsigned j = 0; j < c->targets[t].npoints; j++, pos++) {
            const char *period = c->targets[t].points[j].period;
            const struct mdl_obs_row *row = mdl_observed_find(c->obs, c->targets[t].series, period);
            if (!repeated(c, tgt, pos) && mdl_observed_write_row(f, pos == 0, c->targets[t].series, period,
                                                                 mean[pos], row != NULL ? row->unit : "",
                                                                 "dispsim calibrate --synthetic") != SIM_OK)
                rc = CLI_IOERR;
        }
    if (f != NULL && (fclose(f) != 0 || rc != CLI_OK || rename(tmp, out) != 0)) {
        rc = rc == CLI_OK ? CLI_IOERR : rc;
        unlink(tmp);
    }
    if (rc == CLI_OK)
        fprintf(stderr, "dispsim calibrate: %zu observed points (mean of %u replications) written to %s\n", k,
                c->opts.reps, out);
    mdl_world_ws_destroy(ws);
    free(buf), free(vals), free(sim), free(mean), free(tgt);
    return rc;
}

/* Opens r->ckpt at `path`: resumed with --resume when it exists, else created (an existing one is
 * an error unless --force). Prints why not and returns the exit code. */
static int open_ckpt(struct calib_run *r, const struct cli_job_opts *o, const char *path)
{
    static const struct calib_ckpt_words words = {"calibrate", "calibration", "simulations"};
    char key[512];
    snprintf(key, sizeof key,
             "command=calibrate\nprogram=%s\ncalibration_fnv=%016llx\nscenario_fnv=%016llx\nseed=%llu\n"
             "particles=%zu\nreplications=%zu\n",
             DISPSIM_VERSION, (unsigned long long)calib_text_hash(r->c->text),
             (unsigned long long)calib_text_hash(r->c->scn->text), (unsigned long long)r->c->opts.seed, r->n,
             r->reps);
    struct res_ckpt_shape shape = {.nitems = r->nitems, .rep_values = r->npoints + 1, .nstreams = 1};
    return calib_ckpt_open(&words, path, key, &shape, o->resume, o->force, o->quiet, &r->ckpt);
}

/* Rank 0 after the generations ended with `st`: writes the posterior `out` and deletes the
 * checkpoint, or says what is kept in it. Returns the exit code. */
static int finish(struct calib_run *r, const struct cli_job_opts *o, const char *out, const char *ckpt,
                  sim_status st)
{
    char err[1024];
    if (st == SIM_OK && (st = res_ckpt_sync(r->ckpt)) != SIM_OK)
        snprintf(r->fail_msg, sizeof r->fail_msg, "%s", res_ckpt_error(r->ckpt));
    if (st == SIM_ECANCELED) {
        fprintf(stderr,
                "\ndispsim calibrate: interrupted; %zu simulations are kept in %s: the same command "
                "with --resume continues\n",
                res_ckpt_count(r->ckpt), ckpt);
        return CLI_TEMPFAIL;
    }
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim calibrate: %s: %s\n", r->c->path,
                r->fail_msg[0] ? r->fail_msg : sim_status_str(st));
        return cli_exit_code(st);
    }
    if (sim_abc_completed(r->abc) == 0) {
        fprintf(stderr, "dispsim calibrate: %s: no generation completed\n", r->c->path);
        return CLI_SOFTWARE;
    }
    if ((st = calib_write_posterior(r, out, err, sizeof err)) != SIM_OK) {
        fprintf(stderr, "dispsim calibrate: %s\n", err);
        return cli_exit_code(st);
    }
    if (!o->quiet)
        fprintf(stderr, "dispsim calibrate: %u generations, %.1f s; wrote %s\n", sim_abc_completed(r->abc),
                cli_wall_now() - r->t_start, out);
    res_ckpt_discard(r->ckpt); /* the posterior holds what it was for */
    r->ckpt = NULL;
    return CLI_OK;
}

/* Runs the calibration (on every MPI rank under mpirun) and, on rank 0, writes `out`. */
static int calibrate(const struct mdl_calib *c, const struct cli_job_opts *o, const char *out)
{
    struct calib_run r = {.c = c,
                          .d = c->parameters_count,
                          .n = c->opts.nparticles,
                          .reps = c->opts.reps,
                          .npoints = c->npoints,
                          .threads = o->threads,
                          .quiet = o->quiet,
                          .sync_s = 60.0};
    r.per_gen = r.n * r.reps;
    r.nitems = r.per_gen * (c->opts.generations > 0 ? c->opts.generations : SIM_ABC_MAX_GENERATIONS);
    char *ckpt = malloc(strlen(out) + 8);
    r.paths = malloc(r.d * sizeof *r.paths);
    int rc = ckpt != NULL && r.paths != NULL &&
                     sim_abc_create((unsigned)r.d, c->priors, &c->opts, &r.abc) == SIM_OK
                 ? CLI_OK
                 : CLI_SOFTWARE;
    for (size_t j = 0; rc == CLI_OK && j < r.d; j++)
        r.paths[j] = c->parameters[j].path;
    struct stat sb;
    bool root = run_mpi_rank() == 0; /* under MPI, rank 0 alone owns the output and the checkpoint */
    r.quiet = o->quiet || !root;
    if (rc == CLI_OK && root) {
        sprintf(ckpt, "%s.ckpt", out);
        rc = cli_check_output("calibrate", out, o->force || (o->resume && stat(ckpt, &sb) == 0));
        if (rc == CLI_OK)
            rc = open_ckpt(&r, o, ckpt);
    }
    if (run_mpi_size() > 1 && !run_mpi_all_ready(rc == CLI_OK) && rc == CLI_OK)
        rc = CLI_SOFTWARE; /* another rank cannot run: it said why */
    sim_status st = rc == CLI_OK ? calib_run_all(&r) : SIM_OK;
    if (rc == CLI_OK && !root)
        rc = st == SIM_OK ? CLI_OK : st == SIM_ECANCELED ? CLI_TEMPFAIL : cli_exit_code(st);
    else if (rc == CLI_OK)
        rc = finish(&r, o, out, ckpt, st);
    res_ckpt_close(r.ckpt);
    sim_abc_destroy(r.abc);
    free(r.paths);
    free(ckpt);
    return rc;
}

int cli_calibrate(int argc, char **argv)
{
    struct cli_job_opts o;
    int rc = parse(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char err[16384];
    struct mdl_calib *c = NULL;
    sim_status st = mdl_calib_load(o.input, &c, err, sizeof err);
    if (st != SIM_OK)
        return cli_load_failed(err, st);
    if (o.extra != NULL) {
        rc = synthetic(c, o.extra, o.out, o.force);
    } else {
        char *def = o.out == NULL ? cli_default_output(o.input, ".posterior.h5") : NULL;
        rc = o.out == NULL && def == NULL ? CLI_SOFTWARE : calibrate(c, &o, o.out != NULL ? o.out : def);
        free(def);
    }
    mdl_calib_destroy(c);
    return rc;
}
