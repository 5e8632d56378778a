#include "mdl_world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/sim_kernel.h"
#include "mdl_ports.h"

enum { NAME_LEN = 64 };

struct mdl_world {
    const struct mdl_scenario *s;
    struct sim_out_table table;
    struct mdl_ports_vars ports_vars;
    const char **port_labels;
    char day_units[64];
    size_t nstreams;
    char *name_buf;
    const char **stream_names;
    double until;
};

struct mdl_world_ws {
    const struct mdl_world *w;
    struct sim_kernel *k;
    struct mdl_ports *ports;
    uint16_t ports_id;
};

void mdl_world_destroy(struct mdl_world *w)
{
    if (w == NULL)
        return;
    free(w->port_labels);
    free(w->name_buf);
    free(w->stream_names);
    free(w);
}

static sim_status name_streams(struct mdl_world *w)
{
    const struct mdl_scenario *s = w->s;
    w->nstreams = MDL_PP_COUNT * s->ports_count;
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
    return SIM_OK;
}

sim_status mdl_world_create(const struct mdl_scenario *s, struct mdl_world **out)
{
    struct mdl_world *w = calloc(1, sizeof *w);
    if (w == NULL)
        return SIM_ENOMEM;
    w->s = s;
    w->until = s->calendar.warmup_days + s->calendar.horizon_days;
    w->port_labels = calloc(s->ports_count, sizeof *w->port_labels);
    sim_status st = w->port_labels == NULL ? SIM_ENOMEM : name_streams(w);
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
    mdl_ports_destroy(ws->ports);
    free(ws);
}

sim_status mdl_world_ws_create(const struct mdl_world *w, struct mdl_world_ws **out)
{
    struct mdl_world_ws *ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return SIM_ENOMEM;
    ws->w = w;
    sim_status st = sim_kernel_create(w->nstreams, 4096, &ws->k);
    if (st == SIM_OK)
        st = mdl_ports_create(w->s, &w->table, &w->ports_vars, 0, &ws->ports);
    if (st == SIM_OK)
        st = sim_kernel_attach(ws->k, &mdl_ports_model, ws->ports, &ws->ports_id);
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
    const struct mdl_world *w = ws->w;
    memset(values, 0, w->table.rep_values * sizeof *values);
    sim_kernel_reset(ws->k, master_seed, rep);
    mdl_ports_bind(ws->ports, values, ws->ports_id);
    sim_status st = sim_kernel_run(ws->k, w->until);
    if (st != SIM_OK) {
        snprintf(err, errlen, "replication %llu: %s", (unsigned long long)rep, sim_kernel_error(ws->k));
        return st;
    }
    for (size_t s = 0; seeds != NULL && s < w->nstreams; s++)
        seeds[s] = sim_kernel_seed(ws->k, s);
    if (events != NULL)
        *events = sim_kernel_events(ws->k);
    return SIM_OK;
}
