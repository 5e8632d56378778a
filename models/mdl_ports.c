/* The port control model: see mdl_ports.h for what it represents. */
#include "mdl_ports.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "../sim/sim_rng.h"
#include "../sim/sim_stats.h"
#include "mdl_dist.h"

enum kind { EV_ARRIVAL, EV_GROUP, EV_SEARCH_END, EV_SHIFT_START, EV_SHIFT_END, EV_DAY_END, EV_WARMUP_END };

/* At equal times: bookkeeping first, then officers leaving before the next shift arrives (so that
 * a hand-over never doubles the teams), then everything else in insertion order. */
enum { PRIO_BOOK = -10, PRIO_SHIFT_END = -2, PRIO_SHIFT_START = -1, PRIO_FLOW = 0 };

#define MIN_PER_DAY  1440.0
#define NONE         UINT32_MAX
#define EXOGENOUS    UINT32_MAX
#define WAIT_BIN_MIN 0.1
#define WAIT_BINS    20000

/* Daily counters; the first D_NCOUNTS are also summed into per-replication totals. */
enum dvar {
    D_ARRIVED,
    D_SELECTED,
    D_SUSPENDED,
    D_SEARCHED,
    D_GROUPS_CARRIED,
    D_GROUPS_DETECTED,
    D_GROUPS_PASSED,
    D_PEOPLE_CARRIED,
    D_PEOPLE_DETECTED,
    D_PEOPLE_PASSED,
    D_REC_PORT,
    D_REC_72H,
    D_UNRECORDED,
    D_NCOUNTS,
    D_TEAMS = D_NCOUNTS,
    D_QUEUE,
    D_WAIT,
    D_NVARS
};
enum tvar {
    T_WAIT_MEAN = D_NCOUNTS,
    T_WAIT_P95,
    T_WAIT_MAX,
    T_QUEUE,
    T_TEAMS,
    T_BUSY,
    T_UTIL,
    T_SEARCH_MEAN,
    T_DELAY_MEAN,
    T_DETECT_SHARE,
    T_NVARS
};

struct var_info {
    const char *name, *units, *description;
};

static const struct var_info daily_info[D_NVARS] = {
    {"lorries_arrived", "lorries", "lorries bound for the UK arriving at the control"},
    {"lorries_selected", "lorries", "lorries selected for a search"},
    {"selection_suspended", "lorries",
     "lorries not considered for selection because the search queue was full"},
    {"lorries_searched", "lorries", "searches completed"},
    {"groups_carried", "groups", "hidden groups on lorries arriving at the control"},
    {"groups_detected", "groups", "hidden groups detected in a search and returned to France"},
    {"groups_passed", "groups", "hidden groups that crossed undetected"},
    {"people_carried", "people", "people hidden on lorries arriving at the control"},
    {"people_detected", "people", "people detected in searches"},
    {"people_passed", "people", "people who crossed undetected"},
    {"passed_recorded_at_port", "people", "people who crossed and were recorded at a UK port"},
    {"passed_recorded_72h", "people", "people who crossed and were found in the UK within 72 hours"},
    {"passed_unrecorded", "people", "people who crossed and were never recorded"},
    {"teams_on_duty_mean", "teams", "time-averaged number of search teams on duty"},
    {"queue_length_mean", "lorries", "time-averaged number of selected lorries waiting for a team"},
    {"search_wait_mean_min", "minutes", "mean wait of lorries whose search started that day (NaN if none)"},
};

static const struct var_info totals_info[T_NVARS - D_NCOUNTS] = {
    {"search_wait_mean_min", "minutes", "mean wait of selected lorries for a search team"},
    {"search_wait_p95_min", "minutes",
     "95th percentile of the wait for a search team (0.1-minute resolution)"},
    {"search_wait_max_min", "minutes", "longest wait for a search team"},
    {"queue_length_mean", "lorries", "time-averaged number of selected lorries waiting"},
    {"teams_on_duty_mean", "teams", "time-averaged number of search teams on duty"},
    {"teams_busy_mean", "teams", "time-averaged number of teams searching"},
    {"team_utilisation", "1", "teams_busy_mean / teams_on_duty_mean"},
    {"search_time_mean_min", "minutes", "mean duration of completed searches"},
    {"freight_delay_mean_min", "minutes", "mean wait plus search time per arriving lorry (all lorries)"},
    {"detected_share_people", "1", "people detected / people carried (NaN if none carried)"},
};

struct grp {
    uint32_t id, next;
    uint16_t size;
};

struct lorry {
    double t_arrive;
    double search_min; /* duration of its search, once started */
    uint32_t groups;   /* first group riding it, NONE if clean */
};

struct method {
    double cum_share, detection;
    struct mdl_sampler time_min;
};

struct port {
    const struct mdl_port *p;
    double rate[7 * 24]; /* lorries per day by weekday * 24 + hour */
    double groups_rate;  /* exogenous groups per day */
    double *size_cum;    /* cumulative group-size weights, normalised */
    struct method *methods;
    gsl_rng *rng[MDL_PP_COUNT];
    uint32_t *ring; /* FIFO of waiting lorries */
    size_t ring_cap, head, len;
    uint32_t pend_head, pend_tail; /* groups waiting to board */
    unsigned officers, teams, busy;
    double next_arrival_hour; /* absolute hour index the arrival inversion continues from */
    struct sim_tavg queue_t, teams_t, busy_t;
    double day_area_queue, day_area_teams; /* tavg areas at the start of the current day */
    double day_wait_sum, day_wait_n;
    struct sim_welford wait, search;
    struct sim_hist wait_hist;
    double delay_sum;
    double cnt[D_NCOUNTS];
    uint64_t all_carried, all_resolved, in_system; /* whole-run group accounting (conservation) */
};

struct mdl_ports {
    const struct mdl_scenario *s;
    const struct sim_out_table *t;
    const struct mdl_ports_vars *ids;
    size_t nports, first_stream, ndays;
    double w0, w1; /* analysis window [w0, w1) */
    struct port *ports;
    struct grp *grps;
    size_t ngrps_cap;
    uint32_t grp_free;
    struct lorry *lorries;
    size_t nlorries_cap;
    uint32_t lorry_free;
    double *out;
    uint16_t model;
    int in_window;
    struct mdl_ports_client client;
};

static const char *const process_names[MDL_PP_COUNT] = {
    "traffic", "staffing", "selection", "search", "detection", "recording", "clandestine",
};

size_t mdl_ports_stream(size_t first, size_t nports, enum mdl_ports_process process, size_t port)
{
    return first + (size_t)process * nports + port;
}

void mdl_ports_stream_name(const struct mdl_scenario *s, enum mdl_ports_process process, size_t port,
                           char *buf, size_t len)
{
    snprintf(buf, len, "%s.%s", process_names[process], s->ports[port].name);
}

/* ---- declaration of outputs ---- */

sim_status mdl_ports_declare(struct sim_out_table *t, const struct mdl_scenario *s, int day_dim,
                             const char **labels, struct mdl_ports_vars *ids)
{
    for (size_t i = 0; i < s->ports_count; i++)
        labels[i] = s->ports[i].name;
    struct sim_out_dim d = {.name = "port",
                            .size = s->ports_count,
                            .labels = labels,
                            .units = "",
                            .description = "juxtaposed control (port of embarkation in France)"};
    sim_status st = sim_out_add_dim(t, &d, &ids->port_dim);
    for (int v = 0; v < D_NVARS && st == SIM_OK; v++) {
        struct sim_out_var var = {.group = "daily",
                                  .name = daily_info[v].name,
                                  .units = daily_info[v].units,
                                  .description = daily_info[v].description,
                                  .kind = v < D_NCOUNTS ? SIM_OUT_COUNT : SIM_OUT_REAL,
                                  .rank = 2,
                                  .dims = {day_dim, ids->port_dim}};
        st = sim_out_add_var(t, &var, &ids->daily[v]);
    }
    for (int v = 0; v < T_NVARS && st == SIM_OK; v++) {
        const struct var_info *vi = v < D_NCOUNTS ? &daily_info[v] : &totals_info[v - D_NCOUNTS];
        struct sim_out_var var = {.group = "totals",
                                  .name = vi->name,
                                  .units = vi->units,
                                  .description = vi->description,
                                  .kind = v < D_NCOUNTS ? SIM_OUT_COUNT : SIM_OUT_REAL,
                                  .rank = 1,
                                  .dims = {ids->port_dim}};
        st = sim_out_add_var(t, &var, &ids->totals[v]);
    }
    return st;
}

/* ---- creation ---- */

static double profile_mean(const double *w, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += w[i];
    return sum / (double)n;
}

static sim_status port_init(struct port *pt, const struct mdl_port *p)
{
    pt->p = p;
    /* Profiles are relative: dividing by their means keeps the annual volume. */
    double hm = profile_mean(p->hour_profile, 24), wm = profile_mean(p->weekday_profile, 7);
    double base = p->lorries_per_year / 365.25;
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++)
            pt->rate[d * 24 + h] = base * (p->weekday_profile[d] / wm) * (p->hour_profile[h] / hm);
    pt->groups_rate = p->clandestine.groups_per_day;
    size_t nsz = p->clandestine.group_size_weights_count;
    pt->size_cum = malloc(nsz * sizeof *pt->size_cum);
    pt->methods = malloc(p->methods_count * sizeof *pt->methods);
    pt->ring_cap = 64;
    pt->ring = malloc(pt->ring_cap * sizeof *pt->ring);
    if (pt->size_cum == NULL || pt->methods == NULL || pt->ring == NULL)
        return SIM_ENOMEM;
    double tot = 0.0, cum = 0.0;
    for (size_t i = 0; i < nsz; i++)
        tot += p->clandestine.group_size_weights[i];
    for (size_t i = 0; i < nsz; i++)
        pt->size_cum[i] = (cum += p->clandestine.group_size_weights[i]) / tot;
    cum = 0.0;
    for (size_t i = 0; i < p->methods_count; i++) {
        pt->methods[i].cum_share = (cum += p->methods[i].share);
        pt->methods[i].detection = p->methods[i].detection;
        mdl_sampler_init(&pt->methods[i].time_min, &p->methods[i].time_min);
    }
    pt->methods[p->methods_count - 1].cum_share = 1.0; /* shares sum to 1 within rounding */
    return sim_hist_init(&pt->wait_hist, WAIT_BIN_MIN, WAIT_BINS);
}

void mdl_ports_destroy(struct mdl_ports *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; m->ports != NULL && i < m->nports; i++) {
        free(m->ports[i].size_cum);
        free(m->ports[i].methods);
        free(m->ports[i].ring);
        sim_hist_fini(&m->ports[i].wait_hist);
    }
    free(m->ports);
    free(m->grps);
    free(m->lorries);
    free(m);
}

sim_status mdl_ports_create(const struct mdl_scenario *s, const struct sim_out_table *t,
                            const struct mdl_ports_vars *ids, size_t first_stream, struct mdl_ports **out)
{
    struct mdl_ports *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SIM_ENOMEM;
    *m = (struct mdl_ports){.s = s,
                            .t = t,
                            .ids = ids,
                            .nports = s->ports_count,
                            .first_stream = first_stream,
                            .grp_free = NONE,
                            .lorry_free = NONE};
    m->w0 = s->calendar.warmup_days;
    m->w1 = m->w0 + s->calendar.horizon_days;
    m->ndays = (size_t)ceil(s->calendar.horizon_days);
    m->ports = calloc(m->nports, sizeof *m->ports);
    if (m->ports == NULL)
        goto nomem;
    for (size_t i = 0; i < m->nports; i++)
        if (port_init(&m->ports[i], &s->ports[i]) != SIM_OK)
            goto nomem;
    *out = m;
    return SIM_OK;
nomem:
    mdl_ports_destroy(m);
    return SIM_ENOMEM;
}

void mdl_ports_set_client(struct mdl_ports *m, const struct mdl_ports_client *client)
{
    m->client = *client;
}

void mdl_ports_bind(struct mdl_ports *m, double *rep_values, uint16_t model_id)
{
    m->out = rep_values;
    m->model = model_id;
}

/* ---- pools: grown geometrically, so a warm workspace never allocates ---- */

static sim_status grow_pool(void **base, size_t *cap, size_t elem, uint32_t *free_head,
                            void (*link)(void *, size_t, size_t))
{
    size_t ncap = *cap == 0 ? 256 : *cap * 2;
    if (ncap >= NONE)
        return SIM_ENOMEM;
    void *p = realloc(*base, ncap * elem);
    if (p == NULL)
        return SIM_ENOMEM;
    *base = p;
    link(p, *cap, ncap);
    *free_head = (uint32_t)*cap;
    *cap = ncap;
    return SIM_OK;
}

static void link_grps(void *p, size_t from, size_t to)
{
    struct grp *g = p;
    for (size_t i = from; i < to; i++)
        g[i].next = i + 1 < to ? (uint32_t)(i + 1) : NONE;
}

static void link_lorries(void *p, size_t from, size_t to)
{
    struct lorry *l = p;
    for (size_t i = from; i < to; i++)
        l[i].groups = i + 1 < to ? (uint32_t)(i + 1) : NONE;
}

sim_status mdl_ports_board(struct mdl_ports *m, unsigned port, uint32_t group, unsigned size)
{
    if (m->grp_free == NONE) {
        void *base = m->grps;
        sim_status st = grow_pool(&base, &m->ngrps_cap, sizeof *m->grps, &m->grp_free, link_grps);
        m->grps = base;
        if (st != SIM_OK)
            return st;
    }
    uint32_t g = m->grp_free;
    m->grp_free = m->grps[g].next;
    m->grps[g] = (struct grp){.id = group, .next = NONE, .size = (uint16_t)size};
    struct port *pt = &m->ports[port];
    if (pt->pend_tail == NONE)
        pt->pend_head = g;
    else
        m->grps[pt->pend_tail].next = g;
    pt->pend_tail = g;
    return SIM_OK;
}

static uint32_t lorry_alloc(struct mdl_ports *m, struct sim_kernel *k)
{
    if (m->lorry_free == NONE) {
        void *base = m->lorries;
        sim_status st = grow_pool(&base, &m->nlorries_cap, sizeof *m->lorries, &m->lorry_free, link_lorries);
        m->lorries = base;
        if (st != SIM_OK) {
            sim_kernel_fail(k, st, "ports: cannot grow the lorry pool");
            return NONE;
        }
    }
    uint32_t l = m->lorry_free;
    m->lorry_free = m->lorries[l].groups;
    return l;
}

static void lorry_release(struct mdl_ports *m, uint32_t l)
{
    m->lorries[l].groups = m->lorry_free;
    m->lorry_free = l;
}

static sim_status ring_push(struct port *pt, uint32_t l)
{
    if (pt->len == pt->ring_cap) {
        size_t ncap = pt->ring_cap * 2;
        uint32_t *r = malloc(ncap * sizeof *r);
        if (r == NULL)
            return SIM_ENOMEM;
        for (size_t i = 0; i < pt->len; i++)
            r[i] = pt->ring[(pt->head + i) % pt->ring_cap];
        free(pt->ring);
        pt->ring = r;
        pt->ring_cap = ncap;
        pt->head = 0;
    }
    pt->ring[(pt->head + pt->len++) % pt->ring_cap] = l;
    return SIM_OK;
}

static uint32_t ring_pop(struct port *pt)
{
    uint32_t l = pt->ring[pt->head];
    pt->head = (pt->head + 1) % pt->ring_cap;
    pt->len--;
    return l;
}

/* ---- the event handlers ---- */

static inline void count(struct mdl_ports *m, double now, size_t port, enum dvar v, double n)
{
    if (!m->in_window || now >= m->w1)
        return;
    size_t day = (size_t)(now - m->w0);
    if (day >= m->ndays)
        day = m->ndays - 1;
    m->out[m->t->offset[m->ids->daily[v]] + day * m->nports + port] += n;
    m->ports[port].cnt[v] += n;
}

/* Next arrival after t of the piecewise-constant (hourly) Poisson process, by inverting its
 * integrated rate: one exponential draw per arrival, exact at hour boundaries. */
static double next_arrival(const struct port *pt, int start_wd, double t, gsl_rng *r)
{
    double e = sim_rng_exponential(r);
    double hour = floor(t * 24.0);
    for (int guard = 0; guard < 2 * 7 * 24 + 2; guard++) {
        double seg_end = (hour + 1.0) / 24.0;
        long h = (long)hour;
        double rate = pt->rate[((start_wd + h / 24) % 7) * 24 + h % 24];
        double mass = rate * (seg_end - t);
        if (rate > 0.0 && e <= mass)
            return t + e / rate;
        e -= mass;
        t = seg_end;
        hour += 1.0;
    }
    return INFINITY; /* no traffic in any hour of the week */
}

static void schedule_arrival(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    double t = next_arrival(pt, m->s->start_weekday, sim_kernel_now(k), pt->rng[MDL_PP_TRAFFIC]);
    if (isfinite(t))
        sim_kernel_at(k, m->model, EV_ARRIVAL, t, PRIO_FLOW, (uint32_t)port, 0, 0.0, NULL);
}

/* Resolves every group of a list that crossed undetected, and frees the groups. */
static void pass_groups(struct mdl_ports *m, struct sim_kernel *k, size_t port, uint32_t g)
{
    struct port *pt = &m->ports[port];
    double now = sim_kernel_now(k);
    while (g != NONE) {
        struct grp *gr = &m->grps[g];
        uint32_t next = gr->next;
        double u = gsl_rng_uniform(pt->rng[MDL_PP_RECORDING]);
        enum mdl_lorry_outcome o = u < pt->p->recording.at_port_share ? MDL_LORRY_AT_PORT
                                   : u < pt->p->recording.at_port_share + pt->p->recording.within_72h_share
                                       ? MDL_LORRY_WITHIN_72H
                                       : MDL_LORRY_UNRECORDED;
        count(m, now, port, D_GROUPS_PASSED, 1.0);
        count(m, now, port, D_PEOPLE_PASSED, gr->size);
        count(m, now, port,
              o == MDL_LORRY_AT_PORT      ? D_REC_PORT
              : o == MDL_LORRY_WITHIN_72H ? D_REC_72H
                                          : D_UNRECORDED,
              gr->size);
        pt->all_resolved++;
        if (gr->id != EXOGENOUS && m->client.outcome != NULL)
            m->client.outcome(m->client.ctx, k, (unsigned)port, gr->id, gr->size, o);
        gr->next = m->grp_free;
        m->grp_free = g;
        g = next;
    }
}

static void set_busy(struct port *pt, double now, unsigned busy)
{
    pt->busy = busy;
    sim_tavg_set(&pt->busy_t, now, busy);
}

static void start_search(struct mdl_ports *m, struct sim_kernel *k, size_t port, uint32_t l)
{
    struct port *pt = &m->ports[port];
    double now = sim_kernel_now(k);
    gsl_rng *r = pt->rng[MDL_PP_SEARCH];
    double u = gsl_rng_uniform(r);
    uint32_t mi = 0;
    while (u >= pt->methods[mi].cum_share)
        mi++;
    double dur_min = mdl_sampler_draw(&pt->methods[mi].time_min, r);
    double wait_min = (now - m->lorries[l].t_arrive) * MIN_PER_DAY;
    m->lorries[l].search_min = dur_min;
    set_busy(pt, now, pt->busy + 1);
    if (m->in_window && now < m->w1) {
        sim_welford_add(&pt->wait, wait_min);
        sim_hist_add(&pt->wait_hist, wait_min);
        pt->day_wait_sum += wait_min;
        pt->day_wait_n += 1.0;
    }
    sim_kernel_at(k, m->model, EV_SEARCH_END, now + dur_min / MIN_PER_DAY, PRIO_FLOW,
                  (uint32_t)port | mi << 8, l, wait_min + dur_min, NULL);
}

/* Starts searches while teams are free and lorries wait. */
static void dispatch(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    while (pt->busy < pt->teams && pt->len > 0) {
        start_search(m, k, port, ring_pop(pt));
        sim_tavg_set(&pt->queue_t, sim_kernel_now(k), (double)pt->len);
    }
}

static void on_arrival(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    double now = sim_kernel_now(k);
    schedule_arrival(m, k, port);
    uint32_t groups = pt->pend_head;
    uint64_t ngroups = 0;
    pt->pend_head = pt->pend_tail = NONE;
    count(m, now, port, D_ARRIVED, 1.0);
    for (uint32_t g = groups; g != NONE; g = m->grps[g].next) {
        count(m, now, port, D_GROUPS_CARRIED, 1.0);
        count(m, now, port, D_PEOPLE_CARRIED, m->grps[g].size);
        ngroups++;
    }
    pt->all_carried += ngroups;
    /* One selection draw per lorry whatever happens, so that streams stay aligned across variants. */
    double u = gsl_rng_uniform(pt->rng[MDL_PP_SELECTION]);
    const struct mdl_port *p = pt->p;
    double share = p->selection.share;
    if (p->selection.policy == MDL_SELECT_TARGETED && groups != NONE)
        share = fmin(1.0, share * p->selection.lift);
    if (pt->len >= p->selection.max_queue) {
        count(m, now, port, D_SUSPENDED, 1.0);
        pass_groups(m, k, port, groups);
        return;
    }
    if (u >= share) {
        pass_groups(m, k, port, groups);
        return;
    }
    count(m, now, port, D_SELECTED, 1.0);
    pt->in_system += ngroups;
    uint32_t l = lorry_alloc(m, k);
    if (l == NONE)
        return;
    m->lorries[l] = (struct lorry){.t_arrive = now, .groups = groups};
    if (ring_push(pt, l) != SIM_OK) {
        sim_kernel_fail(k, SIM_ENOMEM, "ports: cannot grow the search queue");
        return;
    }
    sim_tavg_set(&pt->queue_t, now, (double)pt->len);
    dispatch(m, k, port);
}

static void on_search_end(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev)
{
    size_t port = ev->a & 0xff, mi = ev->a >> 8;
    struct port *pt = &m->ports[port];
    double now = sim_kernel_now(k);
    uint32_t l = (uint32_t)ev->b;
    double detection = pt->methods[mi].detection;
    uint32_t passed = NONE, g = m->lorries[l].groups;
    while (g != NONE) {
        struct grp *gr = &m->grps[g];
        uint32_t next = gr->next;
        pt->in_system--;
        if (gsl_rng_uniform(pt->rng[MDL_PP_DETECTION]) < detection) {
            count(m, now, port, D_GROUPS_DETECTED, 1.0);
            count(m, now, port, D_PEOPLE_DETECTED, gr->size);
            pt->all_resolved++;
            if (gr->id != EXOGENOUS && m->client.outcome != NULL)
                m->client.outcome(m->client.ctx, k, (unsigned)port, gr->id, gr->size, MDL_LORRY_DETECTED);
            gr->next = m->grp_free;
            m->grp_free = g;
        } else {
            gr->next = passed;
            passed = g;
        }
        g = next;
    }
    pass_groups(m, k, port, passed);
    count(m, now, port, D_SEARCHED, 1.0);
    if (m->in_window && now < m->w1) {
        pt->delay_sum += ev->x;
        sim_welford_add(&pt->search, m->lorries[l].search_min);
    }
    lorry_release(m, l);
    set_busy(pt, now, pt->busy - 1);
    dispatch(m, k, port);
}

static void set_officers(struct port *pt, double now, unsigned officers)
{
    pt->officers = officers;
    pt->teams = officers / pt->p->staffing.team_size;
    sim_tavg_set(&pt->teams_t, now, pt->teams);
}

/* A shift instance begins: each rostered officer is present unless absent (one binomial draw per
 * instance); the instance ends `length` days later. */
static void begin_shift(struct mdl_ports *m, struct sim_kernel *k, size_t port, size_t shift, double length)
{
    struct port *pt = &m->ports[port];
    double now = sim_kernel_now(k);
    const struct mdl_shift *sh = &pt->p->staffing.shifts[shift];
    unsigned present =
        gsl_ran_binomial(pt->rng[MDL_PP_STAFFING], 1.0 - pt->p->staffing.absence_share, sh->officers);
    set_officers(pt, now, pt->officers + present);
    sim_kernel_at(k, m->model, EV_SHIFT_END, now + length, PRIO_SHIFT_END, (uint32_t)port, present, 0.0,
                  NULL);
    dispatch(m, k, port);
}

static void on_shift_end(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev)
{
    struct port *pt = &m->ports[ev->a];
    if (ev->b > pt->officers) {
        sim_kernel_fail(k, SIM_EINVARIANT, "ports: %s: more officers leaving (%llu) than on duty (%u)",
                        pt->p->name, (unsigned long long)ev->b, pt->officers);
        return;
    }
    /* Teams busy beyond the new count finish their search and then stand down (see on_search_end). */
    set_officers(pt, sim_kernel_now(k), pt->officers - (unsigned)ev->b);
}

static void on_group(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    gsl_rng *r = pt->rng[MDL_PP_CLANDESTINE];
    double u = gsl_rng_uniform(r);
    unsigned size = 1;
    while (u >= pt->size_cum[size - 1] && size < pt->p->clandestine.group_size_weights_count)
        size++;
    if (mdl_ports_board(m, (unsigned)port, EXOGENOUS, size) != SIM_OK) {
        sim_kernel_fail(k, SIM_ENOMEM, "ports: cannot grow the group pool");
        return;
    }
    double t = sim_kernel_now(k) + sim_rng_exponential(r) / pt->groups_rate;
    sim_kernel_at(k, m->model, EV_GROUP, t, PRIO_FLOW, (uint32_t)port, 0, 0.0, NULL);
}

static double tavg_area(const struct sim_tavg *a, double t)
{
    return a->area + a->value * (t - a->t_last);
}

static void on_day_end(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev)
{
    double now = sim_kernel_now(k);
    size_t day = ev->a;
    double span = now - (m->w0 + (double)day);
    for (size_t i = 0; i < m->nports; i++) {
        struct port *pt = &m->ports[i];
        double aq = tavg_area(&pt->queue_t, now), at = tavg_area(&pt->teams_t, now);
        size_t cell = day * m->nports + i;
        m->out[m->t->offset[m->ids->daily[D_QUEUE]] + cell] = (aq - pt->day_area_queue) / span;
        m->out[m->t->offset[m->ids->daily[D_TEAMS]] + cell] = (at - pt->day_area_teams) / span;
        m->out[m->t->offset[m->ids->daily[D_WAIT]] + cell] =
            pt->day_wait_n > 0 ? pt->day_wait_sum / pt->day_wait_n : NAN;
        pt->day_area_queue = aq;
        pt->day_area_teams = at;
        pt->day_wait_sum = pt->day_wait_n = 0.0;
    }
    if (day + 1 < m->ndays)
        sim_kernel_at(k, m->model, EV_DAY_END, fmin(m->w0 + (double)day + 2.0, m->w1), PRIO_BOOK,
                      (uint32_t)(day + 1), 0, 0.0, NULL);
}

static void on_warmup_end(struct mdl_ports *m, struct sim_kernel *k)
{
    double now = sim_kernel_now(k);
    m->in_window = 1;
    for (size_t i = 0; i < m->nports; i++) {
        struct port *pt = &m->ports[i];
        sim_tavg_restart(&pt->queue_t, now);
        sim_tavg_restart(&pt->teams_t, now);
        sim_tavg_restart(&pt->busy_t, now);
        pt->day_area_queue = pt->day_area_teams = 0.0;
    }
    sim_kernel_at(k, m->model, EV_DAY_END, fmin(m->w0 + 1.0, m->w1), PRIO_BOOK, 0, 0, 0.0, NULL);
}

static void handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct mdl_ports *m = self;
    switch ((enum kind)ev->kind) {
    case EV_ARRIVAL: on_arrival(m, k, ev->a); break;
    case EV_GROUP: on_group(m, k, ev->a); break;
    case EV_SEARCH_END: on_search_end(m, k, ev); break;
    case EV_SHIFT_START: {
        size_t port = ev->a & 0xff, shift = ev->a >> 8;
        begin_shift(m, k, port, shift, m->ports[port].p->staffing.shifts[shift].hours / 24.0);
        sim_kernel_at(k, m->model, EV_SHIFT_START, sim_kernel_now(k) + 1.0, PRIO_SHIFT_START, ev->a, 0, 0.0,
                      NULL);
        break;
    }
    case EV_SHIFT_END: on_shift_end(m, k, ev); break;
    case EV_DAY_END: on_day_end(m, k, ev); break;
    case EV_WARMUP_END: on_warmup_end(m, k); break;
    }
}

static void reset_port(struct mdl_ports *m, struct sim_kernel *k, size_t i)
{
    struct port *pt = &m->ports[i];
    for (int p = 0; p < MDL_PP_COUNT; p++)
        pt->rng[p] =
            sim_kernel_rng(k, mdl_ports_stream(m->first_stream, m->nports, (enum mdl_ports_process)p, i));
    pt->head = pt->len = 0;
    pt->pend_head = pt->pend_tail = NONE;
    pt->officers = pt->teams = pt->busy = 0;
    sim_tavg_reset(&pt->queue_t, 0.0, 0.0);
    sim_tavg_reset(&pt->teams_t, 0.0, 0.0);
    sim_tavg_reset(&pt->busy_t, 0.0, 0.0);
    pt->day_area_queue = pt->day_area_teams = pt->day_wait_sum = pt->day_wait_n = 0.0;
    sim_welford_reset(&pt->wait);
    sim_welford_reset(&pt->search);
    sim_hist_reset(&pt->wait_hist);
    pt->delay_sum = 0.0;
    memset(pt->cnt, 0, sizeof pt->cnt);
    pt->all_carried = pt->all_resolved = pt->in_system = 0;
}

static sim_status init(void *self, struct sim_kernel *k)
{
    struct mdl_ports *m = self;
    m->in_window = 0;
    if (m->ngrps_cap > 0) {
        link_grps(m->grps, 0, m->ngrps_cap);
        m->grp_free = 0;
    }
    if (m->nlorries_cap > 0) {
        link_lorries(m->lorries, 0, m->nlorries_cap);
        m->lorry_free = 0;
    }
    sim_kernel_at(k, m->model, EV_WARMUP_END, m->w0, PRIO_BOOK, 0, 0, 0.0, NULL);
    for (size_t i = 0; i < m->nports; i++) {
        reset_port(m, k, i);
        const struct mdl_port *p = m->ports[i].p;
        for (size_t s = 0; s < p->staffing.shifts_count; s++) {
            const struct mdl_shift *sh = &p->staffing.shifts[s];
            if (sh->start_hour + sh->hours > 24.0) /* the instance that began the evening before day 0 */
                begin_shift(m, k, i, s, (sh->start_hour + sh->hours - 24.0) / 24.0);
            sim_kernel_at(k, m->model, EV_SHIFT_START, sh->start_hour / 24.0, PRIO_SHIFT_START,
                          (uint32_t)(i | s << 8), 0, 0.0, NULL);
        }
        schedule_arrival(m, k, i);
        if (m->ports[i].groups_rate > 0.0) {
            double t = sim_rng_exponential(m->ports[i].rng[MDL_PP_CLANDESTINE]) / m->ports[i].groups_rate;
            sim_kernel_at(k, m->model, EV_GROUP, t, PRIO_FLOW, (uint32_t)i, 0, 0.0, NULL);
        }
    }
    return SIM_OK;
}

static void write_totals(struct mdl_ports *m, size_t i, double now)
{
    struct port *pt = &m->ports[i];
    double v[T_NVARS];
    memcpy(v, pt->cnt, sizeof pt->cnt);
    v[T_WAIT_MEAN] = pt->wait.n > 0 ? pt->wait.mean : NAN;
    v[T_WAIT_P95] = sim_hist_quantile(&pt->wait_hist, 0.95);
    v[T_WAIT_MAX] = pt->wait.n > 0 ? pt->wait_hist.max : NAN;
    v[T_QUEUE] = sim_tavg_mean(&pt->queue_t, now);
    v[T_TEAMS] = sim_tavg_mean(&pt->teams_t, now);
    v[T_BUSY] = sim_tavg_mean(&pt->busy_t, now);
    v[T_UTIL] = v[T_TEAMS] > 0.0 ? v[T_BUSY] / v[T_TEAMS] : NAN;
    v[T_SEARCH_MEAN] = pt->search.n > 0 ? pt->search.mean : NAN;
    v[T_DELAY_MEAN] = pt->cnt[D_ARRIVED] > 0 ? pt->delay_sum / pt->cnt[D_ARRIVED] : NAN;
    v[T_DETECT_SHARE] =
        pt->cnt[D_PEOPLE_CARRIED] > 0 ? pt->cnt[D_PEOPLE_DETECTED] / pt->cnt[D_PEOPLE_CARRIED] : NAN;
    for (int j = 0; j < T_NVARS; j++)
        m->out[m->t->offset[m->ids->totals[j]] + i] = v[j];
}

/* Conservation of hidden groups at the controls: every group that reached a lorry has been
 * detected, has passed, or is still on a lorry waiting for or undergoing a search. */
static sim_status finish(void *self, struct sim_kernel *k)
{
    struct mdl_ports *m = self;
    double now = sim_kernel_now(k);
    for (size_t i = 0; i < m->nports; i++) {
        const struct port *pt = &m->ports[i];
        if (pt->all_carried != pt->all_resolved + pt->in_system) {
            sim_kernel_fail(
                k, SIM_EINVARIANT,
                "ports: %s: groups not conserved: %llu carried, %llu resolved, %llu in the control",
                pt->p->name, (unsigned long long)pt->all_carried, (unsigned long long)pt->all_resolved,
                (unsigned long long)pt->in_system);
            return SIM_EINVARIANT;
        }
        write_totals(m, i, now);
    }
    return SIM_OK;
}

const struct sim_model mdl_ports_model = {
    .name = "ports",
    .init = init,
    .handle = handle,
    .finish = finish,
};
