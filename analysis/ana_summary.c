#include "ana_summary.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "../sim/sim_stats.h"

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
