/* Behaviour of the port control model. */
#include <math.h>

#include "world_helpers.h"

static struct world_run run_ports(const char *ports, double horizon, size_t reps)
{
    char *yaml = scenario_yaml(1, horizon, (unsigned)reps, ports);
    struct world_run f = world_run_text(yaml, reps, 99);
    free(yaml);
    return f;
}

static double sum_total(const struct world_run *f, const char *name, size_t port)
{
    double s = 0.0;
    for (size_t r = 0; r < f->reps; r++)
        s += total(f->w, f->v, r, name, port);
    return s;
}

Test(ports, groups_are_conserved_and_unsearched_lorries_pass_everyone)
{
    char a[2048], b[2048], both[4096];
    port_yaml(a, sizeof a, "open", 200000, 4, 2, 0.1, "random", 0.0, 1.0, 10,
              "{dist: uniform, min: 1, max: 4}", 0.9, 12.5);
    port_yaml(b, sizeof b, "strict", 200000, 20, 2, 0.1, "random", 1.0, 1.0, 1000000,
              "{dist: fixed, mean: 0.5}", 1.0, 12.5);
    snprintf(both, sizeof both, "%s%s", a, b);
    struct world_run f = run_ports(both, 30, 4);
    for (size_t p = 0; p < 2; p++) {
        double carried = sum_total(&f, "people_carried", p), det = sum_total(&f, "people_detected", p),
               passed = sum_total(&f, "people_passed", p);
        double rec = sum_total(&f, "passed_recorded_at_port", p) + sum_total(&f, "passed_recorded_72h", p) +
                     sum_total(&f, "passed_unrecorded", p);
        cr_assert_gt(carried, 0.0);
        cr_assert_eq(rec, passed, "every passed person is recorded somewhere or unrecorded");
        /* Up to the few still in a search at the horizon. */
        cr_assert_leq(det + passed, carried);
        cr_assert_geq(det + passed, carried - 10.0);
    }
    cr_assert_eq(sum_total(&f, "people_detected", 0), 0.0, "no searches, no detections");
    cr_assert_eq(sum_total(&f, "lorries_selected", 0), 0.0);
    cr_assert_eq(sum_total(&f, "people_passed", 1), 0.0, "detection 1 on every lorry lets nobody through");
    world_run_free(&f);
}

Test(ports, arrivals_follow_the_annual_volume)
{
    char a[2048];
    port_yaml(a, sizeof a, "calais", 1100000, 10, 2, 0.1, "random", 0.3, 1.0, 20,
              "{dist: uniform, min: 1, max: 4}", 0.8, 5.0);
    struct world_run f = run_ports(a, 60, 5);
    double n = sum_total(&f, "lorries_arrived", 0);
    double expect = 1100000.0 / 365.25 * 60.0 * 5.0;
    /* Poisson: sd = sqrt(mean); 4 sd. */
    cr_assert(fabs(n - expect) < 4.0 * sqrt(expect), "%g arrivals, expected %g", n, expect);
    double sel = sum_total(&f, "lorries_selected", 0);
    double p = 0.3;
    cr_assert(fabs(sel / n - p) < 4.0 * sqrt(p * (1 - p) / n), "selected share %g", sel / n);
    world_run_free(&f);
}

Test(ports, full_queue_suspends_selection_and_bounds_the_queue)
{
    char a[2048];
    /* One team, searches of 30 minutes, 300 lorries a day all selected: hopelessly overloaded. */
    port_yaml(a, sizeof a, "tiny", 300 * 365.25, 1, 1, 0.0, "random", 1.0, 1.0, 5, "{dist: fixed, mean: 30}",
              0.5, 0.0);
    struct world_run f = run_ports(a, 20, 2);
    cr_assert_gt(sum_total(&f, "selection_suspended", 0), 0.0);
    for (size_t r = 0; r < f.reps; r++) {
        cr_assert_leq(total(f.w, f.v, r, "queue_length_mean", 0), 5.0);
        /* At most 5 waiting ahead of 30-minute searches: nobody waits longer than 6 searches. The
         * bound is exact; 1e-9 min absorbs the rounding of clock times in days (ulp at day 21 is
         * 3.6e-15 d = 5e-12 min) converted to minutes. */
        cr_assert_leq(total(f.w, f.v, r, "search_wait_max_min", 0), 6 * 30.0 + 1e-9);
        /* Not statistical: from the first minutes of the warm-up the queue never empties, so the
         * teams busy equal the teams on duty at every instant and the two time-averages are sums
         * of the same intervals. Only the rounding of those sums may differ: relative 1e-12. */
        double u = total(f.w, f.v, r, "team_utilisation", 0);
        cr_assert(fabs(u - 1.0) < 1e-12, "utilisation %.17g", u);
    }
    world_run_free(&f);
}

Test(ports, targeting_with_lift_finds_more_people_than_random_selection)
{
    char a[2048], b[2048], both[4096];
    port_yaml(a, sizeof a, "random", 500000, 40, 2, 0.0, "random", 0.1, 1.0, 1000, "{dist: fixed, mean: 2}",
              0.9, 20.0);
    port_yaml(b, sizeof b, "targeted", 500000, 40, 2, 0.0, "targeted", 0.1, 4.0, 1000,
              "{dist: fixed, mean: 2}", 0.9, 20.0);
    snprintf(both, sizeof both, "%s%s", a, b);
    struct world_run f = run_ports(both, 120, 6); /* 4 SE = 0.01 at the random port */
    /* Expected shares of people detected: 0.1 * 0.9 = 0.09 and min(1, 0.1 * 4) * 0.9 = 0.36 (the
     * queue never fills, so no selection is suspended). Each group is detected with probability q
     * independently (lorries rarely carry two of the 20 groups a day among 1,370 lorries), so the
     * people share sum s_i D_i / sum s_i has variance q (1 - q) sum s_i^2 / (sum s_i)^2. With group
     * sizes 1, 2, 3 weighted 0.5, 0.3, 0.2, E s = 1.7 and E s^2 = 3.5: SE = sqrt(q (1 - q) (3.5 /
     * 1.7) / people carried). 4 SE. */
    const double c[2] = {sum_total(&f, "people_carried", 0), sum_total(&f, "people_carried", 1)};
    const double q[2] = {0.1 * 0.9, 0.4 * 0.9}, r[2] = {sum_total(&f, "people_detected", 0) / c[0],
                                                        sum_total(&f, "people_detected", 1) / c[1]};
    for (size_t p = 0; p < 2; p++) {
        double se = sqrt(q[p] * (1.0 - q[p]) * (3.5 / 1.7) / c[p]);
        cr_assert(fabs(r[p] - q[p]) < 4.0 * se, "port %zu detects %g, expected %g (SE %.3g)", p, r[p], q[p],
                  se);
    }
    world_run_free(&f);
}

/* Lorries are simulated as two thinned processes (candidates for selection, and the others counted
 * in bulk, with a carrier drawn when groups wait): the sums must be those of one Poisson stream of
 * lorries where each is selected with probability `share`, or min(1, share * lift) if it carries. */
Test(ports, thinned_traffic_keeps_volumes_and_selection_probabilities)
{
    const double share = 0.3, lift = 2.0, days = 60, per_day = 1000.0;
    char a[2048], b[2048], both[4096];
    /* "few": groups rarely share a lorry; "many": three groups per lorry, so carriers dominate. */
    port_yaml(a, sizeof a, "few", per_day * 365.25, 400, 2, 0.0, "targeted", share, lift, 1000000,
              "{dist: fixed, mean: 1}", 1.0, 20.0);
    port_yaml(b, sizeof b, "many", per_day * 365.25, 400, 2, 0.0, "targeted", share, lift, 1000000,
              "{dist: fixed, mean: 1}", 1.0, 3000.0);
    snprintf(both, sizeof both, "%s%s", a, b);
    struct world_run f = run_ports(both, days, 4);
    double expect = per_day * days * 4;
    for (size_t p = 0; p < 2; p++) {
        double n = sum_total(&f, "lorries_arrived", p);
        cr_assert(fabs(n - expect) < 4.0 * sqrt(expect), "port %zu: %g lorries, expected %g", p, n, expect);
    }
    /* With detection 1, a group is detected exactly when its lorry is selected. */
    double g = sum_total(&f, "groups_carried", 0), det = sum_total(&f, "groups_detected", 0);
    double q = fmin(1.0, share * lift);
    cr_assert_gt(g, 1000.0);
    cr_assert(fabs(det / g - q) < 4.0 * sqrt(q * (1 - q) / g), "carrying lorries selected %g, expected %g",
              det / g, q);
    /* Clean lorries: selected minus carrying lorries selected, over clean lorries. */
    double clean_sel = sum_total(&f, "lorries_selected", 0) - det,
           clean = sum_total(&f, "lorries_arrived", 0) - g;
    cr_assert(fabs(clean_sel / clean - share) < 4.0 * sqrt(share * (1 - share) / clean),
              "clean lorries selected %g, expected %g", clean_sel / clean, share);
    world_run_free(&f);
}

Test(ports, no_officers_means_no_searches)
{
    char a[2048];
    port_yaml(a, sizeof a, "empty", 100000, 0, 2, 0.0, "random", 0.5, 1.0, 7, "{dist: fixed, mean: 3}", 0.9,
              4.0);
    struct world_run f = run_ports(a, 10, 2);
    cr_assert_eq(sum_total(&f, "lorries_searched", 0), 0.0);
    cr_assert_eq(sum_total(&f, "people_detected", 0), 0.0);
    cr_assert_gt(sum_total(&f, "selection_suspended", 0), 0.0);
    world_run_free(&f);
}

Test(ports, weekday_profile_shapes_daily_arrivals)
{
    const char *yaml =
        "dispsim: 1\nname: wk\ncalendar: {start_date: 2023-01-02, warmup_days: 0, horizon_days: 28}\n"
        "run: {replications: 1, master_seed: 1}\nports:\n"
        "  - name: p\n    lorries_per_year: 365250\n"
        "    hour_profile: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n"
        "    weekday_profile: [1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5]\n"
        "    staffing: {team_size: 2, absence_share: 0, shifts: [{start_hour: 6, hours: 8, officers: 4}]}\n"
        "    selection: {policy: random, share: 0.1, lift: 1, max_queue: 10}\n"
        "    methods: [{name: m, share: 1, time_min: {dist: fixed, mean: 2}, detection: 0.5}]\n"
        "    clandestine: {groups_per_day: 0, group_size_weights: [1]}\n"
        "    recording: {at_port_share: 0, within_72h_share: 1}\n";
    struct mdl_scenario *s = load_text(yaml);
    cr_assert_eq(s->start_weekday, 0, "2023-01-02 is a Monday");
    struct mdl_world *w = NULL;
    cr_assert_eq(mdl_world_create(s, &w), SIM_OK);
    double *v = run_reps(w, 5, 1);
    const struct sim_out_table *t = mdl_world_table(w);
    const double *daily = v + t->offset[sim_out_find(t, "daily", "lorries_arrived")];
    double weekday = 0.0, weekend = 0.0;
    for (int d = 0; d < 28; d++) {
        if (d % 7 < 5)
            weekday += daily[d];
        else
            weekend += daily[d];
    }
    /* Mean rate 1000/day; weekday 1000 * 1.2 / (7/7 mean 1.0) = 1200/day, weekend 500/day. */
    cr_assert(fabs(weekday / 20.0 - 1200.0) < 4.0 * sqrt(1200.0 / 20.0), "weekday mean %g", weekday / 20.0);
    cr_assert(fabs(weekend / 8.0 - 500.0) < 4.0 * sqrt(500.0 / 8.0), "weekend mean %g", weekend / 8.0);
    free(v);
    mdl_world_destroy(w);
    mdl_scenario_destroy(s);
}

Test(ports, selection_probability_outside_the_unit_interval_is_an_invariant_error)
{
    /* No valid scenario has a negative lift: forced in behind the validator, the targeted selection
     * probability min(1, share * lift) is negative and the replication must stop, not draw from it. */
    char port[2048];
    port_yaml(port, sizeof port, "calais", 500000, 40, 2, 0.0, "targeted", 0.1, 4.0, 1000,
              "{dist: fixed, mean: 2}", 0.9, 20.0);
    char *yaml = scenario_yaml(1, 10, 1, port);
    struct mdl_scenario *s = load_text(yaml);
    free(yaml);
    s->ports[0].selection.lift = -2.5;
    run_expecting(s, 99, "ports: targeted selection: probability -0.25 is outside [0, 1]");
}
