/* Displacement metrics of a study: see ana_study.h. */
#include "ana_study.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "ana_summary.h"

enum { NSTAT = 3 };
static const char *const stat_labels[NSTAT] = {"mean", "ci_low", "ci_high"};

enum {
    X_ARRIVALS,
    X_ARRIVALS_UNPAIRED,
    X_CRN,
    X_DEATHS,
    X_DETERRENCE,
    X_RATIO,
    X_TARGET,
    X_COST,
    X_COST_PER,
    X_FREIGHT,
    X_FREIGHT_P95,
    X_LEVEL,
    X_NVARS
};

struct ana_study {
    size_t nv, nr, nm; /* variants, replications, modes (0 without a mode dimension) */
    double level;
    double *data[X_NVARS];
    const char **mode_total; /* [nm + 1] */
    const char **target;     /* [nv] the targeted mode's label, or "none" */
    struct res_extra_dim dims[2];
    struct res_extra_var vars[X_NVARS];
    struct res_extra extra;
};

void ana_study_free(struct ana_study *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < X_NVARS; i++)
        free(s->data[i]);
    free(s->mode_total);
    free(s->target);
    free(s);
}

const struct res_extra *ana_study_extra(const struct ana_study *s)
{
    return &s->extra;
}

/* The values the metrics read: variable `var` of row (v, r) starts at base[var] + (v * nr + r) *
 * stride[var], whether the rows hold every variable (stride rep_values) or this one only. */
struct view {
    const double *base[SIM_OUT_MAXVARS];
    size_t stride[SIM_OUT_MAXVARS];
    size_t nr;
};

/* Value `i` of variable `var` in replication r of variant v. */
static double at(const struct view *x, int var, size_t v, size_t r, size_t i)
{
    return x->base[var][(v * x->nr + r) * x->stride[var] + i];
}

static void put_ci(double *out, struct ana_ci c)
{
    out[0] = c.mean;
    out[1] = c.low;
    out[2] = c.high;
}

/* Welch interval for mean(b) - mean(a) of two independent samples of n. */
static struct ana_ci welch(const double *a, const double *b, size_t n, double level)
{
    double ma = 0, mb = 0, va = 0, vb = 0;
    for (size_t r = 0; r < n; r++)
        ma += a[r] / (double)n, mb += b[r] / (double)n;
    for (size_t r = 0; r < n; r++)
        va += (a[r] - ma) * (a[r] - ma), vb += (b[r] - mb) * (b[r] - mb);
    struct ana_ci c = {.mean = mb - ma, .low = NAN, .high = NAN, .n = n};
    if (n < 2)
        return c;
    va /= (double)(n - 1), vb /= (double)(n - 1);
    double qa = va / (double)n, qb = vb / (double)n, se = sqrt(qa + qb);
    if (se == 0.0)
        return c.low = c.high = c.mean, c;
    double df = (qa + qb) * (qa + qb) / (qa * qa / (double)(n - 1) + qb * qb / (double)(n - 1));
    double half = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, df) * se;
    c.low = c.mean - half;
    c.high = c.mean + half;
    return c;
}

static double variance(const double *x, size_t n)
{
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    return n > 1 ? v / (double)(n - 1) : NAN;
}

static int dim_index(const struct sim_out_table *t, const char *name)
{
    for (size_t d = 0; d < t->ndims; d++)
        if (strcmp(t->dims[d].name, name) == 0)
            return (int)d;
    return -1;
}

/* Per-replication series of variable `var`, element i (or the sum over its nm elements when i ==
 * nm), for variant v. */
static void series(const struct view *vw, int var, size_t nm, size_t i, size_t v, double *out)
{
    size_t nr = vw->nr;
    for (size_t r = 0; r < nr; r++) {
        double x = 0.0;
        if (i < nm)
            x = at(vw, var, v, r, i);
        else
            for (size_t m = 0; m < nm; m++)
                x += at(vw, var, v, r, m);
        out[r] = x;
    }
}

/* Lorry-weighted mean freight delay of each replication of variant v. */
static void freight(const struct sim_out_table *t, const struct view *vw, size_t v, double *out)
{
    size_t nr = vw->nr;
    int delay = sim_out_find(t, "totals", "freight_delay_mean_min"),
        lorries = sim_out_find(t, "totals", "lorries_arrived"), port = dim_index(t, "port");
    size_t np = port >= 0 ? t->dims[port].size : 0;
    for (size_t r = 0; r < nr; r++) {
        double num = 0, den = 0;
        for (size_t p = 0; delay >= 0 && lorries >= 0 && p < np; p++) {
            double n = at(vw, lorries, v, r, p), d = at(vw, delay, v, r, p);
            if (isfinite(d)) {
                num += n * d;
                den += n;
            }
        }
        out[r] = den > 0 ? num / den : NAN;
    }
}

/* Paired change (variant v minus the baseline) in the 95th percentile of the freight delay per
 * lorry over every port, one value per replication; NaN when the results lack it. */
static void freight_p95(const struct sim_out_table *t, const struct view *vw, size_t v, double *out)
{
    int p95 = sim_out_find(t, "totals", "freight_delay_p95_all_min");
    for (size_t r = 0; r < vw->nr; r++)
        out[r] = p95 >= 0 ? at(vw, p95, v, r, 0) - at(vw, p95, 0, r, 0) : NAN;
}

/* Arrivals, deaths, targeted mode, ratio and deterrence of variant v. */
static void mode_metrics(struct ana_study *s, const struct sim_out_table *t, const struct view *vw, size_t v,
                         double *w)
{
    size_t nr = s->nr, nm = s->nm, mt = nm + 1;
    int arr = sim_out_find(t, "totals", "arrivals"), dth = sim_out_find(t, "totals", "deaths");
    double *x0 = w, *xv = w + nr, *d = w + 2 * nr, *a = w + 3 * nr, *b = w + 4 * nr;
    double *dm = w + 5 * nr; /* [nm][nr] paired changes in arrivals by mode */
    for (size_t m = 0; m < mt; m++) {
        series(vw, arr, nm, m, 0, x0);
        series(vw, arr, nm, m, v, xv);
        for (size_t r = 0; r < nr; r++)
            d[r] = xv[r] - x0[r];
        if (m < nm)
            memcpy(dm + m * nr, d, nr * sizeof *d);
        put_ci(s->data[X_ARRIVALS] + (v * mt + m) * NSTAT, ana_summarise(d, nr, 1, s->level));
        put_ci(s->data[X_ARRIVALS_UNPAIRED] + (v * mt + m) * NSTAT, welch(x0, xv, nr, s->level));
        double den = variance(x0, nr) + variance(xv, nr);
        s->data[X_CRN][v * mt + m] = den > 0 ? 1.0 - variance(d, nr) / den : NAN;
        if (m == nm) { /* net deterrence: the fall in total arrivals */
            struct ana_ci c = ana_summarise(d, nr, 1, s->level);
            double *o = s->data[X_DETERRENCE] + v * NSTAT;
            o[0] = -c.mean, o[1] = -c.high, o[2] = -c.low;
        }
        series(vw, dth, nm, m, 0, x0);
        series(vw, dth, nm, m, v, xv);
        for (size_t r = 0; r < nr; r++)
            d[r] = xv[r] - x0[r];
        put_ci(s->data[X_DEATHS] + (v * mt + m) * NSTAT, ana_summarise(d, nr, 1, s->level));
    }
    /* The targeted mode, among the modes whose fall is significant (interval below zero), and the
     * displacement ratio. */
    size_t target = nm;
    double worst = 0.0;
    for (size_t m = 0; m < nm; m++) {
        const double *c = s->data[X_ARRIVALS] + (v * mt + m) * NSTAT;
        if (c[0] < worst && c[2] < 0.0)
            worst = c[0], target = m;
    }
    s->data[X_TARGET][v] = target < nm ? (double)target : -1.0;
    s->target[v] = target < nm ? s->mode_total[target] : "none";
    double *o = s->data[X_RATIO] + v * NSTAT;
    o[0] = o[1] = o[2] = NAN;
    if (target == nm)
        return;
    for (size_t r = 0; r < nr; r++) {
        b[r] = -dm[target * nr + r];
        a[r] = 0.0;
        for (size_t m = 0; m < nm; m++)
            if (m != target && s->data[X_ARRIVALS][(v * mt + m) * NSTAT] > 0.0)
                a[r] += dm[m * nr + r];
    }
    put_ci(o, ana_ratio_of_means(a, b, nr, s->level));
}

static void describe(struct ana_study *s)
{
    static const struct {
        const char *name, *units, *description;
    } info[X_NVARS] = {
        {"arrivals_change", "people",
         "change in arrivals against the baseline, paired by replication: mean and confidence interval"},
        {"arrivals_change_unpaired", "people",
         "the same change with an unpaired (Welch) interval, for comparison with the paired one"},
        {"crn_variance_removed", "1",
         "share of the variance of the change removed by common random numbers: 1 - var(d) / (var(x) + "
         "var(x0))"},
        {"deaths_change", "people", "change in deaths against the baseline, paired"},
        {"net_deterrence", "people",
         "fall in total arrivals against the baseline (baseline minus variant), paired"},
        {"displacement_ratio", "1",
         "rise in the other modes' arrivals / fall in the targeted mode's (ratio of means, delta-method "
         "interval); NaN when no mode falls significantly"},
        {"targeted_mode", "",
         "the mode whose arrivals fall most among those whose fall is significant (interval below zero); "
         "none when no mode falls significantly"},
        {"cost_eur", "EUR", "cost of the variant's interventions over the analysis window"},
        {"cost_per_net_arrival_prevented", "EUR per person",
         "cost_eur / net_deterrence; NaN unless net deterrence is significantly positive"},
        {"freight_delay_added_min", "minutes per lorry",
         "change in the lorry-weighted mean freight delay at the controls, paired"},
        {"freight_delay_added_p95_min", "minutes",
         "change in the 95th percentile of the freight delay per lorry over the controls, paired"},
        {"confidence_level", "1",
         "level of every interval in this group: 0.95, Bonferroni-adjusted to 1 - 0.05/k for k variants"},
    };
    size_t k = 0;
    for (int i = 0; i < X_NVARS; i++) {
        if (s->data[i] == NULL)
            continue;
        struct res_extra_var *v = &s->vars[k++];
        *v = (struct res_extra_var){.name = info[i].name,
                                    .units = info[i].units,
                                    .description = info[i].description,
                                    .data = s->data[i]};
        switch (i) {
        case X_ARRIVALS:
        case X_ARRIVALS_UNPAIRED:
        case X_DEATHS:
            v->rank = 3, v->dims[0] = "variant", v->dims[1] = "mode_total", v->dims[2] = "stat";
            break;
        case X_CRN: v->rank = 2, v->dims[0] = "variant", v->dims[1] = "mode_total"; break;
        case X_TARGET: /* stored as the mode's label */
            v->rank = 1, v->dims[0] = "variant", v->data = NULL, v->labels = s->target;
            break;
        case X_COST: v->rank = 1, v->dims[0] = "variant"; break;
        case X_LEVEL: v->rank = 0; break;
        default: v->rank = 2, v->dims[0] = "variant", v->dims[1] = "stat"; break;
        }
    }
    s->dims[0] = (struct res_extra_dim){
        .name = "stat", .size = NSTAT, .labels = stat_labels, .description = "mean and confidence interval"};
    s->dims[1] = (struct res_extra_dim){.name = "mode_total",
                                        .size = s->nm + 1,
                                        .labels = s->mode_total,
                                        .description = "entry mode, and the total over modes"};
    s->extra = (struct res_extra){
        .group = "study", .ndims = s->nm > 0 ? 2 : 1, .dims = s->dims, .nvars = k, .vars = s->vars};
}

/* The study's metrics from the view `vw` of the run's values. */
static struct ana_study *compute(const struct sim_out_table *t, const struct view *vw, size_t nvariants,
                                 size_t nreps)
{
    struct ana_study *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->nv = nvariants;
    s->nr = nreps;
    s->level = nvariants > 2 ? 1.0 - 0.05 / (double)(nvariants - 1) : 0.95;
    int mode = dim_index(t, "mode");
    bool modes =
        mode >= 0 && sim_out_find(t, "totals", "arrivals") >= 0 && sim_out_find(t, "totals", "deaths") >= 0;
    s->nm = modes ? t->dims[mode].size : 0;
    size_t mt = s->nm + 1, nv = nvariants;
    double *work = malloc((5 + s->nm + 1) * (nreps ? nreps : 1) * sizeof *work);
    s->mode_total = calloc(mt, sizeof *s->mode_total);
    s->target = calloc(nv ? nv : 1, sizeof *s->target);
    bool ok = work != NULL && s->mode_total != NULL && s->target != NULL;
    if (modes) {
        s->data[X_ARRIVALS] = calloc(nv * mt * NSTAT, sizeof(double));
        s->data[X_ARRIVALS_UNPAIRED] = calloc(nv * mt * NSTAT, sizeof(double));
        s->data[X_CRN] = calloc(nv * mt, sizeof(double));
        s->data[X_DEATHS] = calloc(nv * mt * NSTAT, sizeof(double));
        s->data[X_DETERRENCE] = calloc(nv * NSTAT, sizeof(double));
        s->data[X_RATIO] = calloc(nv * NSTAT, sizeof(double));
        s->data[X_TARGET] = calloc(nv, sizeof(double));
        s->data[X_COST_PER] = calloc(nv * NSTAT, sizeof(double));
        for (int i = X_ARRIVALS; i <= X_TARGET; i++)
            ok = ok && s->data[i] != NULL;
        ok = ok && s->data[X_COST_PER] != NULL;
    }
    s->data[X_COST] = calloc(nv, sizeof(double));
    s->data[X_FREIGHT] = calloc(nv * NSTAT, sizeof(double));
    s->data[X_FREIGHT_P95] = calloc(nv * NSTAT, sizeof(double));
    s->data[X_LEVEL] = calloc(1, sizeof(double));
    ok = ok && s->data[X_COST] != NULL && s->data[X_FREIGHT] != NULL && s->data[X_FREIGHT_P95] != NULL &&
         s->data[X_LEVEL] != NULL;
    if (!ok) {
        free(work);
        ana_study_free(s);
        return NULL;
    }
    for (size_t m = 0; m < s->nm; m++)
        s->mode_total[m] = t->dims[mode].labels[m];
    s->mode_total[s->nm] = "total";
    s->data[X_LEVEL][0] = s->level;
    int cost = sim_out_find(t, "totals", "intervention_cost_eur");
    for (size_t v = 0; v < nv; v++) {
        s->data[X_COST][v] = cost >= 0 && nreps > 0 ? at(vw, cost, v, 0, 0) : NAN;
        if (modes) {
            mode_metrics(s, t, vw, v, work);
            const double *det = s->data[X_DETERRENCE] + v * NSTAT;
            double *o = s->data[X_COST_PER] + v * NSTAT, c = s->data[X_COST][v];
            bool sure = det[1] > 0.0;
            o[0] = sure ? c / det[0] : NAN;
            o[1] = sure ? c / det[2] : NAN;
            o[2] = sure ? c / det[1] : NAN;
        }
        double *f0 = work, *fv = work + nreps, *d = work + 2 * nreps;
        freight(t, vw, 0, f0);
        freight(t, vw, v, fv);
        for (size_t r = 0; r < nreps; r++)
            d[r] = fv[r] - f0[r];
        put_ci(s->data[X_FREIGHT] + v * NSTAT, ana_summarise(d, nreps, 1, s->level));
        freight_p95(t, vw, v, d);
        put_ci(s->data[X_FREIGHT_P95] + v * NSTAT, ana_summarise(d, nreps, 1, s->level));
    }
    free(work);
    describe(s);
    return s;
}

struct ana_study *ana_study_compute(const struct sim_out_table *t, const double *values, size_t nvariants,
                                    size_t nreps)
{
    struct view vw = {.nr = nreps};
    for (size_t v = 0; v < t->nvars; v++) {
        vw.base[v] = values + t->offset[v];
        vw.stride[v] = t->rep_values;
    }
    return compute(t, &vw, nvariants, nreps);
}

/* The variables the metrics read; the others are never loaded from a source. */
static bool used(const struct sim_out_table *t, size_t v)
{
    static const char *const names[] = {"arrivals",
                                        "deaths",
                                        "intervention_cost_eur",
                                        "freight_delay_mean_min",
                                        "lorries_arrived",
                                        "freight_delay_p95_all_min"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(t->vars[v].group, "totals") == 0 && strcmp(t->vars[v].name, names[i]) == 0)
            return true;
    return false;
}

struct ana_study *ana_study_compute_source(const struct sim_out_table *t, const struct res_source *src,
                                           size_t nvariants, size_t nreps, char *err, size_t errlen)
{
    struct view vw = {.nr = nreps};
    double *buf[SIM_OUT_MAXVARS] = {0};
    struct ana_study *s = NULL;
    bool ok = true;
    for (size_t v = 0; v < t->nvars && ok; v++) {
        if (!used(t, v))
            continue;
        size_t n = sim_out_var_size(t, (int)v);
        buf[v] = malloc((nvariants * nreps * n + 1) * sizeof *buf[v]);
        if (buf[v] == NULL) {
            snprintf(err, errlen, "out of memory for the study metrics");
            ok = false;
        } else
            ok = src->read_var(src->ctx, (int)v, buf[v], err, errlen) == SIM_OK;
        vw.base[v] = buf[v];
        vw.stride[v] = n;
    }
    if (ok && (s = compute(t, &vw, nvariants, nreps)) == NULL)
        snprintf(err, errlen, "out of memory for the study metrics");
    for (size_t v = 0; v < t->nvars; v++)
        free(buf[v]);
    return s;
}
