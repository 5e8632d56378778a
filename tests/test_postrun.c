/* dispsim run STUDY --posterior: a study under parameter uncertainty, end to end, on posterior
 * files written with the res_posterior writer. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../analysis/ana_post.h"
#include "../results/res.h"
#include "../results/res_posterior.h"

#define CLI_HELPERS_TMPDIR "/tmp/dispsim_postrun_XXXXXX"
#include "cli_helpers.h"

TestSuite(postrun, .init = setup, .fini = teardown, .timeout = 900);

static const char *stderr_text(void)
{
    return slurp("stderr");
}

/* Writes tmpdir/study.yaml: the default study cut to 20 days of warm-up and 30 of horizon. */
static void short_study(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "sed -e 's/horizon_days: 365/horizon_days: 30/' -e 's/warmup_days: 90/warmup_days: 20/' "
             "-e 's/from: 2023-01-01/from: 2022-10-03/' "
             "-e 's/from: 2023-07-10, to: 2023-07-17/from: 2022-10-24, to: 2022-10-31/' "
             "'%s/scenarios/inspector-study.yaml' > '%s/study.yaml'",
             getenv("DISPSIM_SOURCE_DIR"), tmpdir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* Writes tmpdir/`name`: a posterior over one parameter "theta" at field `path` whose four equally
 * weighted particles are inflow[4]. */
static void write_posterior(const char *name, const char *path, const double *inflow)
{
    char *names[] = {"theta"}, *paths[] = {(char *)path}, *priors[] = {"uniform(20, 400)"};
    char *target[] = {"boat_arrivals"}, *period[] = {"2023-Q1"};
    double lo = 20, hi = 400, w[4] = {0.25, 0.25, 0.25, 0.25}, parts[4], one = 1.0, obs = 100.0;
    uint64_t seeds[4] = {1, 2, 3, 4};
    memcpy(parts, inflow, sizeof parts);
    struct res_posterior p = {.d = 1,
                              .n = 4,
                              .ngen = 1,
                              .npoints = 1,
                              .names = names,
                              .paths = paths,
                              .priors = priors,
                              .prior_lo = &lo,
                              .prior_hi = &hi,
                              .particles = parts,
                              .weights = w,
                              .tolerance = &one,
                              .acceptance = &one,
                              .ess = &one,
                              .point_target = target,
                              .point_period = period,
                              .observed = &obs,
                              .pred_mean = &obs,
                              .pred_q05 = &obs,
                              .pred_q50 = &obs,
                              .pred_q95 = &obs,
                              .run_seeds = seeds,
                              .reps = 1,
                              .master_seed = 7,
                              .calibration_path = "test.yaml",
                              .calibration_text = "test",
                              .scenario_text = "test",
                              .program_version = "test"};
    char file[512], err[512];
    snprintf(file, sizeof file, "%s/%s", tmpdir, name);
    cr_assert_eq(res_posterior_write(file, &p, err, sizeof err), SIM_OK, "%s", err);
}

/* Runs the short study under posterior `post` with D draws of R replications on `threads`. */
static void run_post(const char *post, const char *out, int threads)
{
    char args[2048];
    snprintf(args, sizeof args, "run '%s/study.yaml' -q --posterior '%s/%s' --draws 8 -r 4 -j %d -o '%s/%s'",
             tmpdir, tmpdir, post, threads, tmpdir, out);
    cr_assert_eq(dispsim(args), 0, "%s", stderr_text());
}

static void read_study(const char *file, const char *name, struct res_array *a)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    struct res_file *f = NULL;
    cr_assert_eq(res_open(path, &f, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(res_read(f, "study", name, a), SIM_OK, "study/%s", name);
    res_close(f);
}

/* The share's bound under "parameters change nothing": the between-draw variance B of K draw
 * means has sd W sqrt(2 / (K - 1)) around the Monte Carlo variance W of one draw's mean, so
 * Vpar = max(0, B - W) stays below k = 4 such sds, and the share Vpar / (Vpar + R W) below
 * 4 sqrt(2 / (K - 1)) / R over one plus that. */
static double null_share_bound(double k_draws, double reps)
{
    double x = 4.0 * sqrt(2.0 / (k_draws - 1.0)) / reps;
    return x / (1.0 + x);
}

Test(postrun, combined_intervals_contain_the_monte_carlo_ones_and_the_parameter_share_tells_spread)
{
    short_study();
    const char *inflow = "population.inflow.level_per_day";
    write_posterior("equal.h5", inflow, (const double[]){180, 180, 180, 180});
    write_posterior("spread.h5", inflow, (const double[]){40, 120, 260, 390});
    run_post("equal.h5", "e1.h5", 1);
    run_post("equal.h5", "e2.h5", 2);
    run_post("spread.h5", "s.h5", 2);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cmp '%s/e1.h5' '%s/e2.h5'", tmpdir, tmpdir);
    cr_assert_eq(system(cmd), 0, "the results of -j 1 and -j 2 differ");
    /* reproduce re-runs an embedded scenario and seed only: it says so rather than differing. */
    snprintf(cmd, sizeof cmd, "reproduce -q '%s/e1.h5'", tmpdir);
    cr_assert_eq(dispsim(cmd), 65, "%s", stderr_text());
    cr_assert(strstr(stderr_text(), "parameter uncertainty") != NULL, "%s", stderr_text());

    double bound = null_share_bound(8, 4);
    const char *metrics[] = {"net_deterrence_posterior", "arrivals_change_posterior",
                             "deaths_change_posterior", "freight_delay_added_min_posterior"};
    for (size_t i = 0; i < 4; i++)
        for (int which = 0; which < 2; which++) {
            struct res_array a = {0};
            read_study(which ? "s.h5" : "e1.h5", metrics[i], &a);
            size_t cells = 1;
            for (int k = 0; k < a.rank - 1; k++)
                cells *= a.shape[k];
            for (size_t c = 0; c < cells; c++) {
                const double *x = a.data + c * ANA_PS_N;
                if (!isfinite(x[ANA_PS_LOW]))
                    continue;
                cr_assert_geq(x[ANA_PS_HIGH] - x[ANA_PS_LOW], x[ANA_PS_MC_HIGH] - x[ANA_PS_MC_LOW],
                              "%s cell %zu", metrics[i], c);
                cr_assert(x[ANA_PS_LOW] <= x[ANA_PS_MC_LOW] && x[ANA_PS_HIGH] >= x[ANA_PS_MC_HIGH]);
                cr_assert(x[ANA_PS_SHARE] >= 0.0 && x[ANA_PS_SHARE] <= 1.0);
                /* the draws' own spread: ordered, and of one sign when every draw is */
                cr_assert_leq(x[ANA_PS_Q05], x[ANA_PS_Q95], "%s cell %zu", metrics[i], c);
                cr_assert(x[ANA_PS_POSITIVE] >= 0.0 && x[ANA_PS_POSITIVE] <= 1.0);
                if (x[ANA_PS_POSITIVE] == 1.0)
                    cr_assert_gt(x[ANA_PS_Q05], 0.0, "%s cell %zu: every draw positive", metrics[i], c);
                if (x[ANA_PS_POSITIVE] == 0.0)
                    cr_assert_leq(x[ANA_PS_Q95], 0.0, "%s cell %zu: no draw positive", metrics[i], c);
            }
            res_array_free(&a);
        }
    struct res_array e = {0}, s = {0};
    read_study("e1.h5", "net_deterrence_posterior", &e);
    read_study("s.h5", "net_deterrence_posterior", &s);
    for (size_t v = 1; v < e.shape[0]; v++) {
        double se = e.data[v * ANA_PS_N + ANA_PS_SHARE], ss = s.data[v * ANA_PS_N + ANA_PS_SHARE];
        fprintf(stderr,
                "variant %zu: net deterrence parameter share %.3f (equal particles), %.3f (spread); "
                "null bound %.3f\n",
                v, se, ss, bound);
        cr_assert_lt(se, bound, "variant %zu: equal particles give a parameter share of %.3f", v, se);
    }
    /* Inflow scales every flow, so some variant's effect on some mode varies with it far beyond
     * its Monte Carlo noise: the largest share over the variants' net deterrence and their
     * changes by mode exceeds the null bound (with equal particles no net-deterrence share does,
     * above). Which cell that is depends on the window and the draws: in this 30-day October run
     * the beach patrols' effect is mostly weather, and a variant's net deterrence adds up mode
     * changes of opposite sign, so the largest share is often a single mode's change. */
    struct res_array m = {0};
    read_study("s.h5", "arrivals_change_posterior", &m);
    size_t cells = 1;
    for (int k = 0; k < m.rank - 1; k++)
        cells *= m.shape[k];
    double best = 0.0;
    for (size_t v = 1; v < s.shape[0]; v++)
        best = fmax(best, s.data[v * ANA_PS_N + ANA_PS_SHARE]);
    for (size_t c = 0; c < cells; c++)
        if (isfinite(m.data[c * ANA_PS_N + ANA_PS_SHARE]))
            best = fmax(best, m.data[c * ANA_PS_N + ANA_PS_SHARE]);
    cr_assert_gt(best, bound, "the spread posterior's largest parameter share %.3f", best);
    res_array_free(&m);
    res_array_free(&e);
    res_array_free(&s);
}

Test(postrun, a_posterior_that_does_not_fit_the_scenario_is_refused_with_exit_65)
{
    short_study();
    write_posterior("bad.h5", "population.inflow.no_such_field", (const double[]){180, 180, 180, 180});
    write_posterior("range.h5", "population.inflow.level_per_day", (const double[]){-5, -5, -5, -5});
    char args[1024];
    snprintf(args, sizeof args, "run '%s/study.yaml' -q --posterior '%s/bad.h5' -r 2 -o '%s/x.h5'", tmpdir,
             tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 65, "%s", stderr_text());
    cr_assert(strstr(stderr_text(), "bad.h5") && strstr(stderr_text(), "no_such_field") &&
                  strstr(stderr_text(), "study.yaml"),
              "%s", stderr_text());
    snprintf(args, sizeof args, "run '%s/study.yaml' -q --posterior '%s/range.h5' -r 2 -o '%s/x.h5'", tmpdir,
             tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 65, "%s", stderr_text());
    cr_assert(strstr(stderr_text(), "range.h5") && strstr(stderr_text(), "inflow") &&
                  strstr(stderr_text(), "got -5"),
              "%s", stderr_text());
    /* coquelles_closed sets open_share (op: set): a draw would undo it */
    write_posterior("iv.h5", "ports.coquelles.open_share", (const double[]){1.0, 1.0, 1.0, 1.0});
    snprintf(args, sizeof args, "run '%s/study.yaml' -q --posterior '%s/iv.h5' -r 2 -o '%s/x.h5'", tmpdir,
             tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 65, "%s", stderr_text());
    cr_assert(strstr(stderr_text(), "iv.h5") && strstr(stderr_text(), "open_share") &&
                  strstr(stderr_text(), "op: set"),
              "%s", stderr_text());
    snprintf(args, sizeof args, "test -e '%s/x.h5'", tmpdir);
    cr_assert_neq(system(args), 0, "a refused run left a results file");
    /* beach_patrols scales patrol_effort (op: scale): it acts on the drawn value, so the run goes */
    write_posterior("scaled.h5", "modes.small_boat.boat.patrol_effort", (const double[]){1.0, 1.2, 0.9, 1.1});
    snprintf(args, sizeof args,
             "run '%s/study.yaml' -q --posterior '%s/scaled.h5' --draws 2 -r 2 -o '%s/x.h5'", tmpdir, tmpdir,
             tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", stderr_text());
    /* one replication per draw is refused before anything runs */
    snprintf(args, sizeof args,
             "run '%s/study.yaml' -q --posterior '%s/scaled.h5' --draws 2 -r 1 -o '%s/y.h5'", tmpdir, tmpdir,
             tmpdir);
    cr_assert_eq(dispsim(args), 64, "%s", stderr_text());
    cr_assert(strstr(stderr_text(), "at least 2 replications per draw") != NULL, "%s", stderr_text());
    snprintf(args, sizeof args, "test -e '%s/y.h5.ckpt'", tmpdir);
    cr_assert_neq(system(args), 0, "a refused run left a checkpoint");
}
