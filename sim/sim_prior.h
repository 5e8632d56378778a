/* sim_prior.h: prior distributions of calibrated parameters.
 *
 * Four families: uniform on [a, b], log-uniform on [a, b] (0 < a < b), normal (mean a, sd b) and
 * normal (mean a, sd b) truncated to [lo, hi]. Plain structs; every function is pure apart from the
 * draws it takes from the caller's generator, so they are thread-safe on distinct generators. The
 * engine layer: nothing here knows what a parameter means. */
#ifndef SIM_PRIOR_H
#define SIM_PRIOR_H

#include <stdbool.h>

#include <gsl/gsl_rng.h>

#include "sim_status.h"

enum sim_prior_kind { SIM_PRIOR_UNIFORM, SIM_PRIOR_LOGUNIFORM, SIM_PRIOR_NORMAL, SIM_PRIOR_TRUNCNORMAL };

/* uniform, loguniform: a = min, b = max. normal, truncnormal: a = mean, b = sd; truncnormal also
 * uses [lo, hi] (either may be infinite, not both). */
struct sim_prior {
    enum sim_prior_kind kind;
    double a, b;
    double lo, hi;
};

/* Checks the parameters: finite, a < b (uniform), 0 < a < b (loguniform), b > 0 (normal), lo < hi
 * with positive prior mass in [lo, hi] (truncnormal). Returns SIM_OK or SIM_EINVAL, writing why to
 * why[whylen] (may be NULL when whylen is 0). */
sim_status sim_prior_check(const struct sim_prior *p, char *why, size_t whylen);

/* The support [*lo, *hi] (infinite ends for the normal). */
void sim_prior_support(const struct sim_prior *p, double *lo, double *hi);

/* True when x lies in the support. */
bool sim_prior_in_support(const struct sim_prior *p, double x);

/* One draw from `r` (any GSL generator). The truncated normal is drawn by inversion, so every draw
 * takes exactly one uniform (loguniform, uniform, truncnormal) or one Gaussian (normal). */
double sim_prior_sample(const struct sim_prior *p, gsl_rng *r);

/* The u-quantile, 0 < u < 1 (the value below which the prior puts a share u of its mass). */
double sim_prior_quantile(const struct sim_prior *p, double u);

/* Log density at x, normalised; -INFINITY outside the support. */
double sim_prior_logpdf(const struct sim_prior *p, double x);

/* The mean and standard deviation of the distribution. */
double sim_prior_mean(const struct sim_prior *p);
double sim_prior_sd(const struct sim_prior *p);

/* The name of a kind ("uniform", "loguniform", "normal", "truncnormal"). */
const char *sim_prior_kind_str(enum sim_prior_kind k);

#endif
