/* dispsim sensitivity: Sobol indices and Morris elementary effects of a study's metrics over
 * parameter ranges (sens.h runs the points; this file builds the design, computes the indices
 * with sim_sens and writes the file with res_sens). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../results/res_sens.h"
#include "../../sim/sim_sens.h"
#include "calib.h"
#include "cli.h"
#include "cli_common.h"
#include "sens.h"

static const char help[] =
    "usage: dispsim sensitivity SENS.yaml [-o SENS.h5] [-j N] [--resume] [--force] [-q]\n"
    "\n"
    "Global sensitivity of a study's metrics (displacement ratio, net deterrence, cost per net\n"
    "arrival prevented, change in a mode's arrivals, per variant) to the parameters of the\n"
    "sensitivity file (scenarios/SENSITIVITY.md): first- and total-order Sobol indices (Saltelli\n"
    "design on GSL's Sobol sequence, Jansen estimators) with bootstrap intervals, and Morris\n"
    "elementary effects (mu, mu*, sigma) for screening. Every point of the design runs the study's\n"
    "variants x replications on the same random streams, and its metrics are paired by replication\n"
    "as in a study; the file is the same bytes for any -j. Finished points are kept in SENS.h5.ckpt:\n"
    "after an interruption the same command with --resume runs only the others. Read the file with\n"
    "`dispsim info SENS.h5` (parameters ranked by total-order index) and `dispsim report SENS.h5`.\n"
    "\n"
    "  -o, --output FILE  the results file (default NAME.sens.h5 in the current directory)\n"
    "  -j, --threads N    worker threads (default: all cores, or $OMP_NUM_THREADS)\n"
    "  --resume           continue the analysis kept in FILE.ckpt\n"
    "  -f, --force        replace an existing output file and start afresh\n"
    "  -q, --quiet        no progress\n"
    "  -h, --help         this help\n"
    "\n"
    "Example:\n"
    "  dispsim sensitivity scenarios/sensitivity-inspector.yaml -o sens.h5 -j 2 && dispsim info sens.h5\n"
    "\n"
    "Exit status: 0 done, 64 bad command line, 65 bad sensitivity file (nothing is written),\n"
    "66 missing input, 73 cannot create the output, 74 I/O error, 75 interrupted (--resume).\n";

/* The design in the unit cube: the Saltelli points, then the Morris trajectories. */
struct design {
    size_t d, n, r, nsobol, nmorris, npoints;
    double *u;     /* [npoints * d] */
    double *theta; /* [npoints * d] the parameters' values */
};

static sim_status make_design(const struct mdl_sens *s, struct design *g)
{
    const struct mdl_sens_method *m = &s->method;
    g->d = s->parameters_count;
    g->n = m->sobol ? m->sobol->base_samples : 0;
    g->r = m->morris ? m->morris->trajectories : 0;
    g->nsobol = g->n * (g->d + 2);
    g->nmorris = g->r * (g->d + 1);
    g->npoints = g->nsobol + g->nmorris;
    g->u = malloc(g->npoints * g->d * sizeof *g->u);
    g->theta = malloc(g->npoints * g->d * sizeof *g->theta);
    if (g->u == NULL || g->theta == NULL)
        return SIM_ENOMEM;
    sim_status st = g->n ? sim_sens_saltelli((unsigned)g->d, g->n, g->u) : SIM_OK;
    if (st == SIM_OK && g->r)
        st = sim_sens_morris_design((unsigned)g->d, (unsigned)g->r, m->morris->levels, s->seed,
                                    g->u + g->nsobol * g->d);
    for (size_t p = 0; st == SIM_OK && p < g->npoints; p++)
        for (size_t j = 0; j < g->d; j++)
            g->theta[p * g->d + j] = mdl_sens_value(s, (unsigned)j, g->u[p * g->d + j]);
    return st;
}

/* Opens r->ckpt at `path`: resumed with --resume when it exists, else created. */
static int open_ckpt(struct sens_run *r, const struct cli_job_opts *o, const char *path)
{
    static const struct calib_ckpt_words words = {"sensitivity", "analysis", "points"};
    char key[512];
    snprintf(key, sizeof key,
             "command=sensitivity\nprogram=%s\nsensitivity_fnv=%016llx\nstudy_fnv=%016llx\nseed=%llu\n"
             "points=%zu\nreplications=%u\n",
             DISPSIM_VERSION, (unsigned long long)calib_text_hash(r->s->text),
             (unsigned long long)calib_text_hash(r->s->scn->text), (unsigned long long)r->s->seed, r->npoints,
             r->s->replications);
    struct res_ckpt_shape shape = {.nitems = r->npoints, .rep_values = r->s->noutputs, .nstreams = 1};
    return calib_ckpt_open(&words, path, key, &shape, o->resume, o->force, o->quiet, &r->ckpt);
}

/* Every point's outputs from the checkpoint into y[npoints * noutputs]. */
static sim_status read_points(struct res_ckpt *c, size_t npoints, size_t nout, double *y)
{
    sim_status st = SIM_OK;
    for (size_t p = 0; p < npoints && st == SIM_OK; p++)
        st = res_ckpt_read(c, p, 0, nout, y + p * nout);
    return st;
}

/* Output k's values over points [first, first + n) into col; the number of undefined ones. */
static size_t column(const double *y, size_t nout, size_t k, size_t first, size_t n, double *col)
{
    size_t bad = 0;
    for (size_t p = 0; p < n; p++)
        if (!isfinite(col[p] = y[(first + p) * nout + k]))
            bad++;
    return bad;
}

struct indices {
    double *s1, *st, *sob_undef, *mu, *mu_star, *sigma, *mor_undef;
};

/* The Sobol and Morris statistics of every output; NaN where a metric is undefined at a point or
 * has no variance over the design. */
static sim_status compute(const struct mdl_sens *s, const struct design *g, const double *y,
                          struct indices *x)
{
    size_t d = g->d, nout = s->noutputs;
    double *col = malloc((g->npoints + 1) * sizeof *col);
    struct sim_sobol_index *si = malloc(d * sizeof *si);
    struct sim_morris_effect *me = malloc(d * sizeof *me);
    sim_status st = col && si && me ? SIM_OK : SIM_ENOMEM;
    for (size_t k = 0; st == SIM_OK && k < nout; k++) {
        if (g->n > 0) {
            size_t bad = column(y, nout, k, 0, g->nsobol, col);
            x->sob_undef[k] = (double)bad;
            bool ok = bad == 0 && sim_sens_sobol((unsigned)d, g->n, col, s->method.sobol->bootstrap, 0.95,
                                                 s->seed, si) == SIM_OK;
            for (size_t j = 0; j < d; j++) {
                double *a = x->s1 + (k * d + j) * 3, *b = x->st + (k * d + j) * 3;
                a[0] = ok ? si[j].s1 : NAN, a[1] = ok ? si[j].s1_lo : NAN, a[2] = ok ? si[j].s1_hi : NAN;
                b[0] = ok ? si[j].st : NAN, b[1] = ok ? si[j].st_lo : NAN, b[2] = ok ? si[j].st_hi : NAN;
            }
        }
        if (g->r > 0) {
            size_t bad = column(y, nout, k, g->nsobol, g->nmorris, col);
            x->mor_undef[k] = (double)bad;
            bool ok = bad == 0 &&
                      sim_sens_morris((unsigned)d, (unsigned)g->r, g->u + g->nsobol * d, col, me) == SIM_OK;
            for (size_t j = 0; j < d; j++) {
                x->mu[k * d + j] = ok ? me[j].mu : NAN;
                x->mu_star[k * d + j] = ok ? me[j].mu_star : NAN;
                x->sigma[k * d + j] = ok ? me[j].sigma : NAN;
            }
        }
    }
    free(col), free(si), free(me);
    return st;
}

/* Fills the file's labels (pointing into s) and writes it. */
static sim_status write_file(const struct mdl_sens *s, const struct design *g, double *y, struct indices *x,
                             const char *out, char *err, size_t errlen)
{
    size_t d = g->d, n = s->noutputs;
    static const char *const scale[2] = {"linear", "log"};
    char **lab = calloc(5 * n + 3 * d + 1, sizeof *lab);
    double *lo = malloc((2 * d + 1) * sizeof *lo);
    if (lab == NULL || lo == NULL) {
        free(lab), free(lo);
        return SIM_ENOMEM;
    }
    char **names = lab, **paths = lab + d, **scales = lab + 2 * d, **ol = lab + 3 * d;
    for (size_t j = 0; j < d; j++) {
        const struct mdl_sens_param *p = &s->parameters[j];
        names[j] = p->name ? p->name : p->path ? p->path : "dummy";
        paths[j] = p->path ? p->path : "";
        scales[j] = (char *)scale[p->scale];
        lo[j] = p->min, lo[d + j] = p->max;
    }
    const char *const *vn = mdl_world_variant_names(s->world);
    for (size_t k = 0; k < n; k++) {
        const struct mdl_sens_output *o = &s->outputs[k];
        ol[k] = (char *)o->label;
        ol[n + k] = (char *)mdl_sens_metric_str(o->metric);
        ol[2 * n + k] = (char *)vn[o->variant];
        ol[3 * n + k] = o->metric != MDL_SENS_ARRIVALS_CHANGE ? ""
                        : o->mode < s->scn->modes_count       ? s->scn->modes[o->mode].name
                                                              : "total";
        ol[4 * n + k] = (char *)o->units;
    }
    struct res_sens r = {.d = d,
                         .nout = n,
                         .names = names,
                         .paths = paths,
                         .scales = scales,
                         .lo = lo,
                         .hi = lo + d,
                         .out_label = ol,
                         .out_metric = ol + n,
                         .out_variant = ol + 2 * n,
                         .out_mode = ol + 3 * n,
                         .out_units = ol + 4 * n,
                         .sobol_n = g->n,
                         .bootstrap = s->method.sobol ? s->method.sobol->bootstrap : 0,
                         .level = 0.95,
                         .s1 = x->s1,
                         .st = x->st,
                         .sobol_undefined = x->sob_undef,
                         .morris_r = g->r,
                         .morris_levels = s->method.morris ? s->method.morris->levels : 0,
                         .mu = x->mu,
                         .mu_star = x->mu_star,
                         .sigma = x->sigma,
                         .morris_undefined = x->mor_undef,
                         .npoints = g->npoints,
                         .theta = g->theta,
                         .metrics = y,
                         .reps = s->replications,
                         .seed = s->seed,
                         .sens_path = s->path,
                         .sens_text = s->text,
                         .study_text = s->scn->text,
                         .program_version = DISPSIM_VERSION};
    sim_status st = res_sens_write(out, &r, err, errlen);
    free(lab), free(lo);
    return st;
}

/* The indices from the checkpoint's points, written to `out`. */
static int finish(const struct mdl_sens *s, const struct design *g, struct res_ckpt *c, const char *out)
{
    size_t n = s->noutputs, d = g->d;
    double *y = malloc((g->npoints * n + 1) * sizeof *y);
    double *buf = calloc(2 * n * d * 3 + 3 * n * d + 2 * n + 1, sizeof *buf);
    struct indices x = {.s1 = buf, .st = buf + n * d * 3, .mu = buf + 2 * n * d * 3};
    x.mu_star = x.mu + n * d, x.sigma = x.mu_star + n * d, x.sob_undef = x.sigma + n * d;
    x.mor_undef = x.sob_undef + n;
    char err[1024] = "out of memory";
    sim_status st = y && buf ? read_points(c, g->npoints, n, y) : SIM_ENOMEM;
    if (st == SIM_EIO)
        snprintf(err, sizeof err, "%s", res_ckpt_error(c));
    if (st == SIM_OK)
        st = compute(s, g, y, &x);
    if (st == SIM_OK)
        st = write_file(s, g, y, &x, out, err, sizeof err);
    if (st != SIM_OK)
        fprintf(stderr, "dispsim sensitivity: %s\n", err);
    free(y), free(buf);
    return st == SIM_OK ? CLI_OK : cli_exit_code(st);
}

static int analyse(const struct mdl_sens *s, const struct cli_job_opts *o, const char *out)
{
    struct design g = {0};
    struct sens_run r = {
        .s = s, .d = s->parameters_count, .threads = o->threads, .quiet = o->quiet, .sync_s = 60.0};
    char *ckpt = malloc(strlen(out) + 8);
    int rc = ckpt != NULL && make_design(s, &g) == SIM_OK ? CLI_OK : CLI_SOFTWARE;
    r.theta = g.theta, r.npoints = g.npoints;
    struct stat sb;
    if (rc == CLI_OK) {
        sprintf(ckpt, "%s.ckpt", out);
        rc = cli_check_output("sensitivity", out, o->force || (o->resume && stat(ckpt, &sb) == 0));
    }
    if (rc == CLI_OK)
        rc = open_ckpt(&r, o, ckpt);
    if (rc == CLI_OK && !o->quiet)
        fprintf(stderr, "dispsim sensitivity: %zu points x %zu variants x %u replications\n", g.npoints,
                s->nvariants, s->replications);
    sim_status st = rc == CLI_OK ? sens_run_points(&r) : SIM_OK;
    if (rc == CLI_OK && st == SIM_OK && (st = res_ckpt_sync(r.ckpt)) != SIM_OK)
        snprintf(r.fail_msg, sizeof r.fail_msg, "%s", res_ckpt_error(r.ckpt));
    if (rc == CLI_OK && st == SIM_ECANCELED) {
        fprintf(stderr,
                "\ndispsim sensitivity: interrupted; %zu points are kept in %s: the same command with "
                "--resume continues\n",
                res_ckpt_count(r.ckpt), ckpt);
        rc = CLI_TEMPFAIL;
    } else if (rc == CLI_OK && st != SIM_OK) {
        fprintf(stderr, "dispsim sensitivity: %s: %s\n", s->path,
                r.fail_msg[0] ? r.fail_msg : sim_status_str(st));
        rc = cli_exit_code(st);
    } else if (rc == CLI_OK && (rc = finish(s, &g, r.ckpt, out)) == CLI_OK) {
        if (!o->quiet)
            fprintf(stderr, "dispsim sensitivity: %zu points, %.1f s; wrote %s\n", g.npoints,
                    cli_wall_now() - r.t_start, out);
        res_ckpt_discard(r.ckpt); /* the file holds what it was for */
        r.ckpt = NULL;
    }
    res_ckpt_close(r.ckpt);
    free(g.u), free(g.theta), free(ckpt);
    return rc;
}

int cli_sensitivity(int argc, char **argv)
{
    struct cli_job_opts o;
    int rc = cli_job_options(argc, argv, "sensitivity", help, "sensitivity file", NULL, &o);
    if (rc >= 0)
        return rc;
    char err[16384];
    struct mdl_sens *s = NULL;
    sim_status st = mdl_sens_load(o.input, &s, err, sizeof err);
    if (st != SIM_OK)
        return cli_load_failed(err, st);
    char *def = o.out == NULL ? cli_default_output(o.input, ".sens.h5") : NULL;
    rc = o.out == NULL && def == NULL ? CLI_SOFTWARE : analyse(s, &o, o.out != NULL ? o.out : def);
    free(def);
    mdl_sens_destroy(s);
    return rc;
}
