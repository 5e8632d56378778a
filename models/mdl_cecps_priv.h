/* mdl_cecps_priv.h: internals shared by the files of the civil-penalty model. Not a public API. */
#ifndef MDL_CECPS_PRIV_H
#define MDL_CECPS_PRIV_H

#include "../sim/sim_stats.h"
#include "mdl_cecps.h"
#include "mdl_dist.h"

/* Output variables, in declaration order. */
enum {
    T_REFERRALS,
    T_NOT_REFERRED,
    T_DECIDED,
    T_LAPSED,
    T_PENALTIES,
    T_PENALTY_GBP,
    T_CHALLENGES,
    T_CHALLENGES_SUCCEEDED,
    T_REDUCTIONS,
    T_REDUCED_GBP,
    T_COLLECTED_GBP,
    T_WRITTEN_OFF_GBP,
    T_OUTSTANDING_GBP,
    T_BACKLOG_END,
    T_BACKLOG_MAX,
    T_WAITING_MEAN,
    T_WAIT_MEAN_DAYS,
    T_SECURED_END,
    T_CPAS_APPLICATIONS,
    T_CPAS_ACCREDITED,
    T_CPAS_DAYS_MEAN,
    T_CPAS_WAITING_END,
    T_NVARS
};
enum {
    Y_SEARCHED,
    Y_INCIDENTS,
    Y_ENTRANTS,
    Y_UNSECURED,
    Y_REFERRALS,
    Y_PENALTIES,
    Y_PENALTY_GBP,
    Y_CHALLENGES,
    Y_CHALLENGES_SUCCEEDED,
    Y_REDUCTIONS,
    Y_REDUCED_GBP,
    Y_COLLECTED_GBP,
    Y_LAPSED,
    Y_OUTSTANDING_GBP,
    Y_BACKLOG_END,
    Y_BACKLOG_MAX,
    Y_CPAS_WAITING_END,
    Y_CPAS_DAYS_MEAN,
    Y_SECURED_MEAN,
    Y_NVARS
};
enum { D_BACKLOG, D_SECURED, D_NVARS };

/* Event kinds and priorities: at equal times shifts end before the day starts, and start after. */
enum {
    EV_DAY,
    EV_WINDOW,
    EV_SHIFT_START,
    EV_SHIFT_END,
    EV_DONE,
    EV_LAPSE,
    EV_CHALLENGE,
    EV_NEW_INFO,
    EV_SETTLE,
    EV_APPLY
};
enum { PRIO_SHIFT_END = 0, PRIO_DAY = 1, PRIO_SHIFT_START = 2, PRIO_OTHER = 3 };
enum { TEAM_CASES = 0, TEAM_CPAS = 1, NTEAMS = 2 };

/* A case or application: what the team needs to decide it. */
struct cecps_job {
    uint64_t serial;
    double t_arrive, t_incident, amount;
    uint32_t haulier, entrants;
    uint8_t type, accredited, unsecured;
};

struct cecps_worker {
    struct cecps_job job;
    double done_at, remaining_h;
    sim_evh h;
    bool busy, present, on_shift;
};

/* A FIFO queue served by a team working shifts. Cases leave the queue in arrival order, so with one
 * statutory time for all, the case at the head is always the next to lapse. */
struct cecps_team {
    const struct mdl_cecps_team *p;
    const struct mdl_dist *dists; /* ntypes distributions of work hours */
    unsigned ntypes;
    struct mdl_sampler s[MDL_CECPS_NCASES];
    struct cecps_worker w[MDL_CECPS_MAX_STAFF];
    struct cecps_job *q;
    size_t qcap, qhead, qlen;
    uint64_t next_serial, arrived, started, lapsed;
    unsigned busy;
    struct sim_tavg waiting;
    double wait_sum, wait_n;
};

/* A haulier's state. */
struct cecps_haulier {
    double risk;       /* own part of the perceived risk, as of day risk_day */
    uint32_t risk_day; /* days of the run counted when `risk` was brought up to date */
    unsigned char secured, accredited, applying;
};

struct mdl_cecps {
    const struct mdl_cecps_params *p;
    uint32_t n;
    int64_t day0;   /* days since 1970 of day 0 */
    int64_t ipm0;   /* days since 1970 of the IPM go-live */
    unsigned wday0; /* weekday of day 0, Monday = 0 */
    double w0, w1;
    size_t nyears;
    const struct sim_out_table *t;
    const struct mdl_cecps_vars *ids;
    size_t first_stream;
    gsl_rng *rng[MDL_CECPS_NSTREAMS];
    double *out;
    uint16_t model;
    struct cecps_team team[NTEAMS];
    /* hauliers */
    /* perceived risk = industry_risk + risk[h] (1 - alpha)^(ndays - risk_day[h]): the industry's
     * part is common, a haulier's own part decays lazily, brought up to date when touched */
    struct cecps_haulier *hs; /* together: a review touches one cache line */
    double *own_today, *debt;
    uint32_t *touched; /* the hauliers penalised today (ntouched) */
    uint32_t ndays, ntouched;
    double industry_risk;
    double industry_today;
    uint32_t nsecured;
    /* whole-run ledger, for the invariants (the outputs count the window only) */
    double imposed, collected, reduced, written_off;
    uint64_t arrived_type[MDL_CECPS_NCASES], decided_type[MDL_CECPS_NCASES], lapsed_type[MDL_CECPS_NCASES];
    /* yearly accumulators */
    double *cpas_days_sum, *cpas_days_n, *secured_sum, *secured_days;
};

/* The risk haulier h perceives now, GBP per day, before engagement (mdl_cecps_haul.c). */
double cecps_risk(const struct mdl_cecps *m, uint32_t h);

/* Years, days and dates. */
double cecps_days_of(const struct mdl_cecps *m, double t); /* calendar date of t, days since 1970 */
bool cecps_in_window(const struct mdl_cecps *m, double t);
double cecps_work_factor(const struct mdl_cecps *m, double t); /* IPM multiplier of work times at t */

/* Output accumulation: flows go to the totals and the year of t (inside the window only). */
void cecps_flow(struct mdl_cecps *m, double t, int tvar, int yvar, double x);
void cecps_set_year(struct mdl_cecps *m, double t, int yvar, double x);
void cecps_backlog_changed(struct mdl_cecps *m, double t);

/* The team queue (mdl_cecps_team.c). */
sim_status cecps_team_init(struct cecps_team *tm, const struct mdl_cecps_team *p,
                           const struct mdl_dist *dists, unsigned ntypes, size_t qcap);
void cecps_team_fini(struct cecps_team *tm);
void cecps_team_refresh(struct cecps_team *tm);
void cecps_team_reset(struct cecps_team *tm, double t);
sim_status cecps_team_push(struct mdl_cecps *m, struct sim_kernel *k, int team, struct cecps_job *job);
void cecps_team_day(struct mdl_cecps *m, struct sim_kernel *k, int team, double t, gsl_rng *r);
void cecps_team_shift(struct mdl_cecps *m, struct sim_kernel *k, int team, bool start);
void cecps_team_done(struct mdl_cecps *m, struct sim_kernel *k, int team, unsigned worker);
void cecps_team_lapse(struct mdl_cecps *m, struct sim_kernel *k, int team, uint64_t serial);
size_t cecps_team_backlog(const struct cecps_team *tm);

/* What the model does when a team decides or lapses a job (mdl_cecps_run.c). */
void cecps_decided(struct mdl_cecps *m, struct sim_kernel *k, int team, const struct cecps_job *job);
void cecps_lapsed(struct mdl_cecps *m, struct sim_kernel *k, int team, const struct cecps_job *job);
/* Queues a new-information or challenge case (team CASES) or an application (team CPAS); a pool
 * that cannot grow fails the run. */
void cecps_push(struct mdl_cecps *m, struct sim_kernel *k, int team, struct cecps_job *j);
/* Pays (kind 0) or writes off (kind 1) `amount` pence of haulier h's debt at the current time. */
void cecps_settled(struct mdl_cecps *m, struct sim_kernel *k, uint32_t h, int kind, double amount);
double *cecps_tot(struct mdl_cecps *m, int v);
double *cecps_yr(struct mdl_cecps *m, int v, size_t y);
size_t cecps_year_of(const struct mdl_cecps *m, double t);

#endif
