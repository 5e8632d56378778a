/* mdl_cecps.c: the scheme's parameters, outputs, creation and inputs. The replication itself is in
 * mdl_cecps_run.c, the team queues in mdl_cecps_team.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_cecps_priv.h"

static const char *const stream_names[MDL_CECPS_NSTREAMS] = {"cecps.refer", "cecps.work", "cecps.ledger",
                                                             "cecps.day", "cecps.cpas"};

const char *mdl_cecps_stream_name(enum mdl_cecps_stream s)
{
    return stream_names[s];
}

static struct mdl_dist gamma_h(double mean, double sd)
{
    return (struct mdl_dist){.kind = MDL_DIST_GAMMA, .mean = mean, .sd = sd};
}

void mdl_cecps_params_default(struct mdl_cecps_params *p)
{
    struct mdl_cecps_team office = {.staff = 12,
                                    .start_hour = 9.0,
                                    .hours_per_day = 7.4,
                                    .working_days_per_week = 5,
                                    .absence_share = 0.15};
    *p = (struct mdl_cecps_params){
        .enabled = 1,
        .unqualified_referral_share = 0.25,
        .team = office,
        .work_hours = {gamma_h(6.0, 3.0), gamma_h(2.0, 1.0), gamma_h(5.0, 2.5)},
        .statutory_days = 365.0,
        .ipm_date = 20250201,
        .ipm_ramp_days = 365.0,
        .ipm_factor = 0.75,
        .steps = {{20020101, 2000.0, 0.0}, {20230213, 10000.0, 6000.0}},
        .nsteps = 2,
        .responsible_persons = 2,
        .penalty_level_share = 0.4,
        .accredited_factor = 0.5,
        .impose_share = 0.8,
        .new_info_share = 0.3,
        .new_info_delay_days = 21.0,
        .challenge_share = 0.35,
        .challenge_delay_days = 28.0,
        .challenge_success_share = 0.2,
        .challenge_reduce_share = 0.3,
        .reduction_share = 0.5,
        .collect_share = 0.6,
        .collection_mean_days = 120.0,
        .write_off_days = 730.0,
        .cpas_apply_per_year = 0.05,
        .cpas_team = office,
        .cpas_work_hours = gamma_h(12.0, 6.0),
        .cpas_approve_share = 0.8,
        .accredited_initial_share = 0.1,
        .perception_lag_days = 90.0,
        .own_weight = 0.5,
        .engagement_factor = 1.0,
        .initial_risk_gbp_per_day = 20.0,
        .security_cost_gbp_per_day = 15.0,
        .logit_scale_gbp_per_day = 10.0,
        .review_days = 60.0,
        .secured_when_securing = 0.9,
    };
    p->cpas_team.staff = 2;
}

/* Range checks: each returns false after writing the message. */
static bool in(char *err, size_t n, const char *f, double v, double lo, double hi, bool lo_open, bool hi_open)
{
    bool ok = !isnan(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (!ok && n > 0)
        snprintf(err, n, "%s: must be in %c%.17g, %.17g%c, got %.17g", f, lo_open ? '(' : '[', lo, hi,
                 hi_open ? ')' : ']', v);
    return ok;
}

static bool dist_ok(char *err, size_t n, const char *f, const struct mdl_dist *d)
{
    char name[96];
    if (d->kind > MDL_DIST_GAMMA) {
        snprintf(err, n, "%s.dist: must be fixed, exponential, uniform, lognormal or gamma", f);
        return false;
    }
    if (d->kind == MDL_DIST_UNIFORM) {
        snprintf(name, sizeof name, "%s.min", f);
        if (!in(err, n, name, d->min, 0.0, 1e4, false, false))
            return false;
        snprintf(name, sizeof name, "%s.max", f);
        return in(err, n, name, d->max, d->min, 1e4, true, false);
    }
    snprintf(name, sizeof name, "%s.mean", f);
    if (!in(err, n, name, d->mean, 0.0, 1e4, true, false))
        return false;
    snprintf(name, sizeof name, "%s.sd", f);
    return d->kind < MDL_DIST_LOGNORMAL || in(err, n, name, d->sd, 0.0, 1e4, true, false);
}

static bool team_ok(char *err, size_t n, const char *f, const struct mdl_cecps_team *t)
{
    char a[80], b[80], c[80], d[80], e[80];
    snprintf(a, sizeof a, "%s.staff", f);
    snprintf(b, sizeof b, "%s.start_hour", f);
    snprintf(c, sizeof c, "%s.hours_per_day", f);
    snprintf(d, sizeof d, "%s.working_days_per_week", f);
    snprintf(e, sizeof e, "%s.absence_share", f);
    return in(err, n, a, t->staff, 0, MDL_CECPS_MAX_STAFF, false, false) &&
           in(err, n, b, t->start_hour, 0.0, 24.0, false, true) &&
           in(err, n, c, t->hours_per_day, 0.0, 24.0 - t->start_hour, true, false) &&
           in(err, n, d, t->working_days_per_week, 1, 7, false, false) &&
           in(err, n, e, t->absence_share, 0.0, 1.0, false, true);
}

static bool steps_ok(char *err, size_t n, const struct mdl_cecps_params *p)
{
    if (!in(err, n, "steps.count", p->nsteps, 1, MDL_CECPS_MAX_STEPS, false, false))
        return false;
    for (unsigned i = 0; i < p->nsteps; i++) {
        const struct mdl_cecps_step *s = &p->steps[i];
        int64_t days;
        if (!mdl_cecps_date_days((int32_t)s->from_date, &days) ||
            (i > 0 && s->from_date <= p->steps[i - 1].from_date)) {
            snprintf(err, n, "steps[%u].from_date: must be a valid YYYYMMDD after the previous step, got %u",
                     i, s->from_date);
            return false;
        }
        char a[64], b[64];
        snprintf(a, sizeof a, "steps[%u].per_entrant_gbp", i);
        snprintf(b, sizeof b, "steps[%u].failure_to_secure_gbp", i);
        if (!in(err, n, a, s->per_entrant_gbp, 0.0, 1e6, false, false) ||
            !in(err, n, b, s->failure_to_secure_gbp, 0.0, 1e6, false, false))
            return false;
    }
    return true;
}

static bool shares_ok(char *err, size_t n, const struct mdl_cecps_params *p)
{
    const struct {
        const char *f;
        double v;
    } s[] = {{"unqualified_referral_share", p->unqualified_referral_share},
             {"accredited_factor", p->accredited_factor},
             {"impose_share", p->impose_share},
             {"new_info_share", p->new_info_share},
             {"challenge_share", p->challenge_share},
             {"challenge_success_share", p->challenge_success_share},
             {"challenge_reduce_share", p->challenge_reduce_share},
             {"collect_share", p->collect_share},
             {"cpas_approve_share", p->cpas_approve_share},
             {"accredited_initial_share", p->accredited_initial_share},
             {"own_weight", p->own_weight},
             {"secured_when_securing", p->secured_when_securing}};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (!in(err, n, s[i].f, s[i].v, 0.0, 1.0, false, false))
            return false;
    return in(err, n, "challenge_success_share + challenge_reduce_share",
              p->challenge_success_share + p->challenge_reduce_share, 0.0, 1.0, false, false) &&
           in(err, n, "penalty_level_share", p->penalty_level_share, 0.0, 1.0, true, false) &&
           in(err, n, "reduction_share", p->reduction_share, 0.0, 1.0, true, false) &&
           in(err, n, "ipm_factor", p->ipm_factor, 0.0, 1.0, true, false);
}

static bool times_ok(char *err, size_t n, const struct mdl_cecps_params *p)
{
    const struct {
        const char *f;
        double v, lo, hi;
        bool lo_open;
    } s[] = {{"statutory_days", p->statutory_days, 0.0, 3650.0, false},
             {"ipm_ramp_days", p->ipm_ramp_days, 0.0, 3650.0, false},
             {"new_info_delay_days", p->new_info_delay_days, 0.0, 3650.0, true},
             {"challenge_delay_days", p->challenge_delay_days, 0.0, 3650.0, true},
             {"collection_mean_days", p->collection_mean_days, 0.0, 3650.0, true},
             {"write_off_days", p->write_off_days, 0.0, 3650.0, true},
             {"cpas_apply_per_year", p->cpas_apply_per_year, 0.0, 365.0, false},
             {"perception_lag_days", p->perception_lag_days, 0.0, 3650.0, true},
             {"engagement_factor", p->engagement_factor, 0.0, 100.0, false},
             {"initial_risk_gbp_per_day", p->initial_risk_gbp_per_day, 0.0, 1e6, false},
             {"security_cost_gbp_per_day", p->security_cost_gbp_per_day, 0.0, 1e6, false},
             {"logit_scale_gbp_per_day", p->logit_scale_gbp_per_day, 0.0, 1e6, true},
             {"review_days", p->review_days, 0.0, 3650.0, true}};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (!in(err, n, s[i].f, s[i].v, s[i].lo, s[i].hi, s[i].lo_open, false))
            return false;
    return true;
}

sim_status mdl_cecps_params_check(const struct mdl_cecps_params *p, char *err, size_t n)
{
    static const char *const wh[MDL_CECPS_NCASES] = {"work_hours.referral", "work_hours.new_info",
                                                     "work_hours.challenge"};
    if (n > 0)
        err[0] = '\0';
    int64_t days;
    if (!mdl_cecps_date_days((int32_t)p->ipm_date, &days)) {
        snprintf(err, n, "ipm_date: must be a valid YYYYMMDD, got %u", p->ipm_date);
        return SIM_EINVAL;
    }
    if (p->enabled > 1) {
        snprintf(err, n, "enabled: must be 0 or 1, got %u", p->enabled);
        return SIM_EINVAL;
    }
    bool ok = team_ok(err, n, "team", &p->team) && team_ok(err, n, "cpas_team", &p->cpas_team) &&
              steps_ok(err, n, p) && shares_ok(err, n, p) && times_ok(err, n, p) &&
              in(err, n, "responsible_persons", p->responsible_persons, 1, 5, false, false) &&
              dist_ok(err, n, "cpas_work_hours", &p->cpas_work_hours);
    for (int i = 0; i < MDL_CECPS_NCASES && ok; i++)
        ok = dist_ok(err, n, wh[i], &p->work_hours[i]);
    return ok ? SIM_OK : SIM_EINVAL;
}

/* Howard Hinnant's days_from_civil. */
bool mdl_cecps_date_days(int32_t date, int64_t *days)
{
    int64_t y = date / 10000, mo = date / 100 % 100, d = date % 100;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !leap))
        return false;
    y -= mo <= 2;
    int64_t era = y / 400, yoe = y - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = era * 146097 + doe - 719468;
    return true;
}

double mdl_cecps_max_per_entrant(const struct mdl_cecps_params *p, int32_t date)
{
    double v = 0.0;
    for (unsigned i = 0; i < p->nsteps && (int32_t)p->steps[i].from_date <= date; i++)
        v = p->steps[i].per_entrant_gbp;
    return v;
}

size_t mdl_cecps_years(double horizon_days)
{
    size_t y = (size_t)ceil(horizon_days / 365.25);
    return y > 0 ? y : 1;
}

struct var_info {
    const char *name, *units, *description;
    enum sim_out_kind kind;
};

#define C SIM_OUT_COUNT
#define R SIM_OUT_REAL
static const struct var_info tinfo[T_NVARS] = {
    {"referrals", "cases", "incidents referred to the civil penalty team", C},
    {"referrals_not_made", "incidents", "incidents not referred (no qualified officer, discretion)", C},
    {"cases_decided", "cases", "cases of every type decided by the team", C},
    {"cases_lapsed", "cases", "cases not started within the statutory time", C},
    {"penalties_imposed", "penalties", "penalties imposed (one per responsible person)", C},
    {"penalty_value_gbp", "GBP", "value of the penalties imposed", R},
    {"challenges_made", "challenges", "challenges (objections and appeals) received", C},
    {"challenges_succeeded", "challenges", "challenges that cancelled the penalty", C},
    {"reductions", "penalties", "penalties reduced on challenge", C},
    {"reduced_gbp", "GBP", "penalty value cancelled or reduced on challenge", R},
    {"debt_collected_gbp", "GBP", "penalty debt collected", R},
    {"debt_written_off_gbp", "GBP", "penalty debt written off", R},
    {"debt_outstanding_gbp", "GBP", "penalty debt outstanding at the end", R},
    {"team_backlog_end", "cases", "cases waiting or in progress at the end", C},
    {"team_backlog_max", "cases", "largest backlog in the window", C},
    {"team_waiting_mean", "cases", "time-average number of cases waiting for a caseworker", R},
    {"team_wait_mean_days", "days", "mean wait from arrival to a caseworker starting the case", R},
    {"secured_share_end", "share", "share of hauliers securing their vehicles at the end", R},
    {"cpas_applications", "applications", "CPAS accreditation applications received", C},
    {"cpas_accredited", "hauliers", "hauliers accredited by the CPAS team", C},
    {"cpas_days_to_decide_mean", "days", "mean days from CPAS application to decision", R},
    {"cpas_waiting_end", "applications", "CPAS applications undecided at the end", C},
};
static const struct var_info yinfo[Y_NVARS] = {
    {"vehicles_searched", "vehicles", "vehicles searched at the controls", R},
    {"clandestine_incidents", "incidents", "vehicles in which clandestine entrants were detected", C},
    {"entrants_detected", "people", "clandestine entrants detected in vehicles", C},
    {"vehicles_not_secured", "vehicles", "vehicles with entrants found not adequately secured", C},
    {"referrals", "cases", "incidents referred to the civil penalty team", C},
    {"penalties_imposed", "penalties", "penalties imposed", C},
    {"penalty_value_gbp", "GBP", "value of the penalties imposed", R},
    {"challenges_made", "challenges", "challenges received", C},
    {"challenges_succeeded", "challenges", "challenges that cancelled the penalty", C},
    {"reductions", "penalties", "penalties reduced on challenge", C},
    {"reduced_gbp", "GBP", "penalty value cancelled or reduced", R},
    {"debt_collected_gbp", "GBP", "penalty debt collected", R},
    {"cases_lapsed", "cases", "cases lapsed", C},
    {"debt_outstanding_gbp", "GBP", "penalty debt outstanding at the end of the year", R},
    {"team_backlog_end", "cases", "backlog at the end of the year", C},
    {"team_backlog_max", "cases", "largest backlog in the year", C},
    {"cpas_waiting_end", "applications", "CPAS applications undecided at the end of the year", C},
    {"cpas_days_to_decide_mean", "days", "mean days to decide the CPAS applications decided in the year", R},
    {"secured_share_mean", "share", "mean daily share of hauliers securing their vehicles", R},
};
static const struct var_info dinfo[D_NVARS] = {
    {"team_backlog", "cases", "civil penalty cases waiting or in progress at the end of the day", C},
    {"secured_share", "share", "share of hauliers securing their vehicles at the end of the day", R},
};
#undef C
#undef R

static sim_status add(struct sim_out_table *t, const struct var_info *vi, const char *group, int rank,
                      int dim, int *id)
{
    struct sim_out_var v = {.group = group,
                            .name = vi->name,
                            .units = vi->units,
                            .description = vi->description,
                            .kind = vi->kind,
                            .rank = rank,
                            .dims = {dim}};
    return sim_out_add_var(t, &v, id);
}

sim_status mdl_cecps_declare(struct sim_out_table *t, int day_dim, int year_dim, struct mdl_cecps_vars *ids)
{
    sim_status st = SIM_OK;
    for (int v = 0; v < T_NVARS && st == SIM_OK; v++)
        st = add(t, &tinfo[v], "totals", 0, 0, &ids->totals[v]);
    for (int v = 0; v < Y_NVARS && st == SIM_OK; v++)
        st = add(t, &yinfo[v], "scheme", 1, year_dim, &ids->yearly[v]);
    for (int v = 0; v < D_NVARS && st == SIM_OK; v++)
        st = add(t, &dinfo[v], "daily", 1, day_dim, &ids->daily[v]);
    return st;
}

sim_status mdl_cecps_create(const struct mdl_cecps_params *p, uint32_t hauliers, int32_t start_date,
                            double warmup_days, double horizon_days, const struct sim_out_table *t,
                            const struct mdl_cecps_vars *ids, size_t first_stream, struct mdl_cecps **out)
{
    int64_t day0, ipm0;
    if (hauliers == 0 || !mdl_cecps_date_days(start_date, &day0) ||
        !mdl_cecps_date_days((int32_t)p->ipm_date, &ipm0))
        return SIM_EINVAL;
    struct mdl_cecps *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SIM_ENOMEM;
    size_t ny = mdl_cecps_years(horizon_days);
    *m = (struct mdl_cecps){.p = p,
                            .n = hauliers,
                            .day0 = day0,
                            .ipm0 = ipm0,
                            .wday0 = (unsigned)((day0 % 7 + 7 + 3) % 7), /* 1970-01-01 was a Thursday */
                            .w0 = warmup_days,
                            .w1 = warmup_days + horizon_days,
                            .nyears = ny,
                            .t = t,
                            .ids = ids,
                            .first_stream = first_stream};
    sim_status st = cecps_team_init(&m->team[TEAM_CASES], &p->team, p->work_hours, MDL_CECPS_NCASES, 4096);
    if (st == SIM_OK)
        st = cecps_team_init(&m->team[TEAM_CPAS], &p->cpas_team, &p->cpas_work_hours, 1, 1024);
    m->hs = calloc(hauliers, sizeof *m->hs);
    m->own_today = calloc(hauliers, sizeof *m->own_today);
    m->touched = calloc(hauliers, sizeof *m->touched);
    m->debt = calloc(hauliers, sizeof *m->debt);
    m->cpas_days_sum = calloc(4 * ny, sizeof(double));
    if (st == SIM_OK && (m->hs == NULL || m->own_today == NULL || m->touched == NULL || m->debt == NULL ||
                         m->cpas_days_sum == NULL))
        st = SIM_ENOMEM;
    if (st != SIM_OK) {
        mdl_cecps_destroy(m);
        return st;
    }
    m->cpas_days_n = m->cpas_days_sum + ny;
    m->secured_sum = m->cpas_days_n + ny;
    m->secured_days = m->secured_sum + ny;
    *out = m;
    return SIM_OK;
}

void mdl_cecps_destroy(struct mdl_cecps *m)
{
    if (m == NULL)
        return;
    cecps_team_fini(&m->team[TEAM_CASES]);
    cecps_team_fini(&m->team[TEAM_CPAS]);
    free(m->hs);
    free(m->own_today);
    free(m->touched);
    free(m->debt);
    free(m->cpas_days_sum);
    free(m);
}

void mdl_cecps_bind(struct mdl_cecps *m, double *rep_values, uint16_t model_id)
{
    m->out = rep_values;
    m->model = model_id;
}

void mdl_cecps_refresh(struct mdl_cecps *m)
{
    int64_t ipm0;
    if (mdl_cecps_date_days((int32_t)m->p->ipm_date, &ipm0)) /* an intervention may move the go-live */
        m->ipm0 = ipm0;
    cecps_team_refresh(&m->team[TEAM_CASES]);
    cecps_team_refresh(&m->team[TEAM_CPAS]);
}

bool mdl_cecps_secured(const struct mdl_cecps *m, uint32_t haulier)
{
    return m->hs[haulier].secured != 0;
}

bool mdl_cecps_accredited(const struct mdl_cecps *m, uint32_t haulier)
{
    return m->hs[haulier].accredited != 0;
}

double mdl_cecps_perceived_risk(const struct mdl_cecps *m, uint32_t haulier)
{
    return cecps_risk(m, haulier) * m->p->engagement_factor;
}

double mdl_cecps_secured_share(const struct mdl_cecps *m)
{
    return (double)m->nsecured / (double)m->n;
}
