/* mdl_cecps_run.c: one replication of the scheme: referrals, decisions, the ledger, the hauliers'
 * response, CPAS applications, the outputs and the invariants.
 *
 * Money is kept in whole pence held in doubles (exact below 2^53 pence), so that the conservation
 * check imposed = collected + reduced + written off + outstanding is an equality, not a tolerance:
 * the outstanding side is the sum of the per-haulier debts, kept apart from the running totals. */
#include <math.h>

#include "../sim/sim_rng.h"
#include "mdl_cecps_priv.h"

/* ---- time, years and outputs ---- */

bool cecps_in_window(const struct mdl_cecps *m, double t)
{
    return t >= m->w0 && t < m->w1;
}

size_t cecps_year_of(const struct mdl_cecps *m, double t)
{
    size_t y = (size_t)floor((t - m->w0) / 365.25);
    return y < m->nyears ? y : m->nyears - 1;
}

double *cecps_tot(struct mdl_cecps *m, int v)
{
    return &m->out[m->t->offset[m->ids->totals[v]]];
}

double *cecps_yr(struct mdl_cecps *m, int v, size_t y)
{
    return &m->out[m->t->offset[m->ids->yearly[v]] + y];
}

void cecps_flow(struct mdl_cecps *m, double t, int tvar, int yvar, double x)
{
    if (!cecps_in_window(m, t))
        return;
    if (tvar >= 0)
        *cecps_tot(m, tvar) += x;
    if (yvar >= 0)
        *cecps_yr(m, yvar, cecps_year_of(m, t)) += x;
}

void cecps_set_year(struct mdl_cecps *m, double t, int yvar, double x)
{
    if (cecps_in_window(m, t))
        *cecps_yr(m, yvar, cecps_year_of(m, t)) = x;
}

void cecps_backlog_changed(struct mdl_cecps *m, double t)
{
    if (!cecps_in_window(m, t))
        return;
    double b = (double)cecps_team_backlog(&m->team[TEAM_CASES]);
    double *ymax = cecps_yr(m, Y_BACKLOG_MAX, cecps_year_of(m, t));
    *cecps_tot(m, T_BACKLOG_MAX) = fmax(*cecps_tot(m, T_BACKLOG_MAX), b);
    *ymax = fmax(*ymax, b);
}

double cecps_work_factor(const struct mdl_cecps *m, double t)
{
    const struct mdl_cecps_params *p = m->p;
    double since = (double)(m->day0 - m->ipm0) + t;
    if (since < 0.0)
        return 1.0;
    double ramp = p->ipm_ramp_days > 0.0 ? fmin(1.0, since / p->ipm_ramp_days) : 1.0;
    return 1.0 - (1.0 - p->ipm_factor) * ramp;
}

/* The penalty step in force on the calendar day holding t, or NULL before the first. */
static const struct mdl_cecps_step *step_at(const struct mdl_cecps *m, double t)
{
    const struct mdl_cecps_params *p = m->p;
    double day = floor((double)m->day0 + t);
    const struct mdl_cecps_step *s = NULL;
    for (unsigned i = 0; i < p->nsteps; i++) {
        int64_t d;
        if (mdl_cecps_date_days((int32_t)p->steps[i].from_date, &d) && (double)d <= day)
            s = &p->steps[i];
    }
    return s;
}

static double pence(double gbp)
{
    return (double)llround(gbp * 100.0);
}

/* ---- the ledger ---- */

static void money_flow(struct mdl_cecps *m, double t, int tvar, int yvar, double p)
{
    cecps_flow(m, t, tvar, yvar, p / 100.0);
}

/* Starts collecting `amount` pence from haulier h: paid after an exponential delay or written off. */
static void settle(struct mdl_cecps *m, struct sim_kernel *k, uint32_t h, double amount)
{
    const struct mdl_cecps_params *p = m->p;
    gsl_rng *r = m->rng[MDL_CECPS_S_LEDGER];
    double now = sim_kernel_now(k);
    bool paid = sim_rng_uniform(r) < p->collect_share;
    double delay = sim_rng_exponential(r) * p->collection_mean_days;
    sim_kernel_at(k, m->model, EV_SETTLE, now + (paid ? delay : p->write_off_days), PRIO_OTHER, h,
                  paid ? 0 : 1, amount, NULL);
}

void cecps_settled(struct mdl_cecps *m, struct sim_kernel *k, uint32_t h, int kind, double amount)
{
    double now = sim_kernel_now(k);
    m->debt[h] -= amount;
    if (kind == 0) {
        m->collected += amount;
        money_flow(m, now, T_COLLECTED_GBP, Y_COLLECTED_GBP, amount);
    } else {
        m->written_off += amount;
        money_flow(m, now, T_WRITTEN_OFF_GBP, -1, amount);
    }
}

static void reduce(struct mdl_cecps *m, double t, uint32_t h, double amount)
{
    m->reduced += amount;
    m->debt[h] -= amount;
    money_flow(m, t, T_REDUCED_GBP, Y_REDUCED_GBP, amount);
}

static void impose(struct mdl_cecps *m, struct sim_kernel *k, const struct cecps_job *j)
{
    const struct mdl_cecps_params *p = m->p;
    const struct mdl_cecps_step *s = step_at(m, j->t_incident);
    if (s == NULL)
        return; /* before the scheme: nothing to impose */
    double factor = j->accredited ? p->accredited_factor : 1.0;
    double per_person = p->penalty_level_share * j->entrants * s->per_entrant_gbp * factor;
    double vehicle = j->unsecured ? p->penalty_level_share * s->failure_to_secure_gbp * factor : 0.0;
    double amount = pence(p->responsible_persons * per_person + vehicle);
    if (amount <= 0.0)
        return;
    double now = sim_kernel_now(k);
    m->imposed += amount;
    m->debt[j->haulier] += amount;
    if (m->own_today[j->haulier] == 0.0)
        m->touched[m->ntouched++] = j->haulier;
    m->own_today[j->haulier] += amount / 100.0;
    m->industry_today += amount / 100.0;
    cecps_flow(m, now, T_PENALTIES, Y_PENALTIES, p->responsible_persons);
    money_flow(m, now, T_PENALTY_GBP, Y_PENALTY_GBP, amount);
    gsl_rng *r = m->rng[MDL_CECPS_S_LEDGER];
    double u_info = sim_rng_uniform(r), d_info = sim_rng_exponential(r) * p->new_info_delay_days;
    double u_ch = sim_rng_uniform(r), d_ch = sim_rng_exponential(r) * p->challenge_delay_days;
    if (u_info < p->new_info_share)
        sim_kernel_at(k, m->model, EV_NEW_INFO, now + d_info, PRIO_OTHER, j->haulier, 0, 0.0, NULL);
    if (u_ch < p->challenge_share)
        sim_kernel_at(k, m->model, EV_CHALLENGE, now + d_ch, PRIO_OTHER, j->haulier, 0, amount, NULL);
    else
        settle(m, k, j->haulier, amount);
}

static void decide_challenge(struct mdl_cecps *m, struct sim_kernel *k, const struct cecps_job *j)
{
    const struct mdl_cecps_params *p = m->p;
    double now = sim_kernel_now(k), u = sim_rng_uniform(m->rng[MDL_CECPS_S_LEDGER]);
    if (u < p->challenge_success_share) {
        cecps_flow(m, now, T_CHALLENGES_SUCCEEDED, Y_CHALLENGES_SUCCEEDED, 1.0);
        reduce(m, now, j->haulier, j->amount);
        return;
    }
    double rest = j->amount;
    if (u < p->challenge_success_share + p->challenge_reduce_share) {
        double cut = pence(j->amount / 100.0 * p->reduction_share);
        cecps_flow(m, now, T_REDUCTIONS, Y_REDUCTIONS, 1.0);
        reduce(m, now, j->haulier, cut);
        rest -= cut;
    }
    if (rest > 0.0)
        settle(m, k, j->haulier, rest);
}

static void decide_cpas(struct mdl_cecps *m, struct sim_kernel *k, const struct cecps_job *j)
{
    double now = sim_kernel_now(k);
    m->hs[j->haulier].applying = 0;
    if (cecps_in_window(m, now)) {
        size_t y = cecps_year_of(m, now);
        m->cpas_days_sum[y] += now - j->t_arrive;
        m->cpas_days_n[y] += 1.0;
    }
    if (sim_rng_uniform(m->rng[MDL_CECPS_S_CPAS]) < m->p->cpas_approve_share &&
        !m->hs[j->haulier].accredited) {
        m->hs[j->haulier].accredited = 1;
        if (!m->hs[j->haulier].secured) {
            m->hs[j->haulier].secured = 1;
            m->nsecured++;
        }
        cecps_flow(m, now, T_CPAS_ACCREDITED, -1, 1.0);
    }
}

void cecps_decided(struct mdl_cecps *m, struct sim_kernel *k, int team, const struct cecps_job *job)
{
    if (team == TEAM_CPAS) {
        decide_cpas(m, k, job);
        return;
    }
    m->decided_type[job->type]++;
    cecps_flow(m, sim_kernel_now(k), T_DECIDED, -1, 1.0);
    if (job->type == MDL_CECPS_REFERRAL) {
        if (sim_rng_uniform(m->rng[MDL_CECPS_S_REFER]) < m->p->impose_share)
            impose(m, k, job);
    } else if (job->type == MDL_CECPS_CHALLENGE) {
        decide_challenge(m, k, job);
    }
    /* New information is work for the team and nothing else: the notice it informs is already out. */
}

void cecps_lapsed(struct mdl_cecps *m, struct sim_kernel *k, int team, const struct cecps_job *job)
{
    if (team == TEAM_CPAS)
        return;
    double now = sim_kernel_now(k);
    m->lapsed_type[job->type]++;
    cecps_flow(m, now, T_LAPSED, Y_LAPSED, 1.0);
    if (job->type == MDL_CECPS_CHALLENGE)
        reduce(m, now, job->haulier, job->amount); /* an objection left unanswered cancels the penalty */
}

void cecps_push(struct mdl_cecps *m, struct sim_kernel *k, int team, struct cecps_job *j)
{
    if (team == TEAM_CASES)
        m->arrived_type[j->type]++;
    sim_status st = cecps_team_push(m, k, team, j);
    if (st != SIM_OK)
        sim_kernel_fail(k, st, "cecps: the case pool cannot grow");
}

/* ---- inputs ---- */

sim_status mdl_cecps_refer(struct mdl_cecps *m, struct sim_kernel *k, unsigned port, uint32_t haulier,
                           unsigned entrants, bool accredited, bool qualified_on_duty, bool unsecured)
{
    (void)port; /* the annual report is national, as the inspector's */
    if (haulier >= m->n)
        return SIM_EINVAL;
    double now = sim_kernel_now(k);
    cecps_flow(m, now, -1, Y_INCIDENTS, 1.0);
    cecps_flow(m, now, -1, Y_ENTRANTS, entrants);
    cecps_flow(m, now, -1, Y_UNSECURED, unsecured ? 1.0 : 0.0);
    double u = sim_rng_uniform(m->rng[MDL_CECPS_S_REFER]);
    if (!qualified_on_duty && u >= m->p->unqualified_referral_share) {
        cecps_flow(m, now, T_NOT_REFERRED, -1, 1.0);
        return SIM_OK;
    }
    cecps_flow(m, now, T_REFERRALS, Y_REFERRALS, 1.0);
    struct cecps_job j = {.t_incident = now,
                          .haulier = haulier,
                          .entrants = entrants,
                          .type = MDL_CECPS_REFERRAL,
                          .accredited = accredited,
                          .unsecured = unsecured};
    m->arrived_type[j.type]++;
    return cecps_team_push(m, k, TEAM_CASES, &j);
}

void mdl_cecps_searched(struct mdl_cecps *m, double t, double vehicles)
{
    cecps_flow(m, t, -1, Y_SEARCHED, vehicles);
}
