#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

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
