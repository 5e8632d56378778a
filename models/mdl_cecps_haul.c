/* mdl_cecps_haul.c: the scheme's days: the hauliers' perceived risk and security decisions, the
 * teams' rosters, CPAS applications, the kernel callbacks and the end-of-replication invariants.
 *
 * Perceived risk follows dR = (signal - R) dt / lag, integrated exactly over each day with the
 * day's penalties (GBP) as the signal: own_weight x the haulier's own + (1 - own_weight) x the
 * industry's per haulier. A haulier reviews its decision on a day with probability
 * 1 - exp(-1 / review_days) and then secures with the logit probability of (engagement x R - cost).
 * The work of a day is proportional to the reviewers and the penalised hauliers, not to all
 * hauliers (the full model has 100,000). An intervention on perception_lag_days applies the new
 * lag to the days a haulier's own part has not been brought up to date (a stated approximation). */
#include <math.h>
#include <stdio.h>

#include "../sim/sim_rng.h"
#include "mdl_cecps_priv.h"

static double secure_prob(const struct mdl_cecps_params *p, double risk)
{
    double x = (p->engagement_factor * risk - p->security_cost_gbp_per_day) / p->logit_scale_gbp_per_day;
    return 1.0 / (1.0 + exp(-x));
}

static double decay(const struct mdl_cecps *m)
{
    return exp(-1.0 / m->p->perception_lag_days); /* 1 - alpha */
}

double cecps_risk(const struct mdl_cecps *m, uint32_t h)
{
    double own =
        m->hs[h].risk == 0.0 ? 0.0 : m->hs[h].risk * pow(decay(m), (double)(m->ndays - m->hs[h].risk_day));
    return m->industry_risk + own;
}

/* One day of the hauliers. The smoothing is linear, so the risk splits into the industry's part
 * (one update a day) and each haulier's own part, which only needs work on the days it is
 * penalised (the `touched` list) or reviewed. A haulier reviews with probability `review` each
 * day: the reviewers are found by geometric skips, and each draws its decision's uniform, so the
 * day's draws do not depend on the state and variants stay on common random numbers. */
static void hauliers_day(struct mdl_cecps *m, struct sim_kernel *k, gsl_rng *r)
{
    const struct mdl_cecps_params *p = m->p;
    double keep = decay(m), alpha = 1.0 - keep;
    double review = 1.0 - exp(-1.0 / p->review_days);
    if (!sim_kernel_check_prob(k, alpha, "cecps: risk smoothing") ||
        !sim_kernel_check_prob(k, review, "cecps: review"))
        return;
    double industry = m->industry_today / (double)m->n;
    m->industry_risk += alpha * ((1.0 - p->own_weight) * industry - m->industry_risk);
    for (uint32_t i = 0; i < m->ntouched; i++) { /* bring the own part to yesterday, add today */
        uint32_t h = m->touched[i];
        double own = m->hs[h].risk * pow(keep, (double)(m->ndays - m->hs[h].risk_day));
        m->hs[h].risk = own + alpha * (p->own_weight * m->own_today[h] - own);
        m->hs[h].risk_day = m->ndays + 1;
        m->own_today[h] = 0.0;
    }
    m->ntouched = 0;
    m->ndays++;
    m->industry_today = 0.0;
    double log_stay = log1p(-review), h = -1.0;
    for (bool more = true; more;) {
        /* A batch of reviewers first, their states prefetched: a review is otherwise a cache miss. */
        enum { BATCH = 16 };
        uint32_t who[BATCH];
        double u[BATCH];
        unsigned nb = 0;
        while (nb < BATCH) {
            double u1 = sim_rng_uniform(r), u2 = sim_rng_uniform(r);        /* always two: common numbers */
            h += 1.0 + (review < 1.0 ? floor(log1p(-u1) / log_stay) : 0.0); /* skip non-reviewers */
            if (!(h < (double)m->n)) {
                more = false;
                break;
            }
            who[nb] = (uint32_t)h;
            u[nb] = u2;
            __builtin_prefetch(&m->hs[who[nb]]);
            nb++;
        }
        for (unsigned b = 0; b < nb; b++) {
            struct cecps_haulier *x = &m->hs[who[b]];
            if (x->accredited)
                continue; /* accredited hauliers secure */
            double q = secure_prob(p, cecps_risk(m, who[b]));
            if (!sim_kernel_check_prob(k, q, "cecps: haulier secures"))
                return;
            unsigned char now = u[b] < q;
            m->nsecured = m->nsecured - x->secured + now;
            x->secured = now;
        }
    }
}

/* Records the day that ended at t (the day [t - 1, t)). */
static void close_day(struct mdl_cecps *m, double t)
{
    double d = t - 1.0;
    if (!cecps_in_window(m, d))
        return;
    const struct sim_out_table *tb = m->t;
    size_t day = (size_t)floor(d - m->w0), y = cecps_year_of(m, d);
    double backlog = (double)cecps_team_backlog(&m->team[TEAM_CASES]);
    double share = mdl_cecps_secured_share(m);
    if (day < sim_out_var_size(tb, m->ids->daily[D_BACKLOG])) {
        m->out[tb->offset[m->ids->daily[D_BACKLOG]] + day] = backlog;
        m->out[tb->offset[m->ids->daily[D_SECURED]] + day] = share;
    }
    cecps_set_year(m, d, Y_BACKLOG_END, backlog);
    cecps_set_year(m, d, Y_OUTSTANDING_GBP,
                   (m->imposed - m->collected - m->reduced - m->written_off) / 100.0);
    cecps_set_year(m, d, Y_CPAS_WAITING_END, (double)cecps_team_backlog(&m->team[TEAM_CPAS]));
    m->secured_sum[y] += share;
    m->secured_days[y] += 1.0;
}

static void new_day(struct mdl_cecps *m, struct sim_kernel *k, double t)
{
    if (t > 0.0)
        close_day(m, t);
    gsl_rng *r = m->rng[MDL_CECPS_S_DAY];
    /* The day's draws start at their own block whatever earlier days consumed. */
    sim_rng_philox_seek(r, sim_kernel_seed(k, m->first_stream + MDL_CECPS_S_DAY), (uint64_t)llround(t) << 32);
    hauliers_day(m, k, r);
    cecps_team_day(m, k, TEAM_CASES, t, r);
    cecps_team_day(m, k, TEAM_CPAS, t, r);
    sim_kernel_at(k, m->model, EV_DAY, t + 1.0, PRIO_DAY, 0, 0, 0.0, NULL);
}

static double apply_rate(const struct mdl_cecps *m)
{
    return m->p->cpas_apply_per_year / 365.25 * (double)m->n;
}

/* A haulier drawn uniformly applies unless accredited or already waiting: the rate per eligible
 * haulier is then exactly cpas_apply_per_year. */
static void apply(struct mdl_cecps *m, struct sim_kernel *k)
{
    gsl_rng *r = m->rng[MDL_CECPS_S_CPAS];
    uint32_t h = (uint32_t)(sim_rng_uniform(r) * (double)m->n);
    double now = sim_kernel_now(k);
    if (h < m->n && !m->hs[h].accredited && !m->hs[h].applying) {
        m->hs[h].applying = 1;
        struct cecps_job j = {.t_incident = now, .haulier = h, .type = 0};
        cecps_flow(m, now, T_CPAS_APPLICATIONS, -1, 1.0);
        cecps_push(m, k, TEAM_CPAS, &j);
    }
    sim_kernel_at(k, m->model, EV_APPLY, now + sim_rng_exponential(r) / apply_rate(m), PRIO_OTHER, 0, 0, 0.0,
                  NULL);
}

static sim_status cecps_init(void *self, struct sim_kernel *k)
{
    struct mdl_cecps *m = self;
    const struct mdl_cecps_params *p = m->p;
    for (int i = 0; i < MDL_CECPS_NSTREAMS; i++)
        m->rng[i] = sim_kernel_rng(k, m->first_stream + (size_t)i);
    for (int i = 0; i < NTEAMS; i++)
        cecps_team_reset(&m->team[i], 0.0);
    double q = secure_prob(p, p->initial_risk_gbp_per_day);
    if (!sim_kernel_check_prob(k, q, "cecps: initial secured share"))
        return SIM_EINVARIANT;
    gsl_rng *r = m->rng[MDL_CECPS_S_CPAS];
    m->nsecured = 0;
    for (uint32_t h = 0; h < m->n; h++) {
        double u1 = sim_rng_uniform(r), u2 = sim_rng_uniform(r);
        m->hs[h].accredited = u1 < p->accredited_initial_share;
        m->hs[h].secured = m->hs[h].accredited || u2 < q;
        m->nsecured += m->hs[h].secured;
        m->hs[h].risk = m->own_today[h] = m->debt[h] = 0.0;
        m->hs[h].risk_day = 0;
        m->hs[h].applying = 0;
    }
    m->industry_risk = p->initial_risk_gbp_per_day;
    m->ndays = m->ntouched = 0;
    m->industry_today = m->imposed = m->collected = m->reduced = m->written_off = 0.0;
    for (int i = 0; i < MDL_CECPS_NCASES; i++)
        m->arrived_type[i] = m->decided_type[i] = m->lapsed_type[i] = 0;
    for (size_t y = 0; y < 4 * m->nyears; y++)
        m->cpas_days_sum[y] = 0.0;
    sim_status st = sim_kernel_at(k, m->model, EV_DAY, 0.0, PRIO_DAY, 0, 0, 0.0, NULL);
    if (st == SIM_OK && m->w0 > 0.0)
        st = sim_kernel_at(k, m->model, EV_WINDOW, m->w0, PRIO_DAY, 0, 0, 0.0, NULL);
    if (st == SIM_OK && apply_rate(m) > 0.0)
        st = sim_kernel_at(k, m->model, EV_APPLY, sim_rng_exponential(r) / apply_rate(m), PRIO_OTHER, 0, 0,
                           0.0, NULL);
    return st;
}

static void cecps_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct mdl_cecps *m = self;
    struct cecps_job j = {.haulier = ev->a, .amount = ev->x, .t_incident = ev->time};
    switch (ev->kind) {
    case EV_DAY: new_day(m, k, ev->time); break;
    case EV_WINDOW:
        for (int i = 0; i < NTEAMS; i++) {
            sim_tavg_restart(&m->team[i].waiting, ev->time);
            m->team[i].wait_sum = m->team[i].wait_n = 0.0;
        }
        break;
    case EV_SHIFT_START: cecps_team_shift(m, k, (int)ev->a, true); break;
    case EV_SHIFT_END: cecps_team_shift(m, k, (int)ev->a, false); break;
    case EV_DONE: cecps_team_done(m, k, (int)ev->a, (unsigned)ev->b); break;
    case EV_LAPSE: cecps_team_lapse(m, k, (int)ev->a, ev->b); break;
    case EV_CHALLENGE:
        j.type = MDL_CECPS_CHALLENGE;
        cecps_flow(m, ev->time, T_CHALLENGES, Y_CHALLENGES, 1.0);
        cecps_push(m, k, TEAM_CASES, &j);
        break;
    case EV_NEW_INFO:
        j.type = MDL_CECPS_NEW_INFO;
        cecps_push(m, k, TEAM_CASES, &j);
        break;
    case EV_SETTLE: cecps_settled(m, k, ev->a, (int)ev->b, ev->x); break;
    case EV_APPLY: apply(m, k); break;
    default: sim_kernel_fail(k, SIM_EINVARIANT, "cecps: unknown event kind %u", (unsigned)ev->kind);
    }
}

/* Cases of each type waiting or held by a caseworker. */
static void open_cases(const struct cecps_team *tm, uint64_t open[MDL_CECPS_NCASES])
{
    for (int i = 0; i < MDL_CECPS_NCASES; i++)
        open[i] = 0;
    for (size_t i = 0; i < tm->qlen; i++)
        open[tm->q[(tm->qhead + i) % tm->qcap].type]++;
    for (unsigned i = 0; i < MDL_CECPS_MAX_STAFF; i++)
        if (tm->w[i].busy)
            open[tm->w[i].job.type]++;
}

/* Conservation of cases (each type: arrived = decided + lapsed + open) and of money (imposed =
 * collected + reduced + written off + the sum of the hauliers' debts), in exact pence. */
static sim_status invariants(struct mdl_cecps *m, struct sim_kernel *k)
{
    static const char *const names[MDL_CECPS_NCASES] = {"referral", "new information", "challenge"};
    uint64_t open[MDL_CECPS_NCASES];
    open_cases(&m->team[TEAM_CASES], open);
    for (int i = 0; i < MDL_CECPS_NCASES; i++)
        if (m->arrived_type[i] != m->decided_type[i] + m->lapsed_type[i] + open[i]) {
            sim_kernel_fail(
                k, SIM_EINVARIANT,
                "cecps: %s cases not conserved: %llu arrived, %llu decided, %llu lapsed, %llu open", names[i],
                (unsigned long long)m->arrived_type[i], (unsigned long long)m->decided_type[i],
                (unsigned long long)m->lapsed_type[i], (unsigned long long)open[i]);
            return SIM_EINVARIANT;
        }
    double debts = 0.0;
    for (uint32_t h = 0; h < m->n; h++)
        debts += m->debt[h];
    if (m->imposed != m->collected + m->reduced + m->written_off + debts) {
        sim_kernel_fail(
            k, SIM_EINVARIANT,
            "cecps: money not conserved: imposed %.0f p != collected %.0f + reduced %.0f + written "
            "off %.0f + outstanding %.0f",
            m->imposed, m->collected, m->reduced, m->written_off, debts);
        return SIM_EINVARIANT;
    }
    return SIM_OK;
}

static double ratio(double a, double b)
{
    return b > 0.0 ? a / b : NAN;
}

static sim_status cecps_finish(void *self, struct sim_kernel *k)
{
    struct mdl_cecps *m = self;
    double now = sim_kernel_now(k);
    const struct cecps_team *cases = &m->team[TEAM_CASES], *cpas = &m->team[TEAM_CPAS];
    *cecps_tot(m, T_BACKLOG_END) = (double)cecps_team_backlog(cases);
    *cecps_tot(m, T_OUTSTANDING_GBP) = (m->imposed - m->collected - m->reduced - m->written_off) / 100.0;
    *cecps_tot(m, T_WAITING_MEAN) = sim_tavg_mean(&cases->waiting, now);
    *cecps_tot(m, T_WAIT_MEAN_DAYS) = ratio(cases->wait_sum, cases->wait_n);
    *cecps_tot(m, T_SECURED_END) = mdl_cecps_secured_share(m);
    *cecps_tot(m, T_CPAS_WAITING_END) = (double)cecps_team_backlog(cpas);
    double s = 0.0, n = 0.0;
    for (size_t y = 0; y < m->nyears; y++) {
        s += m->cpas_days_sum[y];
        n += m->cpas_days_n[y];
        *cecps_yr(m, Y_CPAS_DAYS_MEAN, y) = ratio(m->cpas_days_sum[y], m->cpas_days_n[y]);
        *cecps_yr(m, Y_SECURED_MEAN, y) = ratio(m->secured_sum[y], m->secured_days[y]);
    }
    *cecps_tot(m, T_CPAS_DAYS_MEAN) = ratio(s, n);
    return invariants(m, k);
}

const struct sim_model mdl_cecps_model = {
    .name = "cecps", .init = cecps_init, .handle = cecps_handle, .finish = cecps_finish};
