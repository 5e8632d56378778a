/* ana_summary.h: summaries of replications for tables and reports. */
#ifndef ANA_SUMMARY_H
#define ANA_SUMMARY_H

#include <stddef.h>

/* A mean with a two-sided confidence interval from n independent replications. */
struct ana_ci {
    double mean, low, high;
    size_t n; /* replications with a finite value */
};

/* Summarises x[0], x[stride], ..., x[(count-1)*stride], ignoring non-finite values (a replication
 * in which a quantity is undefined, such as a mean wait with no searches). The interval is Student-t
 * at `level`; with fewer than two finite values low and high are NaN. */
struct ana_ci ana_summarise(const double *x, size_t count, size_t stride, double level);

/* As ana_summarise for a quantity that cannot be negative (a count, a wait): when every finite
 * value is >= 0 the interval is Student-t on the log of the mean (delta method: the mean times
 * exp(+-t * sem / mean)), so it stays above zero and is wider above the mean than below; [0, 0]
 * when every value is 0. With a negative value it is ana_summarise's interval. */
struct ana_ci ana_summarise_nonneg(const double *x, size_t count, size_t stride, double level);

/* The ratio of means mean(a) / mean(b) of n paired replications with a delta-method Student-t
 * interval at `level` (NaN bounds when n < 2). */
struct ana_ci ana_ratio_of_means(const double *a, const double *b, size_t n, double level);

/* MSER-5 (White 1997; Hoad, Robinson and Davies 2008): the warm-up truncation point of the series
 * y[0..n): the data are averaged in batches of 5, and the truncation d (in batches, searched over
 * the first half) minimising the squared standard error of the remaining mean,
 * sum_{i>=d} (z_i - mean_d)^2 / (b - d)^2, is returned in observations (5 d). 0 when n < 20. */
size_t ana_mser5(const double *y, size_t n);

#endif
