/* calib_post.c: the posterior file of a finished calibration (see calib.h). */
#include "calib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../results/res_posterior.h"

struct wv {
    double v, w;
};

static int by_value(const void *a, const void *b)
{
    double x = ((const struct wv *)a)->v, y = ((const struct wv *)b)->v;
    return (x > y) - (x < y);
}

/* Weighted mean and 5/50/95% quantiles of x[n] (NaN values left out, weights renormalised); the
 * q-quantile is the smallest value whose cumulative weight reaches q. NaN when nothing is left. */
static void summarise(const double *x, const double *w, size_t n, struct wv *tmp, double out[4])
{
    size_t m = 0;
    double tot = 0.0, mean = 0.0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && w[i] > 0.0) {
            tmp[m++] = (struct wv){x[i], w[i]};
            tot += w[i];
            mean += w[i] * x[i];
        }
    for (int k = 0; k < 4; k++)
        out[k] = NAN;
    if (m == 0 || !(tot > 0.0))
        return;
    out[0] = mean / tot;
    qsort(tmp, m, sizeof *tmp, by_value);
    static const double q[3] = {0.05, 0.50, 0.95};
    for (int k = 0; k < 3; k++) {
        double cum = 0.0;
        size_t i = 0;
        while (i + 1 < m && (cum += tmp[i].w) < q[k] * tot)
            i++;
        out[k + 1] = tmp[i].v;
    }
}

/* The prior as text and its support for plots (a normal's infinite ends at mean -+ 4 sd). */
static void describe(const struct sim_prior *p, char *buf, size_t len, double *lo, double *hi)
{
    if (p->kind == SIM_PRIOR_UNIFORM || p->kind == SIM_PRIOR_LOGUNIFORM)
        snprintf(buf, len, "%s(%.6g, %.6g)", sim_prior_kind_str(p->kind), p->a, p->b);
    else if (p->kind == SIM_PRIOR_NORMAL)
        snprintf(buf, len, "normal(mean %.6g, sd %.6g)", p->a, p->b);
    else
        snprintf(buf, len, "truncnormal(mean %.6g, sd %.6g, [%.6g, %.6g])", p->a, p->b, p->lo, p->hi);
    sim_prior_support(p, lo, hi);
    if (!isfinite(*lo))
        *lo = p->a - 4.0 * p->b;
    if (!isfinite(*hi))
        *hi = p->a + 4.0 * p->b;
}

/* Each particle's mean over its replications of every point, from the records of the simulations
 * behind it (sim_abc_source): sim[i * npoints + k]. */
static sim_status particle_means(const struct calib_run *r, double *sim, double *rec)
{
    memset(sim, 0, r->n * r->npoints * sizeof *sim);
    for (size_t i = 0; i < r->n; i++)
        for (size_t rep = 0; rep < r->reps; rep++) {
            unsigned g, src;
            sim_abc_source(r->abc, (unsigned)i, &g, &src);
            size_t item = (size_t)g * r->per_gen + (size_t)src * r->reps + rep;
            sim_status st = res_ckpt_read(r->ckpt, item, 0, r->npoints + 1, rec);
            if (st != SIM_OK)
                return st;
            for (size_t k = 0; k < r->npoints; k++)
                sim[i * r->npoints + k] += rec[1 + k] / (double)r->reps;
        }
    return SIM_OK;
}

/* Fills the predictive arrays of p (npoints each) and p->pred_particles (n * npoints, allocated here;
 * the caller frees it) from the current population. */
static sim_status predictive(const struct calib_run *r, struct res_posterior *p, double *col, struct wv *tmp)
{
    double *sim = malloc((r->n * r->npoints + 1) * sizeof *sim),
           *rec = malloc((r->npoints + 1) * sizeof *rec);
    sim_status st = sim != NULL && rec != NULL ? particle_means(r, sim, rec) : SIM_ENOMEM;
    p->pred_particles = sim;
    for (size_t k = 0; k < r->npoints && st == SIM_OK; k++) {
        for (size_t i = 0; i < r->n; i++)
            col[i] = sim[i * r->npoints + k];
        double s[4];
        summarise(col, p->weights, r->n, tmp, s);
        p->pred_mean[k] = s[0], p->pred_q05[k] = s[1], p->pred_q50[k] = s[2], p->pred_q95[k] = s[3];
    }
    free(rec);
    return st;
}

/* The point labels and observations, in the order of mdl_calib_simulated. */
static void points(const struct mdl_calib *c, struct res_posterior *p)
{
    size_t k = 0;
    for (unsigned t = 0; t < c->targets_count; t++)
        for (unsigned j = 0; j < c->targets[t].npoints; j++, k++) {
            p->point_target[k] = c->targets[t].name;
            p->point_period[k] = (char *)c->targets[t].points[j].period;
            p->observed[k] = c->targets[t].points[j].observed;
        }
}

sim_status calib_write_posterior(const struct calib_run *r, const char *out, char *err, size_t errlen)
{
    const struct mdl_calib *c = r->c;
    size_t d = r->d, n = r->n, k = r->npoints, g = sim_abc_completed(r->abc);
    struct res_posterior p = {.d = d,
                              .n = n,
                              .ngen = g,
                              .npoints = k,
                              .reps = (unsigned)r->reps,
                              .master_seed = c->opts.seed,
                              .calibration_path = c->path,
                              .calibration_text = c->text,
                              .scenario_text = c->scn->text,
                              .program_version = DISPSIM_VERSION,
                              .sampler = c->opts.method == SIM_ABC_RESAMPLE_MOVE ? "resample-move" : "pmc"};
    p.names = calloc(d, sizeof *p.names), p.paths = calloc(d, sizeof *p.paths);
    p.priors = calloc(d, sizeof *p.priors);
    char *ptext = calloc(d, 160);
    double *buf = calloc(4 * d + 3 * g + 5 * k + 2 * n + 1, sizeof *buf);
    p.point_target = calloc(k + 1, sizeof *p.point_target),
    p.point_period = calloc(k + 1, sizeof *p.point_period);
    p.run_seeds = calloc(n * r->reps, sizeof *p.run_seeds);
    struct wv *tmp = calloc(n + 1, sizeof *tmp);
    sim_status st = SIM_ENOMEM;
    if (p.names == NULL || p.paths == NULL || p.priors == NULL || ptext == NULL || buf == NULL ||
        p.point_target == NULL || p.point_period == NULL || p.run_seeds == NULL || tmp == NULL) {
        snprintf(err, errlen, "%s: out of memory", out);
        goto cleanup;
    }
    p.prior_lo = buf, p.prior_hi = buf + d, p.prior_q05 = buf + 2 * d, p.prior_q95 = buf + 3 * d;
    p.tolerance = buf + 4 * d, p.acceptance = p.tolerance + g;
    p.ess = p.acceptance + g, p.observed = p.ess + g, p.pred_mean = p.observed + k,
    p.pred_q05 = p.pred_mean + k;
    p.pred_q50 = p.pred_q05 + k, p.pred_q95 = p.pred_q50 + k;
    double *col = p.pred_q95 + k;
    for (size_t j = 0; j < d; j++) {
        p.names[j] = c->parameters[j].name, p.paths[j] = c->parameters[j].path;
        p.priors[j] = ptext + j * 160;
        describe(&c->priors[j], p.priors[j], 160, &p.prior_lo[j], &p.prior_hi[j]);
        p.prior_q05[j] = sim_prior_quantile(&c->priors[j], 0.05);
        p.prior_q95[j] = sim_prior_quantile(&c->priors[j], 0.95);
    }
    for (size_t t = 0; t < g; t++) {
        p.tolerance[t] = sim_abc_tolerance(r->abc, (unsigned)t);
        p.acceptance[t] = sim_abc_acceptance(r->abc, (unsigned)t);
        p.ess[t] = sim_abc_ess(r->abc, (unsigned)t);
    }
    p.particles = (double *)sim_abc_particles(r->abc);
    p.weights = (double *)sim_abc_weights(r->abc);
    for (size_t i = 0; i < n; i++)
        for (size_t rep = 0; rep < r->reps; rep++) {
            unsigned gi, src;
            sim_abc_source(r->abc, (unsigned)i, &gi, &src);
            p.run_seeds[i * r->reps + rep] = sim_abc_run_seed(r->abc, gi, src, (unsigned)rep);
        }
    points(c, &p);
    if ((st = predictive(r, &p, col, tmp)) != SIM_OK) {
        snprintf(err, errlen, "%s", res_ckpt_error(r->ckpt));
        goto cleanup;
    }
    st = res_posterior_write(out, &p, err, errlen);
cleanup:
    free(p.names), free(p.paths), free(p.priors), free(ptext), free(buf);
    free(p.point_target), free(p.point_period), free(p.run_seeds), free(tmp), free(p.pred_particles);
    return st;
}
