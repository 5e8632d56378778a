/* Weighted means, quantiles, covariances and correlations of a weighted sample. */
#include <math.h>
#include <stdlib.h>

#include "sim_wstats.h"

double sim_wstats_mean(const double *x, size_t stride, const double *w, size_t n)
{
    double s = 0.0, sw = 0.0;
    for (size_t i = 0; i < n; i++) {
        s += w[i] * x[i * stride];
        sw += w[i];
    }
    return s / sw;
}

struct pair {
    double x, w;
};

static int cmp_pair(const void *p, const void *q)
{
    double u = ((const struct pair *)p)->x, v = ((const struct pair *)q)->x;
    return (u > v) - (u < v);
}

sim_status sim_wstats_quantile(const double *x, size_t stride, const double *w, size_t n, double q,
                               double *out)
{
    if (n == 0 || !(q >= 0.0 && q <= 1.0))
        return SIM_EINVAL;
    struct pair *p = malloc(n * sizeof *p);
    if (p == NULL)
        return SIM_ENOMEM;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        p[i].x = x[i * stride], p[i].w = w[i];
        total += w[i];
    }
    if (!(total > 0.0)) {
        free(p);
        return SIM_EINVAL;
    }
    qsort(p, n, sizeof *p, cmp_pair);
    double c = 0.0, target = q * total, v = p[n - 1].x;
    for (size_t i = 0; i < n; i++) {
        c += p[i].w;
        if (p[i].w > 0.0 && c >= target) {
            v = p[i].x;
            break;
        }
    }
    free(p);
    *out = v;
    return SIM_OK;
}

void sim_wstats_cov(const double *x, const double *w, size_t n, unsigned d, double *cov, double *corr)
{
    double mean[64] = {0}, sw = 0.0;
    for (size_t i = 0; i < n; i++)
        sw += w[i];
    for (unsigned j = 0; j < d && j < 64; j++)
        mean[j] = sim_wstats_mean(x + j, d, w, n);
    for (unsigned r = 0; r < d; r++)
        for (unsigned c = 0; c <= r; c++) {
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += w[i] * (x[i * d + r] - mean[r]) * (x[i * d + c] - mean[c]);
            cov[r * d + c] = cov[c * d + r] = s / sw;
        }
    if (corr == NULL)
        return;
    for (unsigned r = 0; r < d; r++)
        for (unsigned c = 0; c < d; c++) {
            double v = cov[r * d + r] * cov[c * d + c];
            corr[r * d + c] = v > 0.0 ? cov[r * d + c] / sqrt(v) : 0.0;
        }
}
