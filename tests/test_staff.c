/* The officers as a mechanism (issue 13): searching limited by the teams' capacity, qualifications,
 * tickets, training and the flexible pool. */
#include <math.h>

#include "world_helpers.h"

/* Student t quantile for a two-sided 95% interval with n - 1 = 19 degrees of freedom. */
#define T95_19 2.093
#define NREP   20

struct paired {
    double mean, half; /* mean difference b - a and the half-width of its 95% interval */
};

/* The paired 95% interval of b - a over replications: the same seed gives replication r of both
 * scenarios the same random streams. */
static struct paired paired_diff(const struct world_run *a, const struct world_run *b, const char *name,
                                 size_t port)
{
    double d[NREP], sum = 0.0, ss = 0.0;
    for (size_t r = 0; r < NREP; r++) {
        d[r] = total(b->w, b->v, r, name, port) - total(a->w, a->v, r, name, port);
        sum += d[r];
    }
    double mean = sum / NREP;
    for (size_t r = 0; r < NREP; r++)
        ss += (d[r] - mean) * (d[r] - mean);
    return (struct paired){mean, T95_19 * sqrt(ss / (NREP - 1) / NREP)};
}

static struct world_run run_one(const char *port)
{
    char *yaml = scenario_yaml(5, 60, NREP, port);
    struct world_run f = world_run_text(yaml, NREP, 99);
    free(yaml);
    return f;
}

/* Capacity policy: teams search as many lorries as they can, so officers change searches,
 * detections and what passes. Under a fixed share the share sets the number of searches: officers
 * only shorten the waits. "Do not" is stated precisely below. */
Test(staff, officers_raise_searches_and_detections_under_capacity_but_not_under_a_fixed_share)
{
    /* 2,738 lorries a day and 20 hidden groups a day; a search holds a team 2.5 + 4 minutes. */
    static const char *const capacity =
        "capacity, false_flag_share: 0.01, hit_share: 0.3, tolerance_min: 30, handling_min: 4";
    char y[4][2048];
    port_yaml(y[0], sizeof y[0], "p", 1e6, 6, 2, 0.1, capacity, 0.0, 1.0, 1000,
              "{dist: uniform, min: 1, max: 4}", 0.8, 20.0);
    port_yaml(y[1], sizeof y[1], "p", 1e6, 10, 2, 0.1, capacity, 0.0, 1.0, 1000,
              "{dist: uniform, min: 1, max: 4}", 0.8, 20.0);
    port_yaml(y[2], sizeof y[2], "p", 1e6, 6, 2, 0.1, "targeted", 0.15, 1.5, 100000,
              "{dist: uniform, min: 1, max: 4}", 0.8, 20.0);
    port_yaml(y[3], sizeof y[3], "p", 1e6, 10, 2, 0.1, "targeted", 0.15, 1.5, 100000,
              "{dist: uniform, min: 1, max: 4}", 0.8, 20.0);
    struct world_run f[4];
    for (int i = 0; i < 4; i++)
        f[i] = run_one(y[i]);

    struct paired s = paired_diff(&f[0], &f[1], "lorries_searched", 0);
    struct paired d = paired_diff(&f[0], &f[1], "people_detected", 0);
    struct paired p = paired_diff(&f[0], &f[1], "people_passed", 0);
    cr_assert_gt(s.mean - s.half, 0.0, "capacity: searches +%g +- %g", s.mean, s.half);
    cr_assert_gt(d.mean - d.half, 0.0, "capacity: detections +%g +- %g", d.mean, d.half);
    cr_assert_lt(p.mean + p.half, 0.0, "capacity: people passed %g +- %g", p.mean, p.half);

    /* Fixed share: the selection draws are the same in both (same streams), and the queue never
     * fills, so the lorries searched differ only by those still in the control at the horizon: a
     * handful of lorries (at most the 5 teams' searches plus the queue), not a rise. */
    for (size_t r = 0; r < NREP; r++) {
        double a = total(f[2].w, f[2].v, r, "lorries_searched", 0),
               b = total(f[3].w, f[3].v, r, "lorries_searched", 0);
        cr_assert_lt(fabs(b - a), 20.0, "fixed share, replication %zu: searches %g vs %g", r, a, b);
        cr_assert_eq(total(f[3].w, f[3].v, r, "selection_suspended", 0), 0.0);
    }
    /* Detections: the same lorries are searched; only the order of detection draws may differ, so
     * the paired interval of the change contains 0 (no effect of officers on detections). */
    struct paired fd = paired_diff(&f[2], &f[3], "people_detected", 0);
    cr_assert_leq(fabs(fd.mean), fd.half + 1e-9, "fixed share: detections %g +- %g", fd.mean, fd.half);
    /* ... but officers do shorten the waits there. */
    struct paired fw = paired_diff(&f[2], &f[3], "search_wait_mean_min", 0);
    cr_assert_lt(fw.mean + fw.half, 0.0, "fixed share: wait %g +- %g", fw.mean, fw.half);
    for (int i = 0; i < 4; i++)
        world_run_free(&f[i]);
}

/* Capacity policy, thinning: the volume and the conservation of groups hold, flagged lorries that
 * wait beyond the tolerance leave, and every search is either a flagged lorry or a free team's pick. */
Test(staff, capacity_policy_keeps_volumes_and_conserves_groups)
{
    char y[2048];
    /* One team for 2,738 lorries a day and 27 flagged clean lorries a day: the queue forms at times
     * and some flagged lorries leave after 5 minutes. */
    port_yaml(y, sizeof y, "p", 1e6, 2, 2, 0.0,
              "capacity, false_flag_share: 0.05, hit_share: 0.5, tolerance_min: 5, handling_min: 4", 0.0, 1.0,
              1000, "{dist: uniform, min: 1, max: 4}", 0.8, 20.0);
    struct world_run f = run_one(y);
    double n = 0.0, carried = 0.0, det = 0.0, passed = 0.0, aband = 0.0;
    for (size_t r = 0; r < NREP; r++) {
        n += total(f.w, f.v, r, "lorries_arrived", 0);
        carried += total(f.w, f.v, r, "people_carried", 0);
        det += total(f.w, f.v, r, "people_detected", 0);
        passed += total(f.w, f.v, r, "people_passed", 0);
        aband += total(f.w, f.v, r, "search_abandoned", 0);
    }
    double expect = 1e6 / 365.25 * 60.0 * NREP;
    cr_assert(fabs(n - expect) < 4.0 * sqrt(expect), "%g arrivals, expected %g", n, expect);
    cr_assert_gt(aband, 0.0);
    /* Up to the few people still in the control at each replication's horizon. */
    cr_assert_leq(det + passed, carried);
    cr_assert_geq(det + passed, carried - 10.0 * NREP);
    world_run_free(&f);
}

/* One port of 1,000,000 lorries a year under the capacity policy with 12 officers in one
 * round-the-clock shift, a basic method and an IFC2-only method of equal shares, and the staffing
 * fields given in `staffing` (YAML flow entries). */
static void staff_port(char *buf, size_t len, const char *staffing)
{
    snprintf(
        buf, len,
        "  - name: p\n"
        "    lorries_per_year: 1000000\n"
        "    hour_profile: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n"
        "    weekday_profile: [1,1,1,1,1,1,1]\n"
        "    staffing: {team_size: 2, absence_share: 0.1, %s,\n"
        "               shifts: [{start_hour: 0, hours: 24, officers: 12}]}\n"
        "    selection: {policy: capacity, false_flag_share: 0.01, hit_share: 0.3, max_queue: 1000,\n"
        "                tolerance_min: 30, handling_min: 4}\n"
        "    methods:\n"
        "      - {name: basic, share: 0.5, time_min: {dist: uniform, min: 1, max: 4}, detection: 0.7}\n"
        "      - {name: heartbeat, share: 0.5, time_min: {dist: uniform, min: 1, max: 4}, detection: 0.9,\n"
        "         requires: ifc2}\n"
        "    clandestine: {groups_per_day: 20, group_size_weights: [0.5, 0.3, 0.2]}\n"
        "    recording: {at_port_share: 0.1, within_72h_share: 0.7}\n",
        staffing);
}

static struct world_run run_year(const char *port)
{
    char *yaml = scenario_yaml(0, 360, NREP, port);
    struct world_run f = world_run_text(yaml, NREP, 99);
    free(yaml);
    return f;
}

/* Sum of daily variable `name` over days [d0, d1) of replication r (one port). */
static double daily_sum(const struct world_run *f, size_t r, const char *name, size_t d0, size_t d1)
{
    const struct sim_out_table *t = mdl_world_table(f->w);
    int id = sim_out_find(t, "daily", name);
    cr_assert_geq(id, 0, "no daily/%s", name);
    double s = 0.0;
    for (size_t d = d0; d < d1; d++)
        s += f->v[r * t->rep_values + t->offset[id] + d];
    return s;
}

/* IFC2 training at 2 officers a month: after 90 days rather than 180, more officers hold IFC2
 * sooner, more teams may use the IFC2-only method, and its share of the searches is higher. */
Test(staff, slower_ifc2_training_lowers_the_share_of_ifc2_only_searches)
{
    char fast[2048], slow[2048];
    staff_port(fast, sizeof fast, "ifc2_share: 0, ifc2_throughput_per_month: 2, ifc2_delay_days: 90");
    staff_port(slow, sizeof slow, "ifc2_share: 0, ifc2_throughput_per_month: 2, ifc2_delay_days: 180");
    struct world_run a = run_year(fast), b = run_year(slow);
    double d[NREP], sum = 0.0, ss = 0.0;
    for (size_t r = 0; r < NREP; r++) {
        double sa =
            total(a.w, a.v, r, "searches_ifc2_methods", 0) / total(a.w, a.v, r, "lorries_searched", 0);
        double sb =
            total(b.w, b.v, r, "searches_ifc2_methods", 0) / total(b.w, b.v, r, "lorries_searched", 0);
        d[r] = sb - sa;
        sum += d[r];
        cr_assert_eq(daily_sum(&a, r, "searches_ifc2_methods", 0, 90), 0.0,
                     "nobody holds IFC2 before day 90");
    }
    double mean = sum / NREP;
    for (size_t r = 0; r < NREP; r++)
        ss += (d[r] - mean) * (d[r] - mean);
    double half = T95_19 * sqrt(ss / (NREP - 1) / NREP);
    cr_assert_lt(mean + half, 0.0, "slow minus fast IFC2 share of searches: %g +- %g", mean, half);
    world_run_free(&a);
    world_run_free(&b);
}

/* Without refresher courses the tickets (staggered over a year) expire one after another: the
 * officers able to search decline month by month and the out-of-ticket officer-days rise. */
Test(staff, zero_refresher_capacity_makes_the_officers_able_to_search_decline)
{
    char none[2048], some[2048];
    staff_port(none, sizeof none, "refresher_per_month: 0, ticket_validity_days: 365");
    staff_port(some, sizeof some, "refresher_per_month: 1, ticket_validity_days: 365");
    struct world_run a = run_year(none), b = run_year(some);
    for (size_t r = 0; r < NREP; r++) {
        double prev = INFINITY;
        for (size_t mth = 0; mth < 12; mth++) {
            double able = daily_sum(&a, r, "officers_on_duty_ifc1", mth * 30, mth * 30 + 30) +
                          daily_sum(&a, r, "officers_on_duty_ifc2", mth * 30, mth * 30 + 30);
            /* Officer j's ticket expires on day 365 (j + 0.5) / 12: one fewer each month, against
             * absence noise of sd sqrt(30 * 12 * 0.1 * 0.9) = 5.7 officer-days a month. The
             * decline is 30 officer-days a month: 5 sd. */
            cr_assert_lt(able, prev, "replication %zu month %zu: %g able officer-days", r, mth, able);
            prev = able;
        }
        cr_assert_gt(daily_sum(&a, r, "officers_out_of_ticket", 330, 360),
                     daily_sum(&a, r, "officers_out_of_ticket", 0, 30) + 200.0);
        cr_assert_lt(total(a.w, a.v, r, "lorries_searched", 0), total(b.w, b.v, r, "lorries_searched", 0));
        /* One refresher a month keeps the 12 tickets of a 365-day validity current. */
        cr_assert_eq(total(b.w, b.v, r, "officers_out_of_ticket", 0), 0.0);
    }
    world_run_free(&a);
    world_run_free(&b);
}

/* A flexible pool following the hidden groups goes to the port that carries them: its searches
 * and detections rise, and the other port, never picked, runs exactly as without the pool. */
Test(staff, flexible_pool_goes_where_the_groups_are)
{
    static const char *const capacity =
        "capacity, false_flag_share: 0.01, hit_share: 0.3, tolerance_min: 30, handling_min: 4";
    char busy[2048], quiet[2048], ports[4096], with[4608], without[4608];
    port_yaml(busy, sizeof busy, "busy", 1e6, 6, 2, 0.1, capacity, 0.0, 1.0, 1000,
              "{dist: uniform, min: 1, max: 4}", 0.8, 20.0);
    port_yaml(quiet, sizeof quiet, "quiet", 1e6, 6, 2, 0.1, capacity, 0.0, 1.0, 1000,
              "{dist: uniform, min: 1, max: 4}", 0.8, 0.0);
    snprintf(ports, sizeof ports, "%s%s", busy, quiet);
    snprintf(with, sizeof with,
             "%sflexible_pool: {officers: 4, rule: most_expected_groups, travel_min: 30, shift_hours: 8, "
             "start_hour: 6}\n",
             ports);
    snprintf(without, sizeof without,
             "%sflexible_pool: {officers: 0, rule: most_expected_groups, travel_min: 30, shift_hours: 8, "
             "start_hour: 6}\n",
             ports);
    struct world_run a = run_one(without), b = run_one(with);
    struct paired s = paired_diff(&a, &b, "lorries_searched", 0);
    struct paired d = paired_diff(&a, &b, "people_detected", 0);
    cr_assert_gt(s.mean - s.half, 0.0, "pool: searches at the busy port +%g +- %g", s.mean, s.half);
    cr_assert_gt(d.mean - d.half, 0.0, "pool: detections at the busy port +%g +- %g", d.mean, d.half);
    for (size_t r = 0; r < NREP; r++) {
        cr_assert_eq(total(a.w, a.v, r, "lorries_searched", 1), total(b.w, b.v, r, "lorries_searched", 1));
        cr_assert_gt(total(b.w, b.v, r, "officers_on_duty_ifc2", 0),
                     total(a.w, a.v, r, "officers_on_duty_ifc2", 0));
    }
    world_run_free(&a);
    world_run_free(&b);
}
