#include "mdl_world.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/sim_kernel.h"
#include "mdl_component.h"
#include "mdl_iv.h"
#include "mdl_study.h"

enum { NAME_LEN = 64, MAX_COMPONENTS = SIM_KERNEL_MAX_MODELS - 1 /* the interventions model */ };

/* The world assembles the present components of mdl_components, in list order. */
struct mdl_world {
    const struct mdl_scenario *s;
    struct sim_out_table table;
    size_t ncomp;
    const struct mdl_component *comp[MAX_COMPONENTS];
    size_t first_stream[MAX_COMPONENTS];
    void *shared[MAX_COMPONENTS]; /* what each component's declare returned */
    unsigned char *months;        /* calendar month (0..11) of each simulated day */
    char day_units[64];
    size_t nstreams;
    char *name_buf;
    const char **stream_names;
    double until;
    struct mdl_study *study;
    int cost_var; /* totals/intervention_cost_eur */
};

struct mdl_world_ws {
    const struct mdl_world *w;
    struct mdl_scenario *s; /* the world's scenario, or a private copy when interventions change it */
    bool own_s;
    struct mdl_iv *iv;
    struct sim_kernel *k;
    void *self[MAX_COMPONENTS]; /* each component's instance */
    uint16_t iv_id, id[MAX_COMPONENTS];
    struct mdl_param *params; /* mdl_world_ws_create_params: the settable parameters */
    double *base;             /* and their values in the scenario */
    size_t nparams;
};

void mdl_world_ws_set_abort(struct mdl_world_ws *ws, const volatile sig_atomic_t *flag)
{
    sim_kernel_set_abort(ws->k, flag);
}

void mdl_world_destroy(struct mdl_world *w)
{
    if (w == NULL)
        return;
    for (size_t c = 0; c < w->ncomp; c++)
        if (w->comp[c]->free_shared != NULL)
            w->comp[c]->free_shared(w->shared[c]);
    free(w->months);
    free(w->name_buf);
    free(w->stream_names);
    mdl_study_destroy(w->study);
    free(w);
}

static size_t find(const struct mdl_world *w, const char *name)
{
    size_t c = 0;
    while (c < w->ncomp && strcmp(w->comp[c]->name, name) != 0)
        c++;
    return c;
}

const void *mdl_world_shared(const struct mdl_world *w, const char *name)
{
    size_t c = find(w, name);
    return c < w->ncomp ? w->shared[c] : NULL;
}

void *mdl_world_ws_find(const struct mdl_world_ws *ws, const char *name)
{
    size_t c = find(ws->w, name);
    return c < ws->w->ncomp ? ws->self[c] : NULL;
}

/* Picks the components the scenario has and gives each its range of streams, in list order. */
static sim_status name_streams(struct mdl_world *w)
{
    const struct mdl_scenario *s = w->s;
    for (size_t i = 0; i < mdl_components_count; i++) {
        const struct mdl_component *c = mdl_components[i];
        if (!c->present(s))
            continue;
        if (w->ncomp == MAX_COMPONENTS)
            return SIM_EINVAL;
        w->first_stream[w->ncomp] = w->nstreams;
        w->comp[w->ncomp++] = c;
        w->nstreams += c->nstreams(s);
    }
    w->name_buf = calloc(w->nstreams, NAME_LEN);
    w->stream_names = calloc(w->nstreams, sizeof *w->stream_names);
    if (w->name_buf == NULL || w->stream_names == NULL)
        return SIM_ENOMEM;
    for (size_t c = 0; c < w->ncomp; c++)
        for (size_t i = 0; i < w->comp[c]->nstreams(s); i++) {
            size_t id = w->first_stream[c] + i;
            w->comp[c]->stream_name(s, i, w->name_buf + id * NAME_LEN, NAME_LEN);
            w->stream_names[id] = w->name_buf + id * NAME_LEN;
        }
    return SIM_OK;
}

/* Calendar month of every simulated day, from the validated start date. */
static sim_status fill_months(struct mdl_world *w)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = (size_t)ceil(w->until) + 2;
    w->months = malloc(n);
    if (w->months == NULL)
        return SIM_ENOMEM;
    int y = atoi(w->s->calendar.start_date), m = atoi(w->s->calendar.start_date + 5) - 1,
        d = atoi(w->s->calendar.start_date + 8);
    for (size_t i = 0; i < n; i++) {
        w->months[i] = (unsigned char)m;
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (++d > mdays[m] + (m == 1 && leap)) {
            d = 1;
            if (++m == 12)
                m = 0, y++;
        }
    }
    return SIM_OK;
}

/* Every component's outputs in increasing output_order, ties in list order. */
static sim_status declare_components(struct mdl_world *w, int day_dim)
{
    struct mdl_comp_decl d = {.s = w->s, .t = &w->table, .day_dim = day_dim, .w = w};
    bool done[MAX_COMPONENTS] = {false};
    sim_status st = SIM_OK;
    for (size_t n = 0; n < w->ncomp && st == SIM_OK; n++) {
        size_t next = w->ncomp;
        for (size_t c = 0; c < w->ncomp; c++)
            if (!done[c] && (next == w->ncomp || w->comp[c]->output_order < w->comp[next]->output_order))
                next = c;
        done[next] = true;
        st = w->comp[next]->declare(&d, &w->shared[next]);
    }
    return st;
}

sim_status mdl_world_create(const struct mdl_scenario *s, struct mdl_world **out)
{
    struct mdl_world *w = calloc(1, sizeof *w);
    if (w == NULL)
        return SIM_ENOMEM;
    w->s = s;
    w->until = s->calendar.warmup_days + s->calendar.horizon_days;
    sim_status st = name_streams(w);
    if (st == SIM_OK)
        st = fill_months(w);
    /* CF-style units let xarray decode the day coordinate as dates. */
    snprintf(w->day_units, sizeof w->day_units, "days since %s", s->calendar.start_date);
    struct sim_out_dim day = {.name = "day",
                              .size = (size_t)ceil(s->calendar.horizon_days),
                              .origin = s->calendar.warmup_days,
                              .step = 1.0,
                              .units = w->day_units,
                              .description = "start of each day of the analysis window (after warm-up)"};
    int day_dim = 0;
    if (st == SIM_OK)
        st = sim_out_add_dim(&w->table, &day, &day_dim);
    if (st == SIM_OK)
        st = declare_components(w, day_dim);
    struct sim_out_var cost = {.group = "totals",
                               .name = "intervention_cost_eur",
                               .units = "EUR",
                               .description = "cost of the variant's interventions over the analysis window",
                               .kind = SIM_OUT_REAL,
                               .rank = 0};
    if (st == SIM_OK)
        st = sim_out_add_var(&w->table, &cost, &w->cost_var);
    if (st == SIM_OK)
        st = mdl_study_build(s, &w->study);
    if (st != SIM_OK) {
        mdl_world_destroy(w);
        return st;
    }
    sim_out_finalize(&w->table);
    *out = w;
    return SIM_OK;
}

const struct sim_out_table *mdl_world_table(const struct mdl_world *w)
{
    return &w->table;
}

size_t mdl_world_nstreams(const struct mdl_world *w)
{
    return w->nstreams;
}

const char *const *mdl_world_stream_names(const struct mdl_world *w)
{
    return w->stream_names;
}

void mdl_world_ws_destroy(struct mdl_world_ws *ws)
{
    if (ws == NULL)
        return;
    sim_kernel_destroy(ws->k);
    for (size_t c = ws->w->ncomp; c-- > 0;)
        ws->w->comp[c]->destroy(ws->self[c]);
    mdl_iv_destroy(ws->iv);
    free(ws->params);
    free(ws->base);
    if (ws->own_s)
        mdl_scenario_destroy(ws->s);
    free(ws);
}

/* The interventions model's call-back: refresh the models whose parameters changed. */
static void refresh(void *ctx, struct sim_kernel *k, unsigned sections)
{
    struct mdl_world_ws *ws = ctx;
    for (size_t c = 0; c < ws->w->ncomp; c++)
        if (ws->w->comp[c]->refresh != NULL)
            ws->w->comp[c]->refresh(ws->self[c], k, sections);
}

/* Builds a workspace; `private_s` gives it its own copy of the scenario even without changes. */
static sim_status ws_create(const struct mdl_world *w, bool private_s, struct mdl_world_ws **out)
{
    struct mdl_world_ws *ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return SIM_ENOMEM;
    ws->w = w;
    /* Interventions write into the scenario's parameters: a workspace that may run them gets its
     * own copy, loaded from the same text; otherwise the world's scenario is only read. */
    bool changes = private_s;
    for (size_t v = 0; v < w->study->nvariants; v++)
        changes |= w->study->v[v].nchanges > 0;
    sim_status st = SIM_OK;
    if (changes) {
        char err[256];
        const char *text = w->s->text != NULL ? w->s->text : "";
        st = mdl_scenario_load_text(text, strlen(text), w->s->path, &ws->s, err, sizeof err);
        ws->own_s = st == SIM_OK;
    } else {
        ws->s = (struct mdl_scenario *)w->s; /* never written: the study has no changes */
    }
    if (st == SIM_OK)
        st = sim_kernel_create(w->nstreams, 4096, &ws->k);
    /* Hour-wide slots: the heap then holds the next hour's events (tens), not the thousands of
     * decisions people have scheduled days ahead. Speed only: the order of events is unchanged. */
    if (st == SIM_OK)
        st = sim_kernel_set_tier(ws->k, 1.0 / 24.0);
    struct mdl_iv_refresh r = {.ctx = ws, .refresh = refresh};
    if (st == SIM_OK)
        st = mdl_iv_create(w->study, ws->s, &r, w->until, &ws->iv);
    if (st == SIM_OK)
        st = sim_kernel_attach(ws->k, &mdl_iv_model, ws->iv, &ws->iv_id);
    for (size_t c = 0; c < w->ncomp && st == SIM_OK; c++) {
        struct mdl_comp_env env = {.s = ws->s,
                                   .t = &w->table,
                                   .shared = w->shared[c],
                                   .months = w->months,
                                   .first_stream = w->first_stream[c],
                                   .ws = ws};
        st = w->comp[c]->create(&env, &ws->self[c]);
        if (st == SIM_OK)
            st = sim_kernel_attach(ws->k, w->comp[c]->model, ws->self[c], &ws->id[c]);
    }
    if (st != SIM_OK) {
        mdl_world_ws_destroy(ws);
        return st;
    }
    *out = ws;
    return SIM_OK;
}

sim_status mdl_world_ws_create(const struct mdl_world *w, struct mdl_world_ws **out)
{
    return ws_create(w, false, out);
}

sim_status mdl_world_ws_create_params(const struct mdl_world *w, const char *const *paths, size_t n,
                                      struct mdl_world_ws **out, char *err, size_t errlen)
{
    struct mdl_world_ws *ws = NULL;
    sim_status st = ws_create(w, true, &ws);
    if (st != SIM_OK) {
        snprintf(err, errlen, "%s", sim_status_str(st));
        return st;
    }
    ws->params = calloc(n + 1, sizeof *ws->params);
    ws->base = calloc(n + 1, sizeof *ws->base);
    st = ws->params != NULL && ws->base != NULL ? SIM_OK : SIM_ENOMEM;
    if (st != SIM_OK)
        snprintf(err, errlen, "%s", sim_status_str(st));
    for (size_t i = 0; i < n && st == SIM_OK; i++) {
        char why[256];
        st = mdl_scenario_param(ws->s, paths[i], &ws->params[i], why, sizeof why);
        if (st != SIM_OK)
            snprintf(err, errlen, "%s: %s", paths[i], why);
        else
            ws->base[i] = mdl_param_get(&ws->params[i]);
    }
    ws->nparams = n;
    if (st != SIM_OK) {
        mdl_world_ws_destroy(ws);
        return st;
    }
    *out = ws;
    return SIM_OK;
}

sim_status mdl_world_run_point(struct mdl_world_ws *ws, const double *theta, size_t variant,
                               uint64_t master_seed, uint64_t rep, double *values, uint64_t *seeds,
                               uint64_t *events, char *err, size_t errlen)
{
    unsigned all = MDL_SECTION_PORTS | MDL_SECTION_POPULATION;
    /* The interventions start each replication from these values, so a change that scales or
     * adds to a parameter applies to the point's value, not to the scenario's. */
    for (size_t i = 0; i < ws->nparams; i++) {
        mdl_param_set(&ws->params[i], theta[i]);
        mdl_iv_rebase(ws->iv, &ws->params[i], mdl_param_get(&ws->params[i]));
    }
    refresh(ws, NULL, all);
    sim_status st = mdl_world_run_variant(ws, variant, master_seed, rep, values, seeds, events, err, errlen);
    /* The next item on this workspace starts from the scenario's own values. */
    for (size_t i = 0; i < ws->nparams; i++) {
        mdl_param_set(&ws->params[i], ws->base[i]);
        mdl_iv_rebase(ws->iv, &ws->params[i], ws->base[i]);
    }
    refresh(ws, NULL, all);
    return st;
}

sim_status mdl_world_run_rep(struct mdl_world_ws *ws, uint64_t master_seed, uint64_t rep, double *values,
                             uint64_t *seeds, uint64_t *events, char *err, size_t errlen)
{
    return mdl_world_run_variant(ws, 0, master_seed, rep, values, seeds, events, err, errlen);
}

size_t mdl_world_nvariants(const struct mdl_world *w)
{
    return w->study->nvariants;
}

const char *const *mdl_world_variant_names(const struct mdl_world *w)
{
    return w->study->names;
}

sim_status mdl_world_run_variant(struct mdl_world_ws *ws, size_t variant, uint64_t master_seed, uint64_t rep,
                                 double *values, uint64_t *seeds, uint64_t *events, char *err, size_t errlen)
{
    const struct mdl_world *w = ws->w;
    if (variant >= w->study->nvariants) {
        snprintf(err, errlen, "variant %zu: the study has %zu", variant, w->study->nvariants);
        return SIM_EINVAL;
    }
    memset(values, 0, w->table.rep_values * sizeof *values);
    sim_kernel_reset(ws->k, master_seed, rep);
    mdl_iv_bind(ws->iv, variant, ws->iv_id);
    for (size_t c = 0; c < w->ncomp; c++)
        w->comp[c]->bind(ws->self[c], values, ws->id[c]);
    sim_status st = sim_kernel_run(ws->k, w->until);
    if (st != SIM_OK) {
        snprintf(err, errlen, "variant %s, replication %llu: %s", w->study->v[variant].name,
                 (unsigned long long)rep, sim_kernel_error(ws->k));
        return st;
    }
    values[w->table.offset[w->cost_var]] = w->study->v[variant].cost_eur;
    for (size_t s = 0; seeds != NULL && s < w->nstreams; s++)
        seeds[s] = sim_kernel_seed(ws->k, s);
    if (events != NULL)
        *events = sim_kernel_events(ws->k);
    return SIM_OK;
}
