/* The scenario's distributions: a lognormal or gamma given by the mean and sd of the value itself
 * must have exactly that mean and sd, in its parameters and in the draws.
 *
 * Tolerances. Each sampled moment is compared with its exact value within K standard errors of the
 * estimator over N independent draws:
 * - sample mean: SE = sd / sqrt(N);
 * - sample variance: SE = sqrt((mu4 - sd^4) / N), mu4 the exact fourth central moment, which is
 *   sd^4 (3 + excess kurtosis); the excess kurtosis is 6 / shape for the gamma and
 *   e^(4 s2) + 2 e^(3 s2) + 3 e^(2 s2) - 6 for the lognormal with log-variance s2;
 * - share of draws below the mean: a binomial proportion, SE = sqrt(p (1 - p) / N), p the exact
 *   CDF at the mean. It fixes the shape, which the first two moments alone do not.
 * K = 4 (two-sided normal tail 6e-5 per assertion); N = 400,000 keeps every SE below 0.7% of
 * the quantity, so a parameterisation off by 2% in the mean or 4% in the sd fails. */
#include <criterion/criterion.h>
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "../models/mdl_dist.h"
#include "../sim/sim_rng.h"

enum { N = 400000 };
static const double K = 4.0;

struct moments {
    double mean, var, below_mean; /* below_mean: share of draws < the exact mean */
};

/* Draws N values of `d` from a Philox stream of fixed key; two-pass moments, so that the variance
 * does not lose digits to cancellation. */
static struct moments sample(const struct mdl_dist *d, uint64_t key)
{
    static double x[N];
    struct mdl_sampler s;
    mdl_sampler_init(&s, d);
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    cr_assert_not_null(r);
    gsl_rng_set(r, sim_seed_mix(key, 0, 0));
    double sum = 0.0;
    for (size_t i = 0; i < N; i++)
        sum += x[i] = mdl_sampler_draw(&s, r);
    gsl_rng_free(r);
    struct moments m = {.mean = sum / N};
    double ss = 0.0, below = 0.0;
    for (size_t i = 0; i < N; i++) {
        ss += (x[i] - m.mean) * (x[i] - m.mean);
        below += x[i] < d->mean;
    }
    m.var = ss / (N - 1);
    m.below_mean = below / N;
    return m;
}

/* Asserts the sampled moments of `d` against the exact ones (see the file comment). */
static void check_moments(const struct mdl_dist *d, double excess_kurtosis, double p_below_mean, uint64_t key)
{
    struct moments m = sample(d, key);
    double sd = d->sd, var = sd * sd;
    double se_mean = sd / sqrt(N), se_var = var * sqrt((excess_kurtosis + 2.0) / N),
           se_p = sqrt(p_below_mean * (1.0 - p_below_mean) / N);
    cr_assert(fabs(m.mean - d->mean) < K * se_mean, "mean %.6g, exact %.6g (SE %.3g)", m.mean, d->mean,
              se_mean);
    cr_assert(fabs(m.var - var) < K * se_var, "sd %.6g, exact %.6g (variance SE %.3g)", sqrt(m.var), sd,
              se_var);
    cr_assert(fabs(m.below_mean - p_below_mean) < K * se_p, "P(X < mean) %.6g, exact %.6g", m.below_mean,
              p_below_mean);
}

/* The parameters are computed in a handful of correctly rounded operations plus log, exp, sqrt
 * (GSL/glibc: within 1 ulp): relative error a few 1e-16. 1e-13 leaves room for that and still
 * rejects any wrong formula, which is off by whole percents. */
static const double REL_ROUNDING = 1e-13;

Test(dist, lognormal_parameters_reproduce_the_given_mean_and_sd)
{
    const struct mdl_dist d = {.kind = MDL_DIST_LOGNORMAL, .mean = 2.375, .sd = 1.625};
    struct mdl_sampler s;
    mdl_sampler_init(&s, &d);
    /* E X = exp(mu + sigma^2 / 2); sd X = E X sqrt(exp(sigma^2) - 1). */
    double mean = exp(s.p1 + 0.5 * s.p2 * s.p2), sd = mean * sqrt(expm1(s.p2 * s.p2));
    cr_assert(fabs(mean / d.mean - 1.0) < REL_ROUNDING, "mean %.17g", mean);
    cr_assert(fabs(sd / d.sd - 1.0) < REL_ROUNDING, "sd %.17g", sd);
}

Test(dist, gamma_parameters_reproduce_the_given_mean_and_sd)
{
    const struct mdl_dist d = {.kind = MDL_DIST_GAMMA, .mean = 2.375, .sd = 0.875};
    struct mdl_sampler s;
    mdl_sampler_init(&s, &d);
    /* E X = shape * scale; sd X = sqrt(shape) * scale. */
    cr_assert(fabs(s.p1 * s.p2 / d.mean - 1.0) < REL_ROUNDING, "mean %.17g", s.p1 * s.p2);
    cr_assert(fabs(sqrt(s.p1) * s.p2 / d.sd - 1.0) < REL_ROUNDING, "sd %.17g", sqrt(s.p1) * s.p2);
}

Test(dist, lognormal_draws_have_the_given_mean_and_sd)
{
    const struct mdl_dist d = {.kind = MDL_DIST_LOGNORMAL, .mean = 2.375, .sd = 1.625};
    double s2 = log1p((d.sd * d.sd) / (d.mean * d.mean));
    double kurt = exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 6.0;
    /* ln X ~ N(ln mean - s2 / 2, s2): P(X < mean) = Phi(sqrt(s2) / 2). */
    check_moments(&d, kurt, gsl_cdf_ugaussian_P(0.5 * sqrt(s2)), 101);
}

Test(dist, gamma_draws_have_the_given_mean_and_sd)
{
    const struct mdl_dist d = {.kind = MDL_DIST_GAMMA, .mean = 2.375, .sd = 0.875};
    double shape = (d.mean / d.sd) * (d.mean / d.sd), scale = d.sd * d.sd / d.mean;
    check_moments(&d, 6.0 / shape, gsl_cdf_gamma_P(d.mean, shape, scale), 102);
}

/* GSL draws a gamma of shape below 1 by another method (boosting a shape + 1 draw), so the case
 * sd > mean gets its own check: shape (0.75 / 1.25)^2 = 0.36. */
Test(dist, gamma_draws_with_shape_below_one_have_the_given_mean_and_sd)
{
    const struct mdl_dist d = {.kind = MDL_DIST_GAMMA, .mean = 0.75, .sd = 1.25};
    double shape = (d.mean / d.sd) * (d.mean / d.sd), scale = d.sd * d.sd / d.mean;
    cr_assert_lt(shape, 1.0);
    check_moments(&d, 6.0 / shape, gsl_cdf_gamma_P(d.mean, shape, scale), 103);
}

Test(dist, the_mean_of_a_uniform_is_the_midpoint_and_otherwise_the_given_mean)
{
    /* Sums and halvings of these dyadic values are exact in binary. */
    const struct mdl_dist u = {.kind = MDL_DIST_UNIFORM, .min = 1.25, .max = 4.5};
    const struct mdl_dist g = {.kind = MDL_DIST_GAMMA, .mean = 2.375, .sd = 0.875};
    cr_assert_eq(mdl_dist_mean(&u), 2.875);
    cr_assert_eq(mdl_dist_mean(&g), 2.375);
}
