/* Study metrics under parameter uncertainty: see ana_post.h. */
#include "ana_post.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "ana_study.h"

static const char *const ps_labels[ANA_PS_N] = {
    "mean",  "ci_low",   "ci_high",  "mc_ci_low",           "mc_ci_high", "parameter_share",
    "draws", "draw_q05", "draw_q95", "draws_positive_share"};

/* The metrics ana_study gives an interval for, by dataset name. */
static const char *const metric_names[] = {"arrivals_change",
                                           "deaths_change",
                                           "net_deterrence",
                                           "displacement_ratio",
                                           "cost_per_net_arrival_prevented",
                                           "freight_delay_added_min"};
enum { NMETRIC = sizeof metric_names / sizeof metric_names[0] };

struct metric {
    char name[96], desc[512];
    const char *units;
    int rank;
    const char *dims[SIM_OUT_MAXRANK];
    size_t cells;    /* values before the stat dimension */
    double *mu, *se; /* [cells][ndraws] */
    double *out;     /* [cells][ANA_PS_N] */
};

struct ana_post {
    size_t nv, nd, reps, nmetric;
    double level;
    double *sorted; /* [nd]: scratch for the draws' quantiles */
    struct metric m[NMETRIC];
    struct res_extra_dim *dims;
    struct res_extra_var *vars;
    struct res_extra extra;
};

void ana_post_free(struct ana_post *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nmetric; i++) {
        free(p->m[i].mu);
        free(p->m[i].se);
        free(p->m[i].out);
    }
    free(p->dims);
    free(p->vars);
    free(p->sorted);
    free(p);
}

/* The rows of one draw, read from the whole run's source: each variable the study asks for is read
 * once for every draw (cache) and its rows for draw `draw` copied out. */
struct draw_source {
    const struct sim_out_table *t;
    const struct res_source *src;
    size_t nv, nd, reps, draw;
    double *cache[SIM_OUT_MAXVARS];
};

static sim_status draw_read_var(void *vctx, int var, double *out, char *err, size_t errlen)
{
    struct draw_source *d = vctx;
    size_t n = sim_out_var_size(d->t, var), nr = d->nd * d->reps;
    if (d->cache[var] == NULL) {
        double *all = malloc((d->nv * nr * n + 1) * sizeof *all);
        if (all == NULL)
            return snprintf(err, errlen, "out of memory"), SIM_ENOMEM;
        sim_status st = d->src->read_var(d->src->ctx, var, all, err, errlen);
        if (st != SIM_OK)
            return free(all), st;
        d->cache[var] = all;
    }
    for (size_t v = 0; v < d->nv; v++)
        memcpy(out + v * d->reps * n, d->cache[var] + (v * nr + d->draw * d->reps) * n,
               d->reps * n * sizeof *out);
    return SIM_OK;
}

static const struct res_extra_var *find_var(const struct res_extra *x, const char *name)
{
    for (size_t i = 0; i < x->nvars; i++)
        if (strcmp(x->vars[i].name, name) == 0)
            return &x->vars[i];
    return NULL;
}

static size_t dim_size(const struct ana_post *p, const struct res_extra *x, const char *name)
{
    if (strcmp(name, "variant") == 0)
        return p->nv;
    for (size_t d = 0; d < x->ndims; d++)
        if (strcmp(x->dims[d].name, name) == 0)
            return x->dims[d].size;
    return 0;
}

/* Sets up the metrics from the first draw's study `x`; false when out of memory. */
static bool setup(struct ana_post *p, const struct res_extra *x)
{
    for (size_t i = 0; i < NMETRIC; i++) {
        const struct res_extra_var *v = find_var(x, metric_names[i]);
        if (v == NULL || v->data == NULL || v->rank < 2)
            continue;
        struct metric *m = &p->m[p->nmetric++];
        snprintf(m->name, sizeof m->name, "%s_posterior", v->name);
        snprintf(m->desc, sizeof m->desc,
                 "%s, under parameter uncertainty (posterior draws): posterior mean, combined interval "
                 "(parameters and Monte Carlo), Monte Carlo-only interval, share of variance due to "
                 "parameters, draws where defined",
                 v->name);
        m->units = v->units;
        m->rank = v->rank;
        m->cells = 1;
        for (int k = 0; k < v->rank - 1; k++) {
            m->dims[k] = v->dims[k];
            m->cells *= dim_size(p, x, v->dims[k]);
        }
        m->dims[v->rank - 1] = "posterior_stat";
        m->mu = malloc(m->cells * p->nd * sizeof *m->mu);
        m->se = malloc(m->cells * p->nd * sizeof *m->se);
        m->out = malloc(m->cells * ANA_PS_N * sizeof *m->out);
        if (m->mu == NULL || m->se == NULL || m->out == NULL)
            return false;
    }
    const struct res_extra_var *lv = find_var(x, "confidence_level");
    p->level = lv != NULL && lv->data != NULL ? lv->data[0] : 0.95;
    return true;
}

/* Keeps draw k's estimate and standard error of every metric cell from its study `x`. */
static void keep_draw(struct ana_post *p, const struct res_extra *x, size_t k)
{
    double q = gsl_cdf_tdist_Pinv(0.5 + p->level / 2.0, (double)(p->reps - 1));
    for (size_t i = 0; i < p->nmetric; i++) {
        struct metric *m = &p->m[i];
        char base[96];
        snprintf(base, sizeof base, "%.*s", (int)(strlen(m->name) - strlen("_posterior")), m->name);
        const double *d = find_var(x, base)->data;
        for (size_t c = 0; c < m->cells; c++) {
            m->mu[c * p->nd + k] = d[c * 3];
            m->se[c * p->nd + k] = (d[c * 3 + 2] - d[c * 3 + 1]) / (2.0 * q);
        }
    }
}

/* The spread of the k defined draw estimates among mu[nd] (those with a finite se): their 5% and
 * 95% quantiles (GSL's interpolation between order statistics) and the share above zero. Unlike
 * the combined interval these need no symmetry: a skewed, one-signed spread over the posterior
 * shows as one. `buf` holds nd values. */
static void draw_spread(const double *mu, const double *se, size_t nd, size_t k, double *buf, double *out)
{
    size_t j = 0, pos = 0;
    for (size_t i = 0; i < nd; i++)
        if (isfinite(mu[i]) && isfinite(se[i])) {
            buf[j++] = mu[i];
            pos += mu[i] > 0.0;
        }
    gsl_sort(buf, 1, k);
    out[ANA_PS_Q05] = gsl_stats_quantile_from_sorted_data(buf, 1, k, 0.05);
    out[ANA_PS_Q95] = gsl_stats_quantile_from_sorted_data(buf, 1, k, 0.95);
    out[ANA_PS_POSITIVE] = (double)pos / (double)k;
}

/* The posterior statistics of one cell from its draws' estimates mu[nd] and errors se[nd]. */
static void combine(const struct ana_post *p, const double *mu, const double *se, double *out)
{
    size_t k = 0;
    double sum = 0.0, w = 0.0;
    for (size_t i = 0; i < p->nd; i++)
        if (isfinite(mu[i]) && isfinite(se[i]))
            sum += mu[i], w += se[i] * se[i], k++;
    for (int s = 0; s < ANA_PS_N; s++)
        out[s] = NAN;
    out[ANA_PS_DRAWS] = (double)k;
    if (k < 2)
        return;
    double m = sum / (double)k, b = 0.0, kd = (double)k;
    for (size_t i = 0; i < p->nd; i++)
        if (isfinite(mu[i]) && isfinite(se[i]))
            b += (mu[i] - m) * (mu[i] - m);
    b /= kd - 1.0;
    w /= kd;
    double vpar = b > w ? b - w : 0.0, vmc = w / kd;
    double hmc = gsl_cdf_tdist_Pinv(0.5 + p->level / 2.0, kd * (double)(p->reps - 1)) * sqrt(vmc);
    double h = gsl_cdf_tdist_Pinv(0.5 + p->level / 2.0, kd - 1.0) * sqrt(vpar * (1.0 + 1.0 / kd) + vmc);
    out[ANA_PS_MEAN] = m;
    out[ANA_PS_LOW] = m - h, out[ANA_PS_HIGH] = m + h;
    out[ANA_PS_MC_LOW] = m - hmc, out[ANA_PS_MC_HIGH] = m + hmc;
    double within = (double)p->reps * w;
    out[ANA_PS_SHARE] = vpar + within > 0.0 ? vpar / (vpar + within) : 0.0;
    draw_spread(mu, se, p->nd, k, p->sorted, out);
}

struct ana_post *ana_post_compute(const struct sim_out_table *t, const struct res_source *src,
                                  size_t nvariants, size_t ndraws, size_t reps, char *err, size_t errlen)
{
    struct ana_post *p = calloc(1, sizeof *p);
    struct draw_source ds = {.t = t, .src = src, .nv = nvariants, .nd = ndraws, .reps = reps};
    const struct res_source sub = {draw_read_var, &ds};
    if (p != NULL) {
        p->nv = nvariants, p->nd = ndraws, p->reps = reps;
        p->sorted = malloc((ndraws + 1) * sizeof *p->sorted);
    }
    bool mem = p != NULL && p->sorted != NULL, ok = mem && ndraws >= 2 && reps >= 2;
    if (!ok)
        snprintf(err, errlen,
                 !mem ? "out of memory" : "a posterior run needs at least 2 draws of 2 replications");
    for (size_t k = 0; k < ndraws && ok; k++) {
        ds.draw = k;
        struct ana_study *s = ana_study_compute_source(t, &sub, nvariants, reps, err, errlen);
        ok = s != NULL && (k > 0 || setup(p, ana_study_extra(s)));
        if (ok)
            keep_draw(p, ana_study_extra(s), k);
        else if (s != NULL)
            snprintf(err, errlen, "out of memory");
        ana_study_free(s);
    }
    for (size_t i = 0; ok && i < p->nmetric; i++)
        for (size_t c = 0; c < p->m[i].cells; c++)
            combine(p, p->m[i].mu + c * ndraws, p->m[i].se + c * ndraws, p->m[i].out + c * ANA_PS_N);
    for (int v = 0; v < SIM_OUT_MAXVARS; v++)
        free(ds.cache[v]);
    if (!ok) {
        ana_post_free(p);
        return NULL;
    }
    return p;
}

const struct res_extra *ana_post_extra(struct ana_post *p, const struct res_extra *study)
{
    free(p->dims);
    free(p->vars);
    p->dims = calloc(study->ndims + 1, sizeof *p->dims);
    p->vars = calloc(study->nvars + p->nmetric, sizeof *p->vars);
    if (p->dims == NULL || p->vars == NULL)
        return NULL;
    memcpy(p->dims, study->dims, study->ndims * sizeof *p->dims);
    p->dims[study->ndims] = (struct res_extra_dim){
        .name = "posterior_stat",
        .size = ANA_PS_N,
        .labels = ps_labels,
        .description = "posterior mean, combined and Monte Carlo-only intervals, parameter share of the "
                       "variance, draws where the metric is defined, 5% and 95% quantiles of the draws' "
                       "estimates and the share of them above zero (see ana_post.h)"};
    memcpy(p->vars, study->vars, study->nvars * sizeof *p->vars);
    for (size_t i = 0; i < p->nmetric; i++) {
        const struct metric *m = &p->m[i];
        struct res_extra_var *v = &p->vars[study->nvars + i];
        *v = (struct res_extra_var){
            .name = m->name, .units = m->units, .description = m->desc, .rank = m->rank, .data = m->out};
        memcpy(v->dims, m->dims, sizeof v->dims);
    }
    p->extra = (struct res_extra){.group = study->group,
                                  .ndims = study->ndims + 1,
                                  .dims = p->dims,
                                  .nvars = study->nvars + p->nmetric,
                                  .vars = p->vars};
    return &p->extra;
}
