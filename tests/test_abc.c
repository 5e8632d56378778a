/* Priors and ABC-SMC on a model whose ABC posterior is known exactly. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "../sim/sim_abc.h"
#include "../sim/sim_prior.h"
#include "../sim/sim_rng.h"

/* ---- Priors ---- */

/* Draws n values and checks mean and variance against the closed forms within 5 standard errors
 * (the variance's SE from the sample fourth central moment), and the 5/50/95% quantiles. */
static void check_moments_and_quantiles(const struct sim_prior *p, uint64_t seed)
{
    enum { N = 200000 };
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    gsl_rng_set(r, sim_seed_mix(seed, 0, 0));
    double *x = malloc(N * sizeof *x), lo, hi, s = 0.0;
    sim_prior_support(p, &lo, &hi);
    for (int i = 0; i < N; i++) {
        x[i] = sim_prior_sample(p, r);
        cr_assert(x[i] >= lo && x[i] <= hi, "%s draw %g outside [%g, %g]", sim_prior_kind_str(p->kind), x[i],
                  lo, hi);
        s += x[i];
    }
    double m = s / N, m2 = 0.0, m4 = 0.0;
    for (int i = 0; i < N; i++) {
        double e = (x[i] - m) * (x[i] - m);
        m2 += e / N, m4 += e * e / N;
    }
    double mu = sim_prior_mean(p), sd = sim_prior_sd(p);
    cr_assert(fabs(m - mu) < 5.0 * sd / sqrt(N), "%s mean %g, exact %g", sim_prior_kind_str(p->kind), m, mu);
    cr_assert(fabs(m2 - sd * sd) < 5.0 * sqrt((m4 - m2 * m2) / N), "%s var %g, exact %g",
              sim_prior_kind_str(p->kind), m2, sd * sd);
    /* The quantile function inverts the distribution: a share u of the draws lies below it. */
    static const double us[] = {0.05, 0.5, 0.95};
    for (size_t k = 0; k < 3; k++) {
        double q = sim_prior_quantile(p, us[k]), below = 0.0;
        cr_assert(q >= lo && q <= hi, "%s quantile %g outside the support", sim_prior_kind_str(p->kind),
                  us[k]);
        for (int i = 0; i < N; i++)
            below += x[i] < q;
        cr_assert(fabs(below / N - us[k]) < 5.0 * sqrt(us[k] * (1 - us[k]) / N),
                  "%s: %g of draws below q(%g)", sim_prior_kind_str(p->kind), below / N, us[k]);
    }
    free(x);
    gsl_rng_free(r);
}

Test(abc, prior_draws_match_the_closed_form_moments_and_quantiles)
{
    const struct sim_prior p[] = {
        {SIM_PRIOR_UNIFORM, -1.25, 7.5, 0, 0},
        {SIM_PRIOR_LOGUNIFORM, 0.02, 3.5, 0, 0},
        {SIM_PRIOR_NORMAL, 2.375, 0.6, 0, 0},
        {SIM_PRIOR_TRUNCNORMAL, 2.375, 1.5, 0.5, 3.0},
        {SIM_PRIOR_TRUNCNORMAL, 0.0, 1.0, 2.5, INFINITY},   /* one-sided, in the far tail */
        {SIM_PRIOR_TRUNCNORMAL, 1.0, 0.5, -INFINITY, 0.75}, /* one-sided, below */
    };
    for (size_t i = 0; i < sizeof p / sizeof *p; i++) {
        cr_assert_eq(sim_prior_check(&p[i], NULL, 0), SIM_OK);
        check_moments_and_quantiles(&p[i], 100 + i);
    }
}

/* Integrates exp(logpdf) over the support by Simpson's rule on 20000 panels: the error bound is
 * h^4 times the fourth derivative's scale, far below 1e-6 for these smooth densities. */
static double integral(const struct sim_prior *p, double lo, double hi)
{
    enum { M = 20000 };
    double h = (hi - lo) / M, s = 0.0;
    for (int i = 0; i <= M; i++) {
        double x = lo + i * h, f = exp(sim_prior_logpdf(p, x));
        s += f * (i == 0 || i == M ? 1.0 : i % 2 ? 4.0 : 2.0);
    }
    return s * h / 3.0;
}

Test(abc, prior_densities_integrate_to_one_and_vanish_outside)
{
    const struct sim_prior u = {SIM_PRIOR_UNIFORM, -1.25, 7.5, 0, 0},
                           l = {SIM_PRIOR_LOGUNIFORM, 0.02, 3.5, 0, 0},
                           n = {SIM_PRIOR_NORMAL, 2.375, 0.6, 0, 0},
                           t = {SIM_PRIOR_TRUNCNORMAL, 2.375, 1.5, 0.5, 3.0};
    cr_assert_float_eq(integral(&u, -1.25, 7.5), 1.0, 1e-9);
    cr_assert_float_eq(integral(&l, 0.02, 3.5), 1.0, 1e-6);
    cr_assert_float_eq(integral(&n, 2.375 - 12 * 0.6, 2.375 + 12 * 0.6), 1.0, 1e-9);
    cr_assert_float_eq(integral(&t, 0.5, 3.0), 1.0, 1e-9);
    cr_assert(isinf(sim_prior_logpdf(&u, 7.6)) && isinf(sim_prior_logpdf(&l, 0.01)));
    cr_assert(isinf(sim_prior_logpdf(&t, 0.49)) && isinf(sim_prior_logpdf(&t, 3.01)));
    cr_assert(isfinite(sim_prior_logpdf(&n, -50.0)));
}

Test(abc, bad_priors_are_refused_with_a_reason)
{
    char why[128];
    const struct sim_prior bad[] = {
        {SIM_PRIOR_UNIFORM, 2.0, 2.0, 0, 0},       {SIM_PRIOR_LOGUNIFORM, 0.0, 3.0, 0, 0},
        {SIM_PRIOR_NORMAL, 1.0, 0.0, 0, 0},        {SIM_PRIOR_TRUNCNORMAL, 0.0, 1.0, 3.0, 2.0},
        {SIM_PRIOR_TRUNCNORMAL, 0.0, 1.0, 40, 41}, {SIM_PRIOR_UNIFORM, NAN, 1.0, 0, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        why[0] = '\0';
        cr_assert_eq(sim_prior_check(&bad[i], why, sizeof why), SIM_EINVAL, "prior %zu accepted", i);
        cr_assert(why[0] != '\0');
    }
}

/* ---- ABC-SMC on x_1..x_n ~ N(theta, 1), prior U(-10, 10), distance |mean(x) - xbar_obs| ----
 *
 * The simulated mean is N(theta, 1/n), so the ABC likelihood at tolerance eps is
 * P(|N(theta, 1/n) - xbar| <= eps), and under a flat prior the ABC posterior is the convolution of
 * N(xbar, 1/n) with U(-eps, eps): mean xbar, variance 1/n + eps^2/3 (the prior's truncation at
 * +-10 is 20 sds away and negligible). */

enum { NOBS = 20 };
static const double THETA_TRUE = 2.375;

static double simulate_mean(uint64_t seed, double theta)
{
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    gsl_rng_set(r, seed);
    double s = 0.0;
    for (int i = 0; i < NOBS; i++)
        s += theta + gsl_ran_ugaussian(r);
    gsl_rng_free(r);
    return s / NOBS;
}

/* ABC-SMC by `method` with prior `prior` on theta; the model sees log theta when `logged`. A
 * proposal the sampler does not need simulated gets the distance NaN. */
static struct sim_abc *run_abc_by(enum sim_abc_method method, struct sim_prior prior, bool logged,
                                  uint64_t seed, unsigned n, unsigned reps, unsigned gens, double xbar)
{
    const struct sim_abc_opts o = {
        .method = method, .nparticles = n, .reps = reps, .seed = seed, .alpha = 0.5, .generations = gens};
    struct sim_abc *abc = NULL;
    cr_assert_eq(sim_abc_create(1, &prior, &o, &abc), SIM_OK);
    double *dist = malloc((size_t)n * reps * sizeof *dist);
    while (!sim_abc_done(abc)) {
        unsigned g = sim_abc_generation(abc);
        const double *theta;
        cr_assert_eq(sim_abc_propose(abc, g, &theta), SIM_OK);
        for (unsigned i = 0; i < n; i++)
            for (unsigned r = 0; r < reps; r++)
                dist[i * reps + r] = !sim_abc_live(abc, i)
                                         ? NAN
                                         : fabs(simulate_mean(sim_abc_run_seed(abc, g, i, r),
                                                              logged ? log(theta[i]) : theta[i]) -
                                                xbar);
        cr_assert_eq(sim_abc_update(abc, dist), SIM_OK);
    }
    free(dist);
    return abc;
}

static struct sim_abc *run_abc_on(struct sim_prior prior, bool logged, uint64_t seed, unsigned n,
                                  unsigned reps, unsigned gens, double xbar)
{
    return run_abc_by(SIM_ABC_PMC, prior, logged, seed, n, reps, gens, xbar);
}

static struct sim_abc *run_abc(uint64_t seed, unsigned n, unsigned reps, unsigned gens, double xbar)
{
    return run_abc_on((struct sim_prior){SIM_PRIOR_UNIFORM, -10.0, 10.0, 0, 0}, false, seed, n, reps, gens,
                      xbar);
}

Test(abc, posterior_matches_the_exact_abc_posterior_within_monte_carlo_error)
{
    double xbar = simulate_mean(sim_seed_mix(7, 0, 99), THETA_TRUE);
    struct sim_abc *abc = run_abc(2026, 2000, 2, 7, xbar);
    unsigned g = sim_abc_completed(abc) - 1, n = sim_abc_nparticles(abc);
    const double *x = sim_abc_particles(abc), *w = sim_abc_weights(abc);
    double eps = sim_abc_tolerance(abc, g), ess = sim_abc_ess(abc, g);
    double sd_exact = sqrt(1.0 / NOBS + eps * eps / 3.0), cov;
    sim_wstats_cov(x, w, n, 1, &cov, NULL);
    double mean = sim_wstats_mean(x, 1, w, n), sd = sqrt(cov);
    cr_log_info("mean %.4f (exact %.4f), sd %.4f (exact %.4f), eps %.4f, ESS %.0f", mean, xbar, sd, sd_exact,
                eps, ess);
    /* Self-normalised importance sampling: SE of the mean sd/sqrt(ESS), of the sd sd/sqrt(2 ESS). */
    cr_assert(fabs(mean - xbar) < 4.0 * sd_exact / sqrt(ess), "mean %g, exact %g (ESS %g)", mean, xbar, ess);
    cr_assert(fabs(sd - sd_exact) < 4.0 * sd_exact / sqrt(2.0 * ess), "sd %g, exact %g (eps %g, ESS %g)", sd,
              sd_exact, eps, ess);
    /* The tolerance came down to the scale of the data's noise: the test is about the posterior
     * (sd about 0.3), not the prior (sd 5.8). */
    cr_assert(eps < 2.0 / sqrt(NOBS), "final tolerance %g", eps);
    sim_abc_destroy(abc);
}

/* The same problem on the log scale: theta log-uniform on [e^-10, e^10], the data N(log theta, 1).
 * log theta has the flat prior of the test above, so its ABC posterior is the same: mean xbar,
 * variance 1/n + eps^2/3. The kernel moves theta on the log scale; a proposal density without
 * the Jacobian 1/theta would tilt the weights by theta and shift the mean of log theta by about
 * its variance (0.06, some 7 standard errors here). */
Test(abc, a_log_uniform_parameter_matches_the_exact_posterior_of_its_log)
{
    double xbar = simulate_mean(sim_seed_mix(7, 0, 99), THETA_TRUE);
    struct sim_prior prior = {SIM_PRIOR_LOGUNIFORM, exp(-10.0), exp(10.0), 0, 0};
    struct sim_abc *abc = run_abc_on(prior, true, 2026, 2000, 2, 7, xbar);
    unsigned g = sim_abc_completed(abc) - 1, n = sim_abc_nparticles(abc);
    const double *x = sim_abc_particles(abc), *w = sim_abc_weights(abc);
    double eps = sim_abc_tolerance(abc, g), ess = sim_abc_ess(abc, g);
    double sd_exact = sqrt(1.0 / NOBS + eps * eps / 3.0), m = 0.0, v = 0.0;
    for (unsigned i = 0; i < n; i++)
        m += w[i] * log(x[i]);
    for (unsigned i = 0; i < n; i++)
        v += w[i] * (log(x[i]) - m) * (log(x[i]) - m);
    cr_log_info("log scale: mean %.4f (exact %.4f), sd %.4f (exact %.4f), eps %.4f, ESS %.0f", m, xbar,
                sqrt(v), sd_exact, eps, ess);
    cr_assert(fabs(m - xbar) < 4.0 * sd_exact / sqrt(ess), "mean of log %g, exact %g (ESS %g)", m, xbar, ess);
    cr_assert(fabs(sqrt(v) - sd_exact) < 4.0 * sd_exact / sqrt(2.0 * ess), "sd of log %g, exact %g", sqrt(v),
              sd_exact);
    cr_assert(eps < 2.0 / sqrt(NOBS), "final tolerance %g", eps);
    /* weights as even as on the natural scale of the test above (ESS 353 of 2000), not a handful */
    cr_assert_gt(ess, 0.1 * n, "ESS %g of %u particles", ess, n);
    sim_abc_destroy(abc);
}

/* ---- Resample-move on the same problem ----
 *
 * After resampling, particles repeat and a Metropolis-Hastings move makes neighbours correlated, so
 * the sample's information is below its size: the standard errors here use half the number of
 * distinct particles as the sample size, a conservative count for chains that moved 20-40% of
 * the time in each of several generations. */

static double distinct_particles(const struct sim_abc *abc)
{
    unsigned n = sim_abc_nparticles(abc), m = 0;
    double *x = malloc(n * sizeof *x);
    memcpy(x, sim_abc_particles(abc), n * sizeof *x);
    for (unsigned i = 0; i < n; i++) {
        bool seen = false;
        for (unsigned j = 0; j < m && !seen; j++)
            seen = x[j] == x[i];
        if (!seen)
            x[m++] = x[i];
    }
    free(x);
    return m;
}

/* The weighted mean and sd of f(theta) over the population (f = log when `logged`). */
static void population_moments(const struct sim_abc *abc, bool logged, double *mean, double *sd)
{
    unsigned n = sim_abc_nparticles(abc);
    const double *x = sim_abc_particles(abc), *w = sim_abc_weights(abc);
    double m = 0.0, v = 0.0;
    for (unsigned i = 0; i < n; i++)
        m += w[i] * (logged ? log(x[i]) : x[i]);
    for (unsigned i = 0; i < n; i++) {
        double e = (logged ? log(x[i]) : x[i]) - m;
        v += w[i] * e * e;
    }
    *mean = m, *sd = sqrt(v);
}

static void check_resample_move(struct sim_prior prior, bool logged)
{
    double xbar = simulate_mean(sim_seed_mix(7, 0, 99), THETA_TRUE);
    struct sim_abc *abc = run_abc_by(SIM_ABC_RESAMPLE_MOVE, prior, logged, 2027, 2000, 2, 7, xbar);
    unsigned g = sim_abc_completed(abc) - 1;
    double eps = sim_abc_tolerance(abc, g), m, sd, neff = 0.5 * distinct_particles(abc);
    double sd_exact = sqrt(1.0 / NOBS + eps * eps / 3.0);
    population_moments(abc, logged, &m, &sd);
    cr_log_info("resample-move%s: mean %.4f (exact %.4f), sd %.4f (exact %.4f), eps %.4f, %g distinct",
                logged ? " (log scale)" : "", m, xbar, sd, sd_exact, eps, 2.0 * neff);
    cr_assert(fabs(m - xbar) < 4.0 * sd_exact / sqrt(neff), "mean %g, exact %g", m, xbar);
    cr_assert(fabs(sd - sd_exact) < 4.0 * sd_exact / sqrt(2.0 * neff), "sd %g, exact %g (eps %g)", sd,
              sd_exact, eps);
    cr_assert(eps < 2.0 / sqrt(NOBS), "final tolerance %g", eps);
    /* Every new tolerance keeps alpha = 0.5 of the effective sample, and resampling below N/2 resets
     * it to N: no generation rests on a handful of particles. */
    for (unsigned t = 0; t <= g; t++)
        cr_assert_geq(sim_abc_ess(abc, t), 0.5 * 0.5 * sim_abc_nparticles(abc) - 1.0, "generation %u: ESS %g",
                      t, sim_abc_ess(abc, t));
    sim_abc_destroy(abc);
}

Test(abc, resample_move_matches_the_exact_abc_posterior)
{
    check_resample_move((struct sim_prior){SIM_PRIOR_UNIFORM, -10.0, 10.0, 0, 0}, false);
}

/* The move is symmetric on the logit scale of log theta's position in [-10, 10], so its acceptance
 * ratio needs the prior's density there: theta, then the logit's Jacobian, times the density in
 * theta. Log theta then has the test above's uniform prior, and the run is that test's draw for
 * draw. (The next test is the one that fails without the Jacobians.) */
Test(abc, resample_move_on_a_log_uniform_parameter_matches_the_exact_posterior_of_its_log)
{
    check_resample_move((struct sim_prior){SIM_PRIOR_LOGUNIFORM, exp(-10.0), exp(10.0), 0, 0}, true);
}

/* With distances that ignore theta the ABC posterior is the prior, whatever the tolerance: the
 * moves must leave each prior invariant. A move on the logit or log scale without the Jacobian in
 * its acceptance ratio would pile the particles towards the support's ends (or away from them),
 * moving these quantiles by far more than their standard errors. The tolerance stops at 0.5
 * (final_tolerance), where half the moves' simulations fall within it, and ten move steps run
 * there, so the population mixes. */
Test(abc, resample_move_keeps_the_prior_when_the_data_say_nothing)
{
    enum { D = 4, N = 2000, GENS = 11 };
    const struct sim_prior pr[D] = {{SIM_PRIOR_UNIFORM, 0.0, 1.0, 0, 0},
                                    {SIM_PRIOR_LOGUNIFORM, 0.1, 10.0, 0, 0},
                                    {SIM_PRIOR_TRUNCNORMAL, 0.0, 1.0, -0.5, 2.0},
                                    {SIM_PRIOR_TRUNCNORMAL, 1.0, 0.5, 0.25, INFINITY}};
    const struct sim_abc_opts o = {.method = SIM_ABC_RESAMPLE_MOVE,
                                   .nparticles = N,
                                   .reps = 1,
                                   .seed = 31,
                                   .alpha = 0.5,
                                   .moves = 10,
                                   .final_tolerance = 0.5,
                                   .generations = GENS};
    struct sim_abc *abc = NULL;
    cr_assert_eq(sim_abc_create(D, pr, &o, &abc), SIM_OK);
    double *dist = malloc(N * sizeof *dist);
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    while (!sim_abc_done(abc)) {
        unsigned g = sim_abc_generation(abc);
        const double *theta;
        cr_assert_eq(sim_abc_propose(abc, g, &theta), SIM_OK);
        for (unsigned i = 0; i < N; i++) {
            gsl_rng_set(r, sim_abc_run_seed(abc, g, i, 0));
            dist[i] = sim_abc_live(abc, i) ? gsl_rng_uniform(r) : NAN;
        }
        cr_assert_eq(sim_abc_update(abc, dist), SIM_OK);
    }
    const double *x = sim_abc_particles(abc), *w = sim_abc_weights(abc);
    double neff = 0.5 * distinct_particles(abc);
    for (unsigned j = 0; j < D; j++)
        for (double q = 0.1; q < 0.95; q += 0.4) { /* the prior's 10%, 50% and 90% quantiles */
            double at = sim_prior_quantile(&pr[j], q), below = 0.0;
            for (unsigned i = 0; i < N; i++)
                below += w[i] * (x[(size_t)i * D + j] < at);
            cr_log_info("parameter %u: %.3f below the prior's %.0f%% quantile", j, below, 100 * q);
            cr_assert(fabs(below - q) < 4.0 * sqrt(q * (1 - q) / neff), "parameter %u (%s): %.3f below q%.0f",
                      j, sim_prior_kind_str(pr[j].kind), below, 100 * q);
        }
    cr_assert_gt(neff, N / 8.0, "the population collapsed to %g distinct particles", 2 * neff);
    cr_assert_eq(sim_abc_completed(abc), GENS);
    free(dist);
    gsl_rng_free(r);
    sim_abc_destroy(abc);
}

/* The moves of a particle and the simulations behind it: a particle's source is a live proposal of
 * an earlier or the same generation, and the same seed gives the same bits. */
Test(abc, resample_move_is_deterministic_and_tracks_each_particles_simulations)
{
    struct sim_prior prior = {SIM_PRIOR_UNIFORM, -10.0, 10.0, 0, 0};
    struct sim_abc *a = run_abc_by(SIM_ABC_RESAMPLE_MOVE, prior, false, 5, 300, 2, 8, 0.5),
                   *b = run_abc_by(SIM_ABC_RESAMPLE_MOVE, prior, false, 5, 300, 2, 8, 0.5);
    unsigned n = sim_abc_nparticles(a), moved = 0;
    cr_assert_eq(sim_abc_completed(a), 8);
    cr_assert_eq(memcmp(sim_abc_particles(a), sim_abc_particles(b), n * sizeof(double)), 0);
    cr_assert_eq(memcmp(sim_abc_weights(a), sim_abc_weights(b), n * sizeof(double)), 0);
    for (unsigned i = 0; i < n; i++) {
        unsigned ga, sa, gb, sb;
        sim_abc_source(a, i, &ga, &sa), sim_abc_source(b, i, &gb, &sb);
        cr_assert(ga == gb && sa == sb && ga < 8 && sa < n);
        moved += ga > 0;
    }
    for (unsigned t = 1; t < 8; t++) {
        cr_assert_leq(sim_abc_tolerance(a, t), sim_abc_tolerance(a, t - 1));
        cr_assert(sim_abc_acceptance(a, t) > 0.0 && sim_abc_acceptance(a, t) <= 1.0);
    }
    cr_assert_gt(moved, n / 2, "only %u particles ever moved", moved);
    sim_abc_destroy(a), sim_abc_destroy(b);
}

Test(abc, tolerances_decrease_weights_sum_to_one_and_ess_is_in_range)
{
    struct sim_abc *abc = run_abc(11, 500, 3, 6, 1.0);
    unsigned n = sim_abc_nparticles(abc);
    cr_assert_eq(sim_abc_completed(abc), 6);
    for (unsigned g = 0; g < 6; g++) {
        double e = sim_abc_ess(abc, g), a = sim_abc_acceptance(abc, g);
        cr_assert(e > 0.0 && e <= n * (1.0 + DBL_EPSILON), "ESS %g", e);
        cr_assert(a > 0.0 && a <= 1.0, "acceptance %g", a);
        if (g > 0)
            cr_assert_lt(sim_abc_tolerance(abc, g), sim_abc_tolerance(abc, g - 1));
    }
    const double *w = sim_abc_weights(abc);
    double s = 0.0;
    for (unsigned i = 0; i < n; i++) {
        cr_assert(w[i] >= 0.0);
        s += w[i];
    }
    cr_assert(fabs(s - 1.0) <= n * DBL_EPSILON, "weights sum to %.17g", s);
    cr_assert(isnan(sim_abc_ess(abc, 6)));
    sim_abc_destroy(abc);
}

Test(abc, the_same_seed_gives_the_same_bits_and_another_seed_does_not)
{
    struct sim_abc *a = run_abc(99, 300, 2, 4, 0.5), *b = run_abc(99, 300, 2, 4, 0.5),
                   *c = run_abc(98, 300, 2, 4, 0.5);
    size_t n = sim_abc_nparticles(a);
    cr_assert_eq(memcmp(sim_abc_particles(a), sim_abc_particles(b), n * sizeof(double)), 0);
    cr_assert_eq(memcmp(sim_abc_weights(a), sim_abc_weights(b), n * sizeof(double)), 0);
    for (unsigned g = 0; g < 4; g++)
        cr_assert_eq(
            memcmp(&(double){sim_abc_tolerance(a, g)}, &(double){sim_abc_tolerance(b, g)}, sizeof(double)),
            0);
    cr_assert_neq(memcmp(sim_abc_particles(a), sim_abc_particles(c), n * sizeof(double)), 0);
    sim_abc_destroy(a), sim_abc_destroy(b), sim_abc_destroy(c);
}

/* The ABC posterior is wider than the exact one, so its 90% interval covers theta at least 90% of
 * the time; with 10 independent data sets, P(>= 8 covered) >= 0.93. */
Test(abc, ninety_percent_intervals_cover_the_truth_in_at_least_8_of_10_seeds)
{
    int covered = 0;
    for (uint64_t s = 1; s <= 10; s++) {
        double xbar = simulate_mean(sim_seed_mix(s, 0, 98), THETA_TRUE);
        struct sim_abc *abc = run_abc(500 + s, 500, 1, 6, xbar);
        unsigned n = sim_abc_nparticles(abc);
        double q05, q95;
        cr_assert_eq(sim_wstats_quantile(sim_abc_particles(abc), 1, sim_abc_weights(abc), n, 0.05, &q05),
                     SIM_OK);
        cr_assert_eq(sim_wstats_quantile(sim_abc_particles(abc), 1, sim_abc_weights(abc), n, 0.95, &q95),
                     SIM_OK);
        covered += q05 <= THETA_TRUE && THETA_TRUE <= q95;
        sim_abc_destroy(abc);
    }
    cr_log_info("90%% intervals covered theta in %d of 10 seeds", covered);
    cr_assert_geq(covered, 8, "covered in %d of 10", covered);
}

Test(abc, weighted_quantiles_invert_the_weighted_distribution_function)
{
    const double x[] = {4.5, -1.25, 2.375, 7.0}, w[] = {0.1, 0.4, 0.3, 0.2};
    double q;
    cr_assert_eq(sim_wstats_quantile(x, 1, w, 4, 0.39, &q), SIM_OK);
    cr_assert_eq(q, -1.25);
    cr_assert_eq(sim_wstats_quantile(x, 1, w, 4, 0.41, &q), SIM_OK);
    cr_assert_eq(q, 2.375);
    cr_assert_eq(sim_wstats_quantile(x, 1, w, 4, 0.75, &q), SIM_OK);
    cr_assert_eq(q, 4.5);
    cr_assert_eq(sim_wstats_quantile(x, 1, w, 4, 1.0, &q), SIM_OK);
    cr_assert_eq(q, 7.0);
    const double zero[] = {0, 0, 0, 0};
    cr_assert_eq(sim_wstats_quantile(x, 1, zero, 4, 0.5, &q), SIM_EINVAL);
    cr_assert_eq(sim_wstats_quantile(x, 1, w, 0, 0.5, &q), SIM_EINVAL);
    /* Covariance and correlation of two exactly linear columns. */
    const double xy[] = {1, 3, 2, 5, 4, 9}, ww[] = {1, 2, 1};
    double cov[4], corr[4];
    sim_wstats_cov(xy, ww, 3, 2, cov, corr);
    double m = (1 + 4 + 4) / 4.0,
           v = (1 * (1 - m) * (1 - m) + 2 * (2 - m) * (2 - m) + (4 - m) * (4 - m)) / 4.0;
    cr_assert_float_eq(cov[0], v, 1e-12);
    cr_assert_float_eq(cov[3], 4.0 * v, 1e-12);
    cr_assert_float_eq(corr[1], 1.0, 1e-12);
}

Test(abc, misuse_and_stopping_rules_give_their_statuses)
{
    const struct sim_prior p = {SIM_PRIOR_UNIFORM, 0.0, 1.0, 0, 0}, bad = {SIM_PRIOR_UNIFORM, 1.0, 0.0, 0, 0};
    struct sim_abc_opts o = {.nparticles = 10, .reps = 2, .seed = 3, .alpha = 0.5, .generations = 5};
    struct sim_abc *abc = NULL;
    cr_assert_eq(sim_abc_create(1, &bad, &o, &abc), SIM_EINVAL);
    cr_assert_eq(sim_abc_create(0, &p, &o, &abc), SIM_EINVAL);
    o.alpha = 1.0;
    cr_assert_eq(sim_abc_create(1, &p, &o, &abc), SIM_EINVAL);
    o.alpha = 0.5, o.nparticles = 1;
    cr_assert_eq(sim_abc_create(1, &p, &o, &abc), SIM_EINVAL);
    o.nparticles = 10, o.generations = 0;
    cr_assert_eq(sim_abc_create(1, &p, &o, &abc), SIM_EINVAL);
    o.generations = 5, o.moves = 2; /* move steps belong to resample-move only */
    cr_assert_eq(sim_abc_create(1, &p, &o, &abc), SIM_EINVAL);
    o.moves = 0, o.method = (enum sim_abc_method)7;
    cr_assert_eq(sim_abc_create(1, &p, &o, &abc), SIM_EINVAL);
    o.method = SIM_ABC_PMC;
    cr_assert_null(abc);
    o.generations = 5, o.min_acceptance = 0.2, o.final_tolerance = 0.25;
    cr_assert_eq(sim_abc_create(1, &p, &o, &abc), SIM_OK);
    double dist[20];
    const double *theta;
    cr_assert_eq(sim_abc_update(abc, dist), SIM_EINVAL); /* nothing proposed */
    cr_assert_eq(sim_abc_propose(abc, 1, &theta), SIM_EINVAL);
    cr_assert_eq(sim_abc_propose(abc, 0, &theta), SIM_OK);
    for (int i = 0; i < 20; i++)
        dist[i] = theta[i / 2] + 0.125 * (i % 2);
    dist[3] = -1.0;
    cr_assert_eq(sim_abc_update(abc, dist), SIM_EINVAL);
    dist[3] = NAN; /* never accepted */
    cr_assert_eq(sim_abc_update(abc, dist), SIM_OK);
    cr_assert(!sim_abc_done(abc) || sim_abc_tolerance(abc, 0) <= 0.25);
    /* A generation whose distances all lie beyond the last tolerance ends the run, keeping the
     * previous population. */
    if (!sim_abc_done(abc)) {
        const double *before = sim_abc_particles(abc);
        double keep = before[0];
        cr_assert_eq(sim_abc_propose(abc, 1, &theta), SIM_OK);
        for (int i = 0; i < 20; i++)
            dist[i] = 1e9;
        cr_assert_eq(sim_abc_update(abc, dist), SIM_OK);
        cr_assert(sim_abc_done(abc));
        cr_assert_eq(sim_abc_completed(abc), 1);
        cr_assert_eq(sim_abc_particles(abc)[0], keep);
    }
    cr_assert_eq(sim_abc_propose(abc, sim_abc_generation(abc), &theta), SIM_EINVAL); /* done */
    sim_abc_destroy(abc);
    sim_abc_destroy(NULL);
}

Test(abc, final_tolerance_and_minimum_acceptance_stop_the_run)
{
    const struct sim_prior p = {SIM_PRIOR_UNIFORM, -10.0, 10.0, 0, 0};
    struct sim_abc_opts o = {
        .nparticles = 400, .reps = 1, .seed = 5, .alpha = 0.5, .generations = 50, .final_tolerance = 0.5};
    for (int rule = 0; rule < 2; rule++) {
        struct sim_abc *abc = NULL;
        cr_assert_eq(sim_abc_create(1, &p, &o, &abc), SIM_OK);
        double dist[400];
        while (!sim_abc_done(abc)) {
            unsigned g = sim_abc_generation(abc);
            const double *theta;
            cr_assert_eq(sim_abc_propose(abc, g, &theta), SIM_OK);
            for (unsigned i = 0; i < 400; i++)
                dist[i] = fabs(simulate_mean(sim_abc_run_seed(abc, g, i, 0), theta[i]) - 1.0);
            cr_assert_eq(sim_abc_update(abc, dist), SIM_OK);
        }
        unsigned last = sim_abc_completed(abc) - 1;
        cr_assert_lt(last + 1, 50u);
        if (rule == 0)
            cr_assert_eq(sim_abc_tolerance(abc, last), 0.5);
        else
            cr_assert_lt(sim_abc_acceptance(abc, last), 0.1);
        sim_abc_destroy(abc);
        /* Second pass: no final tolerance. As the tolerance falls below the noise of the simulated
         * mean (sd 1/sqrt(20)), ever fewer simulations come within it: the rule stops the run. */
        o.final_tolerance = 0.0, o.min_acceptance = 0.1;
    }
}

/* Two parameters, x ~ N(theta1, 1) and y ~ N(theta1 + theta2, 1), n of each: the summaries'
 * correlation makes the population's covariance non-diagonal, so the kernel's Cholesky factor is
 * used in full. Under a flat prior and a distance symmetric about the observed means, the ABC
 * posterior is symmetric about the exact posterior mean (xbar, ybar - xbar), which the weighted
 * means must match within 4 standard errors sd/sqrt(ESS). */
Test(abc, two_correlated_parameters_centre_on_the_exact_posterior_mean)
{
    const struct sim_prior pr[2] = {{SIM_PRIOR_UNIFORM, -10, 10, 0, 0}, {SIM_PRIOR_UNIFORM, -10, 10, 0, 0}};
    const struct sim_abc_opts o = {
        .nparticles = 2000, .reps = 1, .seed = 77, .alpha = 0.5, .generations = 10};
    struct sim_abc *abc = NULL;
    cr_assert_eq(sim_abc_create(2, pr, &o, &abc), SIM_OK);
    double xbar = 1.625, ybar = -0.75, *dist = malloc(2000 * sizeof *dist);
    while (!sim_abc_done(abc)) {
        unsigned g = sim_abc_generation(abc);
        const double *th;
        cr_assert_eq(sim_abc_propose(abc, g, &th), SIM_OK);
        for (unsigned i = 0; i < 2000; i++) {
            uint64_t s = sim_abc_run_seed(abc, g, i, 0);
            double mx = simulate_mean(s, th[2 * i]),
                   my = simulate_mean(s ^ 0x5555, th[2 * i] + th[2 * i + 1]);
            dist[i] = hypot(mx - xbar, my - ybar);
        }
        cr_assert_eq(sim_abc_update(abc, dist), SIM_OK);
    }
    unsigned g = sim_abc_completed(abc) - 1;
    const double *x = sim_abc_particles(abc), *w = sim_abc_weights(abc);
    double cov[4], corr[4], ess = sim_abc_ess(abc, g);
    sim_wstats_cov(x, w, 2000, 2, cov, corr);
    double m1 = sim_wstats_mean(x, 2, w, 2000), m2 = sim_wstats_mean(x + 1, 2, w, 2000);
    cr_assert(fabs(m1 - xbar) < 4.0 * sqrt(cov[0] / ess), "theta1 %g, exact %g", m1, xbar);
    cr_assert(fabs(m2 - (ybar - xbar)) < 4.0 * sqrt(cov[3] / ess), "theta2 %g, exact %g", m2, ybar - xbar);
    cr_assert_lt(corr[1], -0.3, "theta1 and theta2 are negatively correlated a posteriori, got %g", corr[1]);
    cr_assert_lt(sqrt(cov[0]), 1.0, "sd %g, eps %g, ess %g", sqrt(cov[0]), sim_abc_tolerance(abc, g), ess);
    free(dist);
    sim_abc_destroy(abc);
}
