/* Tests of the population model with all its modes: conservation, displacement, 2023 magnitudes,
 * reproducibility. */
#include <criterion/criterion.h>
#include <math.h>

#include "../analysis/ana_summary.h"
#include "world_helpers.h"

static size_t mode_index(const struct world_run *r, const char *name)
{
    for (size_t m = 0; m < r->s->modes_count; m++)
        if (strcmp(r->s->modes[m].name, name) == 0)
            return m;
    cr_assert_fail("no mode %s", name);
    return 0;
}

/* Mean and 95% CI over replications of totals/`name`[index]. */
static struct ana_ci summary(const struct world_run *r, const char *name, size_t index)
{
    double x[64];
    cr_assert_leq(r->reps, 64);
    for (size_t i = 0; i < r->reps; i++)
        x[i] = total(r->w, r->v, i, name, index);
    return ana_summarise(x, r->reps, 1, 0.95);
}

static void assert_conserved(const struct world_run *r)
{
    for (size_t i = 0; i < r->reps; i++) {
        double out = 0;
        for (size_t m = 0; m < r->s->modes_count; m++)
            out += total(r->w, r->v, i, "arrivals", m) + total(r->w, r->v, i, "deaths", m);
        double in = total(r->w, r->v, i, "inflow", 0);
        double stock = total(r->w, r->v, i, "stock_end", 0) - total(r->w, r->v, i, "stock_start", 0);
        cr_assert_eq(in, stock + out + total(r->w, r->v, i, "leavers", 0), "replication %zu: inflow %g", i,
                     in);
    }
}

static const char *const short_from[] = {"warmup_days: 90", "horizon_days: 365"};
static const char *const short_to[] = {"warmup_days: 60", "horizon_days: 150"};

Test(pop, population_is_conserved_in_every_replication, .timeout = 300)
{
    char *yaml = baseline_with(short_from, short_to, 2);
    struct world_run r = world_run_text(yaml, 3, 7);
    assert_conserved(&r);
    /* and every flow is positive: the baseline exercises every mode */
    for (size_t m = 0; m < r.s->modes_count; m++)
        cr_assert_gt(summary(&r, "attempts", m).mean, 0, "mode %s", r.s->modes[m].name);
    world_run_free(&r);
    free(yaml);
}

Test(pop, conservation_holds_with_deadly_modes_and_no_boats, .timeout = 120)
{
    /* Drop the boats (the boat mode is the first entry) and make lorries deadly: deaths must be
     * counted on the way out. */
    const char *from[] = {"warmup_days: 90", "horizon_days: 365",
                          "secured_block: 0.5\n      death_risk: 0.0001", "b_risk: 50"};
    const char *to[] = {"warmup_days: 20", "horizon_days: 60", "secured_block: 0.5\n      death_risk: 0.2",
                        "b_risk: 0"};
    char *yaml = baseline_with(from, to, 4);
    char *boat = strstr(yaml, "  - name: small_boat"), *end = strstr(yaml, "  - name: lorry");
    memmove(boat, end, strlen(end) + 1);
    struct world_run r = world_run_text(yaml, 2, 3);
    assert_conserved(&r);
    cr_assert_gt(summary(&r, "deaths", mode_index(&r, "lorry")).mean, 10);
    world_run_free(&r);
    free(yaml);
}

/* Replaces every `from` by `to` (same length) in the ports section of a scenario text. */
static void in_ports(char *text, const char *from, const char *to)
{
    char *end = strstr(text, "\npopulation:");
    cr_assert_not_null(end);
    cr_assert_eq(strlen(from), strlen(to));
    int hits = 0;
    for (char *at = strstr(text, from); at && at < end; at = strstr(at + 1, from), hits++)
        memcpy(at, to, strlen(to));
    cr_assert_gt(hits, 0, "no '%s' in the ports section", from);
}

Test(pop, hardening_all_three_ports_displaces_lorry_arrivals_to_small_boats, .timeout = 600)
{
    /* A sharp rise in detection at every search method of the three ports, nothing else. 20
     * replications (10 before people boarded in groups: members share their group's fate, which
     * widens the paired intervals; the expectation is unchanged). */
    enum { N = 20 };
    char *base = baseline_with(NULL, NULL, 0), *hard = baseline_with(NULL, NULL, 0);
    const char *methods[] = {"detection: 0.80", "detection: 0.75", "detection: 0.90", "detection: 0.85"};
    for (size_t i = 0; i < 4; i++)
        in_ports(hard, methods[i], "detection: 0.99");
    struct world_run a = world_run_text(base, N, 11), b = world_run_text(hard, N, 11);
    size_t boat = mode_index(&a, "small_boat"), lorry = mode_index(&a, "lorry");
    struct ana_ci la = summary(&a, "arrivals", lorry), lb = summary(&b, "arrivals", lorry);
    cr_assert_lt(lb.high, la.low, "lorry arrivals fall beyond their CIs: %g [%g, %g] -> %g [%g, %g]", la.mean,
                 la.low, la.high, lb.mean, lb.low, lb.high);
    /* Both variants ran with the same seeds (common random numbers), so the change is measured
     * replication by replication, with its own 95% CI, which must exclude 0 for both modes. */
    double dl[N], db[N];
    for (size_t r = 0; r < N; r++) {
        dl[r] = total(b.w, b.v, r, "arrivals", lorry) - total(a.w, a.v, r, "arrivals", lorry);
        db[r] = total(b.w, b.v, r, "arrivals", boat) - total(a.w, a.v, r, "arrivals", boat);
    }
    struct ana_ci cl = ana_summarise(dl, N, 1, 0.95), cb = ana_summarise(db, N, 1, 0.95);
    fprintf(stderr,
            "displacement test: lorry arrivals %.0f [%.0f, %.0f] -> %.0f; paired change %.0f [%.0f, %.0f]; "
            "small boats paired change %.0f [%.0f, %.0f]\n",
            la.mean, la.low, la.high, lb.mean, cl.mean, cl.low, cl.high, cb.mean, cb.low, cb.high);
    cr_assert_lt(cl.high, 0, "lorry arrivals fall: change %g [%g, %g]", cl.mean, cl.low, cl.high);
    cr_assert_gt(cb.low, 0, "small-boat arrivals rise: change %g [%g, %g]", cb.mean, cb.low, cb.high);
    cr_assert_lt(cb.mean, -cl.mean, "no more than full displacement to boats: %g vs %g", cb.mean, -cl.mean);
    assert_conserved(&a);
    assert_conserved(&b);
    world_run_free(&a);
    world_run_free(&b);
    free(base);
    free(hard);
}

Test(pop, the_default_scenario_gives_2023_magnitudes_by_mode, .timeout = 600)
{
    char *yaml = baseline_with(NULL, NULL, 0);
    struct world_run r = world_run_text(yaml, 3, 20250325);
    double boats = summary(&r, "arrivals", mode_index(&r, "small_boat")).mean;
    double lorry = summary(&r, "lorry_recorded_at_port", 0).mean + summary(&r, "lorry_recorded_72h", 0).mean;
    double vehicle = lorry + summary(&r, "arrivals", mode_index(&r, "other_ports")).mean +
                     summary(&r, "arrivals", mode_index(&r, "cars_rail")).mean;
    double air = summary(&r, "arrivals", mode_index(&r, "air")).mean;
    double crossed = summary(&r, "boats_crossed", 0).mean,
           per_boat = summary(&r, "boat_people_per_boat", 0).mean;
    /* observed 2023 (shared/data/observed.csv): 29,437 by boat in 602 boats (49 per boat), 3,072
     * by lorries and other vehicles, 3,854 by air */
    cr_assert(boats >= 10000 && boats < 100000, "small boats: %g", boats);
    cr_assert(vehicle >= 1000 && vehicle < 10000, "vehicle routes: %g", vehicle);
    cr_assert(air >= 1000 && air < 10000, "air: %g", air);
    cr_assert(crossed >= 200 && crossed < 2000, "boats crossing: %g", crossed);
    cr_assert(per_boat >= 20 && per_boat < 80, "people per boat: %g", per_boat);
    assert_conserved(&r);
    world_run_free(&r);
    free(yaml);
}

Test(pop, a_replication_is_the_same_whichever_workspace_runs_it, .timeout = 120)
{
    char *yaml = baseline_with(short_from, short_to, 2);
    struct mdl_scenario *s = load_text(yaml);
    struct mdl_world *w = NULL;
    cr_assert_eq(mdl_world_create(s, &w), SIM_OK);
    size_t nv = mdl_world_table(w)->rep_values;
    double *all = run_reps(w, 5, 3); /* replications 0, 1, 2 in one workspace */
    struct mdl_world_ws *ws = NULL;
    cr_assert_eq(mdl_world_ws_create(w, &ws), SIM_OK);
    double *one = malloc(nv * sizeof *one);
    char err[256];
    cr_assert_eq(mdl_world_run_rep(ws, 5, 2, one, NULL, NULL, err, sizeof err), SIM_OK, "%s", err);
    cr_assert(memcmp(one, all + 2 * nv, nv * sizeof *one) == 0, "replication 2 alone differs");
    free(one);
    free(all);
    mdl_world_ws_destroy(ws);
    mdl_world_destroy(w);
    mdl_scenario_destroy(s);
    free(yaml);
}

/* ---- Invariants: a value no valid scenario can produce, forced into a loaded scenario behind the
 * validator's back, must stop the replication with SIM_EINVARIANT and a message naming it. ---- */

/* The baseline shortened to 20 days, loaded; the caller edits it, then run_expecting runs it. */
static struct mdl_scenario *short_baseline(void)
{
    const char *from[] = {"warmup_days: 90", "horizon_days: 365"};
    const char *to[] = {"warmup_days: 0", "horizon_days: 20"};
    char *text = baseline_with(from, to, 2);
    struct mdl_scenario *s = load_text(text);
    free(text);
    return s;
}

static struct mdl_mode *mode_named(struct mdl_scenario *s, const char *name)
{
    for (size_t m = 0; m < s->modes_count; m++)
        if (strcmp(s->modes[m].name, name) == 0)
            return &s->modes[m];
    cr_assert_fail("no mode %s", name);
    return NULL;
}

Test(pop, nan_utility_is_an_invariant_error_not_a_silent_choice)
{
    struct mdl_scenario *s = short_baseline();
    s->choice->b_price = NAN;
    run_expecting(s, 4242, "population: choice: probability nan is outside [0, 1]");
}

Test(pop, belief_above_one_is_an_invariant_error)
{
    struct mdl_scenario *s = short_baseline();
    mode_named(s, "air")->belief = 1.375;
    s->choice->beliefs.learning = false;
    run_expecting(s, 4242, "population: belief of success: probability 1.375 is outside [0, 1]");
}

Test(pop, generic_detection_outside_the_unit_interval_is_an_invariant_error)
{
    struct mdl_scenario *s = short_baseline();
    struct mdl_generic *g = mode_named(s, "air")->generic;
    g->detection = 1.625;
    g->officers = g->reference_officers = 3.0; /* (1 - d)^1 = -0.625: detection 1.625 */
    run_expecting(s, 4242, "population: detection of a generic mode: probability 1.625 is outside [0, 1]");
}

Test(pop, negative_boat_stock_is_an_invariant_error)
{
    struct mdl_scenario *s = short_baseline();
    mode_named(s, "small_boat")->boat->initial_boats = -2500.5;
    run_expecting(s, 4242, "boats: stock of boats is -");
}

Test(pop, boat_probabilities_outside_the_unit_interval_are_invariant_errors)
{
    struct mdl_scenario *s = short_baseline();
    mode_named(s, "small_boat")->boat->prevention_per_effort = -0.75;
    run_expecting(s, 4242, "boats: prevention: probability -");
    s = short_baseline();
    struct mdl_boat *b = mode_named(s, "small_boat")->boat;
    b->death_base = 2.5;
    b->death_crowding = 0.0; /* no dependence on the occupancy drawn */
    b->death_max = 3.0;
    run_expecting(s, 4242, "boats: death at sea: probability 2.5");
    s = short_baseline();
    mode_named(s, "small_boat")->boat->weather_persistence = -1.5; /* pi (1 - rho) > 1 after a bad day */
    run_expecting(s, 4242, "boats: good weather tomorrow: probability");
}

/* Choices of mode `fav`, the favourite of ten generic modes that always fail, and of all modes. */
static void favourite_choices(int fav, double *j, double *all)
{
    char port[2048], body[16384];
    port_yaml(port, sizeof port, "p", 1000, 2, 1, 0.0, "random", 0.1, 1, 5, "{dist: fixed, mean: 5}", 0.5, 0);
    char *base = scenario_yaml(10, 100, 1, port);
    int n = snprintf(body, sizeof body,
                     "%spopulation:\n  initial_stock: 100\n  inflow: {level_per_day: 20}\n"
                     "  preparation_days: {dist: exponential, mean: 2}\n"
                     "  return_days: {dist: exponential, mean: 1}\n"
                     "  wait_days: {dist: exponential, mean: 3}\n  budget_eur: {dist: fixed, mean: 1000}\n"
                     "  documents_share: 0\n  risk_tolerance: {dist: fixed, mean: 1}\n"
                     "  patience_days: {dist: fixed, mean: 100}\n"
                     "choice:\n  model: mnl\n"
                     "  b_success: 1.0\n  b_price: 0\n  b_risk: 0\n  b_wait: 0\n  wait_asc: -3\n"
                     "  leave: {asc: -6, per_failure: 0, per_patience: 0}\n"
                     "  beliefs: {learning: false, time_constant_days: 10, delay_days: 0, own_weight: 100, "
                     "floor: 1e-9}\n"
                     "modes:\n",
                     base);
    for (int m = 0; m < 10; m++)
        n +=
            snprintf(body + n, sizeof body - (size_t)n,
                     "  - {name: %c, kind: generic, asc: %d, price_eur: 100, risk: 0, belief: 0.5, "
                     "expected_wait_days: 2,\n"
                     "     generic: {attempt_days: {dist: fixed, mean: 0.5}, detection: 1, death_risk: 0}}\n",
                     'a' + m, m == fav ? 3 : 0);
    free(base);
    struct world_run r = world_run_text(body, 1, 5);
    *j = total(r.w, r.v, 0, "choices", (size_t)fav);
    *all = 0;
    for (size_t m = 0; m < 10; m++)
        *all += total(r.w, r.v, 0, "choices", m);
    world_run_free(&r);
}

/* Failure counts of modes past the eighth live outside the person record (mdl__pop_fails): they must
 * discount the utility all the same. Without the discount the favourite (asc 3) would take 82% of
 * the choices; failures in it cost ln(1 + 100 f) of utility, so it gets far fewer. The
 * favourite as the first mode and as the tenth: the same share within 5 standard errors. */
Test(pop, own_failures_discount_modes_past_the_eighth, .timeout = 120)
{
    double j0, all0, j9, all9;
    favourite_choices(0, &j0, &all0);
    favourite_choices(9, &j9, &all9);
    cr_assert_lt(j0, 0.5 * all0, "first mode: %g of %g choices", j0, all0);
    cr_assert_lt(j9, 0.5 * all9, "tenth mode: %g of %g choices", j9, all9);
    double p0 = j0 / all0, p9 = j9 / all9;
    double se = sqrt(p0 * (1 - p0) / all0 + p9 * (1 - p9) / all9);
    cr_assert_lt(fabs(p0 - p9), 5 * se, "shares %g and %g", p0, p9);
}

/* Small-boat arrivals over the window of history-2018-2023 without occupancy adaptation (so the
 * boats of 2018, short of supply, keep people waiting for months), with beliefs that nobody reports
 * on reverting after `reversion` ("0" or "90" days). */
static struct ana_ci history_boats(const char *reversion)
{
    char rv[32];
    snprintf(rv, sizeof rv, "reversion_days: %s", reversion);
    const char *from[] = {"occupancy_adaptation: 0.5", "reversion_days: 90"};
    const char *to[] = {"occupancy_adaptation: 0.0", rv};
    char *yaml = scenario_with("history-2018-2023.yaml", from, to, 2);
    struct world_run r = world_run_text(yaml, 2, 11);
    struct ana_ci c = summary(&r, "arrivals", mode_index(&r, "small_boat"));
    world_run_free(&r);
    free(yaml);
    return c;
}

/* The mechanism behind choice.beliefs.reversion_days: the 2018 boats' long waits are learned, the
 * wait belief puts everyone off the boats, and with nobody choosing them nobody reports a shorter
 * wait. Without reversion the mode is abandoned for good (2018-2019 arrivals only); with it the
 * belief returns to the advertised wait and the boats of 2020-2023 fill again. */
Test(pop, a_mode_nobody_reports_on_is_tried_again_only_with_reversion, .timeout = 600)
{
    struct ana_ci off = history_boats("0"), on = history_boats("90");
    cr_assert_lt(off.mean, 5000, "without reversion: %g boat arrivals in 2018-2023", off.mean);
    cr_assert_gt(on.mean, 10 * off.mean, "with reversion %g against %g without", on.mean, off.mean);
}
