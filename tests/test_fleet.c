/* Tests of hauliers, vehicles, watch-lists and ANPR (mdl_fleet.h, mdl_watch.h): the watch-list
 * table's intervals, lags and capacity; the ANPR mechanism (integration is worth what reuse of
 * vehicles across ports makes it worth); and the accounting of vehicle outcomes. */
#include <criterion/criterion.h>
#include <math.h>

#include "../analysis/ana_summary.h"
#include "../models/mdl_watch.h"
#include "world_helpers.h"

Test(fleet, a_listing_is_seen_at_its_port_from_its_start_and_elsewhere_only_when_shared_after_the_lag)
{
    struct mdl_watch *w = NULL;
    cr_assert_eq(mdl_watch_create(4, 3, &w), SIM_OK);
    cr_assert_eq(mdl_watch_add(w, 7, 1, 10.0, 5.0, 10.0), SIM_OK);
    cr_assert(!mdl_watch_listed(w, 7, 1, 9.9, false, 0.0));
    cr_assert(mdl_watch_listed(w, 7, 1, 10.0, false, 0.0));
    cr_assert(mdl_watch_listed(w, 7, 1, 14.9, false, 0.0));
    cr_assert(!mdl_watch_listed(w, 7, 1, 15.0, false, 0.0), "expired after 5 days");
    cr_assert(!mdl_watch_listed(w, 7, 0, 12.0, false, 1.0), "local ANPR reads only its own list");
    cr_assert(!mdl_watch_listed(w, 7, 0, 10.5, true, 1.0), "shared only after the lag");
    cr_assert(mdl_watch_listed(w, 7, 0, 11.0, true, 1.0));
    cr_assert(mdl_watch_listed(w, 7, 2, 15.5, true, 1.0), "the lag shifts expiry too");
    cr_assert(!mdl_watch_listed(w, 8, 1, 12.0, true, 1.0), "an unlisted key");
    /* listing again before expiry extends the interval */
    cr_assert_eq(mdl_watch_add(w, 7, 1, 14.0, 5.0, 14.0), SIM_OK);
    cr_assert(mdl_watch_listed(w, 7, 1, 18.0, false, 0.0));
    cr_assert(mdl_watch_listed(w, 7, 1, 10.0, false, 0.0));
    mdl_watch_destroy(w);
}

Test(fleet, a_full_watch_list_drops_what_expired_and_refuses_only_when_all_are_live)
{
    struct mdl_watch *w = NULL;
    cr_assert_eq(mdl_watch_create(3, 1, &w), SIM_OK);
    for (uint32_t k = 0; k < 3; k++)
        cr_assert_eq(mdl_watch_add(w, k, 0, 0.0, 1.0, 0.0), SIM_OK);
    cr_assert_eq(mdl_watch_add(w, 99, 0, 0.5, 1.0, 0.5), SIM_ENOMEM, "three live keys fill it");
    cr_assert_eq(mdl_watch_add(w, 1, 0, 0.5, 1.0, 0.5), SIM_OK, "a listed key needs no new slot");
    cr_assert_eq(mdl_watch_add(w, 99, 0, 1.2, 1.0, 1.2), SIM_OK, "keys 0 and 2 expired at 1.0");
    cr_assert_eq(mdl_watch_size(w), 2);
    cr_assert(mdl_watch_listed(w, 1, 0, 1.2, false, 0.0));
    cr_assert(mdl_watch_listed(w, 99, 0, 1.2, false, 0.0));
    cr_assert(!mdl_watch_listed(w, 0, 0, 0.5, false, 0.0), "dropped");
    mdl_watch_clear(w);
    cr_assert_eq(mdl_watch_size(w), 0);
    mdl_watch_destroy(w);
}

/* The default scenario, shortened, with a fleet whose facilitators reuse vehicles with
 * probability `reuse` (all reuses of vehicles last used at another port) and ANPR `integration`. */
static char *with_fleet(double reuse, unsigned integration)
{
    static const char *const from[] = {"warmup_days: 90",        "horizon_days: 365",
                                       "reuse_probability: 0.3", "reuse_other_port_share: 0.5",
                                       "watchlist_days: 90",     "anpr_integration: 0"};
    char to[6][64];
    snprintf(to[0], sizeof to[0], "warmup_days: 60");
    snprintf(to[1], sizeof to[1], "horizon_days: 200");
    snprintf(to[2], sizeof to[2], "reuse_probability: %.17g", reuse);
    snprintf(to[3], sizeof to[3], "reuse_other_port_share: 1");
    snprintf(to[4], sizeof to[4], "watchlist_days: 180");
    snprintf(to[5], sizeof to[5], "anpr_integration: %u", integration);
    const char *const tp[] = {to[0], to[1], to[2], to[3], to[4], to[5]};
    return baseline_with(from, tp, 6);
}

/* Replications per run. The ANPR runs take three times as many: under the capacity policy risk
 * targeting already flags 42% of carriers, so a watch-list hit adds a search only to the rest and
 * the integrated-minus-local effect (about -40 people over the window) needs that many for its
 * interval to be about +-30. */
enum { REPS = 20, ANPR_REPS = 60 };

static size_t lorry_mode(const struct world_run *r)
{
    for (size_t m = 0; m < r->s->modes_count; m++)
        if (r->s->modes[m].kind == MDL_MODE_LORRY)
            return m;
    cr_assert_fail("no lorry mode");
    return 0;
}

static double port_sum(const struct world_run *r, size_t rep, const char *name)
{
    double x = 0;
    for (size_t p = 0; p < r->s->ports_count; p++)
        x += total(r->w, r->v, rep, name, p);
    return x;
}

/* Paired (same seeds) change of lorry-mode arrivals from local to integrated ANPR, its 95% CI,
 * and the watch-list hits of both; checks the vehicle accounting of both runs on the way. */
static struct ana_ci integration_effect(double reuse, double *hits_local, double *hits_integrated)
{
    char *a_text = with_fleet(reuse, 0), *b_text = with_fleet(reuse, 1);
    struct world_run a = world_run_text(a_text, ANPR_REPS, 13), b = world_run_text(b_text, ANPR_REPS, 13);
    size_t lorry = lorry_mode(&a);
    double d[ANPR_REPS];
    *hits_local = *hits_integrated = 0;
    for (size_t r = 0; r < ANPR_REPS; r++) {
        d[r] = total(b.w, b.v, r, "arrivals", lorry) - total(a.w, a.v, r, "arrivals", lorry);
        *hits_local += port_sum(&a, r, "watchlist_hits") / ANPR_REPS;
        *hits_integrated += port_sum(&b, r, "watchlist_hits") / ANPR_REPS;
        const struct world_run *runs[2] = {&a, &b};
        for (size_t i = 0; i < 2; i++)
            for (size_t p = 0; p < a.s->ports_count; p++) {
                const struct world_run *x = runs[i];
                /* a group found on an unsecured vehicle is a detected group; a trace is a group
                 * that passed; a hit is a carrying lorry */
                cr_assert_leq(total(x->w, x->v, r, "vehicles_unsecured_found", p),
                              total(x->w, x->v, r, "groups_detected", p));
                cr_assert_leq(total(x->w, x->v, r, "vehicle_traces", p),
                              total(x->w, x->v, r, "groups_passed", p));
                cr_assert_leq(total(x->w, x->v, r, "watchlist_hits", p),
                              total(x->w, x->v, r, "groups_carried", p));
            }
    }
    for (size_t p = 0; p < a.s->ports_count; p++)
        fprintf(stderr,
                "anpr (reuse %g): %s: watch-list hits in replication 0: local %.0f, integrated %.0f\n", reuse,
                a.s->ports[p].name, total(a.w, a.v, 0, "watchlist_hits", p),
                total(b.w, b.v, 0, "watchlist_hits", p));
    world_run_free(&a);
    world_run_free(&b);
    free(a_text);
    free(b_text);
    return ana_summarise(d, ANPR_REPS, 1, 0.95);
}

Test(fleet, without_vehicle_reuse_integrated_anpr_changes_no_lorry_arrivals, .timeout = 900)
{
    double hl, hi;
    struct ana_ci c = integration_effect(0.0, &hl, &hi);
    fprintf(stderr,
            "anpr (no reuse): integrated - local lorry arrivals %.1f [%.1f, %.1f]; hits %.1f -> %.1f\n",
            c.mean, c.low, c.high, hl, hi);
    cr_assert(c.low <= 0 && c.high >= 0, "the paired 95%% CI contains 0: %g [%g, %g]", c.mean, c.low, c.high);
}

Test(fleet, with_vehicles_reused_across_ports_integrated_anpr_lowers_lorry_arrivals, .timeout = 900)
{
    double hl, hi;
    struct ana_ci c = integration_effect(0.8, &hl, &hi);
    fprintf(stderr,
            "anpr (reuse 0.8): integrated - local lorry arrivals %.1f [%.1f, %.1f]; hits %.1f -> %.1f\n",
            c.mean, c.low, c.high, hl, hi);
    cr_assert_gt(hi, hl, "sharing the lists raises the hits: %g -> %g", hl, hi);
    cr_assert_lt(c.high, 0, "a significant fall: %g [%g, %g]", c.mean, c.low, c.high);
}

/* The default scenario, shortened (window 2022-12-02 to 2023-06-20), with `extra` appended. */
static char *short_default(const char *extra)
{
    static const char *const from[] = {"warmup_days: 90", "horizon_days: 365"};
    static const char *const to[] = {"warmup_days: 60", "horizon_days: 200"};
    char *base = baseline_with(from, to, 2);
    size_t len = strlen(base) + strlen(extra) + 2;
    char *text = malloc(len);
    snprintf(text, len, "%s\n%s", base, extra);
    free(base);
    return text;
}

static size_t port_index(const struct world_run *r, const char *name)
{
    for (size_t p = 0; p < r->s->ports_count; p++)
        if (strcmp(r->s->ports[p].name, name) == 0)
            return p;
    cr_assert_fail("no port %s", name);
    return 0;
}

Test(fleet, closing_coquelles_for_a_week_diverts_its_freight_to_calais_and_dunkerque, .timeout = 900)
{
    /* A whole week from Monday 00:00: the hour and weekday profiles average out exactly, so
     * Coquelles loses 7 days of its mean traffic, which the others share in proportion to their
     * lorries_per_year (diversion weights 1): Calais 11/14, Dunkerque 3/14. */
    char *open = short_default(""), *closed = short_default("interventions:\n"
                                                            "  - {path: ports.coquelles.open_share, op: set, "
                                                            "value: 0, from: 2023-03-06, to: 2023-03-13}\n");
    struct world_run a = world_run_text(open, REPS, 17), b = world_run_text(closed, REPS, 17);
    size_t co = port_index(&a, "coquelles"), ca = port_index(&a, "calais"), du = port_index(&a, "dunkerque");
    double week = 7.0 * a.s->ports[co].lorries_per_year / 365.25;
    double y_ca = a.s->ports[ca].lorries_per_year, y_du = a.s->ports[du].lorries_per_year;
    const struct {
        size_t port;
        double expected;
    } want[3] = {{co, -week}, {ca, week * y_ca / (y_ca + y_du)}, {du, week * y_du / (y_ca + y_du)}};
    for (size_t i = 0; i < 3; i++) {
        double d[REPS];
        for (size_t r = 0; r < REPS; r++)
            d[r] = total(b.w, b.v, r, "lorries_arrived", want[i].port) -
                   total(a.w, a.v, r, "lorries_arrived", want[i].port);
        struct ana_ci c = ana_summarise(d, REPS, 1, 0.95);
        fprintf(stderr, "closure: %s lorries %+.0f [%.0f, %.0f], expected %+.0f\n",
                a.s->ports[want[i].port].name, c.mean, c.low, c.high, want[i].expected);
        cr_assert(c.low <= want[i].expected && want[i].expected <= c.high,
                  "%s: paired change %g [%g, %g] should contain %g", a.s->ports[want[i].port].name, c.mean,
                  c.low, c.high, want[i].expected);
    }
    world_run_free(&a);
    world_run_free(&b);
    free(open);
    free(closed);
}

Test(fleet, no_group_stays_hidden_at_a_port_closed_to_the_end, .timeout = 900)
{
    /* mdl_ports' finish fails the replication (and run_reps the test) if a group still waits at a
     * port closed at the end; nobody boards there after the closure. */
    char *closed =
        short_default("interventions:\n"
                      "  - {path: ports.coquelles.open_share, op: set, value: 0, from: 2023-03-06}\n");
    struct world_run b = world_run_text(closed, 4, 19);
    size_t co = port_index(&b, "coquelles");
    const struct sim_out_table *t = mdl_world_table(b.w);
    int id = sim_out_find(t, "daily", "groups_carried");
    cr_assert_geq(id, 0);
    /* the window opens on 2022-12-02: 2023-03-06 is day 94 */
    size_t closed_day = 94, ndays = 200, np = b.s->ports_count;
    for (size_t r = 0; r < b.reps; r++) {
        const double *day = b.v + r * t->rep_values + t->offset[id];
        double before = 0, after = 0;
        for (size_t d = 0; d < ndays; d++)
            *(d < closed_day ? &before : &after) += day[d * np + co];
        cr_assert_gt(before, 0, "replication %zu: groups rode lorries at Coquelles before the closure", r);
        cr_assert_eq(after, 0, "replication %zu: %g groups carried at closed Coquelles", r, after);
    }
    world_run_free(&b);
    free(closed);
}

Test(fleet, people_board_in_groups_and_every_boarded_group_is_settled_or_on_board, .timeout = 900)
{
    /* The fleet's finish fails the replication (and run_reps the test) unless boarded groups =
     * settled (detected, crossed, returned) + still on board, and the same for their people. */
    char *text = short_default("");
    struct world_run r = world_run_text(text, 4, 23);
    for (size_t i = 0; i < r.reps; i++) {
        double groups = port_sum(&r, i, "groups_boarded"), people = port_sum(&r, i, "people_boarded");
        double carried = port_sum(&r, i, "groups_carried"),
               carried_people = port_sum(&r, i, "people_carried");
        fprintf(stderr,
                "groups: replication %zu: %.0f groups of %.0f people boarded; %.0f groups of %.0f carried\n",
                i, groups, people, carried, carried_people);
        cr_assert_gt(groups, 0);
        cr_assert_gt(people / groups, 1.5, "groups of 1-5 (mean 2.3 when full): %g", people / groups);
        cr_assert_gt(carried_people / carried, 1.5, "incidents are groups, entrants people");
        /* the control carries what boarded, but for groups boarding in the window's last minutes */
        cr_assert_leq(fabs(carried - groups), 5, "%g carried, %g boarded", carried, groups);
    }
    world_run_free(&r);
    free(text);
}
