/* Studies: variants run on common random numbers, interventions change what they should and only
 * that, and the paired metrics give the answers known in advance. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>

#include "../analysis/ana_study.h"
#include "world_helpers.h"

/* A shortened default scenario (60 days warm-up, 120 days) followed by `study` (YAML text). */
static char *short_baseline_with_study(const char *study, const char *from_extra, const char *to_extra)
{
    const char *from[] = {"warmup_days: 90", "horizon_days: 365", from_extra};
    const char *to[] = {"warmup_days: 60", "horizon_days: 120", to_extra};
    char *base = baseline_with(from, to, from_extra ? 3 : 2);
    size_t len = strlen(base) + strlen(study) + 2;
    char *text = malloc(len);
    snprintf(text, len, "%s\n%s", base, study);
    free(base);
    return text;
}

/* Runs every variant of `yaml` for replications 0..nreps-1: [variant][rep][rep_values]. */
static double *run_study(const char *yaml, size_t nreps, struct mdl_scenario **s, struct mdl_world **w)
{
    *s = load_text(yaml);
    cr_assert_eq(mdl_world_create(*s, w), SIM_OK);
    size_t nv = mdl_world_nvariants(*w), rv = mdl_world_table(*w)->rep_values;
    double *v = malloc(nv * nreps * rv * sizeof *v);
    struct mdl_world_ws *ws = NULL;
    cr_assert_eq(mdl_world_ws_create(*w, &ws), SIM_OK);
    char err[512];
    /* Interleave variants and replications in one workspace, as threads do. */
    for (size_t r = 0; r < nreps; r++)
        for (size_t k = 0; k < nv; k++)
            cr_assert_eq(
                mdl_world_run_variant(ws, k, 77, r, v + (k * nreps + r) * rv, NULL, NULL, err, sizeof err),
                SIM_OK, "%s", err);
    mdl_world_ws_destroy(ws);
    return v;
}

/* Frees what run_study and short_baseline_with_study returned. */
static void free_study(double *v, struct mdl_world *w, struct mdl_scenario *s, char *yaml)
{
    free(v);
    mdl_world_destroy(w);
    mdl_scenario_destroy(s);
    free(yaml);
}

/* Relative tolerance of an intervention cost over `days`: mdl_study.c integrates it in hourly steps,
 * N = 24 days terms, each product and addition rounding to within a half-ulp (2^-53 relative), so
 * the sum is within N * 4 * 2^-53 of its exact value. A wrong day count is off by 1 / days. */
static double cost_rel_tol(double days)
{
    return 24.0 * days * 4.0 * (DBL_EPSILON / 2.0);
}

static const double *cell(const struct mdl_world *w, const double *v, size_t nreps, size_t variant,
                          size_t rep, const char *group, const char *name)
{
    const struct sim_out_table *t = mdl_world_table(w);
    int id = sim_out_find(t, group, name);
    cr_assert_geq(id, 0, "no %s/%s", group, name);
    return v + (variant * nreps + rep) * t->rep_values + t->offset[id];
}

Test(study, a_variant_identical_to_the_baseline_gives_exactly_zero_differences, .timeout = 600)
{
    /* Changes that change nothing: scale by 1, add 0, set to the value already there. */
    const char *study =
        "variants:\n"
        "  - name: same\n"
        "    interventions:\n"
        "      - {path: modes.small_boat.boat.patrol_effort, op: scale, value: 1, from: 2022-12-01}\n"
        "      - {path: ports.calais.selection.share, op: add, value: 0, from: 2022-12-15}\n"
        "      - {path: population.inflow.level_per_day, op: set, value: 175}\n";
    char *yaml = short_baseline_with_study(study, NULL, NULL);
    struct mdl_scenario *s;
    struct mdl_world *w;
    const size_t nreps = 3;
    double *v = run_study(yaml, nreps, &s, &w);
    const struct sim_out_table *t = mdl_world_table(w);
    for (size_t r = 0; r < nreps; r++)
        cr_assert(memcmp(v + r * t->rep_values, v + (nreps + r) * t->rep_values, t->rep_values * sizeof *v) ==
                      0,
                  "replication %zu: the identical variant differs from the baseline", r);
    struct ana_study *st = ana_study_compute(t, v, 2, nreps);
    cr_assert_not_null(st);
    const struct res_extra *x = ana_study_extra(st);
    size_t checked = 0;
    for (size_t i = 0; i < x->nvars; i++) {
        const struct res_extra_var *var = &x->vars[i];
        if (strcmp(var->name, "arrivals_change") != 0 && strcmp(var->name, "deaths_change") != 0 &&
            strcmp(var->name, "net_deterrence") != 0 && strcmp(var->name, "freight_delay_added_min") != 0)
            continue;
        size_t n = 1;
        for (int k = 1; k < var->rank; k++)
            n *= strcmp(var->dims[k], "stat") == 0 ? 3 : (size_t)s->modes_count + 1;
        for (size_t j = 0; j < 2 * n; j++) /* baseline and variant rows */
            cr_assert_eq(var->data[j], 0.0, "%s[%zu] = %g", var->name, j, var->data[j]);
        checked++;
    }
    cr_assert_eq(checked, 4);
    ana_study_free(st);
    free_study(v, w, s, yaml);
}

Test(study, a_boat_only_variant_leaves_the_lorry_only_outputs_unchanged, .timeout = 600)
{
    /* Nobody may choose a lorry (eligible_share 0), so no migrant's choice can reach the ports:
     * the controls see their traffic and the exogenous groups only. Doubling French beach patrols
     * must then change the boats and leave every port output bitwise identical, replication by
     * replication: the port model's streams are its own. */
    const char *study =
        "variants:\n"
        "  - name: patrols\n"
        "    interventions:\n"
        "      - {path: modes.small_boat.boat.patrol_effort, op: scale, value: 2, from: 2023-01-15}\n";
    char *yaml = short_baseline_with_study(study, "expected_wait_days: 2\n    lorry:",
                                           "expected_wait_days: 2\n    eligible_share: 0\n    lorry:");
    char *groups = strstr(yaml, "groups_per_day: 0");
    while (groups != NULL) { /* exogenous groups at every port, so detections happen */
        memcpy(groups, "groups_per_day: 9", 17);
        groups = strstr(groups, "groups_per_day: 0");
    }
    struct mdl_scenario *s;
    struct mdl_world *w;
    const size_t nreps = 3;
    double *v = run_study(yaml, nreps, &s, &w);
    const struct sim_out_table *t = mdl_world_table(w);
    const char *lorry_only[] = {"lorries_arrived",     "lorries_selected",       "lorries_searched",
                                "groups_carried",      "groups_detected",        "people_passed",
                                "search_wait_p95_min", "freight_delay_mean_min", "team_utilisation"};
    int port_dim = -1;
    for (size_t d = 0; d < t->ndims; d++)
        if (strcmp(t->dims[d].name, "port") == 0)
            port_dim = (int)d;
    size_t np = t->dims[port_dim].size;
    double carried = 0.0;
    for (size_t r = 0; r < nreps; r++) {
        for (size_t q = 0; q < sizeof lorry_only / sizeof *lorry_only; q++) {
            const double *a = cell(w, v, nreps, 0, r, "totals", lorry_only[q]),
                         *b = cell(w, v, nreps, 1, r, "totals", lorry_only[q]);
            cr_assert(memcmp(a, b, np * sizeof *a) == 0, "replication %zu: %s differs", r, lorry_only[q]);
        }
        const double *da = cell(w, v, nreps, 0, r, "daily", "lorries_selected"),
                     *db = cell(w, v, nreps, 1, r, "daily", "lorries_selected");
        cr_assert(memcmp(da, db, 120 * np * sizeof *da) == 0, "replication %zu: daily selections differ", r);
        carried += cell(w, v, nreps, 0, r, "totals", "groups_carried")[0];
        cr_assert_eq(cell(w, v, nreps, 0, r, "totals", "choices")[1], 0.0, "nobody chose a lorry");
        cr_assert_neq(*cell(w, v, nreps, 0, r, "totals", "boats_prevented"),
                      *cell(w, v, nreps, 1, r, "totals", "boats_prevented"), "the patrols changed the boats");
    }
    cr_assert_gt(carried, 0.0, "groups reached the controls");
    free_study(v, w, s, yaml);
}

Test(study, interventions_take_effect_at_their_dates_and_revert, .timeout = 600)
{
    /* Calais traffic halved for 30 days in the window, then back: the daily arrivals follow. */
    const char *study = "variants:\n"
                        "  - name: halved\n"
                        "    interventions:\n"
                        "      - {path: ports.calais.lorries_per_year, op: scale, value: 0.5,\n"
                        "         from: 2023-01-31, to: 2023-03-02, cost_per_day: 100}\n";
    char *yaml = short_baseline_with_study(study, NULL, NULL);
    struct mdl_scenario *s;
    struct mdl_world *w;
    double *v = run_study(yaml, 1, &s, &w);
    /* The start is 2022-10-03 and the warm-up here 60 days, so the window starts on 2022-12-02:
     * 2023-01-31 is its day 60 and 2023-03-02 its day 90. */
    const double *a = cell(w, v, 1, 0, 0, "daily", "lorries_arrived"),
                 *b = cell(w, v, 1, 1, 0, "daily", "lorries_arrived");
    size_t np = 3;
    /* Before the date nothing differs yet: common random numbers make the days identical. */
    for (size_t d = 0; d < 60; d++)
        cr_assert_eq(b[d * np], a[d * np], "day %zu: %g lorries in the variant, %g in the baseline", d,
                     b[d * np], a[d * np]);
    double during = 0, base_during = 0, after = 0, base_after = 0;
    for (size_t d = 60; d < 120; d++) {
        double x = b[d * np + 0], y = a[d * np + 0]; /* calais */
        if (d < 90)
            during += x, base_during += y;
        else
            after += x, base_after += y;
    }
    /* Ratio X / Y of Poisson totals of means r m and m: by the delta method Var(X / Y) = (Var X +
     * r^2 Var Y) / m^2 = r (1 + r) / m, taking X and Y independent. Common random numbers can only
     * correlate them positively, which lowers the variance, so this SE is an upper bound. 4 SE. */
    double se_during = sqrt(0.5 * 1.5 / base_during), se_after = sqrt(2.0 / base_after);
    cr_assert(fabs(during / base_during - 0.5) < 4.0 * se_during, "during: ratio %g (SE %.3g)",
              during / base_during, se_during);
    cr_assert(fabs(after / base_after - 1.0) < 4.0 * se_after, "after: ratio %g (SE %.3g)",
              after / base_after, se_after);
    /* 30 days in force, all in the window, at 100 EUR a day. */
    double cost = *cell(w, v, 1, 1, 0, "totals", "intervention_cost_eur");
    cr_assert(fabs(cost / 3000.0 - 1.0) < cost_rel_tol(30.0), "cost %.17g", cost);
    cr_assert_eq(*cell(w, v, 1, 0, 0, "totals", "intervention_cost_eur"), 0.0);
    free_study(v, w, s, yaml);
}

Test(study, a_sweep_makes_one_variant_per_grid_point, .timeout = 600)
{
    const char *study = "sweep:\n"
                        "  path: modes.small_boat.boat.patrol_effort\n"
                        "  op: set\n"
                        "  values: [1.5, 2]\n"
                        "  path2: ports.calais.selection.share\n"
                        "  values2: [0.4, 0.5, 0.6]\n"
                        "  cost_per_unit_day: 10\n";
    /* Calais under the fixed-share targeted policy (the baseline's capacity policy ignores share). */
    char *yaml = short_baseline_with_study(
        study, "      policy: capacity\n      false_flag_share: 0.02\n      hit_share: 0.33\n",
        "      policy: targeted\n      share: 0.30\n      lift: 2.5\n      hit_share: 0.33\n");
    struct mdl_scenario *s;
    struct mdl_world *w;
    double *v = run_study(yaml, 1, &s, &w);
    cr_assert_eq(mdl_world_nvariants(w), 7, "the baseline and 2 x 3 grid points");
    const char *const *names = mdl_world_variant_names(w);
    cr_assert_str_eq(names[1], "patrol_effort=1.5,share=0.4");
    cr_assert_str_eq(names[6], "patrol_effort=2,share=0.6");
    /* The grid point's parameters are in force: selection share at Calais, prevention by patrols. */
    for (size_t k = 1; k < 7; k++) {
        double share = (double[]){0.4, 0.5, 0.6}[(k - 1) % 3];
        /* Due for a search: selected, or passed because the queue was full. Calais targets with
         * lift 2.5: a clean lorry is due with probability `share`, one carrying people with
         * q = min(1, 2.5 share). The carrying lorries number at most the groups carried G, so the
         * expected due share lies in [share, share + (q - share) G / arrivals]. Lorries are due
         * independently: SE = sqrt(max(share (1 - share), q (1 - q)) / arrivals); 4 SE. */
        double sel = cell(w, v, 1, k, 0, "totals", "lorries_selected")[0] +
                     cell(w, v, 1, k, 0, "totals", "selection_suspended")[0],
               arr = cell(w, v, 1, k, 0, "totals", "lorries_arrived")[0],
               g = cell(w, v, 1, k, 0, "totals", "groups_carried")[0];
        double q = fmin(1.0, 2.5 * share), hi = share + (q - share) * g / arr;
        double se = sqrt(fmax(share * (1 - share), q * (1 - q)) / arr);
        cr_assert(sel / arr > share - 4.0 * se && sel / arr < hi + 4.0 * se,
                  "%s: share %g, expected [%g, %g] (SE %.3g)", names[k], sel / arr, share, hi, se);
        /* Cost per unit of change per day over the 120-day window: 1.5 - 1 or 2 - 1 for the patrols
         * plus share - 0.3 at Calais, times 10 EUR (a cut with a unit cost is refused). */
        double patrol = (k <= 3 ? 0.5 : 1.0), dshare = fabs(share - 0.30);
        double cost = *cell(w, v, 1, k, 0, "totals", "intervention_cost_eur"),
               expect = 10.0 * 120.0 * (patrol + dshare);
        cr_assert(fabs(cost / expect - 1.0) < cost_rel_tol(120.0), "%s: cost %.17g, expected %.17g", names[k],
                  cost, expect);
    }
    cr_assert_lt(*cell(w, v, 1, 1, 0, "totals", "boats_prevented"),
                 *cell(w, v, 1, 4, 0, "totals", "boats_prevented"), "more patrols prevent more launches");
    free_study(v, w, s, yaml);
}
