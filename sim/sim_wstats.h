/* sim_wstats.h: summaries of a weighted sample (an ABC posterior, a resampled population).
 *
 * Any weights >= 0 with a positive sum will do; they need not be normalised. Pure functions apart
 * from sim_wstats_quantile's scratch copy; thread-safe. */
#ifndef SIM_WSTATS_H
#define SIM_WSTATS_H

#include <stddef.h>

#include "sim_status.h"

/* Weighted mean of x[0], x[stride], ..., x[(n-1)*stride]. */
double sim_wstats_mean(const double *x, size_t stride, const double *w, size_t n);

/* Weighted q-quantile (0 <= q <= 1) of the same values: the smallest x whose cumulative weight
 * reaches q of the total (the inverse of the weighted empirical distribution function). Sorts a
 * copy: returns SIM_ENOMEM, or SIM_EINVAL when n is 0 or the weights sum to 0. */
sim_status sim_wstats_quantile(const double *x, size_t stride, const double *w, size_t n, double q,
                               double *out);

/* Weighted covariance matrix cov[d*d] of the rows of x[n*d], d <= 64 (normalised by the sum of weights, no
 * bias correction), and the correlation matrix corr[d*d] (NULL to skip; 0 where a variance is 0). */
void sim_wstats_cov(const double *x, const double *w, size_t n, unsigned d, double *cov, double *corr);

#endif
