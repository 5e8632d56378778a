/* Tests of the inspector's monthly table (mdl_monthly.h): its calendar (months of the window,
 * partial months counting only their days inside), and its accounting: every monthly count summed
 * over months is the per-port total of the same name, and the detections by search method and by
 * selection kind each sum to the groups detected (attempts = groups). */
#include <criterion/criterion.h>
#include <math.h>

#include "world_helpers.h"

enum { REPS = 2 };

/* The index of dimension `name` in the run's table. */
static int dim_of(const struct world_run *r, const char *name)
{
    const struct sim_out_table *t = mdl_world_table(r->w);
    for (size_t d = 0; d < t->ndims; d++)
        if (strcmp(t->dims[d].name, name) == 0)
            return (int)d;
    cr_assert_fail("no dimension %s", name);
    return -1;
}

/* Replication `rep`'s values of monthly/`name` (NULL if the run has no such dataset). */
static const double *monthly(const struct world_run *r, size_t rep, const char *name)
{
    const struct sim_out_table *t = mdl_world_table(r->w);
    int id = sim_out_find(t, "monthly", name);
    return id < 0 ? NULL : r->v + rep * t->rep_values + t->offset[id];
}

/* Sums monthly/`name` [month, port] over months and compares it with totals/`name` per port: equal
 * for counts, within rounding (1e-12 relative: sums of the same terms in another order) for
 * officer-days. Returns the sum over ports and replications. */
static double check_sums(const struct world_run *r, const char *name, size_t nmonths)
{
    size_t np = r->s->ports_count;
    double all = 0.0;
    for (size_t rep = 0; rep < r->reps; rep++) {
        const double *m = monthly(r, rep, name);
        cr_assert_not_null(m, "no monthly/%s", name);
        for (size_t p = 0; p < np; p++) {
            double sum = 0.0, tot = total(r->w, r->v, rep, name, p);
            for (size_t mo = 0; mo < nmonths; mo++)
                sum += m[mo * np + p];
            cr_assert_leq(fabs(sum - tot), 1e-12 * fabs(tot),
                          "%s at %s, replication %zu: months sum to %.17g, "
                          "total %.17g",
                          name, r->s->ports[p].name, rep, sum, tot);
            all += tot;
        }
    }
    return all;
}

/* Checks that monthly/`name` [month, port, k] sums over k to groups_detected in every cell, and
 * returns its sum over everything else by k (ncat entries). */
static void check_breakdown(const struct world_run *r, const char *name, size_t nmonths, size_t ncat,
                            double *by)
{
    size_t np = r->s->ports_count;
    for (size_t rep = 0; rep < r->reps; rep++) {
        const double *b = monthly(r, rep, name), *g = monthly(r, rep, "groups_detected");
        for (size_t c = 0; c < nmonths * np; c++) {
            double sum = 0.0;
            for (size_t k = 0; k < ncat; k++) {
                sum += b[c * ncat + k];
                by[k] += b[c * ncat + k];
            }
            cr_assert_eq(sum, g[c], "%s: cell %zu of replication %zu sums to %g, groups detected %g", name, c,
                         rep, sum, g[c]);
        }
    }
}

Test(monthly, the_default_scenarios_months_sum_to_its_totals_and_detections_to_their_breakdowns,
     .timeout = 600)
{
    /* 2022-10-03 + 60 days: the window is 2022-12-02 to 2023-03-11, four months, two partial. */
    const char *const from[] = {"warmup_days: 90", "horizon_days: 365"};
    const char *const to[] = {"warmup_days: 60", "horizon_days: 100"};
    char *text = baseline_with(from, to, 2);
    struct world_run r = world_run_text(text, REPS, 29);
    const struct sim_out_table *t = mdl_world_table(r.w);
    const struct sim_out_dim *month = &t->dims[dim_of(&r, "month")];
    static const char *const labels[] = {"2022-12", "2023-01", "2023-02", "2023-03"};
    static const double days[] = {30, 31, 28, 11};
    cr_assert_eq(month->size, 4);
    for (size_t m = 0; m < 4; m++) {
        cr_assert_str_eq(month->labels[m], labels[m]);
        for (size_t rep = 0; rep < REPS; rep++)
            cr_assert_eq(monthly(&r, rep, "days_in_window")[m], days[m], "%s", labels[m]);
    }
    static const char *const counted[] = {"lorries_searched",         "groups_detected",
                                          "people_detected",          "officers_on_duty_ifc1",
                                          "officers_on_duty_ifc2",    "officers_out_of_ticket",
                                          "vehicles_unsecured_found", "vehicle_traces"};
    for (size_t i = 0; i < sizeof counted / sizeof *counted; i++) {
        double all = check_sums(&r, counted[i], month->size);
        if (strcmp(counted[i], "officers_out_of_ticket") != 0) /* may well be 0 in 100 days */
            cr_assert_gt(all, 0.0, "%s: nothing counted, the test would prove nothing", counted[i]);
    }
    const struct sim_out_dim *method = &t->dims[dim_of(&r, "method")];
    double by_method[16] = {0}, by_sel[3] = {0};
    cr_assert_leq(method->size, 16);
    check_breakdown(&r, "groups_detected_by_method", month->size, method->size, by_method);
    check_breakdown(&r, "groups_detected_by_selection", month->size, 3, by_sel);
    size_t methods_used = 0, kinds_used = 0;
    for (size_t k = 0; k < method->size; k++)
        methods_used += by_method[k] > 0;
    for (size_t k = 0; k < 3; k++)
        kinds_used += by_sel[k] > 0;
    cr_assert_geq(methods_used, 2, "detections by at least two methods");
    cr_assert_eq(kinds_used, 3, "random %g, targeted %g, watch-list %g: each selection detects some",
                 by_sel[0], by_sel[1], by_sel[2]);
    world_run_free(&r);
    free(text);
}

Test(monthly, a_ports_only_run_has_the_table_without_vehicles_and_counts_partial_months_by_their_days)
{
    char port[2048];
    port_yaml(port, sizeof port, "calais", 1.2e6, 12, 2, 0.1, "random", 0.05, 1.0, 50,
              "{dist: uniform, min: 2, max: 6}", 0.7, 4.5);
    /* 2023-01-02 + 20: the window starts on 2023-01-22 and lasts 45.5 days, to mid-day on 2023-03-08. */
    char *text = scenario_yaml(20, 45.5, REPS, port);
    struct world_run r = world_run_text(text, REPS, 31);
    const struct sim_out_dim *month = &mdl_world_table(r.w)->dims[dim_of(&r, "month")];
    static const double days[] = {10, 28, 7.5};
    cr_assert_eq(month->size, 3);
    cr_assert_str_eq(month->labels[0], "2023-01");
    cr_assert_str_eq(month->labels[2], "2023-03");
    for (size_t m = 0; m < 3; m++)
        cr_assert_eq(monthly(&r, 0, "days_in_window")[m], days[m]);
    cr_assert_null(monthly(&r, 0, "vehicles_unsecured_found"), "no fleet, no vehicle datasets");
    cr_assert_null(monthly(&r, 0, "vehicle_traces"));
    cr_assert_gt(check_sums(&r, "lorries_searched", 3), 0.0);
    cr_assert_gt(check_sums(&r, "groups_detected", 3), 0.0);
    check_sums(&r, "officers_on_duty_ifc1", 3);
    double by_sel[3] = {0}, by_method[1] = {0};
    check_breakdown(&r, "groups_detected_by_selection", 3, 3, by_sel);
    check_breakdown(&r, "groups_detected_by_method", 3, 1, by_method);
    cr_assert_eq(by_sel[0], by_method[0], "the random policy: every detection is a random selection");
    world_run_free(&r);
    free(text);
}
