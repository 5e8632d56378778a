/* The population and choice model: see mdl_pop.h for what it represents. */
#include "mdl_pop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/sim_rng.h"
#include "mdl_pop_priv.h"

struct var_info {
    const char *name, *units, *description;
};

static const struct var_info mode_info[M_NCOUNT] = {
    {"choices", "people", "decisions choosing the mode"},
    {"attempts", "people", "attempts made (boarding a launched boat, trying to board a lorry, ...)"},
    {"prevented", "people", "attempts prevented or detected, the person returned to France"},
    {"arrivals", "people", "arrivals in the UK"},
    {"deaths", "people", "deaths during attempts"},
};
static const struct var_info level_info[L_NLEVEL] = {
    {"belief", "1", "community belief of success at the end of the day"},
    {"expected_wait_days", "days", "community belief of the wait from choice to outcome"},
    {"price_eur", "EUR", "price of an attempt at the end of the day (lorry: self-organised)"},
};
static const struct var_info pop_info[P_NCOUNT] = {
    {"inflow", "people", "people arriving in the staging area"},
    {"leavers", "people", "people who chose to leave (claim asylum in France or move on)"},
    {"chose_wait", "people", "decisions to wait and decide again later"},
};
static const struct var_info total_info[T_NTOTAL] = {
    {"stock_start", "people", "staging population at the start of the analysis window"},
    {"stock_end", "people", "staging population at the end of the analysis window"},
    {"lorry_recorded_at_port", "people", "lorry arrivals recorded at a UK port"},
    {"lorry_recorded_72h", "people", "lorry arrivals found in the UK within 72 hours"},
    {"lorry_unrecorded", "people", "lorry arrivals never recorded"},
};

static const char *const stream_names[MDL_POP_COUNT] = {"population.inflow", "population.people"};

const char *mdl_pop_stream_name(enum mdl_pop_process process)
{
    return stream_names[process];
}

/* ---- outputs ---- */

static sim_status add(struct sim_out_table *t, const char *group, const struct var_info *vi,
                      enum sim_out_kind kind, int rank, int d0, int d1, int *id)
{
    struct sim_out_var v = {.group = group,
                            .name = vi->name,
                            .units = vi->units,
                            .description = vi->description,
                            .kind = kind,
                            .rank = rank,
                            .dims = {d0, d1}};
    return sim_out_add_var(t, &v, id);
}

/* Adds the "mode" dimension (labels: caller storage for s->modes_count pointers that outlive the
 * table) and the population's variables over `day_dim`, `port_dim` and the mode dimension. */
static sim_status mdl_pop_declare(struct sim_out_table *t, const struct mdl_scenario *s, int day_dim,
                                  int port_dim, const char **labels, struct mdl_pop_vars *ids)
{
    for (size_t i = 0; i < s->modes_count; i++)
        labels[i] = s->modes[i].name;
    struct sim_out_dim d = {.name = "mode",
                            .size = s->modes_count,
                            .labels = labels,
                            .units = "",
                            .description = "entry mode to the UK"};
    sim_status st = sim_out_add_dim(t, &d, &ids->mode_dim);
    int md = ids->mode_dim;
    for (int v = 0; v < M_NCOUNT && st == SIM_OK; v++)
        st = add(t, "daily", &mode_info[v], SIM_OUT_COUNT, 2, day_dim, md, &ids->daily[DI_MODE + v]);
    for (int v = 0; v < L_NLEVEL && st == SIM_OK; v++)
        st = add(t, "daily", &level_info[v], SIM_OUT_REAL, 2, day_dim, md, &ids->daily[DI_LEVEL + v]);
    for (int v = 0; v < P_NCOUNT && st == SIM_OK; v++)
        st = add(t, "daily", &pop_info[v], SIM_OUT_COUNT, 1, day_dim, 0, &ids->daily[DI_POP + v]);
    static const struct var_info staging = {"staging_population", "people",
                                            "people in the staging area (including those mid-attempt) "
                                            "at the end of the day"};
    if (st == SIM_OK)
        st = add(t, "daily", &staging, SIM_OUT_COUNT, 1, day_dim, 0, &ids->daily[DI_STAGING]);
    for (int v = 0; v < M_NCOUNT && st == SIM_OK; v++)
        st = add(t, "totals", &mode_info[v], SIM_OUT_COUNT, 1, md, 0, &ids->totals[TI_MODE + v]);
    for (int v = 0; v < P_NCOUNT && st == SIM_OK; v++)
        st = add(t, "totals", &pop_info[v], SIM_OUT_COUNT, 0, 0, 0, &ids->totals[TI_POP + v]);
    for (int v = 0; v < T_NTOTAL && st == SIM_OK; v++)
        st = add(t, "totals", &total_info[v], SIM_OUT_COUNT, 0, 0, 0, &ids->totals[TI_TOTAL + v]);
    static const struct var_info by_port = {"lorry_arrivals_by_port", "people",
                                            "arrivals of the lorry mode by port of embarkation"};
    if (st == SIM_OK)
        st = add(t, "totals", &by_port, SIM_OUT_COUNT, 1, port_dim, 0, &ids->totals[TI_PORT]);
    return st;
}

long mdl__pop_day(const struct mdl_pop *p, double t)
{
    if (t < p->w0 || t >= p->w1)
        return -1;
    return (long)floor(t - p->w0);
}

/* Adds x to daily[var] (at [day] or [day, mode] when mode >= 0) and to its total. */
void mdl__pop_count(struct mdl_pop *p, double t, int dvar, int tvar, int mode, double x)
{
    long d = mdl__pop_day(p, t);
    if (d < 0)
        return;
    const struct sim_out_table *tb = p->t;
    size_t row = mode >= 0 ? (size_t)d * p->nmodes + (size_t)mode : (size_t)d;
    p->out[tb->offset[p->ids->daily[dvar]] + row] += x;
    p->out[tb->offset[p->ids->totals[tvar]] + (mode >= 0 ? (size_t)mode : 0)] += x;
}

double *mdl__pop_total(struct mdl_pop *p, int slot)
{
    return &p->out[p->t->offset[p->ids->totals[slot]]];
}

/* ---- creation ---- */

static sim_status alloc_channels(struct mdl_pop *p)
{
    p->nchan = p->nmodes + p->nports;
    p->chan = calloc(p->nchan, sizeof *p->chan);
    p->chan_mem = calloc(p->nchan * 4 * p->ring, sizeof *p->chan_mem);
    if (p->chan == NULL || p->chan_mem == NULL)
        return SIM_ENOMEM;
    for (size_t c = 0; c < p->nchan; c++) {
        double *base = p->chan_mem + c * 4 * p->ring;
        p->chan[c].succ = base;
        p->chan[c].n = base + p->ring;
        p->chan[c].wait_sum = base + 2 * p->ring;
        p->chan[c].wait_n = base + 3 * p->ring;
    }
    return SIM_OK;
}

/* The choice set: modes, then wait, then leave; nests from the scenario, singletons otherwise. */
static void build_choice_set(struct mdl_pop *p)
{
    struct mdl_choice_set *cs = &p->cs;
    cs->n = (unsigned)p->nmodes + 2;
    cs->nnests = 0;
    for (unsigned i = 0; i < cs->n; i++)
        cs->nest_of[i] = UINT32_MAX;
    for (unsigned k = 0; k < p->ch->nests_count; k++) {
        const struct mdl_nest *nest = &p->ch->nests[k];
        cs->lambda[cs->nnests] = nest->lambda;
        for (unsigned j = 0; j < nest->members_count; j++) {
            const char *name = nest->members[j];
            unsigned a = strcmp(name, "wait") == 0    ? (unsigned)p->nmodes
                         : strcmp(name, "leave") == 0 ? (unsigned)p->nmodes + 1
                                                      : UINT32_MAX;
            for (unsigned m = 0; m < p->nmodes && a == UINT32_MAX; m++)
                if (strcmp(p->s->modes[m].name, name) == 0)
                    a = m;
            cs->nest_of[a] = cs->nnests; /* validated: every member exists, once */
        }
        cs->nnests++;
    }
    for (unsigned i = 0; i < cs->n; i++)
        if (cs->nest_of[i] == UINT32_MAX) {
            cs->lambda[cs->nnests] = 1.0;
            cs->nest_of[i] = cs->nnests++;
        }
}

static void init_modes(struct mdl_pop *p)
{
    p->lorry_mode = -1;
    for (size_t i = 0; i < p->nmodes; i++) {
        const struct mdl_mode *m = &p->s->modes[i];
        struct mdl__mode *md = &p->modes[i];
        md->m = m;
        md->kind = mdl__pop_kind_of(m->kind);
        if (m->kind == MDL_MODE_LORRY)
            p->lorry_mode = (int)i;
        if (md->kind->derive != NULL)
            md->kind->derive(p, i);
    }
}

static void init_inflow(struct mdl_pop *p)
{
    const struct mdl_population *pp = p->pp;
    double mean = 0.0;
    for (int m = 0; m < 12 && pp->inflow.monthly_profile; m++)
        mean += pp->inflow.monthly_profile[m] / 12.0;
    p->rate_max = 0.0;
    for (int m = 0; m < 12; m++) {
        if (pp->inflow.monthly_per_day)
            p->rate[m] = pp->inflow.monthly_per_day[m];
        else if (pp->inflow.monthly_profile)
            p->rate[m] = pp->inflow.level_per_day * pp->inflow.monthly_profile[m] / mean;
        else
            p->rate[m] = pp->inflow.level_per_day;
        p->rate_max = fmax(p->rate_max, p->rate[m]);
    }
}

void mdl__pop_derive(struct mdl_pop *p)
{
    const struct mdl_scenario *s = p->s;
    const struct mdl_population *pp = s->population;
    p->alpha = 1.0 - exp(-1.0 / s->choice->beliefs.time_constant_days);
    double rv = s->choice->beliefs.reversion_days;
    p->revert = rv > 0 ? 1.0 - exp(-1.0 / rv) : 0.0;
    mdl_sampler_init(&p->prep, &pp->preparation_days);
    mdl_sampler_init(&p->ret, &pp->return_days);
    mdl_sampler_init(&p->wait, &pp->wait_days);
    mdl_sampler_init(&p->budget, &pp->budget_eur);
    mdl_sampler_init(&p->risk, &pp->risk_tolerance);
    mdl_sampler_init(&p->patience, &pp->patience_days);
    init_modes(p);
    init_inflow(p);
    for (int f = 0; f < 256; f++)
        p->log_own[f] = log1p(s->choice->beliefs.own_weight * f);
    p->log_floor = log(s->choice->beliefs.floor);
    build_choice_set(p);
    for (size_t i = 0; i < p->nports; i++)
        p->port_weight[i] = s->ports[i].lorries_per_year;
}

sim_status mdl__pop_alloc_people(struct mdl_pop *p, size_t cap, size_t keep)
{
    struct mdl__person *people = aligned_alloc(_Alignof(struct mdl__person), cap * sizeof *people);
    uint8_t *hi = p->nmodes > MDL__POP_INLINE_FAILS ? malloc(cap * MDL__POP_HI_FAILS) : NULL;
    if (people == NULL || (p->nmodes > MDL__POP_INLINE_FAILS && hi == NULL)) {
        free(people);
        free(hi);
        return SIM_ENOMEM;
    }
    if (keep > 0) {
        memcpy(people, p->people, keep * sizeof *people);
        if (hi != NULL)
            memcpy(hi, p->fails_hi, keep * MDL__POP_HI_FAILS);
    }
    free(p->people);
    free(p->fails_hi);
    p->people = people;
    p->fails_hi = hi;
    p->cap = cap;
    return SIM_OK;
}

/* Frees the model; accepts NULL. */
static void mdl_pop_destroy(struct mdl_pop *p)
{
    if (p == NULL)
        return;
    free(p->chan);
    free(p->chan_mem);
    free(p->port_weight);
    free(p->people);
    free(p->fails_hi);
    gsl_rng_free(p->prng);
    free(p);
}

/* Creates the model. `months` gives the calendar month of each simulated day; `ports` and `boats`
 * (NULL when the scenario has no boat mode) are the thread's other models, borrowed; the model
 * listens to their outcomes. Streams [first_stream, first_stream + MDL_POP_COUNT). SIM_ENOMEM;
 * SIM_EINVAL when the ports or the boats have no room for another listener. */
static sim_status mdl_pop_create(const struct mdl_scenario *s, const unsigned char *months,
                                 const struct sim_out_table *t, const struct mdl_pop_vars *ids,
                                 size_t first_stream, struct mdl_ports *ports, struct mdl_boats *boats,
                                 struct mdl_pop **out)
{
    struct mdl_pop *p = calloc(1, sizeof *p);
    if (p == NULL)
        return SIM_ENOMEM;
    *p = (struct mdl_pop){.s = s,
                          .pp = s->population,
                          .ch = s->choice,
                          .months = months,
                          .t = t,
                          .ids = ids,
                          .first_stream = first_stream,
                          .nmodes = s->modes_count,
                          .nports = s->ports_count,
                          .ring = (size_t)s->choice->beliefs.delay_days + 1,
                          .w0 = s->calendar.warmup_days,
                          .w1 = s->calendar.warmup_days + s->calendar.horizon_days,
                          .ports = ports,
                          .boats = boats,
                          .free_head = MDL__POP_NONE};
    p->t0 = p->w0 - floor(p->w0);
    const struct mdl_population *pp = s->population;
    p->port_weight = malloc(p->nports * sizeof *p->port_weight);
    if (p->port_weight != NULL)
        mdl__pop_derive(p);
    p->prng = gsl_rng_alloc(sim_rng_philox);
    /* Room for the initial stock and two months of inflow at the peak rate before growing. */
    size_t cap = (size_t)(pp->initial_stock + 60.0 * p->rate_max) + 1024;
    if (p->port_weight == NULL || p->prng == NULL || mdl__pop_alloc_people(p, cap, 0) != SIM_OK ||
        alloc_channels(p) != SIM_OK) {
        mdl_pop_destroy(p);
        return SIM_ENOMEM;
    }
    sim_status st = mdl__pop_listen(p);
    if (st != SIM_OK) {
        mdl_pop_destroy(p);
        return st;
    }
    *out = p;
    return SIM_OK;
}

/* ---- the component ---- */

static bool comp_present(const struct mdl_scenario *s)
{
    return s->population != NULL;
}

static size_t comp_nstreams(const struct mdl_scenario *s)
{
    (void)s;
    return MDL_POP_COUNT;
}

static void comp_stream_name(const struct mdl_scenario *s, size_t i, char *buf, size_t len)
{
    (void)s;
    snprintf(buf, len, "%s", mdl_pop_stream_name((enum mdl_pop_process)i));
}

static void comp_free_shared(void *shared)
{
    struct mdl_pop_vars *ids = shared;
    if (ids == NULL)
        return;
    free(ids->labels);
    free(ids);
}

static sim_status comp_declare(const struct mdl_comp_decl *d, void **shared)
{
    const struct mdl_ports_vars *ports = mdl_world_shared(d->w, "ports");
    if (ports == NULL)
        return SIM_EINVAL;
    struct mdl_pop_vars *ids = calloc(1, sizeof *ids);
    if (ids != NULL)
        ids->labels = calloc(d->s->modes_count, sizeof *ids->labels);
    if (ids == NULL || ids->labels == NULL) {
        comp_free_shared(ids);
        return SIM_ENOMEM;
    }
    *shared = ids;
    return mdl_pop_declare(d->t, d->s, d->day_dim, ports->port_dim, ids->labels, ids);
}

static sim_status comp_create(const struct mdl_comp_env *env, void **self)
{
    struct mdl_ports *ports = mdl_world_ws_find(env->ws, "ports");
    struct mdl_boats *boats = mdl_world_ws_find(env->ws, "small_boats");
    if (ports == NULL)
        return SIM_EINVAL;
    struct mdl_pop *p = NULL;
    sim_status st =
        mdl_pop_create(env->s, env->months, env->t, env->shared, env->first_stream, ports, boats, &p);
    if (st == SIM_OK)
        *self = p;
    return st;
}

static void comp_destroy(void *self)
{
    mdl_pop_destroy(self);
}

static void comp_bind(void *self, double *rep_values, uint16_t model_id)
{
    mdl__pop_bind(self, rep_values, model_id);
}

static void comp_refresh(void *self, struct sim_kernel *k, unsigned sections)
{
    (void)sections; /* also for ports: lorry port choice weighs traffic */
    mdl__pop_refresh(self, k);
}

const struct mdl_component mdl_pop_component = {.name = "population",
                                                .output_order = 1,
                                                .present = comp_present,
                                                .nstreams = comp_nstreams,
                                                .stream_name = comp_stream_name,
                                                .declare = comp_declare,
                                                .free_shared = comp_free_shared,
                                                .create = comp_create,
                                                .destroy = comp_destroy,
                                                .bind = comp_bind,
                                                .refresh = comp_refresh,
                                                .model = &mdl__pop_model};
