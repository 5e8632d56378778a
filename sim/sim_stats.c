#include "sim_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

void sim_welford_reset(struct sim_welford *w)
{
    w->n = 0;
    w->mean = w->m2 = 0.0;
}

void sim_welford_add(struct sim_welford *w, double x)
{
    w->n++;
    double d = x - w->mean;
    w->mean += d / (double)w->n;
    w->m2 += d * (x - w->mean);
}

double sim_welford_var(const struct sim_welford *w)
{
    return w->n < 2 ? 0.0 : w->m2 / (double)(w->n - 1);
}

double sim_welford_sem(const struct sim_welford *w)
{
    return w->n < 2 ? 0.0 : sqrt(sim_welford_var(w) / (double)w->n);
}

void sim_tavg_reset(struct sim_tavg *a, double t, double v)
{
    a->t_start = a->t_last = t;
    a->value = v;
    a->area = 0.0;
}

void sim_tavg_set(struct sim_tavg *a, double t, double v)
{
    a->area += a->value * (t - a->t_last);
    a->t_last = t;
    a->value = v;
}

void sim_tavg_restart(struct sim_tavg *a, double t)
{
    a->t_start = a->t_last = t;
    a->area = 0.0;
}

double sim_tavg_mean(const struct sim_tavg *a, double t)
{
    double span = t - a->t_start;
    if (span <= 0.0)
        return a->value;
    return (a->area + a->value * (t - a->t_last)) / span;
}

sim_status sim_hist_init(struct sim_hist *h, double width, size_t nbins)
{
    if (!(width > 0.0) || nbins == 0)
        return SIM_EINVAL;
    uint64_t *bins = calloc(nbins, sizeof *bins);
    if (bins == NULL)
        return SIM_ENOMEM;
    *h = (struct sim_hist){.width = width, .nbins = nbins, .bins = bins};
    return SIM_OK;
}

void sim_hist_fini(struct sim_hist *h)
{
    free(h->bins);
    memset(h, 0, sizeof *h);
}

void sim_hist_reset(struct sim_hist *h)
{
    memset(h->bins, 0, h->nbins * sizeof *h->bins);
    h->n = h->overflow = 0;
    h->max = 0.0;
}

void sim_hist_add(struct sim_hist *h, double x)
{
    h->n++;
    if (x > h->max)
        h->max = x;
    double pos = x / h->width;
    if (!(pos < (double)h->nbins)) {
        h->overflow++;
        return;
    }
    h->bins[pos > 0.0 ? (size_t)pos : 0]++;
}

double sim_hist_quantile(const struct sim_hist *h, double q)
{
    if (h->n == 0)
        return NAN;
    double target = q * (double)h->n;
    double cum = 0.0;
    for (size_t i = 0; i < h->nbins; i++) {
        double c = (double)h->bins[i];
        if (c > 0.0 && cum + c >= target)
            return ((double)i + (target - cum) / c) * h->width;
        cum += c;
    }
    return h->max;
}

void sim_ci(const double *x, size_t n, size_t stride, double level, double *mean, double *half)
{
    struct sim_welford w = {0};
    for (size_t i = 0; i < n; i++)
        sim_welford_add(&w, x[i * stride]);
    *mean = n > 0 ? w.mean : NAN;
    if (n < 2) {
        *half = NAN;
        return;
    }
    double t = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double)(n - 1));
    *half = t * sim_welford_sem(&w);
}
