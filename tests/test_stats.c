#include <criterion/criterion.h>
#include <math.h>

#include "../analysis/ana_summary.h"
#include "../sim/sim_stats.h"

Test(stats, welford_matches_two_pass_formulas)
{
    const double x[] = {2.375, 7.5, -1.25, 3.0, 11.125, 0.5};
    const int n = 6;
    struct sim_welford w = {0};
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        sim_welford_add(&w, x[i]);
        sum += x[i];
    }
    double mean = sum / n, ss = 0.0;
    for (int i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    cr_assert_float_eq(w.mean, mean, 1e-12);
    cr_assert_float_eq(sim_welford_var(&w), ss / (n - 1), 1e-12);
    cr_assert_float_eq(sim_welford_sem(&w), sqrt(ss / (n - 1) / n), 1e-12);
    sim_welford_reset(&w);
    sim_welford_add(&w, 4.0);
    cr_assert_eq(sim_welford_var(&w), 0.0);
}

Test(stats, time_average_weights_values_by_duration)
{
    struct sim_tavg a;
    sim_tavg_reset(&a, 1.0, 2.0);
    sim_tavg_set(&a, 2.5, 4.0); /* 2 for 1.5 */
    sim_tavg_set(&a, 3.0, 0.0); /* 4 for 0.5 */
    cr_assert_float_eq(sim_tavg_mean(&a, 5.0), (2.0 * 1.5 + 4.0 * 0.5) / 4.0, 1e-12);
    sim_tavg_restart(&a, 5.0);
    sim_tavg_set(&a, 6.0, 3.0);
    cr_assert_float_eq(sim_tavg_mean(&a, 7.0), 1.5, 1e-12);
    cr_assert_float_eq(sim_tavg_mean(&a, 5.0), 3.0, 0.0); /* no time passed: current value */
}

Test(stats, histogram_quantiles_of_a_uniform_grid)
{
    struct sim_hist h = {0};
    cr_assert_eq(sim_hist_init(&h, 0.5, 100), SIM_OK);
    for (int i = 0; i < 1000; i++)
        sim_hist_add(&h, (i + 0.5) * 0.04); /* uniform on [0, 40) */
    cr_assert_float_eq(sim_hist_quantile(&h, 0.5), 20.0, 0.5);
    cr_assert_float_eq(sim_hist_quantile(&h, 0.95), 38.0, 0.5);
    sim_hist_add(&h, 1000.0);
    cr_assert_eq(h.overflow, 1);
    cr_assert_float_eq(sim_hist_quantile(&h, 1.0), 1000.0, 0.0);
    sim_hist_reset(&h);
    cr_assert(isnan(sim_hist_quantile(&h, 0.5)));
    sim_hist_fini(&h);
    cr_assert_eq(sim_hist_init(&h, 0.0, 10), SIM_EINVAL);
    cr_assert_eq(sim_hist_init(&h, 1.0, 0), SIM_EINVAL);
}

Test(stats, confidence_interval_uses_student_t)
{
    const double x[] = {1.0, 99.0, 2.0, 99.0, 3.0, 99.0, 4.0, 99.0, 5.0, 99.0};
    double mean, half;
    sim_ci(x, 5, 2, 0.95, &mean, &half); /* every other element: 1..5 */
    cr_assert_float_eq(mean, 3.0, 1e-12);
    /* t(0.975, 4) = 2.776445; sd = sqrt(2.5); sem = sd / sqrt(5). */
    cr_assert_float_eq(half, 2.776445105 * sqrt(2.5 / 5.0), 1e-6);
    sim_ci(x, 1, 1, 0.95, &mean, &half);
    cr_assert(isnan(half));
}

Test(stats, mser5_finds_an_initial_transient_and_none_in_a_stationary_series)
{
    /* A decaying start (60 observations) on stationary noise: MSER-5 cuts close to its end. */
    enum { N = 400 };
    double y[N];
    uint64_t s = 12345;
    for (size_t i = 0; i < N; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double noise = (double)(s >> 11) / 9007199254740992.0 - 0.5;
        y[i] = noise + (i < 60 ? 20.0 * (1.0 - (double)i / 60.0) : 0.0);
    }
    size_t cut = ana_mser5(y, N);
    cr_assert(cut >= 40 && cut <= 75, "cut at %zu", cut);
    for (size_t i = 0; i < 60; i++)
        y[i] -= 20.0 * (1.0 - (double)i / 60.0);
    cut = ana_mser5(y, N);
    cr_assert_leq(cut, 40, "a stationary series needs little truncation: %zu", cut);
    cr_assert_eq(ana_mser5(y, 19), 0, "too short to judge");
}
