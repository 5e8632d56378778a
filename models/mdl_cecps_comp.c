/* mdl_cecps_comp.c: the civil-penalty scheme in the full model (issue 14, phase 2).
 *
 * The component wires mdl_cecps.h to the controls and the fleet:
 *  - every group detected at a port on a known vehicle is a clandestine incident of the vehicle's
 *    haulier, referred with `qualified_on_duty` = an officer with referral training is present on
 *    a shift at that port now (mdl_ports_referral_on_duty), the haulier's accreditation, and
 *    `unsecured` = the vehicle was not adequately secured (mdl_fleet_vehicle_secured);
 *  - every lorry drop the fleet traces back to a vehicle is referred the same way, at the time
 *    of the trace, at the port the vehicle passed;
 *  - the hauliers' decisions feed security: a haulier that secures (mdl_cecps_secured, accredited
 *    hauliers included) has each vehicle secured with probability max(base, secured_when_securing),
 *    the others with their base share (the fleet's Beta draw of hauliers_secured_share);
 *  - the ports' daily lorries_searched feed the annual report's vehicles searched.
 * Groups the ports generate themselves (no vehicle) are not incidents of any haulier. With
 * `enabled` 0 (the study's scheme_off) nothing is referred and every haulier keeps its base
 * share; the scheme's own events still run on its own streams, so variants stay paired. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mdl_cecps.h"
#include "mdl_fleet.h"
#include "mdl_ports.h"

struct comp_shared {
    struct mdl_cecps_vars ids;
    int searched; /* the ports' daily/lorries_searched (day x port), -1 if absent */
    int day_dim;
};

struct cecps_comp {
    const struct mdl_scenario *s;
    const struct mdl_cecps_params *p;
    const struct comp_shared *sh;
    const struct sim_out_table *t;
    struct mdl_cecps *m;
    struct mdl_ports *ports;
    struct mdl_fleet_inst *fleet;
    double *out;
};

static bool comp_present(const struct mdl_scenario *s)
{
    return s->cecps != NULL && mdl_fleet_component.present(s);
}

static size_t comp_nstreams(const struct mdl_scenario *s)
{
    (void)s;
    return MDL_CECPS_NSTREAMS;
}

static void comp_stream_name(const struct mdl_scenario *s, size_t i, char *buf, size_t len)
{
    (void)s;
    snprintf(buf, len, "%s", mdl_cecps_stream_name((enum mdl_cecps_stream)i));
}

static sim_status comp_declare(const struct mdl_comp_decl *d, void **shared)
{
    struct comp_shared *sh = calloc(1, sizeof *sh);
    if (sh == NULL)
        return SIM_ENOMEM;
    *shared = sh;
    size_t ny = mdl_cecps_years(d->s->calendar.horizon_days);
    struct sim_out_dim year = {.name = "year",
                               .size = ny,
                               .origin = 0.0,
                               .step = 1.0,
                               .units = "years",
                               .description = "year of the analysis window (365.25 days each), the first 0"};
    int year_dim;
    sim_status st = sim_out_add_dim(d->t, &year, &year_dim);
    if (st == SIM_OK)
        st = mdl_cecps_declare(d->t, d->day_dim, year_dim, &sh->ids);
    sh->searched = sim_out_find(d->t, "daily", "lorries_searched");
    sh->day_dim = d->day_dim;
    return st;
}

static void comp_free_shared(void *shared)
{
    free(shared);
}

/* ---- what the controls and the fleet report ---- */

static void refer(struct cecps_comp *c, struct sim_kernel *k, unsigned port, uint32_t vehicle, unsigned size)
{
    uint32_t h = mdl_fleet_haulier_of(c->fleet, vehicle);
    bool unsecured = !mdl_fleet_vehicle_secured(c->fleet, vehicle);
    sim_status st = mdl_cecps_refer(c->m, k, port, h, size, mdl_cecps_accredited(c->m, h),
                                    mdl_ports_referral_on_duty(c->ports, port), unsecured);
    if (st != SIM_OK)
        sim_kernel_fail(k, st, "cecps: cannot refer an incident (haulier %u)", (unsigned)h);
}

static void on_outcome(void *ctx, struct sim_kernel *k, const struct mdl_ports_report *r)
{
    struct cecps_comp *c = ctx;
    if (c->p->enabled && r->outcome == MDL_LORRY_DETECTED && r->vehicle != MDL_VEHICLE_NONE)
        refer(c, k, r->port, r->vehicle, r->size);
}

static void on_traced(void *ctx, struct sim_kernel *k, unsigned port, uint32_t vehicle, unsigned size)
{
    struct cecps_comp *c = ctx;
    if (c->p->enabled)
        refer(c, k, port, vehicle, size);
}

static double secured_share(void *ctx, uint32_t haulier, double base)
{
    const struct cecps_comp *c = ctx;
    if (!c->p->enabled || !mdl_cecps_secured(c->m, haulier))
        return base;
    return fmax(base, c->p->secured_when_securing);
}

/* ---- the instance ---- */

static void comp_destroy(void *self)
{
    struct cecps_comp *c = self;
    if (c == NULL)
        return;
    mdl_cecps_destroy(c->m);
    free(c);
}

/* calendar.start_date (validated YYYY-MM-DD) as YYYYMMDD. */
static int32_t start_date(const struct mdl_scenario *s)
{
    int y = 0, m = 0, d = 0;
    if (sscanf(s->calendar.start_date, "%d-%d-%d", &y, &m, &d) != 3)
        return 0;
    return (int32_t)(y * 10000 + m * 100 + d);
}

static sim_status comp_create(const struct mdl_comp_env *env, void **self)
{
    const struct mdl_scenario *s = env->s;
    struct cecps_comp *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SIM_ENOMEM;
    *c = (struct cecps_comp){.s = s, .p = s->cecps, .sh = env->shared, .t = env->t};
    c->ports = mdl_world_ws_find(env->ws, "ports");
    c->fleet = mdl_world_ws_find(env->ws, "fleet");
    sim_status st = c->ports != NULL && c->fleet != NULL ? SIM_OK : SIM_EINVAL;
    uint32_t hauliers = 0;
    for (size_t i = 0; i < s->modes_count && hauliers == 0; i++)
        if (s->modes[i].lorry != NULL && s->modes[i].lorry->fleet != NULL)
            hauliers = s->modes[i].lorry->fleet->hauliers;
    if (st == SIM_OK)
        st = mdl_cecps_create(c->p, hauliers, start_date(s), s->calendar.warmup_days,
                              s->calendar.horizon_days, env->t, &c->sh->ids, env->first_stream, &c->m);
    struct mdl_ports_listener pl = {.ctx = c, .on_outcome = on_outcome};
    struct mdl_fleet_scheme fs = {.ctx = c, .share = secured_share, .traced = on_traced};
    if (st == SIM_OK)
        st = mdl_ports_listen(c->ports, &pl);
    if (st == SIM_OK)
        st = mdl_fleet_set_scheme(c->fleet, &fs);
    if (st != SIM_OK) {
        comp_destroy(c);
        return st;
    }
    *self = c;
    return SIM_OK;
}

static void comp_bind(void *self, double *rep_values, uint16_t model_id)
{
    struct cecps_comp *c = self;
    c->out = rep_values;
    mdl_cecps_bind(c->m, rep_values, model_id);
}

static void comp_refresh(void *self, struct sim_kernel *k, unsigned sections)
{
    struct cecps_comp *c = self;
    (void)k;
    (void)sections; /* cecps.* paths come as the population section; the work times may change */
    mdl_cecps_refresh(c->m);
}

/* ---- the kernel callbacks: the scheme's, plus the searches of the annual report ---- */

static sim_status init(void *self, struct sim_kernel *k)
{
    struct cecps_comp *c = self;
    return mdl_cecps_model.init(c->m, k);
}

static void handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct cecps_comp *c = self;
    mdl_cecps_model.handle(c->m, k, ev);
}

/* The ports count searches per day and port; each day's go to the year holding its midpoint. */
static void add_searches(struct cecps_comp *c)
{
    if (c->sh->searched < 0)
        return;
    const struct sim_out_table *t = c->t;
    size_t ndays = t->dims[c->sh->day_dim].size, nports = c->s->ports_count;
    const double *v = &c->out[t->offset[c->sh->searched]];
    for (size_t d = 0; d < ndays; d++) {
        double n = 0.0;
        for (size_t p = 0; p < nports; p++)
            n += v[d * nports + p];
        mdl_cecps_searched(c->m, c->s->calendar.warmup_days + (double)d + 0.5, n);
    }
}

static sim_status finish(void *self, struct sim_kernel *k)
{
    struct cecps_comp *c = self;
    add_searches(c);
    return mdl_cecps_model.finish(c->m, k); /* writes the totals and checks the invariants */
}

static const struct sim_model comp_model = {
    .name = "cecps", .init = init, .handle = handle, .finish = finish};

const struct mdl_component mdl_cecps_component = {.name = "cecps",
                                                  .output_order = 4,
                                                  .present = comp_present,
                                                  .nstreams = comp_nstreams,
                                                  .stream_name = comp_stream_name,
                                                  .declare = comp_declare,
                                                  .free_shared = comp_free_shared,
                                                  .create = comp_create,
                                                  .destroy = comp_destroy,
                                                  .bind = comp_bind,
                                                  .refresh = comp_refresh,
                                                  .model = &comp_model};
