/* mdl_dist.h: drawing from the scenario's parametric distributions. */
#ifndef MDL_DIST_H
#define MDL_DIST_H

#include <gsl/gsl_rng.h>

#include "mdl_scenario.h"

/* Precomputed parameters of a distribution, so that drawing does no logarithms or divisions that
 * depend only on the scenario. */
struct mdl_sampler {
    enum mdl_dist_kind kind;
    double p1, p2; /* fixed: value; exponential: mean; uniform: min, width;
                      lognormal: mu, sigma; gamma: shape, scale */
};

/* Prepares a sampler for a validated distribution. */
void mdl_sampler_init(struct mdl_sampler *s, const struct mdl_dist *d);

/* Draws one value from r. Consumes a kind-dependent but parameter-independent number of draws
 * only for fixed (none), exponential and uniform (one); lognormal and gamma use GSL's methods. */
double mdl_sampler_draw(const struct mdl_sampler *s, gsl_rng *r);

/* The mean of the distribution. */
double mdl_dist_mean(const struct mdl_dist *d);

#endif
