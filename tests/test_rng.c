#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "../sim/sim_rng.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

Test(rng, seed_mix_has_no_collisions_over_reps_and_streams)
{
    enum { R = 2000, S = 64 };
    uint64_t *k = malloc(R * S * sizeof *k);
    for (uint64_t r = 0; r < R; r++)
        for (uint32_t s = 0; s < S; s++) {
            k[r * S + s] = sim_seed_mix(20250325, r, s);
            cr_assert_neq(k[r * S + s], 0);
        }
    qsort(k, R * S, sizeof *k, cmp_u64);
    for (size_t i = 1; i < R * S; i++)
        cr_assert_neq(k[i], k[i - 1], "two streams share a key");
    free(k);
}

Test(rng, seed_mix_depends_on_every_argument)
{
    uint64_t base = sim_seed_mix(7, 3, 2);
    cr_assert_neq(base, sim_seed_mix(8, 3, 2));
    cr_assert_neq(base, sim_seed_mix(7, 4, 2));
    cr_assert_neq(base, sim_seed_mix(7, 3, 5));
    cr_assert_eq(base, sim_seed_mix(7, 3, 2));
}

Test(rng, philox_matches_random123_known_answer)
{
    /* Random123's kat_vectors: philox4x32-10 with counter 0 and key 0. */
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    gsl_rng_set(r, 0);
    const unsigned long expect[4] = {0x6627e8d5UL, 0xe169c58dUL, 0xbc57ac4cUL, 0x9b00dbd8UL};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(gsl_rng_get(r), expect[i]);
    gsl_rng_free(r);
}

Test(rng, philox_lanes_put_the_lane_in_the_high_counter_words)
{
    /* Random123's kat_vectors: philox4x32-10 with counter (243f6a88 85a308d3 13198a2e 03707344) and
     * key (a4093822 299f31d0), the low word first: block = the low two counter words, lane the high
     * two. */
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox), *s = gsl_rng_alloc(sim_rng_philox);
    sim_rng_philox_seek_lane(r, UINT64_C(0x299f31d0a4093822), UINT64_C(0x0370734413198a2e),
                             UINT64_C(0x85a308d3243f6a88));
    const unsigned long expect[4] = {0xd16cfe09UL, 0x94fdccebUL, 0x5001e420UL, 0x24126ea1UL};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(gsl_rng_get(r), expect[i]);
    /* Lane 0 is the stream sim_rng_philox_seek positions; tell resumes within a lane. */
    sim_rng_philox_seek_lane(r, 77, 0, 5);
    sim_rng_philox_seek(s, 77, 5);
    for (int i = 0; i < 9; i++)
        cr_assert_eq(gsl_rng_get(r), gsl_rng_get(s));
    sim_rng_philox_seek_lane(r, 77, 3, 0);
    unsigned long first[6];
    for (int i = 0; i < 6; i++)
        first[i] = gsl_rng_get(r);
    sim_rng_philox_seek_lane(s, 77, 3, 0);
    (void)gsl_rng_get(s);
    uint64_t resume = sim_rng_philox_tell(s);
    cr_assert_eq(resume, 1u, "a partly used block is skipped");
    sim_rng_philox_seek_lane(s, 77, 3, resume);
    for (int i = 4; i < 6; i++)
        cr_assert_eq(gsl_rng_get(s), first[i]);
    /* Neighbouring lanes of one key are different streams. */
    sim_rng_philox_seek_lane(s, 77, 4, 0);
    int same = 0;
    for (int i = 0; i < 6; i++)
        same += gsl_rng_get(s) == first[i];
    cr_assert_lt(same, 2);
    gsl_rng_free(r);
    gsl_rng_free(s);
}

Test(rng, philox_uniforms_have_the_right_mean_and_variance)
{
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    gsl_rng_set(r, sim_seed_mix(1, 2, 3));
    const int n = 1000000;
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        cr_assert(u >= 0.0 && u < 1.0);
        sum += u;
        sum2 += u * u;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    /* 5 standard errors: sd of the mean sqrt(1/12/n); of the variance sqrt(1/180/n). */
    cr_assert(fabs(mean - 0.5) < 5.0 * sqrt(1.0 / 12.0 / n), "mean %g", mean);
    cr_assert(fabs(var - 1.0 / 12.0) < 5.0 * sqrt(1.0 / 180.0 / n), "variance %g", var);
    gsl_rng_free(r);
}

Test(rng, same_key_repeats_and_different_keys_differ)
{
    gsl_rng *a = gsl_rng_alloc(sim_rng_philox), *b = gsl_rng_alloc(sim_rng_philox);
    gsl_rng_set(a, 42);
    gsl_rng_set(b, 42);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_set(b, 43);
    int same = 0;
    for (int i = 0; i < 1000; i++)
        same += gsl_rng_get(a) == gsl_rng_get(b);
    cr_assert_lt(same, 5);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

Test(rng, poisson_gives_gsl_ran_poisson_values_from_the_same_draws)
{
    /* Twin streams, one through GSL, one through sim_rng_poisson: equal counts and the streams
     * still in step afterwards, over means on both sides of GSL's switch at 10 and at 0. A second
     * generator type checks the path for generators other than Philox. */
    const gsl_rng_type *types[2] = {sim_rng_philox, gsl_rng_mt19937};
    for (int ty = 0; ty < 2; ty++) {
        gsl_rng *a = gsl_rng_alloc(types[ty]), *b = gsl_rng_alloc(types[ty]);
        gsl_rng_set(a, 2024);
        gsl_rng_set(b, 2024);
        for (int i = 0; i < 20000; i++) {
            double mu = i % 7 == 0 ? 0.0 : 0.01 * (double)(i % 2500);
            unsigned x = gsl_ran_poisson(a, mu), y = sim_rng_poisson(b, mu);
            cr_assert_eq(x, y, "mean %g: gsl %u, sim %u", mu, x, y);
        }
        cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b), "streams out of step");
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

Test(rng, ziggurat_exponential_passes_kolmogorov_smirnov_and_moments)
{
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    gsl_rng_set(r, sim_seed_mix(11, 0, 0));
    const size_t n = 1000000;
    double *x = malloc(n * sizeof *x);
    double sum = 0.0, sum2 = 0.0;
    size_t tail = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = sim_rng_exponential(r);
        cr_assert(x[i] >= 0.0 && isfinite(x[i]));
        sum += x[i];
        sum2 += x[i] * x[i];
        tail += x[i] > 7.69711747013104972; /* beyond the ziggurat's base: the tail branch */
    }
    double mean = sum / (double)n, var = sum2 / (double)n - mean * mean;
    /* Exp(1): mean 1, sd of the mean 1/sqrt(n); variance 1, sd of the sample variance sqrt(8/n). */
    cr_assert(fabs(mean - 1.0) < 5.0 / sqrt((double)n), "mean %g", mean);
    cr_assert(fabs(var - 1.0) < 5.0 * sqrt(8.0 / (double)n), "variance %g", var);
    /* The tail beyond R has probability e^-R; binomial 5-sigma band. */
    double pt = exp(-7.69711747013104972);
    cr_assert(fabs((double)tail - (double)n * pt) < 5.0 * sqrt((double)n * pt) + 1.0, "tail count %zu", tail);
    /* Kolmogorov-Smirnov: sqrt(n) D exceeds 1.95 with probability 0.001 under the null. */
    qsort(x, n, sizeof *x, cmp_double);
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = 1.0 - exp(-x[i]);
        double lo = f - (double)i / (double)n, hi = (double)(i + 1) / (double)n - f;
        d = fmax(d, fmax(lo, hi));
    }
    cr_assert_lt(sqrt((double)n) * d, 1.95, "KS statistic sqrt(n) D = %g", sqrt((double)n) * d);
    free(x);
    gsl_rng_free(r);
}

Test(rng, ziggurat_exponential_layers_fit_the_density)
{
    /* A chi-square over 40 equal-probability bins catches a wrong layer table (a bad layer shows as
     * a bin excess far beyond sampling noise). 99.9% point of chi-square with 39 df is 72.1. */
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    gsl_rng_set(r, sim_seed_mix(12, 0, 0));
    enum { B = 40 };
    const size_t n = 2000000;
    size_t count[B] = {0};
    for (size_t i = 0; i < n; i++) {
        double u = 1.0 - exp(-sim_rng_exponential(r)); /* uniform if the variate is Exp(1) */
        size_t b = (size_t)(u * B);
        count[b < B ? b : B - 1]++;
    }
    double chi2 = 0.0, e = (double)n / B;
    for (int b = 0; b < B; b++)
        chi2 += ((double)count[b] - e) * ((double)count[b] - e) / e;
    cr_assert_lt(chi2, 72.1, "chi-square %g over %d bins", chi2, B);
    gsl_rng_free(r);
}
