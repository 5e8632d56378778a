/* The variants of a run: see mdl_study.h. */
#define _POSIX_C_SOURCE 200809L
#include "mdl_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double mdl_change_apply(enum mdl_iv_op op, double v, double value)
{
    return op == MDL_IV_SET ? value : op == MDL_IV_SCALE ? v * value : v + value;
}

double mdl_change_fraction(const struct mdl_change *c, double t)
{
    if (t < c->from_day || t >= c->to_day)
        return 0.0;
    if (c->ramp_days <= 0.0)
        return 1.0;
    double steps = ceil(c->ramp_days);
    return fmin(1.0, (floor(t - c->from_day) + 1.0) / steps);
}

static struct mdl_change from_intervention(const struct mdl_intervention *iv)
{
    return (struct mdl_change){.name = iv->name,
                               .path = iv->path,
                               .op = iv->op,
                               .value = iv->value,
                               .from_day = iv->from_day,
                               .to_day = iv->to_day,
                               .ramp_days = iv->ramp_days,
                               .cost_per_day = iv->cost_per_day,
                               .cost_per_unit_day = iv->cost_per_unit_day};
}

static const char *leaf(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

/* Cost over the analysis window, by integration in hourly steps: per day in force, plus per unit of
 * the change's own effect on the original value per day. */
static double window_cost(const struct mdl_scenario *s, const struct mdl_study_variant *v)
{
    double w0 = s->calendar.warmup_days, w1 = w0 + s->calendar.horizon_days, dt = 1.0 / 24.0, cost = 0.0;
    for (size_t i = 0; i < v->nchanges; i++) {
        const struct mdl_change *c = &v->changes[i];
        if (c->cost_per_day == 0.0 && c->cost_per_unit_day == 0.0)
            continue;
        struct mdl_param p;
        char why[256];
        double unit = 0.0;
        if (mdl_scenario_param((struct mdl_scenario *)s, c->path, &p, why, sizeof why) == SIM_OK) {
            double orig = mdl_param_get(&p);
            unit = fabs(mdl_change_apply(c->op, orig, c->value) - orig);
        }
        for (double t = w0 + 0.5 * dt; t < w1; t += dt) {
            double f = mdl_change_fraction(c, t);
            if (f > 0.0)
                cost += dt * (c->cost_per_day + c->cost_per_unit_day * f * unit);
        }
    }
    return cost;
}

void mdl_study_destroy(struct mdl_study *st)
{
    if (st == NULL)
        return;
    for (size_t i = 0; i < st->nvariants; i++) {
        free(st->v[i].name);
        free(st->v[i].changes);
    }
    free(st->v);
    free(st->names);
    free(st);
}

/* Starts variant `v` with the scenario's top-level interventions and room for `extra` more. */
static sim_status begin_variant(const struct mdl_scenario *s, struct mdl_study_variant *v, const char *name,
                                size_t extra)
{
    v->name = strdup(name);
    v->changes = calloc(s->interventions_count + extra + 1, sizeof *v->changes);
    if (v->name == NULL || v->changes == NULL)
        return SIM_ENOMEM;
    for (unsigned i = 0; i < s->interventions_count; i++)
        v->changes[v->nchanges++] = from_intervention(&s->interventions[i]);
    return SIM_OK;
}

sim_status mdl_study_build(const struct mdl_scenario *s, struct mdl_study **out)
{
    const struct mdl_sweep *w = s->sweep;
    size_t n1 = w ? w->values_count : 0, n2 = w && w->path2 ? w->values2_count : 1;
    size_t n = 1 + s->variants_count + n1 * (w ? n2 : 0);
    struct mdl_study *st = calloc(1, sizeof *st);
    if (st == NULL)
        return SIM_ENOMEM;
    st->v = calloc(n, sizeof *st->v);
    st->names = calloc(n, sizeof *st->names);
    sim_status rc = st->v == NULL || st->names == NULL ? SIM_ENOMEM : SIM_OK;
    if (rc == SIM_OK)
        rc = begin_variant(s, &st->v[st->nvariants++], "baseline", 0);
    for (unsigned i = 0; rc == SIM_OK && i < s->variants_count; i++) {
        const struct mdl_variant *sv = &s->variants[i];
        struct mdl_study_variant *v = &st->v[st->nvariants++];
        rc = begin_variant(s, v, sv->name, sv->interventions_count);
        v->description = sv->description;
        for (unsigned j = 0; rc == SIM_OK && j < sv->interventions_count; j++)
            v->changes[v->nchanges++] = from_intervention(&sv->interventions[j]);
    }
    for (size_t a = 0; rc == SIM_OK && a < n1; a++)
        for (size_t b = 0; rc == SIM_OK && b < n2; b++) {
            char name[256];
            if (w->path2)
                snprintf(name, sizeof name, "%s=%g,%s=%g", leaf(w->path), w->values[a], leaf(w->path2),
                         w->values2[b]);
            else
                snprintf(name, sizeof name, "%s=%g", leaf(w->path), w->values[a]);
            struct mdl_study_variant *v = &st->v[st->nvariants++];
            rc = begin_variant(s, v, name, 2);
            struct mdl_change c = {.path = w->path,
                                   .op = w->op,
                                   .value = w->values[a],
                                   .to_day = INFINITY,
                                   .cost_per_unit_day = w->cost_per_unit_day};
            if (rc == SIM_OK)
                v->changes[v->nchanges++] = c;
            if (rc == SIM_OK && w->path2) {
                c.path = w->path2;
                c.value = w->values2[b];
                v->changes[v->nchanges++] = c;
            }
        }
    for (size_t i = 0; rc == SIM_OK && i < st->nvariants; i++) {
        st->names[i] = st->v[i].name;
        st->v[i].cost_eur = window_cost(s, &st->v[i]);
    }
    if (rc != SIM_OK) {
        mdl_study_destroy(st);
        return rc;
    }
    *out = st;
    return SIM_OK;
}
