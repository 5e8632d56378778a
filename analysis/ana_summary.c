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
