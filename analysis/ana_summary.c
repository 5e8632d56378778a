#include "ana_summary.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "../sim/sim_stats.h"

size_t ana_mser5(const double *y, size_t n)
{
    size_t b = n / 5;
    if (b < 4)
        return 0;
    double best = INFINITY;
    size_t cut = 0;
    for (size_t d = 0; d < b / 2; d++) {
        double mean = 0.0, ss = 0.0;
        for (size_t i = d; i < b; i++) {
            double z = (y[5 * i] + y[5 * i + 1] + y[5 * i + 2] + y[5 * i + 3] + y[5 * i + 4]) / 5.0;
            mean += z;
        }
        mean /= (double)(b - d);
        for (size_t i = d; i < b; i++) {
            double z = (y[5 * i] + y[5 * i + 1] + y[5 * i + 2] + y[5 * i + 3] + y[5 * i + 4]) / 5.0;
            ss += (z - mean) * (z - mean);
        }
        double stat = ss / ((double)(b - d) * (double)(b - d));
        if (stat < best) {
            best = stat;
            cut = d;
        }
    }
    return 5 * cut;
}

struct ana_ci ana_summarise(const double *x, size_t count, size_t stride, double level)
{
    struct sim_welford w = {0};
    for (size_t i = 0; i < count; i++)
        if (isfinite(x[i * stride]))
            sim_welford_add(&w, x[i * stride]);
    struct ana_ci c = {.mean = w.n > 0 ? w.mean : NAN, .low = NAN, .high = NAN, .n = (size_t)w.n};
    if (w.n >= 2) {
        double half = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double)(w.n - 1)) * sim_welford_sem(&w);
        c.low = w.mean - half;
        c.high = w.mean + half;
    }
    return c;
}

struct ana_ci ana_summarise_nonneg(const double *x, size_t count, size_t stride, double level)
{
    struct ana_ci c = ana_summarise(x, count, stride, level);
    for (size_t i = 0; i < count; i++)
        if (x[i * stride] < 0.0)
            return c;
    if (!isfinite(c.low) || !(c.mean > 0.0)) {
        if (c.mean == 0.0 && c.n >= 2)
            c.low = c.high = 0.0; /* every value is zero */
        return c;
    }
    /* Student-t half-width over the mean = t * sem / mean: the interval of log(mean). */
    double rel = (c.high - c.mean) / c.mean;
    c.low = c.mean * exp(-rel);
    c.high = c.mean * exp(rel);
    return c;
}

struct ana_ci ana_ratio_of_means(const double *a, const double *b, size_t n, double level)
{
    double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
    for (size_t r = 0; r < n; r++)
        ma += a[r] / (double)n, mb += b[r] / (double)n;
    for (size_t r = 0; r < n; r++) {
        saa += (a[r] - ma) * (a[r] - ma);
        sbb += (b[r] - mb) * (b[r] - mb);
        sab += (a[r] - ma) * (b[r] - mb);
    }
    struct ana_ci c = {.mean = ma / mb, .low = NAN, .high = NAN, .n = n};
    if (n < 2)
        return c;
    double k = 1.0 / (double)(n - 1), q = c.mean;
    double var = (saa * k - 2.0 * q * sab * k + q * q * sbb * k) / ((double)n * mb * mb);
    double half = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double)(n - 1)) * sqrt(fmax(var, 0.0));
    c.low = q - half;
    c.high = q + half;
    return c;
}
