/* The civil-penalty scheme on its own, driven by synthetic referrals on a bare kernel: the team
 * against Erlang C, zero caseworkers, conservation, the 2023 penalty step, the hauliers' response
 * and the CPAS team. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../models/mdl_cecps_priv.h"
#include "../sim/sim_rng.h"
#include "../sim/sim_stats.h"

enum { MAXSCRIPT = 8 };

/* Scripted or Poisson referrals, from the stream after the scheme's. */
struct driver {
    struct mdl_cecps *m;
    uint16_t id;
    double rate_per_day, qualified_share, unsecured_share;
    uint32_t hauliers;
    unsigned nscript;
    struct scripted {
        double t;
        unsigned entrants;
        bool accredited, unsecured;
    } script[MAXSCRIPT];
    double poke_t;  /* > 0: corrupt the scheme's state then, to provoke an invariant */
    bool poke_case; /* corrupt the case count instead of a debt */
    uint64_t sent;
};

static sim_status drv_init(void *self, struct sim_kernel *k)
{
    struct driver *d = self;
    d->sent = 0;
    for (unsigned i = 0; i < d->nscript; i++)
        sim_kernel_at(k, d->id, 1, d->script[i].t, 5, i, 0, 0.0, NULL);
    if (d->poke_t > 0.0)
        sim_kernel_at(k, d->id, 2, d->poke_t, 5, 0, 0, 0.0, NULL);
    if (d->rate_per_day > 0.0)
        sim_kernel_at(k, d->id, 0,
                      sim_rng_exponential(sim_kernel_rng(k, MDL_CECPS_NSTREAMS)) / d->rate_per_day, 5, 0, 0,
                      0.0, NULL);
    return SIM_OK;
}

static void drv_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct driver *d = self;
    gsl_rng *r = sim_kernel_rng(k, MDL_CECPS_NSTREAMS);
    if (ev->kind == 2) {
        if (d->poke_case)
            d->m->arrived_type[MDL_CECPS_REFERRAL]++;
        else
            d->m->debt[0] += 1.0;
        return;
    }
    if (ev->kind == 1) {
        const struct scripted *s = &d->script[ev->a];
        cr_assert_eq(mdl_cecps_refer(d->m, k, 0, 0, s->entrants, s->accredited, true, s->unsecured), SIM_OK);
        d->sent++;
        return;
    }
    uint32_t h = (uint32_t)(sim_rng_uniform(r) * d->hauliers);
    unsigned entrants = 1 + (sim_rng_uniform(r) < 0.5);
    bool qualified = sim_rng_uniform(r) < d->qualified_share,
         unsecured = sim_rng_uniform(r) < d->unsecured_share;
    cr_assert_eq(
        mdl_cecps_refer(d->m, k, 0, h, entrants, mdl_cecps_accredited(d->m, h), qualified, unsecured),
        SIM_OK);
    d->sent++;
    sim_kernel_at(k, d->id, 0, ev->time + sim_rng_exponential(r) / d->rate_per_day, 5, 0, 0, 0.0, NULL);
}

static const struct sim_model driver_model = {.name = "driver", .init = drv_init, .handle = drv_handle};

struct harness {
    struct mdl_cecps_params p;
    struct sim_out_table t;
    struct mdl_cecps_vars ids;
    struct mdl_cecps *m;
    struct sim_kernel *k;
    struct driver d;
    uint16_t id;
    double w0, w1, *v;
};

/* Builds the scheme for `hauliers` hauliers from day 0 = start_date; the caller has set h->p. */
static void build(struct harness *h, uint32_t hauliers, int32_t start_date, double warmup, double horizon)
{
    char err[256];
    cr_assert_eq(mdl_cecps_params_check(&h->p, err, sizeof err), SIM_OK, "%s", err);
    h->w0 = warmup;
    h->w1 = warmup + horizon;
    int day, year;
    struct sim_out_dim dd = {
        .name = "day", .size = (size_t)horizon, .origin = 0.5, .step = 1.0, .units = "day"};
    struct sim_out_dim yd = {.name = "year", .size = mdl_cecps_years(horizon), .step = 1.0, .units = "year"};
    cr_assert_eq(sim_out_add_dim(&h->t, &dd, &day), SIM_OK);
    cr_assert_eq(sim_out_add_dim(&h->t, &yd, &year), SIM_OK);
    cr_assert_eq(mdl_cecps_declare(&h->t, day, year, &h->ids), SIM_OK);
    sim_out_finalize(&h->t);
    cr_assert_eq(mdl_cecps_create(&h->p, hauliers, start_date, warmup, horizon, &h->t, &h->ids, 0, &h->m),
                 SIM_OK);
    cr_assert_eq(sim_kernel_create(MDL_CECPS_NSTREAMS + 1, 1024, &h->k), SIM_OK);
    cr_assert_eq(sim_kernel_attach(h->k, &mdl_cecps_model, h->m, &h->id), SIM_OK);
    h->d.m = h->m;
    h->d.hauliers = hauliers;
    cr_assert_eq(sim_kernel_attach(h->k, &driver_model, &h->d, &h->d.id), SIM_OK);
    h->v = calloc(h->t.rep_values, sizeof *h->v);
    cr_assert_not_null(h->v);
}

static struct harness *harness_new(void)
{
    struct harness *h = calloc(1, sizeof *h);
    cr_assert_not_null(h);
    mdl_cecps_params_default(&h->p);
    return h;
}

static void harness_free(struct harness *h)
{
    mdl_cecps_destroy(h->m);
    sim_kernel_destroy(h->k);
    free(h->v);
    free(h);
}

static sim_status run(struct harness *h, uint64_t seed, uint64_t rep)
{
    memset(h->v, 0, h->t.rep_values * sizeof *h->v);
    mdl_cecps_bind(h->m, h->v, h->id);
    sim_kernel_reset(h->k, seed, rep);
    return sim_kernel_run(h->k, h->w1);
}

static double total(const struct harness *h, const char *name)
{
    int v = sim_out_find(&h->t, "totals", name);
    cr_assert_geq(v, 0, "%s", name);
    return h->v[h->t.offset[v]];
}

/* Mean of a daily series over [from, to) of the window. */
static double daily_mean(const struct harness *h, const char *name, size_t from, size_t to)
{
    int v = sim_out_find(&h->t, "daily", name);
    cr_assert_geq(v, 0);
    double s = 0.0;
    for (size_t d = from; d < to; d++)
        s += h->v[h->t.offset[v] + d];
    return s / (double)(to - from);
}

/* A team that is exactly an M/M/c queue: round-the-clock shifts, no absence, one case type (no
 * penalty, hence no challenges or new information), no lapsing, no IPM. */
static void mmc_params(struct mdl_cecps_params *p, unsigned c, double mean_h)
{
    p->team = (struct mdl_cecps_team){.staff = c,
                                      .start_hour = 0.0,
                                      .hours_per_day = 24.0,
                                      .working_days_per_week = 7,
                                      .absence_share = 0.0};
    p->work_hours[MDL_CECPS_REFERRAL] = (struct mdl_dist){.kind = MDL_DIST_EXPONENTIAL, .mean = mean_h};
    p->impose_share = 0.0;
    p->statutory_days = 0.0;
    p->ipm_factor = 1.0;
    p->cpas_apply_per_year = 0.0;
}

/* Erlang C: Lq and Wq (days) for arrival rate lambda and service rate mu per day, c servers. */
static void erlang_c(unsigned c, double lambda, double mu, double *lq, double *wq)
{
    double a = lambda / mu, rho = a / c, term = 1.0, sum = 0.0;
    for (unsigned i = 0; i < c; i++) {
        sum += term;
        term *= a / (i + 1);
    }
    double top = term / (1.0 - rho), pw = top / (sum + top);
    *wq = pw / (c * mu - lambda);
    *lq = lambda * *wq;
}

Test(cecps, team_matches_erlang_c_for_backlog_and_wait, .timeout = 600)
{
    const struct {
        unsigned c;
        double mean_h, rho;
    } cases[] = {{1, 8.0, 0.5}, {4, 6.0, 0.9}, {8, 12.0, 0.7}};
    enum { REPS = 60 };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct harness *h = harness_new();
        mmc_params(&h->p, cases[i].c, cases[i].mean_h);
        double mu = 24.0 / cases[i].mean_h, lambda = cases[i].rho * cases[i].c * mu, lq, wq;
        h->d.rate_per_day = lambda;
        h->d.qualified_share = 1.0;
        build(h, 50, 20230301, 100.0, 1500.0);
        erlang_c(cases[i].c, lambda, mu, &lq, &wq);
        /* Independent replications: the time average of each is one observation, so the standard
         * error of their mean is honest however correlated the queue is within a run. */
        struct sim_welford wl = {0}, ww = {0};
        for (uint64_t r = 0; r < REPS; r++) {
            cr_assert_eq(run(h, 4242, r), SIM_OK, "%s", sim_kernel_error(h->k));
            sim_welford_add(&wl, total(h, "team_waiting_mean"));
            sim_welford_add(&ww, total(h, "team_wait_mean_days"));
        }
        cr_log_info("c=%u rho=%.2f: Lq %.4f (Erlang C %.4f, se %.4f), Wq %.5f d (%.5f, se %.5f)", cases[i].c,
                    cases[i].rho, wl.mean, lq, sim_welford_sem(&wl), ww.mean, wq, sim_welford_sem(&ww));
        cr_expect(fabs(wl.mean - lq) < 3.0 * sim_welford_sem(&wl), "c=%u: Lq %g, Erlang C %g, se %g",
                  cases[i].c, wl.mean, lq, sim_welford_sem(&wl));
        cr_expect(fabs(ww.mean - wq) < 3.0 * sim_welford_sem(&ww), "c=%u: Wq %g, Erlang C %g, se %g",
                  cases[i].c, ww.mean, wq, sim_welford_sem(&ww));
        harness_free(h);
    }
}

/* Mean daily secured share over the last 100 days, with `staff` caseworkers, per replication. */
static void secured_runs(unsigned staff, double rate, size_t reps, double *share, double *penalties)
{
    struct harness *h = harness_new();
    h->p.team.staff = staff;
    h->d.rate_per_day = rate;
    h->d.qualified_share = 0.7;
    h->d.unsecured_share = 0.5;
    build(h, 400, 20230601, 0.0, 300.0);
    for (size_t r = 0; r < reps; r++) {
        cr_assert_eq(run(h, 99, r), SIM_OK, "%s", sim_kernel_error(h->k));
        share[r] = daily_mean(h, "secured_share", 200, 300);
        penalties[r] = total(h, "penalties_imposed");
        if (staff == 0) {
            cr_assert_eq(total(h, "penalties_imposed"), 0.0);
            cr_assert_eq(total(h, "penalty_value_gbp"), 0.0);
            cr_assert_eq(total(h, "cases_lapsed"), 0.0); /* the run is shorter than the statutory time */
            cr_assert_eq(total(h, "team_backlog_end"), total(h, "referrals"));
            cr_assert_gt(total(h, "referrals"), 0.0);
        }
    }
    harness_free(h);
}

/* Asserts that b - a, paired by replication, has a 95% CI above 0. */
static void paired_gain(const double *a, const double *b, size_t n, const char *what)
{
    double diff[64], mean, half;
    for (size_t i = 0; i < n; i++)
        diff[i] = b[i] - a[i];
    sim_ci(diff, n, 1, 0.95, &mean, &half);
    cr_log_info("%s: paired gain %.4f +- %.4f", what, mean, half);
    cr_expect(mean - half > 0.0, "%s: paired gain %g +- %g does not exclude 0", what, mean, half);
}

Test(cecps, zero_caseworkers_impose_nothing_and_fewer_hauliers_secure, .timeout = 300)
{
    enum { REPS = 12 };
    double none[REPS], base[REPS], pn[REPS], pb[REPS];
    secured_runs(0, 4.0, REPS, none, pn);
    secured_runs(12, 4.0, REPS, base, pb);
    cr_expect_gt(pb[0], 0.0);
    paired_gain(none, base, REPS, "secured share, baseline team against no team");
}

Test(cecps, more_penalties_raise_the_secured_share_after_the_lag, .timeout = 300)
{
    enum { REPS = 12 };
    double low[REPS], high[REPS], pl[REPS], ph[REPS];
    secured_runs(12, 0.5, REPS, low, pl);
    secured_runs(12, 3.0, REPS, high, ph);
    paired_gain(pl, ph, REPS, "penalties imposed");
    paired_gain(low, high, REPS, "secured share, 3 against 0.5 referrals a day");
}

Test(cecps, cases_and_money_are_conserved_on_a_busy_run, .timeout = 300)
{
    struct harness *h = harness_new();
    h->p.team.staff = 3;
    h->p.statutory_days = 60.0;
    h->p.collection_mean_days = 45.0;
    h->p.write_off_days = 200.0;
    h->d.rate_per_day = 3.5;
    h->d.qualified_share = 0.6;
    h->d.unsecured_share = 0.4;
    build(h, 300, 20220901, 60.0, 730.0);
    for (uint64_t r = 0; r < 4; r++) {
        cr_assert_eq(run(h, 7, r), SIM_OK, "%s", sim_kernel_error(h->k));
        double imposed = total(h, "penalty_value_gbp");
        double parts =
            total(h, "debt_collected_gbp") + total(h, "reduced_gbp") + total(h, "debt_written_off_gbp");
        /* Window totals miss the warm-up's debts, so compare the window's flows only where they
         * must hold: every kind of event happened, and nothing exceeds what was imposed overall. */
        cr_expect_gt(total(h, "cases_lapsed"), 0.0);
        cr_expect_gt(total(h, "challenges_made"), 0.0);
        cr_expect_gt(total(h, "challenges_succeeded"), 0.0);
        cr_expect_gt(total(h, "reductions"), 0.0);
        cr_expect_gt(total(h, "debt_written_off_gbp"), 0.0);
        cr_expect_gt(total(h, "debt_outstanding_gbp"), 0.0);
        cr_expect_gt(imposed, 0.0);
        cr_expect_gt(parts, 0.0);
        cr_expect_geq(total(h, "team_backlog_max"), total(h, "team_backlog_end"));
    }
    harness_free(h);
}

Test(cecps, money_is_conserved_exactly_in_the_window_without_warmup, .timeout = 300)
{
    struct harness *h = harness_new();
    h->p.team.staff = 4;
    h->p.collection_mean_days = 30.0;
    h->p.write_off_days = 100.0;
    h->d.rate_per_day = 2.0;
    h->d.qualified_share = 1.0;
    h->d.unsecured_share = 0.5;
    build(h, 100, 20230301, 0.0, 400.0);
    cr_assert_eq(run(h, 3, 0), SIM_OK, "%s", sim_kernel_error(h->k));
    double imposed = total(h, "penalty_value_gbp");
    double parts = total(h, "debt_collected_gbp") + total(h, "reduced_gbp") +
                   total(h, "debt_written_off_gbp") + total(h, "debt_outstanding_gbp");
    /* The outputs add pence / 100 per penalty: a relative rounding of a few ulps per addition. */
    cr_expect(fabs(imposed - parts) <= 1e-12 * imposed * total(h, "penalties_imposed"),
              "imposed %.2f, parts %.2f", imposed, parts);
    cr_expect_gt(total(h, "debt_collected_gbp"), 0.0);
    harness_free(h);
}

Test(cecps, a_broken_ledger_or_case_count_fails_the_replication)
{
    struct harness *h = harness_new();
    h->d.rate_per_day = 1.0;
    h->d.qualified_share = 1.0;
    h->d.poke_t = 10.5;
    build(h, 20, 20230301, 0.0, 30.0);
    cr_assert_eq(run(h, 3, 0), SIM_EINVARIANT);
    cr_expect(strstr(sim_kernel_error(h->k), "money not conserved") != NULL, "%s", sim_kernel_error(h->k));
    h->d.poke_case = true;
    cr_assert_eq(run(h, 3, 0), SIM_EINVARIANT);
    cr_expect(strstr(sim_kernel_error(h->k), "referral cases not conserved") != NULL, "%s",
              sim_kernel_error(h->k));
    harness_free(h);
}

Test(cecps, the_penalty_steps_up_on_13_february_2023)
{
    struct harness *h = harness_new();
    mmc_params(&h->p, 1, 2.0);
    h->p.impose_share = 1.0;
    h->p.penalty_level_share = 1.0;
    h->p.challenge_share = 0.0;
    h->p.new_info_share = 0.0;
    h->p.responsible_persons = 2;
    h->p.accredited_factor = 0.5;
    h->d.nscript = 3;
    h->d.script[0].t = 1.5; /* 2023-02-11: 2 persons x 3 entrants x GBP 2,000 */
    h->d.script[0].entrants = 3;
    h->d.script[1].t = 3.25; /* 2023-02-13: 2 x 3 x 10,000 + 6,000 for the unsecured vehicle */
    h->d.script[1].entrants = 3;
    h->d.script[1].unsecured = true;
    h->d.script[2].t = 5.5; /* accredited: half of 2 x 1 x 10,000 + 6,000 */
    h->d.script[2].entrants = 1;
    h->d.script[2].unsecured = true;
    h->d.script[2].accredited = true;
    build(h, 1, 20230210, 0.0, 30.0);
    cr_assert_eq(run(h, 5, 0), SIM_OK, "%s", sim_kernel_error(h->k));
    cr_expect_eq(total(h, "penalties_imposed"), 6.0);
    cr_expect_eq(total(h, "penalty_value_gbp"), 12000.0 + 66000.0 + 13000.0);
    cr_expect_eq(mdl_cecps_max_per_entrant(&h->p, 20230212), 2000.0);
    cr_expect_eq(mdl_cecps_max_per_entrant(&h->p, 20230213), 10000.0);
    cr_expect_eq(mdl_cecps_max_per_entrant(&h->p, 20011231), 0.0);
    harness_free(h);
}

/* Mean CPAS days to decide per replication with `staff` in the CPAS team. */
static void cpas_runs(unsigned staff, size_t reps, double *days)
{
    struct harness *h = harness_new();
    h->p.cpas_team.staff = staff;
    h->p.cpas_apply_per_year = 0.2;
    h->p.accredited_initial_share = 0.0;
    build(h, 500, 20230301, 60.0, 700.0);
    for (size_t r = 0; r < reps; r++) {
        cr_assert_eq(run(h, 21, r), SIM_OK, "%s", sim_kernel_error(h->k));
        days[r] = total(h, "cpas_days_to_decide_mean");
        cr_assert_gt(total(h, "cpas_accredited"), 0.0);
    }
    harness_free(h);
}

Test(cecps, cpas_days_to_decide_fall_with_team_size, .timeout = 300)
{
    enum { REPS = 10 };
    double one[REPS], two[REPS], four[REPS];
    cpas_runs(1, REPS, one);
    cpas_runs(2, REPS, two);
    cpas_runs(4, REPS, four);
    paired_gain(two, one, REPS, "CPAS days, 1 against 2 staff");
    paired_gain(four, two, REPS, "CPAS days, 2 against 4 staff");
}

Test(cecps, bad_parameters_name_the_field)
{
    struct mdl_cecps_params p;
    char err[256];
    mdl_cecps_params_default(&p);
    cr_assert_eq(mdl_cecps_params_check(&p, err, sizeof err), SIM_OK, "%s", err);
    p.challenge_share = 1.5;
    cr_assert_eq(mdl_cecps_params_check(&p, err, sizeof err), SIM_EINVAL);
    cr_expect_str_eq(err, "challenge_share: must be in [0, 1], got 1.5");
    mdl_cecps_params_default(&p);
    p.steps[1].from_date = 20230230;
    cr_assert_eq(mdl_cecps_params_check(&p, err, sizeof err), SIM_EINVAL);
    cr_expect(strstr(err, "steps[1].from_date") != NULL, "%s", err);
    mdl_cecps_params_default(&p);
    p.team.hours_per_day = 20.0;
    cr_assert_eq(mdl_cecps_params_check(&p, err, sizeof err), SIM_EINVAL);
    cr_expect(strstr(err, "team.hours_per_day") != NULL, "%s", err);
    struct mdl_cecps *m = NULL;
    struct sim_out_table t = {0};
    struct mdl_cecps_vars ids;
    mdl_cecps_params_default(&p);
    cr_expect_eq(mdl_cecps_create(&p, 0, 20230301, 0.0, 10.0, &t, &ids, 0, &m), SIM_EINVAL);
    cr_expect_eq(mdl_cecps_create(&p, 10, 20230229, 0.0, 10.0, &t, &ids, 0, &m), SIM_EINVAL);
    cr_expect_null(m);
    int64_t d;
    cr_expect(mdl_cecps_date_days(19700101, &d) && d == 0);
    cr_expect(mdl_cecps_date_days(20230213, &d) && d == 19401);
}

Test(cecps, a_referral_for_an_unknown_haulier_is_refused)
{
    struct harness *h = harness_new();
    build(h, 3, 20230301, 0.0, 5.0);
    mdl_cecps_bind(h->m, h->v, h->id);
    sim_kernel_reset(h->k, 1, 0);
    cr_expect_eq(mdl_cecps_refer(h->m, h->k, 0, 3, 1, false, true, false), SIM_EINVAL);
    harness_free(h);
}

Test(cecps, a_case_nobody_starts_lapses_at_the_statutory_time)
{
    struct harness *h = harness_new();
    h->p.team.staff = 0;
    h->p.statutory_days = 10.0;
    h->d.nscript = 1;
    h->d.script[0].t = 1.5;
    h->d.script[0].entrants = 2;
    build(h, 1, 20230301, 0.0, 20.0);
    mdl_cecps_bind(h->m, h->v, h->id);
    sim_kernel_reset(h->k, 1, 0);
    cr_assert_eq(sim_kernel_run(h->k, 11.49), SIM_OK, "%s", sim_kernel_error(h->k));
    cr_expect_eq(total(h, "cases_lapsed"), 0.0);
    cr_expect_eq(total(h, "team_backlog_end"), 1.0);
    cr_assert_eq(run(h, 1, 0), SIM_OK, "%s", sim_kernel_error(h->k));
    cr_expect_eq(total(h, "cases_lapsed"), 1.0);
    cr_expect_eq(total(h, "team_backlog_end"), 0.0);
    cr_expect_eq(total(h, "referrals"), 1.0);
    cr_expect_str_eq(mdl_cecps_stream_name(MDL_CECPS_S_DAY), "cecps.day");
    harness_free(h);
}

Test(cecps, ipm_shortens_work_times_after_its_ramp)
{
    struct harness *h = harness_new();
    h->p.ipm_date = 20250201;
    h->p.ipm_ramp_days = 200.0;
    h->p.ipm_factor = 0.6;
    build(h, 1, 20250101, 0.0, 10.0); /* day 31 is the go-live */
    cr_expect_eq(cecps_work_factor(h->m, 30.0), 1.0);
    cr_expect_eq(cecps_work_factor(h->m, 31.0), 1.0);
    cr_expect_float_eq(cecps_work_factor(h->m, 131.0), 0.8, 1e-15);
    cr_expect_float_eq(cecps_work_factor(h->m, 231.0), 0.6, 1e-15);
    cr_expect_float_eq(cecps_work_factor(h->m, 900.0), 0.6, 1e-15);
    harness_free(h);
}

/* With no penalties the perceived risk decays exactly as R0 exp(-days / lag), and hauliers that
 * review every day secure with the logit probability of it: a binomial share over many hauliers. */
Test(cecps, hauliers_secure_with_the_logit_probability_of_their_risk)
{
    struct harness *h = harness_new();
    h->p.accredited_initial_share = 0.0;
    h->p.cpas_apply_per_year = 0.0;
    h->p.review_days = 1e-3;
    h->p.initial_risk_gbp_per_day = 40.0;
    h->p.perception_lag_days = 20.0;
    h->p.engagement_factor = 1.25;
    enum { H = 40000 };
    build(h, H, 20230301, 0.0, 30.0);
    cr_assert_eq(run(h, 17, 0), SIM_OK, "%s", sim_kernel_error(h->k));
    int v = sim_out_find(&h->t, "daily", "secured_share");
    for (size_t d = 0; d < 30; d += 7) {
        double r = 40.0 * exp(-(double)(d + 1) / 20.0);
        double p = 1.0 / (1.0 + exp(-(1.25 * r - 15.0) / 10.0)), se = sqrt(p * (1.0 - p) / H);
        double got = h->v[h->t.offset[v] + d];
        cr_expect(fabs(got - p) < 4.0 * se, "day %zu: share %g, logit %g (se %g)", d, got, p, se);
    }
    cr_expect_float_eq(mdl_cecps_perceived_risk(h->m, 7), 1.25 * 40.0 * exp(-31.0 / 20.0), 1e-12);
    harness_free(h);
}
