/* Calibration files: the shipped ones load; bad ones get file:line:col errors. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../models/mdl_calib.h"
#include "../models/mdl_sens.h"
#include "../results/res_posterior.h"

static const char *src(void)
{
    const char *s = getenv("DISPSIM_SOURCE_DIR");
    return s ? s : ".";
}

/* The shipped sensitivity files name variants of the shipped study: a study that renames or drops
 * a variant must update them (they once named a variant the study no longer had). */
Test(calib, the_shipped_sensitivity_files_load_against_the_shipped_study)
{
    const char *files[] = {"sensitivity-inspector.yaml", "sensitivity-inspector-small.yaml"};
    for (int i = 0; i < 2; i++) {
        char path[1024], err[8192];
        snprintf(path, sizeof path, "%s/scenarios/%s", src(), files[i]);
        struct mdl_sens *s = NULL;
        cr_assert_eq(mdl_sens_load(path, &s, err, sizeof err), SIM_OK, "%s: %s", files[i], err);
        mdl_sens_destroy(s);
    }
}

Test(calib, the_shipped_calibrations_load_and_validate)
{
    const char *files[] = {"calibration-synthetic.yaml", "calibration-2018-2023.yaml"};
    const unsigned nparams[] = {3, 21};
    for (int i = 0; i < 2; i++) {
        char path[1024], err[8192];
        snprintf(path, sizeof path, "%s/scenarios/%s", src(), files[i]);
        struct mdl_calib *c = NULL;
        cr_assert_eq(mdl_calib_load(path, &c, err, sizeof err), SIM_OK, "%s", err);
        cr_assert_eq(c->parameters_count, nparams[i]);
        cr_assert_geq(c->npoints, 10);
        for (unsigned j = 0; j < c->parameters_count; j++)
            cr_assert_eq(sim_prior_check(&c->priors[j], NULL, 0), SIM_OK);
        struct sim_abc *abc = NULL;
        cr_assert_eq(sim_abc_create(c->parameters_count, c->priors, &c->opts, &abc), SIM_OK);
        sim_abc_destroy(abc);
        mdl_calib_destroy(c);
    }
}

Test(calib, synthetic_defaults_points_and_distance)
{
    char path[1024], err[8192];
    snprintf(path, sizeof path, "%s/scenarios/calibration-synthetic.yaml", src());
    struct mdl_calib *c = NULL;
    cr_assert_eq(mdl_calib_load(path, &c, err, sizeof err), SIM_OK, "%s", err);
    /* boat_arrivals: every period of its series; 2023-Q2 is days [180, 271) of a 2022-10-03 start. */
    const struct mdl_calib_target *t = &c->targets[0];
    cr_assert_eq(t->npoints, 4);
    cr_assert_str_eq(t->points[1].period, "2023-Q2");
    cr_assert_eq(t->points[1].from, 180.0);
    cr_assert_eq(t->points[1].to, 271.0);
    cr_assert_eq(t->points[1].scale, fabs(t->points[1].observed));
    cr_assert_float_eq(t->points[1].weight, 0.25, 1e-15);
    cr_assert(c->targets[3].q.ratio);
    cr_assert_eq(c->targets[3].points[0].weight, 0.5);
    cr_assert_eq(c->opts.nparticles, 200);
    cr_assert_eq(c->opts.reps, 1);
    /* Distance: every point at its observation but one, off by 10% of its scale. */
    double sim[64], wsum = 0.0;
    cr_assert_leq(c->npoints, 64);
    size_t k = 0;
    for (unsigned i = 0; i < c->targets_count; i++)
        for (unsigned j = 0; j < c->targets[i].npoints; j++, k++) {
            sim[k] = c->targets[i].points[j].observed;
            wsum += c->targets[i].points[j].weight;
        }
    cr_assert_eq(mdl_calib_distance(c, sim), 0.0);
    sim[1] += 0.1 * t->points[1].scale;
    cr_assert_float_eq(mdl_calib_distance(c, sim), sqrt(0.25 * 0.01 / wsum), 1e-12);
    sim[2] = NAN;
    cr_assert(isnan(mdl_calib_distance(c, sim)));
    /* Applying parameter values writes them into a scenario. */
    struct mdl_scenario *s = NULL;
    cr_assert_eq(mdl_scenario_load(c->scn->path, &s, err, sizeof err), SIM_OK);
    const double theta[3] = {212.5, 1.375, -2.25};
    cr_assert_eq(mdl_calib_apply(c, s, theta), SIM_OK);
    cr_assert_eq(s->population->inflow.level_per_day, 212.5);
    cr_assert_eq(s->choice->b_success, 1.375);
    cr_assert_eq(s->choice->leave.asc, -2.25);
    mdl_scenario_destroy(s);
    mdl_calib_destroy(c);
}

/* Copies `tmpl` into out[cap] with every '@' replaced by the source directory. */
static void expand(const char *tmpl, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = tmpl; *p != '\0' && n + 1 < cap; p++) {
        if (*p == '@')
            n += (size_t)snprintf(out + n, cap - n, "%s", src());
        else
            out[n++] = *p;
    }
    out[n < cap ? n : cap - 1] = '\0';
}

/* Writes a calibration (a template with @ for the source directory) to a temporary file c.yaml and
 * loads it into *c; returns the loader's status, its report in err. */
static sim_status load_template(const char *tmpl, struct mdl_calib **c, char *err, size_t errlen)
{
    char dir[] = "/tmp/dispsim_calibXXXXXX", path[1100], text[8192];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/c.yaml", dir);
    expand(tmpl, text, sizeof text);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    *c = NULL;
    sim_status st = mdl_calib_load(path, c, err, errlen);
    unlink(path);
    rmdir(dir);
    return st;
}

/* Loads a calibration template and checks the status and that the report holds `where` and
 * `what`. */
static void refused(const char *tmpl, sim_status want, const char *where, const char *what)
{
    char err[16384];
    struct mdl_calib *c = NULL;
    sim_status st = load_template(tmpl, &c, err, sizeof err);
    cr_assert_eq(st, want, "status %s, report:\n%s", sim_status_str(st), err);
    cr_assert_null(c);
    char full[1200];
    snprintf(full, sizeof full, "c.yaml:%s", where);
    cr_assert(strstr(err, full) != NULL, "expected '%s' in:\n%s", full, err);
    cr_assert(strstr(err, what) != NULL, "expected '%s' in:\n%s", what, err);
}

#define HEAD                                                                                                 \
    "scenario: @/scenarios/baseline.yaml\n"                                                                  \
    "observed: @/scenarios/data/synthetic-observed.csv\n"
#define PARAM                                                                                                \
    "parameters:\n"                                                                                          \
    "  - name: inflow\n"                                                                                     \
    "    path: population.inflow.level_per_day\n"                                                            \
    "    prior: {dist: uniform, min: 100, max: 260}\n"
#define TARGET                                                                                               \
    "targets:\n"                                                                                             \
    "  - series: synthetic_leavers\n"                                                                        \
    "    quantity: daily/leavers\n"
#define ALGO "algorithm: {particles: 100, generations: 3}\n"

Test(calib, a_minimal_file_loads)
{
    char err[8192];
    struct mdl_calib *c = NULL;
    cr_assert_eq(load_template(HEAD PARAM TARGET ALGO, &c, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(c->opts.reps, 1);
    cr_assert_eq(c->opts.alpha, 0.5);
    cr_assert_eq(c->opts.seed, c->scn->run.master_seed);
    cr_assert_eq(c->targets[0].weight, 1.0);
    mdl_calib_destroy(c);
}

Test(calib, unknown_parameter_paths_are_refused_at_their_position)
{
    refused(HEAD "parameters:\n  - name: x\n    path: population.inflow.levels\n"
                 "    prior: {dist: uniform, min: 1, max: 2}\n" TARGET ALGO,
            SIM_EINVAL, "5:11: parameters.x.path:", "levels");
    refused(
        HEAD
        "parameters:\n  - path: calendar.horizon_days\n    prior: {dist: uniform, min: 1, max: 2}\n" TARGET
            ALGO,
        SIM_EINVAL, "4:11: parameters[0].path:", "");
}

/* Writes the history scenario with `extra` appended (its last section is `interventions:`, so
 * an extra line is one more intervention) to a file under `dir`; returns its path in `out`. */
static void history_plus(const char *dir, const char *extra, char *out, size_t cap)
{
    char in[1100];
    snprintf(in, sizeof in, "%s/scenarios/history-2018-2023.yaml", src());
    snprintf(out, cap, "%s/history.yaml", dir);
    FILE *f = fopen(in, "rb"), *g = fopen(out, "wb");
    cr_assert(f != NULL && g != NULL);
    int ch;
    while ((ch = fgetc(f)) != EOF)
        fputc(ch, g);
    fputs(extra, g);
    fclose(f);
    fclose(g);
}

/* A parameter the scenario sets (op: set) over the whole analysis window would be overridden:
 * refused, naming the intervention, whether one set covers the window or several do between
 * them. One it only scales (the history's yearly inflow factors), or sets only before some date
 * (the history's soft years before the fitted 2023 hardening), is fitted as the base level. */
Test(calib, a_parameter_the_scenario_sets_is_refused_and_one_it_scales_is_fitted)
{
#define HIST_HEAD                                                                                            \
    "scenario: @/scenarios/history-2018-2023.yaml\n"                                                         \
    "observed: @/scenarios/data/observed.csv\n"
#define HIST_TARGET                                                                                          \
    "targets:\n"                                                                                             \
    "  - series: irregular_arrivals_air_inadequately_documented\n"                                           \
    "    quantity: daily/arrivals\n"                                                                         \
    "    select: [air]\n"
    refused(HIST_HEAD "parameters:\n  - name: x\n    path: modes.small_boat.boat.patrol_effort\n"
                      "    prior: {dist: uniform, min: 0.5, max: 2}\n" HIST_TARGET ALGO,
            SIM_EINVAL, "5:11: parameters.x.path:",
            "set over the whole analysis window by the scenario's intervention or variant 'patrols_2018'");
    const char *fitted[] = {"population.inflow.level_per_day", "modes.small_boat.boat.occupancy_mean",
                            "modes.lorry.lorry.hauliers_secured_share", "modes.lorry.lorry.self_success"};
    const double lo[] = {100, 30, 0.3, 0.1}, hi[] = {260, 60, 0.9, 0.6};
    for (size_t i = 0; i < sizeof fitted / sizeof *fitted; i++) {
        char tmpl[2048], err[8192];
        snprintf(tmpl, sizeof tmpl,
                 HIST_HEAD "parameters:\n  - name: x\n    path: %s\n"
                           "    prior: {dist: uniform, min: %g, max: %g}\n" HIST_TARGET ALGO,
                 fitted[i], lo[i], hi[i]);
        struct mdl_calib *c = NULL;
        sim_status st = load_template(tmpl, &c, err, sizeof err);
        cr_assert_eq(st, SIM_OK, "%s: %s", fitted[i], err);
        mdl_calib_destroy(c);
    }
    /* The history sets secured lorries until 2022; a third set from 2022 on leaves no day of the
     * window to the fitted value. */
    char dir[] = "/tmp/dispsim_calibXXXXXX", scn[1200], tmpl[2048];
    cr_assert_not_null(mkdtemp(dir));
    history_plus(
        dir,
        "  - {name: hauliers_late, path: modes.lorry.lorry.hauliers_secured_share, op: set, value: 0.6,"
        " from: 2022-01-01}\n",
        scn, sizeof scn);
    snprintf(tmpl, sizeof tmpl,
             "scenario: %s\nobserved: @/scenarios/data/observed.csv\n"
             "parameters:\n  - name: x\n    path: modes.lorry.lorry.hauliers_secured_share\n"
             "    prior: {dist: uniform, min: 0.3, max: 0.9}\n" HIST_TARGET ALGO,
             scn);
    refused(tmpl, SIM_EINVAL, "5:11: parameters.x.path:", "set over the whole analysis window");
    unlink(scn);
    rmdir(dir);
#undef HIST_HEAD
#undef HIST_TARGET
}

Test(calib, priors_outside_the_valid_range_are_refused)
{
    refused(HEAD "parameters:\n  - name: b\n    path: choice.b_success\n"
                 "    prior: {dist: uniform, min: -0.5, max: 2}\n" TARGET ALGO,
            SIM_EINVAL, "6:12: parameters.b.prior:", "the prior reaches -0.5 (lower end)");
    refused(HEAD "parameters:\n  - name: b\n    path: modes.air.generic.detection\n"
                 "    prior: {dist: normal, mean: 0.5, sd: 0.2}\n" TARGET ALGO,
            SIM_EINVAL, "6:12: parameters.b.prior:", "taken at 8 sd");
    refused(HEAD "parameters:\n  - name: b\n    path: choice.b_success\n"
                 "    prior: {dist: loguniform, min: 2, max: 1}\n" TARGET ALGO,
            SIM_EINVAL, "6:12: parameters.b.prior:", "needs 0 < min < max");
    refused(HEAD "parameters:\n  - name: b\n    path: choice.b_success\n"
                 "    prior: {dist: normal, mean: 1, sd: 0.2, min: 0}\n" TARGET ALGO,
            SIM_EINVAL, "6:50: parameters.b.prior.min:", "not used by a normal prior");
    refused(HEAD "parameters:\n  - name: b\n    path: choice.b_success\n"
                 "    prior: {dist: uniform, max: 2}\n" TARGET ALGO,
            SIM_EINVAL, "6:12: parameters.b.prior:", "a uniform prior needs 'min'");
    refused(HEAD "parameters:\n  - name: b\n    path: choice.b_success\n"
                 "    prior: {dist: beta, min: 0, max: 2}\n" TARGET ALGO,
            SIM_EINVAL, "6:19: parameters.b.prior.dist:", "expected one of: uniform, loguniform");
}

Test(calib, targets_naming_absent_series_or_periods_are_refused)
{
    refused(HEAD PARAM "targets:\n  - series: synthetic_leaver\n    quantity: daily/leavers\n" ALGO,
            SIM_EINVAL, "8:13: targets[0].series:", "no series 'synthetic_leaver'");
    refused(HEAD PARAM
            "targets:\n  - series: leavers\n    periods: [2023]\n    quantity: daily/leavers\n" ALGO,
            SIM_EINVAL, "8:13: targets[0].series:", "no series 'leavers'");
    refused(HEAD PARAM "targets:\n  - series: synthetic_leavers\n    periods: [2023, 2024]\n"
                       "    quantity: daily/leavers\n" ALGO,
            SIM_EINVAL, "9:21: targets[0].periods[1]:", "no synthetic_leavers for period '2024'");
    refused(HEAD PARAM "targets:\n  - series: synthetic_leavers\n    quantity: daily/leaver\n" ALGO,
            SIM_EINVAL, "9:15: targets[0].quantity:", "no output variable 'daily/leaver'");
    refused(HEAD PARAM "targets:\n  - series: synthetic_boat_arrivals\n    quantity: daily/arrivals\n"
                       "    select: [ferry]\n" ALGO,
            SIM_EINVAL, "10:13: targets[0].select:", "expected one of: small_boat, lorry");
    refused(HEAD PARAM "targets:\n  - series: synthetic_leavers\n    quantity: totals/leavers\n" ALGO,
            SIM_EINVAL, "9:15: targets[0].quantity:", "no day dimension");
}

Test(calib, periods_outside_the_analysis_window_are_refused)
{
    refused("scenario: @/scenarios/baseline.yaml\nobserved: @/scenarios/data/observed.csv\n" PARAM
            "targets:\n  - series: irregular_arrivals_small_boat\n    periods: [2023, 2022]\n"
            "    quantity: daily/arrivals\n" ALGO,
            SIM_EINVAL, "9:21: targets[0].periods[1]:", "outside the analysis window");
}

Test(calib, structural_mistakes_get_positions)
{
    refused(HEAD PARAM TARGET ALGO "colour: blue\n", SIM_EFORMAT,
            "11:1: colour:", "unknown key (expected one of");
    refused(HEAD PARAM TARGET "algorithm: {particles: many, generations: 3}\n", SIM_EINVAL,
            "10:24: algorithm.particles:", "expected a whole number >= 0, got 'many'");
    refused(HEAD PARAM TARGET, SIM_EFORMAT, "", "missing required key 'algorithm'");
    refused(HEAD "parameters: []\n" TARGET ALGO, SIM_EINVAL,
            "3:13: parameters:", "expected at least one entry, got 0");
    /* A bad path does not hide a bad range in another parameter. */
    refused(HEAD "parameters:\n  - {name: a, path: choice.b_sucess, prior: {dist: uniform, min: 0, max: 2}}\n"
                 "  - {name: b, path: modes.air.generic.detection, prior: {dist: uniform, min: 0.2, max: "
                 "1.2}}\n" TARGET ALGO,
            SIM_EINVAL, "5:57: parameters.b.prior:",
            "the prior reaches 1.2 (upper end), where the parameter is invalid: modes.air.generic.detection: "
            "must be in [0, 1]");
    refused(HEAD PARAM TARGET "algorithm: {particles: 100}\n", SIM_EINVAL,
            "10:12: algorithm:", "needs a stopping rule");
    refused(HEAD PARAM TARGET "algorithm: {particles: 1, generations: 3, alpha: 1.5}\n", SIM_EINVAL,
            "10:24: algorithm.particles:", "must be in [2, 1000000], got 1");
    refused(HEAD PARAM TARGET "algorithm: {particles: 10, generations: 3, moves: 2}\n", SIM_EINVAL,
            "10:51: algorithm.moves:", "only the resample-move sampler has move steps");
    refused(HEAD PARAM TARGET "algorithm: {particles: 10, generations: 3, sampler: gibbs}\n", SIM_EINVAL,
            "10:53: algorithm.sampler:", "expected one of: pmc, resample-move, got 'gibbs'");
    refused("scenario: nowhere.yaml\nobserved: data.csv\n" PARAM TARGET ALGO, SIM_ENOENT,
            "1:11: scenario:", "does not load");
    refused(HEAD PARAM TARGET ALGO "  [oops\n", SIM_EFORMAT, "", "YAML syntax error");
}

/* On a real replication of the baseline, the four quarters of 2023 (its whole analysis window)
 * summed from daily/arrivals must equal what the model counted in totals/arrivals. */
Test(calib, quarterly_targets_add_up_to_the_models_own_totals)
{
    char path[1024], err[8192];
    snprintf(path, sizeof path, "%s/scenarios/calibration-synthetic.yaml", src());
    struct mdl_calib *c = NULL;
    cr_assert_eq(mdl_calib_load(path, &c, err, sizeof err), SIM_OK, "%s", err);
    const struct sim_out_table *t = mdl_world_table(c->world);
    struct mdl_world_ws *ws = NULL;
    cr_assert_eq(mdl_world_ws_create(c->world, &ws), SIM_OK);
    double *values = malloc(t->rep_values * sizeof *values), sim[64];
    cr_assert_eq(mdl_world_run_rep(ws, 4242, 3, values, NULL, NULL, err, sizeof err), SIM_OK, "%s", err);
    mdl_calib_simulated(c, values, sim);
    int tot = sim_out_find(t, "totals", "arrivals");
    cr_assert_geq(tot, 0);
    size_t boat = 0; /* small_boat is the first mode of the baseline */
    cr_assert_str_eq(c->scn->modes[boat].name, "small_boat");
    double total = values[t->offset[tot] + boat];
    cr_assert_gt(total, 0.0);
    cr_assert_eq(sim[0] + sim[1] + sim[2] + sim[3], total);
    cr_assert(isfinite(mdl_calib_distance(c, sim)));
    free(values);
    mdl_world_ws_destroy(ws);
    mdl_calib_destroy(c);
}

Test(calib, a_point_runs_on_a_reused_workspace_and_leaves_it_clean)
{
    char path[1024], err[8192];
    snprintf(path, sizeof path, "%s/scenarios/calibration-synthetic.yaml", src());
    struct mdl_calib *c = NULL;
    cr_assert_eq(mdl_calib_load(path, &c, err, sizeof err), SIM_OK, "%s", err);
    const struct sim_out_table *t = mdl_world_table(c->world);
    const char *paths[3];
    double base[3], high[3];
    for (unsigned i = 0; i < 3; i++) {
        paths[i] = c->parameters[i].path;
        struct mdl_param p;
        cr_assert_eq(mdl_scenario_param(c->scn, paths[i], &p, err, sizeof err), SIM_OK);
        base[i] = high[i] = mdl_param_get(&p);
    }
    high[0] = 250.0; /* inflow level per day, baseline 175 */
    struct mdl_world_ws *plain = NULL, *ws = NULL;
    cr_assert_eq(mdl_world_ws_create(c->world, &plain), SIM_OK);
    cr_assert_eq(mdl_world_ws_create_params(c->world, paths, 3, &ws, err, sizeof err), SIM_OK, "%s", err);
    size_t n = t->rep_values;
    double *ref = malloc(n * sizeof *ref), *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    cr_assert_eq(mdl_world_run_rep(plain, 99, 1, ref, NULL, NULL, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(mdl_world_run_point(ws, base, 0, 99, 1, a, NULL, NULL, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(memcmp(ref, a, n * sizeof *a), 0, "the scenario's own values give the plain replication");
    cr_assert_eq(mdl_world_run_point(ws, high, 0, 99, 1, b, NULL, NULL, err, sizeof err), SIM_OK, "%s", err);
    int tot = sim_out_find(t, "totals", "arrivals");
    double arr_base = 0.0, arr_high = 0.0;
    for (size_t m = 0; m < sim_out_var_size(t, tot); m++)
        arr_base += ref[t->offset[tot] + m], arr_high += b[t->offset[tot] + m];
    cr_assert_gt(arr_high, arr_base, "a higher inflow brings more arrivals: %g vs %g", arr_high, arr_base);
    cr_assert_eq(mdl_world_run_point(ws, base, 0, 99, 1, a, NULL, NULL, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(memcmp(ref, a, n * sizeof *a), 0, "the workspace was restored after the point");
    const char *bad[] = {"choice.no_such_field"};
    struct mdl_world_ws *none = NULL;
    cr_assert_eq(mdl_world_ws_create_params(c->world, bad, 1, &none, err, sizeof err), SIM_EINVAL);
    cr_assert_null(none);
    free(ref), free(a), free(b);
    mdl_world_ws_destroy(ws);
    mdl_world_ws_destroy(plain);
    mdl_calib_destroy(c);
}

/* The whole of file `path`, NUL-terminated (free it). */
static char *slurp_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *t = malloc((size_t)n + 1);
    cr_assert_eq(fread(t, 1, (size_t)n, f), (size_t)n);
    t[n] = '\0';
    fclose(f);
    return t;
}

/* results/posterior-2018-2023.h5 is the fit of the shipped calibration file to the shipped
 * scenario: edit either and this fails until the fit is redone (scenarios/CALIBRATION.md). */
Test(calib, the_shipped_posterior_is_the_fit_of_the_shipped_files)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/results/posterior-2018-2023.h5", src());
    struct res_posterior p;
    cr_assert_eq(res_posterior_read(path, &p, err, sizeof err), SIM_OK, "%s", err);
    snprintf(path, sizeof path, "%s/scenarios/calibration-2018-2023.yaml", src());
    char *cal = slurp_file(path);
    snprintf(path, sizeof path, "%s/scenarios/history-2018-2023.yaml", src());
    char *scn = slurp_file(path);
    cr_assert_str_eq(p.calibration_text, cal, "the calibration file changed since the fit");
    cr_assert_str_eq(p.scenario_text, scn, "the history scenario changed since the fit");
    cr_assert_eq(p.d, 21);
    cr_assert_not_null(p.pred_particles,
                       "the shipped posterior holds predictive/particles (analysis/coverage.py)");
    double sum = 0.0;
    for (size_t i = 0; i < p.n; i++)
        sum += p.weights[i];
    cr_assert(fabs(sum - 1.0) < 1e-9 * (double)p.n, "weights sum to %.17g", sum);
    free(cal), free(scn);
    res_posterior_free(&p);
}

/* A scenario that scales a calibrated parameter: writes the baseline with inflow level `level`
 * and an intervention halving it from July; returns the calibration loaded on it. */
static struct mdl_calib *halved_inflow(const char *level, char *scn, size_t cap)
{
    char base[1024], err[8192];
    snprintf(base, sizeof base, "%s/scenarios/baseline.yaml", src());
    char *text = slurp_file(base);
    char *at = strstr(text, "level_per_day: 175");
    cr_assert_not_null(at);
    snprintf(scn, cap, "/tmp/dispsim_calib_ivXXXXXX.yaml");
    int fd = mkstemps(scn, 5);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "%.*slevel_per_day: %s%s", (int)(at - text), text, level, at + strlen("level_per_day: 175"));
    fputs("interventions:\n  - {name: halved, path: population.inflow.level_per_day, op: scale, value: 0.5,"
          " from: 2023-07-01}\n",
          f);
    fclose(f);
    free(text);
    char tmpl[2048];
    snprintf(tmpl, sizeof tmpl,
             "scenario: %s\nobserved: @/scenarios/data/synthetic-observed.csv\n" PARAM TARGET ALGO, scn);
    struct mdl_calib *c = NULL;
    cr_assert_eq(load_template(tmpl, &c, err, sizeof err), SIM_OK, "%s", err);
    return c;
}

/* A point's value is where the scenario's interventions start from: a calibrated inflow of 250
 * that the scenario halves from July runs as a scenario written with 250 does. (Before this was
 * fixed the interventions restored the written value at every replication, so a fitted parameter
 * that any change scaled had no effect at all.) */
Test(calib, a_point_value_is_what_the_scenarios_interventions_scale)
{
    char err[8192], scn_a[64], scn_b[64];
    struct mdl_calib *a = halved_inflow("175", scn_a, sizeof scn_a);
    struct mdl_calib *b = halved_inflow("250", scn_b, sizeof scn_b);
    const struct sim_out_table *t = mdl_world_table(a->world);
    size_t n = t->rep_values;
    double *at_point = malloc(n * sizeof *at_point), *written = malloc(n * sizeof *written);
    const char *paths[] = {"population.inflow.level_per_day"};
    double theta[] = {250.0};
    struct mdl_world_ws *ws = NULL, *plain = NULL;
    cr_assert_eq(mdl_world_ws_create_params(a->world, paths, 1, &ws, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(mdl_world_ws_create(b->world, &plain), SIM_OK);
    for (uint64_t rep = 0; rep < 2; rep++) {
        cr_assert_eq(mdl_world_run_point(ws, theta, 0, 99, rep, at_point, NULL, NULL, err, sizeof err),
                     SIM_OK, "%s", err);
        cr_assert_eq(mdl_world_run_rep(plain, 99, rep, written, NULL, NULL, err, sizeof err), SIM_OK, "%s",
                     err);
        cr_assert_eq(memcmp(at_point, written, n * sizeof *written), 0,
                     "replication %llu: the point of 250 ran as the scenario written with 250",
                     (unsigned long long)rep);
    }
    free(at_point), free(written);
    mdl_world_ws_destroy(ws);
    mdl_world_ws_destroy(plain);
    mdl_calib_destroy(a);
    mdl_calib_destroy(b);
    unlink(scn_a);
    unlink(scn_b);
}
