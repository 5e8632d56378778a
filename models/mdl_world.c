#include "mdl_world.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/sim_kernel.h"
#include "mdl_boats.h"
#include "mdl_pop.h"
#include "mdl_ports.h"
#include "mdl_iv.h"
#include "mdl_study.h"

enum { NAME_LEN = 64 };

struct mdl_world {
    const struct mdl_scenario *s;
    struct sim_out_table table;
    struct mdl_ports_vars ports_vars;
    struct mdl_boats_vars boats_vars;
    struct mdl_pop_vars pop_vars;
    const char **port_labels;
    const char **mode_labels;
    const struct mdl_mode *boat; /* the boat mode, or NULL */
    unsigned char *months;       /* calendar month (0..11) of each simulated day */
    size_t boats_stream, pop_stream;
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
    struct mdl_ports *ports;
    struct mdl_boats *boats;
    struct mdl_pop *pop;
    uint16_t iv_id, ports_id, boats_id, pop_id;
};

void mdl_world_ws_set_abort(struct mdl_world_ws *ws, const volatile sig_atomic_t *flag)
{
    sim_kernel_set_abort(ws->k, flag);
}

void mdl_world_destroy(struct mdl_world *w)
{
    if (w == NULL)
        return;
    free(w->port_labels);
    free(w->mode_labels);
    free(w->months);
    free(w->name_buf);
    free(w->stream_names);
    mdl_study_destroy(w->study);
    free(w);
}

static sim_status name_streams(struct mdl_world *w)
{
    const struct mdl_scenario *s = w->s;
    w->boats_stream = MDL_PP_COUNT * s->ports_count;
    w->pop_stream = w->boats_stream + (w->boat ? MDL_BP_COUNT : 0);
    w->nstreams = w->pop_stream + (s->population ? MDL_POP_COUNT : 0);
    w->name_buf = calloc(w->nstreams, NAME_LEN);
    w->stream_names = calloc(w->nstreams, sizeof *w->stream_names);
    if (w->name_buf == NULL || w->stream_names == NULL)
        return SIM_ENOMEM;
    for (int p = 0; p < MDL_PP_COUNT; p++)
        for (size_t i = 0; i < s->ports_count; i++) {
            size_t id = mdl_ports_stream(0, s->ports_count, (enum mdl_ports_process)p, i);
            mdl_ports_stream_name(s, (enum mdl_ports_process)p, i, w->name_buf + id * NAME_LEN, NAME_LEN);
            w->stream_names[id] = w->name_buf + id * NAME_LEN;
        }
    for (size_t i = 0; w->boat && i < MDL_BP_COUNT; i++)
        w->stream_names[w->boats_stream + i] = mdl_boats_stream_name((enum mdl_boats_process)i);
    for (size_t i = 0; s->population && i < MDL_POP_COUNT; i++)
        w->stream_names[w->pop_stream + i] = mdl_pop_stream_name((enum mdl_pop_process)i);
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

static sim_status declare_population(struct mdl_world *w, int day_dim)
{
    const struct mdl_scenario *s = w->s;
    w->mode_labels = calloc(s->modes_count, sizeof *w->mode_labels);
    if (w->mode_labels == NULL)
        return SIM_ENOMEM;
    sim_status st =
        mdl_pop_declare(&w->table, s, day_dim, w->ports_vars.port_dim, w->mode_labels, &w->pop_vars);
    if (st == SIM_OK && w->boat)
        st = mdl_boats_declare(&w->table, day_dim, &w->boats_vars);
    return st;
}

sim_status mdl_world_create(const struct mdl_scenario *s, struct mdl_world **out)
{
    struct mdl_world *w = calloc(1, sizeof *w);
    if (w == NULL)
        return SIM_ENOMEM;
    w->s = s;
    w->until = s->calendar.warmup_days + s->calendar.horizon_days;
    for (unsigned i = 0; s->population && i < s->modes_count; i++)
        if (s->modes[i].kind == MDL_MODE_BOAT)
            w->boat = &s->modes[i];
    w->port_labels = calloc(s->ports_count, sizeof *w->port_labels);
    sim_status st = w->port_labels == NULL ? SIM_ENOMEM : name_streams(w);
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
        st = mdl_ports_declare(&w->table, s, day_dim, w->port_labels, &w->ports_vars);
    if (st == SIM_OK && s->population)
        st = declare_population(w, day_dim);
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
    mdl_pop_destroy(ws->pop);
    mdl_boats_destroy(ws->boats);
    mdl_ports_destroy(ws->ports);
    mdl_iv_destroy(ws->iv);
    if (ws->own_s)
        mdl_scenario_destroy(ws->s);
    free(ws);
}

/* The interventions model's call-back: refresh the models whose parameters changed. */
static void refresh(void *ctx, struct sim_kernel *k, unsigned sections)
{
    struct mdl_world_ws *ws = ctx;
    if (sections & MDL_SECTION_PORTS)
        mdl_ports_refresh(ws->ports, k);
    if (ws->boats != NULL)
        mdl_boats_refresh(ws->boats, k);
    if (ws->pop != NULL)
        mdl_pop_refresh(ws->pop, k); /* also for ports: lorry port choice weighs traffic */
}

sim_status mdl_world_ws_create(const struct mdl_world *w, struct mdl_world_ws **out)
{
    struct mdl_world_ws *ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return SIM_ENOMEM;
    ws->w = w;
    /* Interventions write into the scenario's parameters: a workspace that may run them gets its
     * own copy, loaded from the same text; otherwise the world's scenario is only read. */
    bool changes = false;
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
    const struct mdl_mode *boat = NULL;
    for (unsigned i = 0; st == SIM_OK && ws->s->population && i < ws->s->modes_count; i++)
        if (ws->s->modes[i].kind == MDL_MODE_BOAT)
            boat = &ws->s->modes[i];
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
    if (st == SIM_OK)
        st = mdl_ports_create(ws->s, &w->table, &w->ports_vars, 0, &ws->ports);
    if (st == SIM_OK)
        st = sim_kernel_attach(ws->k, &mdl_ports_model, ws->ports, &ws->ports_id);
    if (st == SIM_OK && boat)
        st = mdl_boats_create(ws->s, boat, w->months, &w->table, &w->boats_vars, w->boats_stream, &ws->boats);
    if (st == SIM_OK && boat)
        st = sim_kernel_attach(ws->k, &mdl_boats_model, ws->boats, &ws->boats_id);
    if (st == SIM_OK && ws->s->population)
        st = mdl_pop_create(ws->s, w->months, &w->table, &w->pop_vars, w->pop_stream, ws->ports, ws->boats,
                            &ws->pop);
    if (st == SIM_OK && ws->s->population)
        st = sim_kernel_attach(ws->k, &mdl_pop_model, ws->pop, &ws->pop_id);
    if (st != SIM_OK) {
        mdl_world_ws_destroy(ws);
        return st;
    }
    *out = ws;
    return SIM_OK;
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
    mdl_ports_bind(ws->ports, values, ws->ports_id);
    if (ws->boats != NULL)
        mdl_boats_bind(ws->boats, values, ws->boats_id);
    if (ws->pop != NULL)
        mdl_pop_bind(ws->pop, values, ws->pop_id);
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
