/* sim_stats.h: running statistics for output analysis.
 *
 * Plain structs on caller storage (except the histogram's bins), all deterministic: the same
 * observations in the same order give the same bits. Not thread-safe; each replication owns its
 * accumulators. */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "sim_status.h"

/* Welford's running mean and variance. Zero-initialise (or sim_welford_reset) before use. */
struct sim_welford {
    uint64_t n;
    double mean, m2;
};
void sim_welford_reset(struct sim_welford *w);
void sim_welford_add(struct sim_welford *w, double x);
/* Sample variance (n - 1 denominator); 0 when n < 2. */
double sim_welford_var(const struct sim_welford *w);
/* Standard error of the mean; 0 when n < 2. */
double sim_welford_sem(const struct sim_welford *w);

/* Time-weighted average of a piecewise-constant quantity (queue length, busy servers). */
struct sim_tavg {
    double t_start, t_last, value, area;
};
/* Starts averaging at time t with value v. */
void sim_tavg_reset(struct sim_tavg *a, double t, double v);
/* Records that the quantity changed to v at time t (t >= the last change). */
void sim_tavg_set(struct sim_tavg *a, double t, double v);
/* Restarts the average at time t keeping the current value (used at the end of warm-up). */
void sim_tavg_restart(struct sim_tavg *a, double t);
/* Average over [t_start, t]; the current value if no time has passed. */
double sim_tavg_mean(const struct sim_tavg *a, double t);

/* A fixed-width histogram of non-negative values for quantiles: bins [i*width, (i+1)*width) and an
 * overflow count above nbins*width. Mergeable across replications. */
struct sim_hist {
    double width;
    size_t nbins;
    uint64_t *bins;
    uint64_t n, overflow;
    double max;
};
/* Allocates nbins bins. SIM_EINVAL if width <= 0 or nbins == 0; SIM_ENOMEM. */
sim_status sim_hist_init(struct sim_hist *h, double width, size_t nbins);
/* Frees the bins; accepts a zeroed histogram. */
void sim_hist_fini(struct sim_hist *h);
/* Empties the histogram, keeping its bins. */
void sim_hist_reset(struct sim_hist *h);
/* Counts x (negative values count in the first bin). */
void sim_hist_add(struct sim_hist *h, double x);
/* The q-quantile (0 <= q <= 1), interpolated linearly within a bin; the largest value seen if the
 * quantile falls in the overflow; NaN if empty. Resolution: one bin width. */
double sim_hist_quantile(const struct sim_hist *h, double q);

/* Mean and half-width of a two-sided confidence interval at `level` (e.g. 0.95) from Student's t
 * with n - 1 degrees of freedom, over x[0], x[stride], ..., x[(n-1)*stride]. The half-width is NaN
 * when n < 2. */
void sim_ci(const double *x, size_t n, size_t stride, double level, double *mean, double *half);

#endif
