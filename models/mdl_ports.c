/* The port control model, set-up and results: see mdl_ports.h for what it represents, and
 * mdl_ports_flow.c for the events. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/sim_rng.h"
#include "mdl_ports_priv.h"

struct var_info {
    const char *name, *units, *description;
};

static const struct var_info daily_info[D_NVARS] = {
    {"lorries_arrived", "lorries", "lorries bound for the UK arriving at the control"},
    {"lorries_selected", "lorries", "lorries selected for a search"},
    {"selection_suspended", "lorries",
     "lorries due for a search that passed unsearched because the search queue was full"},
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
    {"search_abandoned", "lorries",
     "capacity policy: flagged lorries that left unsearched after waiting tolerance_min"},
    {"searches_ifc2_methods", "lorries", "searches by methods that need an IFC2 officer"},
    {"officers_on_duty_ifc1", "officer-days", "officers on duty able to search holding IFC1 only"},
    {"officers_on_duty_ifc2", "officer-days", "officers on duty able to search holding IFC2"},
    {"officers_out_of_ticket", "officer-days",
     "officers present but out of their personal-safety ticket (cannot search)"},
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
    {"freight_delay_p95_min", "minutes",
     "95th percentile of wait plus search time per arriving lorry (0 for lorries not searched; "
     "0.1-minute resolution)"},
};

static const char *const process_names[MDL_PP_COUNT] = {
    "traffic", "staffing", "selection", "search", "detection", "recording", "clandestine", "passing",
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

/* Counts are whole numbers; officer-days (counted per shift instance) are not. */
static enum sim_out_kind var_kind(int v)
{
    bool days = v == D_DUTY_IFC1 || v == D_DUTY_IFC2 || v == D_NO_TICKET;
    return v < D_NCOUNTS && !days ? SIM_OUT_COUNT : SIM_OUT_REAL;
}

/* Adds the "port" dimension and the port model's variables (daily, per port, over `day_dim`; and
 * per-replication totals per port) to the output table. `labels` is caller storage for
 * s->ports_count label pointers that must outlive the table (the names stay the scenario's). */
static sim_status mdl_ports_declare(struct sim_out_table *t, const struct mdl_scenario *s, int day_dim,
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
                                  .kind = var_kind(v),
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
                                  .kind = var_kind(v),
                                  .rank = 1,
                                  .dims = {ids->port_dim}};
        st = sim_out_add_var(t, &var, &ids->totals[v]);
    }
    struct sim_out_var all = {.group = "totals",
                              .name = "freight_delay_p95_all_min",
                              .units = "minutes",
                              .description =
                                  "95th percentile of the freight delay per lorry over every port (0 "
                                  "for lorries not searched; 0.1-minute resolution)",
                              .kind = SIM_OUT_REAL,
                              .rank = 0};
    if (st == SIM_OK)
        st = sim_out_add_var(t, &all, &ids->delay_all);
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

/* Everything the port caches from its parameters; again whenever an intervention changes them. */
static void port_derive(struct port *pt, int start_weekday)
{
    const struct mdl_port *p = pt->p;
    /* Profiles are relative: dividing by their means keeps the annual volume. Hour H of the week
     * counts from t = 0, which falls on `start_weekday`. */
    double hm = profile_mean(p->hour_profile, 24), wm = profile_mean(p->weekday_profile, 7);
    double base = p->lorries_per_year / 365.25;
    pt->cum[0] = 0.0;
    for (int hw = 0; hw < HOURS_PER_WEEK; hw++) {
        int d = (start_weekday + hw / 24) % 7, h = hw % 24;
        pt->rate[hw] = base * (p->weekday_profile[d] / wm) * (p->hour_profile[h] / hm);
        pt->cum[hw + 1] = pt->cum[hw] + pt->rate[hw] / 24.0;
    }
    const double ff = p->selection.false_flag_share;
    bool capacity = p->selection.policy == MDL_SELECT_CAPACITY;
    pt->share = capacity ? ff : p->selection.share;
    pt->hit_extra = capacity && ff < 1.0 ? (p->selection.hit_share - ff) / (1.0 - ff) : 0.0;
    pt->groups_rate = p->clandestine.groups_per_day;
    size_t nsz = p->clandestine.group_size_weights_count;
    double tot = 0.0, cum = 0.0;
    for (size_t i = 0; i < nsz; i++)
        tot += p->clandestine.group_size_weights[i];
    for (size_t i = 0; i < nsz; i++)
        pt->size_cum[i] = (cum += p->clandestine.group_size_weights[i]) / tot;
    double basic = 0.0, cum1 = 0.0;
    size_t last1 = 0;
    for (size_t i = 0; i < p->methods_count; i++)
        if (p->methods[i].requires == MDL_QUAL_IFC1) {
            basic += p->methods[i].share;
            last1 = i;
        }
    for (size_t i = 0; i < p->methods_count; i++) {
        cum1 += p->methods[i].requires == MDL_QUAL_IFC1 ? p->methods[i].share : 0.0;
        pt->methods[i].cum_ifc1 = i >= last1 ? 1.0 : cum1 / basic; /* IFC1 teams never draw the others */
    }
    cum = 0.0;
    for (size_t i = 0; i < p->methods_count; i++) {
        pt->methods[i].cum_share = (cum += p->methods[i].share);
        pt->methods[i].detection = p->methods[i].detection;
        mdl_sampler_init(&pt->methods[i].time_min, &p->methods[i].time_min);
    }
    pt->methods[p->methods_count - 1].cum_share = 1.0; /* shares sum to 1 within rounding */
}

static sim_status port_init(struct port *pt, const struct mdl_port *p, int start_weekday)
{
    pt->p = p;
    pt->size_cum = malloc(p->clandestine.group_size_weights_count * sizeof *pt->size_cum);
    pt->methods = malloc(p->methods_count * sizeof *pt->methods);
    pt->ring_cap = 64;
    pt->ring = malloc(pt->ring_cap * sizeof *pt->ring);
    if (pt->size_cum == NULL || pt->methods == NULL || pt->ring == NULL)
        return SIM_ENOMEM;
    port_derive(pt, start_weekday);
    if (mdl__ports_roster_fit(pt) != SIM_OK ||
        sim_hist_init(&pt->delay_hist, WAIT_BIN_MIN, WAIT_BINS) != SIM_OK)
        return SIM_ENOMEM;
    return sim_hist_init(&pt->wait_hist, WAIT_BIN_MIN, WAIT_BINS);
}

/* Recomputes what the model caches from its scenario's parameters after an intervention changed
 * them. With k (during a run) also redraws pending arrivals whose rates changed; k is NULL
 * before a replication starts. */
static void mdl_ports_refresh(struct mdl_ports *m, struct sim_kernel *k)
{
    if (k != NULL)
        mdl__ports_advance(m, k, sim_kernel_now(k), false); /* at the rates in force until now */
    for (size_t i = 0; i < m->nports; i++) {
        /* Derive into a copy first: a port whose rates did not change must not even split its
         * daily count of passing lorries, or its random streams would drift from the baseline's. */
        m->next[i] = m->ports[i];
        port_derive(&m->next[i], m->s->start_weekday); /* methods and sizes are updated in place */
    }
    mdl__ports_divert(m, m->next); /* closures hook: open shares and diverted freight */
    for (size_t i = 0; i < m->nports; i++) {
        struct port *pt = &m->ports[i];
        const struct port *next = &m->next[i];
        bool traffic = memcmp(next->rate, pt->rate, sizeof pt->rate) != 0 || next->share != pt->share;
        bool groups = next->groups_rate != pt->groups_rate;
        if (k != NULL && traffic)
            mdl__ports_count_others(m, i, sim_kernel_now(k)); /* at the rates in force until now */
        memcpy(pt->rate, next->rate, sizeof pt->rate);
        memcpy(pt->cum, next->cum, sizeof pt->cum);
        pt->mass_t = NAN; /* the cached traffic mass was at the old rates */
        pt->share = next->share;
        pt->hit_extra = next->hit_extra;
        pt->groups_rate = next->groups_rate;
        if (k != NULL)
            mdl__ports_retime(m, k, i, traffic, groups);
        /* Officers added to a shift join the roster now (IFC2 as the roster's share, a fresh
         * ticket); before a replication the roster is built at its start. */
        if (mdl__ports_roster_fit(pt) != SIM_OK) {
            if (k != NULL)
                sim_kernel_fail(k, SIM_ENOMEM, "ports: cannot grow the roster");
            continue;
        }
        if (k != NULL)
            mdl__ports_roster_hire(pt, sim_kernel_now(k));
    }
    if (k != NULL)
        mdl__ports_return_closed(m, k); /* closures hook */
}

/* Frees the state; accepts NULL. */
static void mdl_ports_destroy(struct mdl_ports *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; m->ports != NULL && i < m->nports; i++) {
        free(m->ports[i].size_cum);
        free(m->ports[i].methods);
        free(m->ports[i].ring);
        free(m->ports[i].vq);
        free(m->ports[i].roster);
        sim_hist_fini(&m->ports[i].wait_hist);
        sim_hist_fini(&m->ports[i].delay_hist);
    }
    sim_hist_fini(&m->delay_all);
    free(m->ports);
    free(m->next);
    free(m->divert_mem);
    free(m->grps);
    free(m->lorries);
    free(m);
}

/* Creates the model's state for one thread. `s`, `t` and `ids` are borrowed and must outlive it.
 * `first_stream` is the first kernel stream id the model may use. SIM_ENOMEM. */
static sim_status mdl_ports_create(const struct mdl_scenario *s, const struct sim_out_table *t,
                                   const struct mdl_ports_vars *ids, size_t first_stream,
                                   struct mdl_ports **out)
{
    struct mdl_ports *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SIM_ENOMEM;
    *m = (struct mdl_ports){.s = s,
                            .t = t,
                            .ids = ids,
                            .nports = s->ports_count,
                            .first_stream = first_stream,
                            .grp_free = PORTS_NONE,
                            .lorry_free = PORTS_NONE};
    m->w0 = s->calendar.warmup_days;
    m->w1 = m->w0 + s->calendar.horizon_days;
    m->ndays = (size_t)ceil(s->calendar.horizon_days);
    m->ports = calloc(m->nports, sizeof *m->ports);
    if (m->ports == NULL)
        goto nomem;
    for (size_t i = 0; i < m->nports; i++)
        if (port_init(&m->ports[i], &s->ports[i], s->start_weekday) != SIM_OK)
            goto nomem;
    m->next = calloc(m->nports, sizeof *m->next);
    m->divert_mem = calloc(2 * m->nports * HOURS_PER_WEEK, sizeof *m->divert_mem);
    if (m->next == NULL || m->divert_mem == NULL)
        goto nomem;
    mdl__ports_divert(m, m->ports); /* closures hook: a port closed from the start */
    if (sim_hist_init(&m->delay_all, WAIT_BIN_MIN, WAIT_BINS) != SIM_OK)
        goto nomem;
    *out = m;
    return SIM_OK;
nomem:
    mdl_ports_destroy(m);
    return SIM_ENOMEM;
}

sim_status mdl_ports_listen(struct mdl_ports *m, const struct mdl_ports_listener *l)
{
    if (m->nlisteners == MDL_PORTS_MAX_LISTENERS)
        return SIM_EINVAL;
    m->listeners[m->nlisteners++] = *l;
    return SIM_OK;
}

void mdl__ports_report(struct mdl_ports *m, struct sim_kernel *k, size_t port, const struct grp *gr,
                       enum mdl_lorry_outcome o)
{
    struct mdl_ports_report r = {.time = sim_kernel_now(k),
                                 .port = (unsigned)port,
                                 .group = gr->id,
                                 .size = gr->size,
                                 .outcome = o,
                                 .vehicle = gr->vehicle,
                                 .selkind = (enum mdl_ports_selkind)gr->selkind};
    for (size_t i = 0; i < m->nlisteners; i++)
        m->listeners[i].on_outcome(m->listeners[i].ctx, k, &r);
}

/* Prepares the next replication: results go to `rep_values` (a table-sized buffer the caller has
 * zeroed), events carry `model_id` (from sim_kernel_attach of mdl_ports_model). */
static void mdl_ports_bind(struct mdl_ports *m, double *rep_values, uint16_t model_id)
{
    m->out = rep_values;
    m->model = model_id;
}

/* ---- pools: grown geometrically, so a warm workspace never allocates ---- */

static sim_status grow_pool(void **base, size_t *cap, size_t elem, uint32_t *free_head,
                            void (*link)(void *, size_t, size_t))
{
    size_t ncap = *cap == 0 ? 256 : *cap * 2;
    if (ncap >= PORTS_NONE)
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
        g[i].next = i + 1 < to ? (uint32_t)(i + 1) : PORTS_NONE;
}

static void link_lorries(void *p, size_t from, size_t to)
{
    struct lorry *l = p;
    for (size_t i = from; i < to; i++)
        l[i].groups = i + 1 < to ? (uint32_t)(i + 1) : PORTS_NONE;
}

sim_status mdl_ports_set_anpr(struct mdl_ports *m, const struct mdl_ports_anpr *a)
{
    if (m->anpr.listed != NULL)
        return SIM_EINVAL;
    m->anpr = *a;
    return SIM_OK;
}

sim_status mdl_ports_board(struct mdl_ports *m, struct sim_kernel *k, unsigned port, uint32_t group,
                           unsigned size)
{
    return mdl_ports_board_on(m, k, port, group, size, MDL_VEHICLE_NONE);
}

sim_status mdl_ports_board_on(struct mdl_ports *m, struct sim_kernel *k, unsigned port, uint32_t group,
                              unsigned size, uint32_t vehicle)
{
    if (m->grp_free == PORTS_NONE) {
        void *base = m->grps;
        sim_status st = grow_pool(&base, &m->ngrps_cap, sizeof *m->grps, &m->grp_free, link_grps);
        m->grps = base;
        if (st != SIM_OK)
            return st;
    }
    mdl__ports_advance(m, k, sim_kernel_now(k), false); /* the port as it is now */
    uint32_t g = m->grp_free;
    m->grp_free = m->grps[g].next;
    m->grps[g] = (struct grp){.id = group, .next = PORTS_NONE, .vehicle = vehicle, .size = (uint16_t)size};
    struct port *pt = &m->ports[port];
    if (pt->pend_tail == PORTS_NONE) {
        pt->pend_head = g;
        mdl__ports_realize(m, k, port); /* what follows may concern the group: kernel events */
        mdl__ports_await_carrier(m, k, port);
    } else {
        m->grps[pt->pend_tail].next = g;
    }
    pt->pend_tail = g;
    return SIM_OK;
}

uint32_t mdl__ports_lorry_alloc(struct mdl_ports *m, struct sim_kernel *k)
{
    if (m->lorry_free == PORTS_NONE) {
        void *base = m->lorries;
        sim_status st = grow_pool(&base, &m->nlorries_cap, sizeof *m->lorries, &m->lorry_free, link_lorries);
        m->lorries = base;
        if (st != SIM_OK) {
            sim_kernel_fail(k, st, "ports: cannot grow the lorry pool");
            return PORTS_NONE;
        }
    }
    uint32_t l = m->lorry_free;
    m->lorry_free = m->lorries[l].groups;
    return l;
}

void mdl__ports_lorry_release(struct mdl_ports *m, uint32_t l)
{
    m->lorries[l].groups = m->lorry_free;
    m->lorry_free = l;
}

static void reset_port(struct mdl_ports *m, struct sim_kernel *k, size_t i)
{
    struct port *pt = &m->ports[i];
    for (int p = 0; p < MDL_PP_COUNT; p++)
        pt->rng[p] =
            sim_kernel_rng(k, mdl_ports_stream(m->first_stream, m->nports, (enum mdl_ports_process)p, i));
    pt->head = pt->len = pt->nwatch = 0;
    pt->pend_head = pt->pend_tail = PORTS_NONE;
    pt->others_from = 0.0;
    pt->mass_t = NAN;
    pt->carrier = pt->arrival = pt->group = 0;
    if (mdl__ports_lazy_reset(pt) != SIM_OK)
        sim_kernel_fail(k, SIM_ENOMEM, "ports: cannot allocate the deferred searches");
    pt->officers = pt->teams = pt->busy = 0;
    pt->officers2 = pt->teams2 = pt->busy2 = 0;
    pt->referral_on = 0;
    memset(pt->hired, 0, sizeof pt->hired);
    pt->refresh_credit = pt->train_credit = 0.0;
    mdl__ports_roster_hire(pt, 0.0);
    mdl__ports_month(m, i, 0.0); /* the first refresher and training intake */
    sim_tavg_reset(&pt->queue_t, 0.0, 0.0);
    sim_tavg_reset(&pt->teams_t, 0.0, 0.0);
    sim_tavg_reset(&pt->busy_t, 0.0, 0.0);
    pt->day_area_queue = pt->day_area_teams = pt->day_wait_sum = pt->day_wait_n = 0.0;
    sim_welford_reset(&pt->wait);
    sim_welford_reset(&pt->search);
    sim_hist_reset(&pt->wait_hist);
    sim_hist_reset(&pt->delay_hist);
    pt->delay_sum = 0.0;
    memset(pt->cnt, 0, sizeof pt->cnt);
    pt->all_carried = pt->all_resolved = pt->in_system = 0;
}

/* Schedules EV_MONTH (every port) on the first day after `day` that starts a calendar month. */
static void schedule_month(struct mdl_ports *m, struct sim_kernel *k, size_t day)
{
    size_t last = (size_t)ceil(m->w1);
    for (size_t d = day + 1; d <= last; d++)
        if (m->months[d] != m->months[d - 1]) {
            for (size_t i = 0; i < m->nports; i++)
                sim_kernel_at(k, m->model, EV_MONTH, (double)d, PORTS_PRIO_BOOK, (uint32_t)i, d, 0.0, NULL);
            return;
        }
}

void mdl__ports_next_month(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev)
{
    mdl__ports_month(m, ev->a, sim_kernel_now(k));
    if (ev->a + 1 == m->nports)
        schedule_month(m, k, (size_t)ev->b);
}

static sim_status init(void *self, struct sim_kernel *k)
{
    struct mdl_ports *m = self;
    m->in_window = 0;
    m->now = 0.0;
    m->vseq = 0;
    sim_hist_reset(&m->delay_all);
    if (m->ngrps_cap > 0) {
        link_grps(m->grps, 0, m->ngrps_cap);
        m->grp_free = 0;
    }
    if (m->nlorries_cap > 0) {
        link_lorries(m->lorries, 0, m->nlorries_cap);
        m->lorry_free = 0;
    }
    sim_kernel_at(k, m->model, EV_WARMUP_END, m->w0, PORTS_PRIO_BOOK, 0, 0, 0.0, NULL);
    for (size_t i = 0; i < m->nports; i++) {
        reset_port(m, k, i);
        const struct mdl_port *p = m->ports[i].p;
        for (size_t s = 0; s < p->staffing.shifts_count; s++) {
            const struct mdl_shift *sh = &p->staffing.shifts[s];
            if (sh->start_hour + sh->hours > 24.0) /* the instance that began the evening before day 0 */
                mdl__ports_begin_shift(m, k, i, s, (sh->start_hour + sh->hours - 24.0) / 24.0);
            sim_kernel_at(k, m->model, EV_SHIFT_START, sh->start_hour / 24.0, PORTS_PRIO_SHIFT_START,
                          (uint32_t)(i | s << 8), 0, 0.0, NULL);
        }
        mdl__ports_schedule_arrival(m, k, i);
        mdl__ports_schedule_group(m, k, i);
    }
    schedule_month(m, k, 0);
    mdl__ports_pool_init(m, k);
    return SIM_OK;
}

/* The 95th percentile of the delay per lorry when `all` lorries arrived and h holds the delays of
 * those that were delayed (the others waited 0): 0 if the undelayed are 95% or more. */
static double delay_p95(const struct sim_hist *h, double all)
{
    double zero = all - (double)h->n;
    if (!(all > 0))
        return NAN;
    return zero >= 0.95 * all ? 0.0 : sim_hist_quantile(h, (0.95 * all - zero) / (double)h->n);
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
    v[T_DELAY_P95] = delay_p95(&pt->delay_hist, pt->cnt[D_ARRIVED]);
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
    mdl__ports_advance(m, k, now, true); /* the kernel ran its events up to `now` included */
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
    double all = 0.0;
    for (size_t i = 0; i < m->nports; i++)
        all += m->ports[i].cnt[D_ARRIVED];
    m->out[m->t->offset[m->ids->delay_all]] = delay_p95(&m->delay_all, all);
    return mdl__ports_check_closed(m, k); /* closures hook */
}

/* The callback table; `self` is a struct mdl_ports. */
static const struct sim_model mdl_ports_model = {
    .name = "ports",
    .init = init,
    .handle = mdl__ports_handle,
    .finish = finish,
};

/* ---- the component ---- */

static bool comp_present(const struct mdl_scenario *s)
{
    (void)s;
    return true; /* the loader requires ports */
}

static size_t comp_nstreams(const struct mdl_scenario *s)
{
    return MDL_PP_COUNT * s->ports_count;
}

/* Inverts mdl_ports_stream: process-major, then port. */
static void comp_stream_name(const struct mdl_scenario *s, size_t i, char *buf, size_t len)
{
    mdl_ports_stream_name(s, (enum mdl_ports_process)(i / s->ports_count), i % s->ports_count, buf, len);
}

static void comp_free_shared(void *shared)
{
    struct mdl_ports_vars *ids = shared;
    if (ids == NULL)
        return;
    free(ids->labels);
    free(ids);
}

static sim_status comp_declare(const struct mdl_comp_decl *d, void **shared)
{
    struct mdl_ports_vars *ids = calloc(1, sizeof *ids);
    if (ids != NULL)
        ids->labels = calloc(d->s->ports_count, sizeof *ids->labels);
    if (ids == NULL || ids->labels == NULL) {
        comp_free_shared(ids);
        return SIM_ENOMEM;
    }
    *shared = ids; /* the world frees it even when declaring fails */
    return mdl_ports_declare(d->t, d->s, d->day_dim, ids->labels, ids);
}

static sim_status comp_create(const struct mdl_comp_env *env, void **self)
{
    struct mdl_ports *m = NULL;
    sim_status st = mdl_ports_create(env->s, env->t, env->shared, env->first_stream, &m);
    if (st == SIM_OK) {
        m->months = env->months;
        m->monthly = mdl_world_ws_find(env->ws, "monthly");
        *self = m;
    }
    return st;
}

static void comp_destroy(void *self)
{
    mdl_ports_destroy(self);
}

static void comp_bind(void *self, double *rep_values, uint16_t model_id)
{
    mdl_ports_bind(self, rep_values, model_id);
}

static void comp_refresh(void *self, struct sim_kernel *k, unsigned sections)
{
    if (sections & MDL_SECTION_PORTS)
        mdl_ports_refresh(self, k);
}

const struct mdl_component mdl_ports_component = {.name = "ports",
                                                  .output_order = 0,
                                                  .present = comp_present,
                                                  .nstreams = comp_nstreams,
                                                  .stream_name = comp_stream_name,
                                                  .declare = comp_declare,
                                                  .free_shared = comp_free_shared,
                                                  .create = comp_create,
                                                  .destroy = comp_destroy,
                                                  .bind = comp_bind,
                                                  .refresh = comp_refresh,
                                                  .model = &mdl_ports_model};
