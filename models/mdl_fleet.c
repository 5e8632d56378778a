/* Hauliers, vehicles, facilitated reuse, watch-lists and ANPR, the model and the component: see
 * mdl_fleet.h; the groups riding the vehicles are in mdl_fleet_groups.c. */
#include "mdl_fleet.h"
#include "mdl_fleet_priv.h"
#include "mdl_monthly.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "../sim/sim_rng.h"
#include "mdl_pop.h"
#include "mdl_ports.h"
#include "mdl_watch.h"

static const char *const stream_names[FS_COUNT] = {"fleet.hauliers", "fleet.vehicles", "fleet.traces"};

static const struct {
    const char *name, *units, *description;
} var_info[V_COUNT] = {
    {"watchlist_hits", "lorries", "carrying lorries whose vehicle (or haulier) was on the port's watch-list"},
    {"vehicles_unsecured_found", "vehicles",
     "searches that found a group on a vehicle its haulier had not secured"},
    {"vehicle_traces", "vehicles",
     "groups found in the UK within 72 h traced back to a vehicle that passed the port (failures)"},
    {"reused_vehicle_boardings", "people", "facilitated boardings on a reused (complicit) vehicle"},
    {"groups_boarded", "groups", "groups formed at the port that boarded a lorry (incidents)"},
    {"people_boarded", "people", "people in those groups (entrants)"},
};

/* ---- the haulier population ---- */

static uint32_t haulier_of(const struct fleet *m, uint32_t v)
{
    size_t lo = 0, hi = m->nh; /* offset[lo] <= v < offset[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (m->offset[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

/* Haulier h's secured share: its quantile of Beta(m c, (1 - m) c), m the current mean, computed
 * when first needed (only the hauliers whose vehicles are tried) and cached until m changes. */
static double secured_share(struct fleet *m, uint32_t h)
{
    if (isnan(m->secured[h])) {
        double mean = m->mean_now, c = m->f->secured_concentration;
        m->secured[h] = mean <= 0.0   ? 0.0
                        : mean >= 1.0 ? 1.0
                                      : gsl_cdf_beta_Pinv(m->quantile[h], mean * c, (1.0 - mean) * c);
    }
    return m->secured[h];
}

static bool is_secured(struct fleet *m, uint32_t v)
{
    double u = (double)(mix64(m->key ^ (uint64_t)v) >> 11) * 0x1.0p-53;
    uint32_t h = haulier_of(m, v);
    double share = secured_share(m, h);
    if (m->scheme.share != NULL) /* the haulier's decision under the civil-penalty scheme */
        share = m->scheme.share(m->scheme.ctx, h, share);
    return u < share;
}

/* Forgets the cached shares: the mean changed (or a new replication drew new quantiles). */
static void derive_shares(struct fleet *m)
{
    for (size_t h = 0; h < m->nh; h++)
        m->secured[h] = NAN;
    m->mean_now = m->l->hauliers_secured_share;
}

/* Draws the replication's hauliers: fleet sizes, secured-share quantiles and the security key. */
static void draw_hauliers(struct fleet *m)
{
    gsl_rng *r = m->rng[FS_HAULIERS];
    double inv_alpha = 1.0 / m->f->fleet_size_alpha, max = m->f->fleet_size_max;
    m->offset[0] = 0;
    for (size_t h = 0; h < m->nh; h++) {
        double size = floor(pow(1.0 - sim_rng_uniform(r), -inv_alpha)); /* P(size >= n) = n^-alpha */
        m->offset[h + 1] = m->offset[h] + (uint32_t)fmin(size, max);
        m->quantile[h] = sim_rng_uniform(r);
    }
    m->key = (uint64_t)(sim_rng_uniform(r) * 0x1.0p53) ^ (uint64_t)(sim_rng_uniform(r) * 0x1.0p53) << 11;
    derive_shares(m);
}

/* ---- the hooks ---- */

static struct mdl_pop_vehicle choose(void *ctx, struct sim_kernel *k, unsigned port, uint32_t person,
                                     bool facilitated)
{
    struct fleet *m = ctx;
    const struct mdl_fleet *f = m->f;
    m->last_reused = false;
    m->last_t = sim_kernel_now(k);
    uint64_t tbits;
    memcpy(&tbits, &m->last_t, sizeof tbits);
    m->draw_seed = mix64(m->vkey ^ mix64(((uint64_t)person << 32 | port) ^ tbits));
    m->draw_n = 0;
    if (m->forming[port] != NONE) { /* the group forming there has its vehicle already */
        const struct fgrp *g = &m->grps[m->forming[port]];
        return (struct mdl_pop_vehicle){.vehicle = g->vehicle, .security_pass = g->pass};
    }
    if (facilitated && f->reuse_probability > 0.0 && attempt_uniform(m) < f->reuse_probability) {
        size_t from = port;
        if (m->nports > 1 && attempt_uniform(m) < f->reuse_other_port_share) {
            size_t o = (size_t)(attempt_uniform(m) * (double)(m->nports - 1));
            from = o >= port ? o + 1 : o; /* another port, uniformly */
            if (from >= m->nports)
                from = m->nports - 1;
        }
        size_t n = m->nrecent[from];
        if (n > 0) {
            size_t j = (size_t)(attempt_uniform(m) * (double)n);
            m->last_reused = true;
            m->last_pass = 1.0;
            return (struct mdl_pop_vehicle){.vehicle = m->recent[from * m->rcap + (j < n ? j : n - 1)],
                                            .security_pass = 1.0};
        }
    }
    uint32_t nv = m->offset[m->nh];
    uint32_t v = (uint32_t)(attempt_uniform(m) * (double)nv);
    if (v >= nv)
        v = nv - 1;
    m->last_pass = is_secured(m, v) ? 1.0 - m->l->secured_block : 1.0;
    return (struct mdl_pop_vehicle){.vehicle = v, .security_pass = m->last_pass};
}

/* Lists vehicle v (and its haulier) at `port` from `start`. */
static void list(struct fleet *m, struct sim_kernel *k, uint32_t v, unsigned port, double start)
{
    double now = sim_kernel_now(k), days = m->f->watchlist_days;
    sim_status st = mdl_watch_add(m->veh, v, port, start, days, now);
    if (st == SIM_OK && m->f->haulier_listing)
        st = mdl_watch_add(m->hau, haulier_of(m, v), port, start, days, now);
    if (st != SIM_OK)
        sim_kernel_fail(k, SIM_EINVARIANT, "fleet: watch-list full (%u entries): raise watchlist_capacity",
                        m->f->watchlist_capacity);
}

/* What an outcome on a known vehicle means for the lists and the counts. */
static void note_vehicle(struct fleet *m, struct sim_kernel *k, const struct mdl_ports_report *r)
{
    if (r->outcome == MDL_LORRY_DETECTED) {
        if (!is_secured(m, r->vehicle)) {
            add(m, r->time, V_UNSECURED, r->port);
            mdl_monthly_add(m->monthly, r->time, r->port, MDL_MON_UNSECURED);
        }
        list(m, k, r->vehicle, r->port, r->time);
    } else if (r->outcome == MDL_LORRY_WITHIN_72H && m->f->trace_probability > 0.0 &&
               sim_rng_uniform(m->rng[FS_TRACES]) < m->f->trace_probability) {
        add(m, r->time, V_TRACES, r->port);
        mdl_monthly_add(m->monthly, r->time, r->port, MDL_MON_TRACE);
        list(m, k, r->vehicle, r->port, r->time + m->f->trace_delay_days);
        if (m->scheme.traced != NULL)
            m->scheme.traced(m->scheme.ctx, k, r->port, r->vehicle, r->size);
    }
}

static void on_outcome(void *ctx, struct sim_kernel *k, const struct mdl_ports_report *r)
{
    struct fleet *m = ctx;
    if (r->vehicle != MDL_VEHICLE_NONE)
        note_vehicle(m, k, r);
    if (r->group != MDL_PORTS_EXOGENOUS && (r->group & MDL_POP_GROUP_TAG))
        mdl__fleet_settle(m, k, r->group & ~MDL_POP_GROUP_TAG, r); /* members learn their fate */
}

static bool listed(void *ctx, unsigned port, uint32_t vehicle, double t)
{
    struct fleet *m = ctx;
    bool shared = m->f->anpr_integration >= 1;
    double lag = m->f->sharing_lag_days;
    bool hit =
        mdl_watch_listed(m->veh, vehicle, port, t, shared, lag) ||
        (m->f->haulier_listing && mdl_watch_listed(m->hau, haulier_of(m, vehicle), port, t, shared, lag));
    if (hit)
        add(m, t, V_HITS, port);
    return hit;
}

/* ---- the model: no events of its own; a population of hauliers per replication ---- */

static sim_status init(void *self, struct sim_kernel *k)
{
    struct fleet *m = self;
    for (size_t i = 0; i < FS_COUNT; i++)
        m->rng[i] = sim_kernel_rng(k, m->first_stream + i);
    draw_hauliers(m);
    m->vkey = (uint64_t)(sim_rng_uniform(m->rng[FS_VEHICLES]) * 0x1.0p53);
    for (size_t p = 0; p < m->nports; p++)
        m->nrecent[p] = m->rnext[p] = 0;
    mdl_watch_clear(m->veh);
    mdl_watch_clear(m->hau);
    mdl__fleet_groups_reset(m);
    return SIM_OK;
}

/* The only event: a group's formation deadline at port ev->a; it boards with whoever joined. */
static void handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct fleet *m = self;
    m->form_ev[ev->a] = 0;
    if (m->forming[ev->a] != NONE)
        mdl__fleet_send(m, k, (unsigned)ev->a);
}

/* Conservation of groups (mdl_fleet_groups.c); totals are counted as they happen. */
static sim_status finish(void *self, struct sim_kernel *k)
{
    return mdl__fleet_conserved(self, k);
}

static const struct sim_model fleet_model = {
    .name = "fleet", .init = init, .handle = handle, .finish = finish};

/* ---- the component ---- */

static const struct mdl_lorry *lorry_of(const struct mdl_scenario *s)
{
    for (size_t i = 0; i < s->modes_count; i++)
        if (s->modes[i].kind == MDL_MODE_LORRY && s->modes[i].lorry != NULL &&
            s->modes[i].lorry->fleet != NULL)
            return s->modes[i].lorry;
    return NULL;
}

static bool comp_present(const struct mdl_scenario *s)
{
    return s->population != NULL && lorry_of(s) != NULL;
}

static size_t comp_nstreams(const struct mdl_scenario *s)
{
    (void)s;
    return FS_COUNT;
}

static void comp_stream_name(const struct mdl_scenario *s, size_t i, char *buf, size_t len)
{
    (void)s;
    snprintf(buf, len, "%s", stream_names[i]);
}

static sim_status comp_declare(const struct mdl_comp_decl *d, void **shared)
{
    const struct mdl_ports_vars *pv = mdl_world_shared(d->w, "ports");
    if (pv == NULL)
        return SIM_EINVAL;
    struct fleet_vars *ids = calloc(1, sizeof *ids);
    if (ids == NULL)
        return SIM_ENOMEM;
    *shared = ids;
    sim_status st = SIM_OK;
    for (int v = 0; v < V_COUNT && st == SIM_OK; v++) {
        struct sim_out_var var = {.group = "totals",
                                  .name = var_info[v].name,
                                  .units = var_info[v].units,
                                  .description = var_info[v].description,
                                  .kind = SIM_OUT_COUNT,
                                  .rank = 1,
                                  .dims = {pv->port_dim}};
        st = sim_out_add_var(d->t, &var, &ids->totals[v]);
    }
    return st;
}

static void comp_free_shared(void *shared)
{
    free(shared);
}

static void comp_destroy(void *self)
{
    struct fleet *m = self;
    if (m == NULL)
        return;
    free(m->offset);
    free(m->quantile);
    free(m->secured);
    free(m->recent);
    free(m->nrecent);
    free(m->rnext);
    free(m->grps);
    free(m->mems);
    free(m->forming);
    free(m->form_ev);
    mdl_watch_destroy(m->veh);
    mdl_watch_destroy(m->hau);
    free(m);
}

/* Hooks the instance into the ports (outcomes, ANPR) and the population (vehicle choice). */
static sim_status hook(struct fleet *m, const struct mdl_comp_env *env)
{
    struct mdl_ports *ports = mdl_world_ws_find(env->ws, "ports");
    struct mdl_pop *pop = mdl_world_ws_find(env->ws, "population");
    if (ports == NULL || pop == NULL)
        return SIM_EINVAL;
    struct mdl_ports_listener pl = {.ctx = m, .on_outcome = on_outcome};
    struct mdl_ports_anpr pa = {.ctx = m, .listed = listed};
    struct mdl_pop_vehicles pv = {.ctx = m, .choose = choose, .board = mdl__fleet_board};
    m->ports = ports;
    m->pop = pop;
    m->monthly = mdl_world_ws_find(env->ws, "monthly");
    sim_status st = mdl_ports_listen(ports, &pl);
    if (st == SIM_OK)
        st = mdl_ports_set_anpr(ports, &pa);
    if (st == SIM_OK)
        st = mdl_pop_set_vehicles(pop, &pv);
    return st;
}

static sim_status comp_create(const struct mdl_comp_env *env, void **self)
{
    struct fleet *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SIM_ENOMEM;
    const struct mdl_scenario *s = env->s;
    m->s = s;
    m->l = lorry_of(s);
    m->f = m->l->fleet;
    m->t = env->t;
    m->ids = env->shared;
    m->nports = s->ports_count;
    m->first_stream = env->first_stream;
    m->nh = m->f->hauliers;
    m->w0 = s->calendar.warmup_days;
    m->w1 = m->w0 + s->calendar.horizon_days;
    m->rcap = m->f->reuse_set_size;
    m->offset = malloc((m->nh + 1) * sizeof *m->offset);
    m->quantile = malloc(m->nh * sizeof *m->quantile);
    m->secured = malloc(m->nh * sizeof *m->secured);
    m->recent = malloc(m->nports * m->rcap * sizeof *m->recent);
    m->nrecent = calloc(m->nports, sizeof *m->nrecent);
    m->rnext = calloc(m->nports, sizeof *m->rnext);
    m->forming = calloc(m->nports, sizeof *m->forming);
    m->form_ev = calloc(m->nports, sizeof *m->form_ev);
    sim_status st = m->offset && m->quantile && m->secured && m->recent && m->nrecent && m->rnext &&
                            m->forming && m->form_ev
                        ? SIM_OK
                        : SIM_ENOMEM;
    if (st == SIM_OK)
        st = mdl_watch_create(m->f->watchlist_capacity, m->nports, &m->veh);
    if (st == SIM_OK)
        st = mdl_watch_create(m->f->watchlist_capacity, m->nports, &m->hau);
    if (st == SIM_OK)
        st = hook(m, env);
    if (st != SIM_OK) {
        comp_destroy(m);
        return st;
    }
    *self = m;
    return SIM_OK;
}

static void comp_bind(void *self, double *rep_values, uint16_t model_id)
{
    struct fleet *m = self;
    m->out = rep_values;
    m->model = model_id;
}

static void comp_refresh(void *self, struct sim_kernel *k, unsigned sections)
{
    struct fleet *m = self;
    (void)sections; /* the secured share lives under modes: any section may hold it */
    if (k != NULL && m->l->hauliers_secured_share != m->mean_now)
        derive_shares(m); /* before a replication, init derives them from the new quantiles */
}

/* ---- what the civil-penalty scheme reads and hooks (mdl_fleet.h) ---- */

sim_status mdl_fleet_set_scheme(struct mdl_fleet_inst *f, const struct mdl_fleet_scheme *sc)
{
    struct fleet *m = (struct fleet *)f;
    if (m->scheme.share != NULL || m->scheme.traced != NULL)
        return SIM_EINVAL;
    m->scheme = *sc;
    return SIM_OK;
}

uint32_t mdl_fleet_haulier_of(const struct mdl_fleet_inst *f, uint32_t vehicle)
{
    return haulier_of((const struct fleet *)f, vehicle);
}

bool mdl_fleet_vehicle_secured(struct mdl_fleet_inst *f, uint32_t vehicle)
{
    return is_secured((struct fleet *)f, vehicle);
}

const struct mdl_component mdl_fleet_component = {.name = "fleet",
                                                  .output_order = 3,
                                                  .present = comp_present,
                                                  .nstreams = comp_nstreams,
                                                  .stream_name = comp_stream_name,
                                                  .declare = comp_declare,
                                                  .free_shared = comp_free_shared,
                                                  .create = comp_create,
                                                  .destroy = comp_destroy,
                                                  .bind = comp_bind,
                                                  .refresh = comp_refresh,
                                                  .model = &fleet_model};
