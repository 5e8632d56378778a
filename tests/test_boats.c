/* The small-boat model against exact answers: the weather chain's shares and autocorrelation, the
 * boat stock balance and the price clamp, read from the daily outputs of whole replications.
 *
 * Every window day is checked, the last included: the day event the kernel runs at the horizon
 * itself closes the last day's record and draws nothing more (it once drew another day's supply,
 * which the last day's stock and price then showed).
 *
 * Every run starts on 2023-01-01 with no warm-up, so window day d is simulated day d and the first
 * day's weather is drawn from the stationary distribution of January. Statistical assertions allow
 * K = 4 standard errors (two-sided normal tail 6e-5 each); each comment states the SE. */
#include <criterion/criterion.h>
#include <math.h>

#include "world_helpers.h"

static const double K = 4.0;

/* Parameters of the boat mode that the tests vary. */
struct boat_params {
    double share[12]; /* good_weather_share by month */
    double persistence, initial_boats, replenish, seizure, capacity, occupancy_mean, elasticity;
    double price_min, price_max, inflow;
};

/* A scenario of one token port and one boat mode, 2023-01-01 + `days`, `reps` replications. */
static char *boat_yaml(const struct boat_params *p, double days, unsigned reps)
{
    char share[256];
    int n = snprintf(share, sizeof share, "[%.17g", p->share[0]);
    for (int m = 1; m < 12; m++)
        n += snprintf(share + n, sizeof share - (size_t)n, ", %.17g", p->share[m]);
    snprintf(share + n, sizeof share - (size_t)n, "]");
    char *text = malloc(8192);
    snprintf(
        text, 8192,
        "dispsim: 1\nname: boats\ncalendar: {start_date: 2023-01-01, warmup_days: 0, horizon_days: %g}\n"
        "run: {replications: %u, master_seed: 4242}\n"
        "ports:\n"
        "  - name: p\n    lorries_per_year: 1000\n"
        "    hour_profile: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n"
        "    weekday_profile: [1,1,1,1,1,1,1]\n"
        "    staffing: {team_size: 2, absence_share: 0, shifts: [{start_hour: 0, hours: 24, officers: 2}]}\n"
        "    selection: {policy: random, share: 0.1, lift: 1, max_queue: 10}\n"
        "    methods: [{name: m, share: 1, time_min: {dist: fixed, mean: 2}, detection: 0.5}]\n"
        "    clandestine: {groups_per_day: 0, group_size_weights: [1]}\n"
        "    recording: {at_port_share: 0, within_72h_share: 1}\n"
        "population:\n  initial_stock: 300\n"
        "  inflow: {level_per_day: %.17g, monthly_profile: [1,1,1,1,1,1,1,1,1,1,1,1]}\n"
        "  preparation_days: {dist: exponential, mean: 2}\n"
        "  return_days: {dist: exponential, mean: 3}\n"
        "  wait_days: {dist: exponential, mean: 10}\n"
        "  budget_eur: {dist: lognormal, mean: 4000, sd: 3000}\n"
        "  documents_share: 0.15\n"
        "  risk_tolerance: {dist: gamma, mean: 1.0, sd: 0.5}\n"
        "  patience_days: {dist: gamma, mean: 120, sd: 60}\n"
        "choice:\n  model: mnl\n  b_success: 1.0\n  b_price: 0.8\n  b_risk: 50\n  b_wait: 0.10\n"
        "  wait_asc: 0.0\n  leave: {asc: -3.0, per_failure: 0.05, per_patience: 1.0}\n"
        "  beliefs: {learning: false, time_constant_days: 30, delay_days: 7, own_weight: 0.3, floor: 0.001}\n"
        "modes:\n  - name: small_boat\n    kind: boat\n    asc: 0.0\n    price_eur: 3000\n"
        "    risk: 0.002\n    belief: 0.55\n    expected_wait_days: 7\n    boat:\n"
        "      good_weather_share: %s\n      weather_persistence: %.17g\n"
        "      initial_boats: %.17g\n      replenish_per_day: %.17g\n      seizure_share_per_day: %.17g\n"
        "      launch_capacity_per_day: %.17g\n      launch_hour: 4\n      occupancy_mean: %.17g\n"
        "      occupancy_max: 80\n      occupancy_adaptation: 0.5\n      patrol_effort: 1.0\n"
        "      prevention_per_effort: 0.30\n      death_base: 0.0003\n      death_reference_occupancy: 40\n"
        "      death_crowding: 2.0\n      death_max: 0.05\n      price_elasticity: %.17g\n"
        "      price_min_factor: %.17g\n      price_max_factor: %.17g\n",
        days, reps, p->inflow, share, p->persistence, p->initial_boats, p->replenish, p->seizure, p->capacity,
        p->occupancy_mean, p->elasticity, p->price_min, p->price_max);
    return text;
}

static const struct boat_params defaults = {
    .share = {0.15, 0.18, 0.25, 0.35, 0.45, 0.5, 0.55, 0.55, 0.45, 0.35, 0.22, 0.15},
    .persistence = 0.625,
    .initial_boats = 20,
    .replenish = 4.0,
    .seizure = 0.015,
    .capacity = 12,
    .occupancy_mean = 45,
    .elasticity = 0.3,
    .price_min = 0.5,
    .price_max = 2.0,
    .inflow = 37.5,
};

static struct world_run run_boats(const struct boat_params *p, double days, size_t reps)
{
    char *yaml = boat_yaml(p, days, (unsigned)reps);
    struct world_run f = world_run_text(yaml, reps, 2023);
    free(yaml);
    return f;
}

/* The daily series `name` of replication r (one boat mode: one value per day). */
static const double *daily(const struct world_run *f, size_t r, const char *name)
{
    const struct sim_out_table *t = mdl_world_table(f->w);
    int id = sim_out_find(t, "daily", name);
    cr_assert_geq(id, 0, "no daily/%s", name);
    return f->v + r * t->rep_values + t->offset[id];
}

/* Mean and standard error of the mean of x[0..n-1], which are independent replications. */
static void mean_se(const double *x, size_t n, double *mean, double *se)
{
    double s = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    *se = sqrt(ss / (double)(n - 1) / (double)n);
}

/* ---- weather ---- */

/* With P(good | good) = pi + rho (1 - pi) and P(good | bad) = pi (1 - rho), the chain's transition
 * matrix has eigenvalues 1 and rho, and the share of good days q obeys q' = pi' + rho (q - pi'),
 * pi' being the new day's month probability: q stays at pi while pi is constant, and relaxes to a
 * new month's pi geometrically. These are exact expectations, not limits. */

Test(boats, weather_stationary_share_matches_month_probability)
{
    struct boat_params p = defaults;
    const double pi = 0.375, rho = 0.625;
    for (int m = 0; m < 12; m++)
        p.share[m] = pi;
    p.persistence = rho;
    p.inflow = 2.5;                   /* the weather does not depend on the people: keep the runs cheap */
    const size_t reps = 400, n = 365; /* 4 SE = 0.0105: a share off by 0.02 fails */
    struct world_run f = run_boats(&p, (double)n, reps);
    double good = 0.0;
    for (size_t r = 0; r < reps; r++) {
        const double *g = daily(&f, r, "boat_weather_good");
        for (size_t d = 0; d < n; d++) {
            cr_assert(g[d] == 0.0 || g[d] == 1.0, "day %zu: %g", d, g[d]);
            good += g[d];
        }
    }
    /* A stationary chain has Cov(x_s, x_t) = pi (1 - pi) rho^|s-t|, so one replication's count of
     * good days has the exact variance pi (1 - pi) [n + 2 sum_{k=1}^{n-1} (n - k) rho^k];
     * replications are independent. With rho = 0.625 that is 4.3 times the binomial variance. */
    double v = (double)n, rk = 1.0;
    for (size_t k = 1; k < n; k++) {
        rk *= rho;
        v += 2.0 * (double)(n - k) * rk;
    }
    v *= pi * (1.0 - pi);
    double share = good / (double)(reps * n), se = sqrt((double)reps * v) / (double)(reps * n);
    cr_assert(fabs(share - pi) < K * se, "good-day share %g, expected %g (SE %.3g)", share, pi, se);
    world_run_free(&f);
}

Test(boats, weather_lag1_autocorrelation_equals_persistence)
{
    struct boat_params p = defaults;
    const double pi = 0.4375, rho = 0.625;
    for (int m = 0; m < 12; m++)
        p.share[m] = pi;
    p.persistence = rho;
    p.inflow = 2.5;
    const size_t reps = 200, n = 365; /* 4 SE = 0.026 */
    struct world_run f = run_boats(&p, (double)n, reps);
    /* Per replication, a = sum_t (x_t - pi)(x_{t+1} - pi) / ((n - 1) pi (1 - pi)) uses the known
     * mean, so E a = rho exactly for the stationary chain (the sample-mean version is biased by
     * about -(1 + 4 rho) / n, several SE here). The terms of a are correlated within a series; the
     * replications are independent batches of it, so the SE of the mean of a is the sample sd of
     * the batch values over sqrt(reps), valid whatever the correlation inside a batch. */
    double a[200];
    for (size_t r = 0; r < reps; r++) {
        const double *g = daily(&f, r, "boat_weather_good");
        double s = 0.0;
        for (size_t t = 0; t + 1 < n; t++)
            s += (g[t] - pi) * (g[t + 1] - pi);
        a[r] = s / ((double)(n - 1) * pi * (1.0 - pi));
    }
    double mean, se;
    mean_se(a, reps, &mean, &se);
    cr_assert(fabs(mean - rho) < K * se, "lag-1 autocorrelation %g, expected %g (SE %.3g)", mean, rho, se);
    world_run_free(&f);
}

/* First day of each month of 2023 (not a leap year), and the end of the year. */
static const size_t month_start[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

Test(boats, weather_share_by_month_follows_the_chain_from_month_to_month)
{
    /* Alternating months of rare and common good weather with slow relaxation: after each change
     * the share lags the new month's pi by about |pi - pi'| rho / (1 - rho) = 11 days' worth, so
     * a model that jumped straight to pi' (or the test's recursion, if wrong) fails by many SE. */
    struct boat_params p = defaults;
    const double rho = 0.9375;
    for (int m = 0; m < 12; m++)
        p.share[m] = m % 2 ? 0.875 : 0.125;
    p.persistence = rho;
    p.inflow = 2.5;
    const size_t reps = 200, n = 365;
    struct world_run f = run_boats(&p, (double)n, reps);
    /* Exact expected good days in month m: the sum of q_d over its days, q_0 = pi_Jan. */
    double expect[12] = {0}, q = p.share[0];
    for (size_t m = 0; m < 12; m++)
        for (size_t d = month_start[m]; d < month_start[m + 1]; d++) {
            if (d > 0)
                q = p.share[m] + rho * (q - p.share[m]);
            expect[m] += q;
        }
    /* Replications are independent: the SE of the mean count is the sample sd over sqrt(reps). */
    double count[200];
    for (size_t m = 0; m < 12; m++) {
        for (size_t r = 0; r < reps; r++) {
            const double *g = daily(&f, r, "boat_weather_good");
            count[r] = 0.0;
            for (size_t d = month_start[m]; d < month_start[m + 1]; d++)
                count[r] += g[d];
        }
        double mean, se;
        mean_se(count, reps, &mean, &se);
        cr_assert(fabs(mean - expect[m]) < K * se, "month %zu: %g good days, expected %g (SE %.3g)", m + 1,
                  mean, expect[m], se);
    }
    world_run_free(&f);
}

/* ---- the stock of boats ---- */

/* Each day the stock gains a Poisson(replenish) number of boats, then loses Binomial(stock,
 * seizure) seized boats, then the boats launched that day (prevented ones included: they are lost
 * on the beach). The end-of-day stock is recorded, so stock_d = stock_{d-1} + new_d - seized_d -
 * launched_d with stock_{-1} = initial_boats, and new_d is recovered exactly from the outputs. */
struct stock_flows {
    double n, new_sum, new_ss, seized, exposed; /* exposed: sum over days of the stock seizures act on */
};

static struct stock_flows stock_flows(const struct world_run *f, double initial)
{
    struct stock_flows s = {0};
    for (size_t r = 0; r < f->reps; r++) {
        const double *stock = daily(f, r, "boats_stock"), *seized = daily(f, r, "boats_seized"),
                     *launched = daily(f, r, "boats_launched");
        size_t n = (size_t)f->s->calendar.horizon_days;
        for (size_t d = 0; d < n; d++) {
            double before = d > 0 ? stock[d - 1] : initial;
            double exposed = stock[d] + launched[d] + seized[d];
            double fresh = exposed - before;
            cr_assert_geq(stock[d], 0.0, "replication %zu day %zu: negative stock", r, d);
            cr_assert(fresh >= 0.0 && fresh == floor(fresh), "replication %zu day %zu: %g new boats", r, d,
                      fresh);
            s.n += 1.0;
            s.new_sum += fresh;
            s.new_ss += fresh * fresh;
            s.seized += seized[d];
            s.exposed += exposed;
        }
    }
    return s;
}

Test(boats, stock_balance_implies_poisson_replenishment)
{
    struct boat_params p = defaults;
    p.replenish = 2.375;
    p.initial_boats = 17;
    p.seizure = 0.0625;
    struct world_run f = run_boats(&p, 365, 32);
    struct stock_flows s = stock_flows(&f, p.initial_boats);
    /* The daily draws are independent Poisson(lambda): the mean of N of them has SE
     * sqrt(lambda / N), their sample variance SE sqrt((mu4 - lambda^2) / N) with the Poisson
     * fourth central moment mu4 = lambda + 3 lambda^2. */
    const double lambda = p.replenish;
    double mean = s.new_sum / s.n, var = (s.new_ss - s.n * mean * mean) / (s.n - 1.0);
    double se_mean = sqrt(lambda / s.n), se_var = sqrt((lambda + 2.0 * lambda * lambda) / s.n);
    cr_assert(fabs(mean - lambda) < K * se_mean, "%g new boats a day, expected %g (SE %.3g)", mean, lambda,
              se_mean);
    cr_assert(fabs(var - lambda) < K * se_var, "variance of new boats %g, expected %g (SE %.3g)", var, lambda,
              se_var);
    world_run_free(&f);
}

Test(boats, seizures_take_the_daily_share_of_the_replenished_stock)
{
    struct boat_params p = defaults;
    p.replenish = 2.375;
    p.initial_boats = 17;
    p.seizure = 0.0625;
    struct world_run f = run_boats(&p, 365, 32);
    struct stock_flows s = stock_flows(&f, p.initial_boats);
    /* Given the day's stock S_d, seized_d ~ Binomial(S_d, s): the sum over days of seized_d - s S_d
     * is a martingale with variance s (1 - s) E sum S_d, so the SE of sum seized / sum S_d is
     * sqrt(s (1 - s) / sum S_d). */
    double share = s.seized / s.exposed, se = sqrt(p.seizure * (1.0 - p.seizure) / s.exposed);
    cr_assert(fabs(share - p.seizure) < K * se, "seized share %g, expected %g (SE %.3g)", share, p.seizure,
              se);
    world_run_free(&f);
}

/* ---- the price ---- */

/* The price set at the start of day d, after the new boats and seizures and before the launch, with
 * the queue left at the end of day d - 1: base * clamp(((queue + 1) / (places + 1))^e). It is what
 * day d records, the price changing only at the start of a day. Returns the unclamped factor. */
static double price_factor(const struct boat_params *p, double queue_before, double stock_after_seizure)
{
    double places = fmin(stock_after_seizure, p->capacity) * p->occupancy_mean;
    return pow((queue_before + 1.0) / (places + 1.0), p->elasticity);
}

/* Counts, over days 1.. of every replication, those whose factor is below, inside and above the
 * bounds, asserting each day's recorded price against the formula and the bounds. */
static void check_prices(const struct world_run *f, const struct boat_params *p, size_t count[3])
{
    const double base = 3000.0, lo = base * p->price_min, hi = base * p->price_max;
    for (size_t r = 0; r < f->reps; r++) {
        const double *price = daily(f, r, "boat_price_eur"), *queue = daily(f, r, "boat_queue"),
                     *stock = daily(f, r, "boats_stock"), *launched = daily(f, r, "boats_launched");
        for (size_t d = 1; d < (size_t)f->s->calendar.horizon_days; d++) {
            cr_assert(price[d] >= lo && price[d] <= hi, "day %zu: price %.17g outside [%g, %g]", d, price[d],
                      lo, hi);
            double x = price_factor(p, queue[d - 1], stock[d] + launched[d]);
            if (x <= p->price_min) {
                cr_assert_eq(price[d], lo, "day %zu: factor %g, price %.17g", d, x, price[d]);
                count[0]++;
            } else if (x >= p->price_max) {
                cr_assert_eq(price[d], hi, "day %zu: factor %g, price %.17g", d, x, price[d]);
                count[2]++;
            } else {
                /* The same operations on the same doubles as the model, but pow and the product
                 * may round differently under other compilers: a relative 1e-12 is far below any
                 * change of the formula (one more person in a queue of q moves it by e / q, above
                 * 1e-5 for any queue these runs reach). */
                cr_assert(fabs(price[d] / (base * x) - 1.0) < 1e-12, "day %zu: price %.17g, formula %.17g", d,
                          price[d], base * x);
                count[1]++;
            }
        }
    }
}

Test(boats, price_follows_demand_over_supply_inside_its_bounds)
{
    struct boat_params p = defaults;
    p.elasticity = 0.375;
    p.price_min = 0.625;
    p.price_max = 1.875;
    struct world_run f = run_boats(&p, 365, 4);
    size_t count[3] = {0};
    check_prices(&f, &p, count);
    cr_assert_gt(count[1], 100, "the unclamped formula was exercised on %zu days", count[1]);
    world_run_free(&f);
}

Test(boats, price_saturates_at_both_bounds)
{
    /* Elasticity 1.5 and a narrow band [0.875, 1.125]: the queue building up between launches
     * and emptied by them pushes the factor out of the band on both sides. */
    struct boat_params p = defaults;
    p.elasticity = 1.5;
    p.price_min = 0.875;
    p.price_max = 1.125;
    struct world_run f = run_boats(&p, 365, 4);
    size_t count[3] = {0};
    check_prices(&f, &p, count);
    cr_assert_gt(count[0], 0, "no day at the lower bound");
    cr_assert_gt(count[2], 0, "no day at the upper bound");
    world_run_free(&f);
}
