#include "mdl_dist.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "../sim/sim_rng.h"

void mdl_sampler_init(struct mdl_sampler *s, const struct mdl_dist *d)
{
    s->kind = d->kind;
    switch (d->kind) {
    case MDL_DIST_FIXED:
    case MDL_DIST_EXPONENTIAL:
        s->p1 = d->mean;
        s->p2 = 0.0;
        break;
    case MDL_DIST_UNIFORM:
        s->p1 = d->min;
        s->p2 = d->max - d->min;
        break;
    case MDL_DIST_LOGNORMAL: {
        /* Moment matching: the scenario gives the mean and sd of the value itself. */
        double s2 = log1p((d->sd * d->sd) / (d->mean * d->mean));
        s->p1 = log(d->mean) - 0.5 * s2;
        s->p2 = sqrt(s2);
        break;
    }
    case MDL_DIST_GAMMA:
        s->p1 = (d->mean * d->mean) / (d->sd * d->sd);
        s->p2 = (d->sd * d->sd) / d->mean;
        break;
    }
}

double mdl_sampler_draw(const struct mdl_sampler *s, gsl_rng *r)
{
    switch (s->kind) {
    case MDL_DIST_FIXED: return s->p1;
    case MDL_DIST_EXPONENTIAL: return s->p1 * sim_rng_exponential(r);
    case MDL_DIST_UNIFORM: return s->p1 + s->p2 * sim_rng_uniform(r);
    case MDL_DIST_LOGNORMAL: return gsl_ran_lognormal(r, s->p1, s->p2);
    case MDL_DIST_GAMMA: return gsl_ran_gamma(r, s->p1, s->p2);
    }
    return NAN;
}

double mdl_dist_mean(const struct mdl_dist *d)
{
    return d->kind == MDL_DIST_UNIFORM ? 0.5 * (d->min + d->max) : d->mean;
}
