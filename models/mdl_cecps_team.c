/* mdl_cecps_team.c: a team of caseworkers as a multi-server FIFO queue working shifts.
 *
 * A caseworker takes the case at the head of the queue when it is on shift and idle, and works on
 * it for the case's work time (hours of work, drawn when the case starts). Work stops at the end of
 * the shift and resumes at the start of the caseworker's next shift, so a case's calendar time is
 * its work time stretched over the hours worked: with 24-hour shifts every day and no absence the
 * team is exactly an M/G/c queue. An absent caseworker keeps the case it holds until it is back. */
#include <math.h>
#include <stdlib.h>

#include "../sim/sim_rng.h"
#include "mdl_cecps_priv.h"

sim_status cecps_team_init(struct cecps_team *tm, const struct mdl_cecps_team *p,
                           const struct mdl_dist *dists, unsigned ntypes, size_t qcap)
{
    *tm = (struct cecps_team){.p = p, .dists = dists, .ntypes = ntypes, .qcap = qcap};
    tm->q = malloc(qcap * sizeof *tm->q);
    if (tm->q == NULL)
        return SIM_ENOMEM;
    cecps_team_refresh(tm);
    return SIM_OK;
}

void cecps_team_fini(struct cecps_team *tm)
{
    free(tm->q);
    tm->q = NULL;
}

void cecps_team_refresh(struct cecps_team *tm)
{
    for (unsigned i = 0; i < tm->ntypes; i++)
        mdl_sampler_init(&tm->s[i], &tm->dists[i]);
}

void cecps_team_reset(struct cecps_team *tm, double t)
{
    tm->qhead = tm->qlen = 0;
    tm->next_serial = tm->arrived = tm->started = tm->lapsed = 0;
    tm->busy = 0;
    for (unsigned i = 0; i < MDL_CECPS_MAX_STAFF; i++)
        tm->w[i] = (struct cecps_worker){0};
    sim_tavg_reset(&tm->waiting, t, 0.0);
    tm->wait_sum = tm->wait_n = 0.0;
}

size_t cecps_team_backlog(const struct cecps_team *tm)
{
    return tm->qlen + tm->busy;
}

/* Doubles the ring; amortised, and a warm workspace keeps the larger ring for later replications. */
static sim_status grow(struct cecps_team *tm)
{
    struct cecps_job *bigger = malloc(2 * tm->qcap * sizeof *bigger);
    if (bigger == NULL)
        return SIM_ENOMEM;
    for (size_t i = 0; i < tm->qlen; i++)
        bigger[i] = tm->q[(tm->qhead + i) % tm->qcap];
    free(tm->q);
    tm->q = bigger;
    tm->qhead = 0;
    tm->qcap *= 2;
    return SIM_OK;
}

static struct cecps_job pop(struct cecps_team *tm, double now)
{
    struct cecps_job j = tm->q[tm->qhead];
    tm->qhead = (tm->qhead + 1) % tm->qcap;
    tm->qlen--;
    sim_tavg_set(&tm->waiting, now, (double)tm->qlen);
    return j;
}

static void start(struct mdl_cecps *m, struct sim_kernel *k, int team, unsigned i)
{
    struct cecps_team *tm = &m->team[team];
    struct cecps_worker *w = &tm->w[i];
    double now = sim_kernel_now(k);
    w->job = pop(tm, now);
    w->busy = true;
    tm->busy++;
    tm->started++;
    if (w->job.t_arrive >= m->w0 && cecps_in_window(m, now)) {
        tm->wait_sum += now - w->job.t_arrive;
        tm->wait_n += 1.0;
    }
    double factor = team == TEAM_CASES ? cecps_work_factor(m, now) : 1.0;
    w->remaining_h = mdl_sampler_draw(&tm->s[w->job.type], m->rng[MDL_CECPS_S_WORK]) * factor;
    w->done_at = now + w->remaining_h / 24.0;
    sim_kernel_at(k, m->model, EV_DONE, w->done_at, PRIO_OTHER, (uint32_t)team, i, 0.0, &w->h);
}

/* Gives waiting cases to idle caseworkers on shift, lowest index first. */
static void dispatch(struct mdl_cecps *m, struct sim_kernel *k, int team)
{
    struct cecps_team *tm = &m->team[team];
    for (unsigned i = 0; i < MDL_CECPS_MAX_STAFF && tm->qlen > 0; i++)
        if (tm->w[i].on_shift && !tm->w[i].busy)
            start(m, k, team, i);
}

sim_status cecps_team_push(struct mdl_cecps *m, struct sim_kernel *k, int team, struct cecps_job *job)
{
    struct cecps_team *tm = &m->team[team];
    if (tm->qlen == tm->qcap) {
        sim_status st = grow(tm);
        if (st != SIM_OK)
            return st;
    }
    double now = sim_kernel_now(k);
    job->serial = tm->next_serial++;
    job->t_arrive = now;
    tm->q[(tm->qhead + tm->qlen++) % tm->qcap] = *job;
    tm->arrived++;
    sim_tavg_set(&tm->waiting, now, (double)tm->qlen);
    double lapse = team == TEAM_CASES ? m->p->statutory_days : 0.0;
    sim_status st = SIM_OK;
    if (lapse > 0.0)
        st = sim_kernel_at(k, m->model, EV_LAPSE, now + lapse, PRIO_OTHER, (uint32_t)team, job->serial, 0.0,
                           NULL);
    dispatch(m, k, team);
    if (team == TEAM_CASES)
        cecps_backlog_changed(m, now);
    return st;
}

void cecps_team_day(struct mdl_cecps *m, struct sim_kernel *k, int team, double t, gsl_rng *r)
{
    struct cecps_team *tm = &m->team[team];
    const struct mdl_cecps_team *p = tm->p;
    unsigned wday = (unsigned)((m->wday0 + (uint64_t)llround(t)) % 7);
    bool working = wday < p->working_days_per_week;
    /* One draw per possible caseworker whatever the headcount: variants stay on common numbers. */
    for (unsigned i = 0; i < MDL_CECPS_MAX_STAFF; i++) {
        double u = sim_rng_uniform(r);
        tm->w[i].present = working && i < p->staff && u >= p->absence_share;
    }
    if (!working)
        return;
    sim_kernel_at(k, m->model, EV_SHIFT_START, t + p->start_hour / 24.0, PRIO_SHIFT_START, (uint32_t)team, 0,
                  0.0, NULL);
    sim_kernel_at(k, m->model, EV_SHIFT_END, t + (p->start_hour + p->hours_per_day) / 24.0, PRIO_SHIFT_END,
                  (uint32_t)team, 0, 0.0, NULL);
}

void cecps_team_shift(struct mdl_cecps *m, struct sim_kernel *k, int team, bool begin)
{
    struct cecps_team *tm = &m->team[team];
    double now = sim_kernel_now(k);
    for (unsigned i = 0; i < MDL_CECPS_MAX_STAFF; i++) {
        struct cecps_worker *w = &tm->w[i];
        if (begin && w->present) {
            w->on_shift = true;
            if (w->busy) {
                w->done_at = now + w->remaining_h / 24.0;
                sim_kernel_at(k, m->model, EV_DONE, w->done_at, PRIO_OTHER, (uint32_t)team, i, 0.0, &w->h);
            }
        } else if (!begin && w->on_shift) {
            w->on_shift = false;
            if (w->busy) {
                w->remaining_h = fmax(0.0, (w->done_at - now) * 24.0);
                sim_kernel_cancel(k, w->h);
            }
        }
    }
    if (begin)
        dispatch(m, k, team);
}

void cecps_team_done(struct mdl_cecps *m, struct sim_kernel *k, int team, unsigned worker)
{
    struct cecps_team *tm = &m->team[team];
    struct cecps_worker *w = &tm->w[worker];
    struct cecps_job job = w->job;
    w->busy = false;
    tm->busy--;
    cecps_decided(m, k, team, &job);
    dispatch(m, k, team);
    if (team == TEAM_CASES)
        cecps_backlog_changed(m, sim_kernel_now(k));
}

void cecps_team_lapse(struct mdl_cecps *m, struct sim_kernel *k, int team, uint64_t serial)
{
    struct cecps_team *tm = &m->team[team];
    if (tm->qlen == 0 || tm->q[tm->qhead].serial != serial)
        return; /* started before its deadline */
    double now = sim_kernel_now(k);
    struct cecps_job job = pop(tm, now);
    tm->lapsed++;
    cecps_lapsed(m, k, team, &job);
    cecps_backlog_changed(m, now);
}
