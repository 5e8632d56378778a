/* The interventions model: see mdl_iv.h. */
#include "mdl_iv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { IV_PRIO = -30 }; /* before every other model's events at the same time */

/* A parameter some change touches, with its original value. */
struct slot {
    struct mdl_param p;
    double orig;
    unsigned sections;
};

struct ivar {
    size_t nslots;
    struct slot *slots;
    size_t *slot_of; /* [nchanges] */
};

struct mdl_iv {
    const struct mdl_study *st;
    struct ivar *vars; /* [nvariants] */
    struct mdl_iv_refresh r;
    double until;
    size_t variant;
    uint16_t model;
};

static unsigned section_of(const char *path)
{
    return strncmp(path, "ports", 5) == 0 ? MDL_SECTION_PORTS : MDL_SECTION_POPULATION;
}

void mdl_iv_destroy(struct mdl_iv *iv)
{
    if (iv == NULL)
        return;
    for (size_t i = 0; iv->vars != NULL && i < iv->st->nvariants; i++) {
        free(iv->vars[i].slots);
        free(iv->vars[i].slot_of);
    }
    free(iv->vars);
    free(iv);
}

sim_status mdl_iv_create(const struct mdl_study *st, struct mdl_scenario *s, const struct mdl_iv_refresh *r,
                         double until, struct mdl_iv **out)
{
    struct mdl_iv *iv = calloc(1, sizeof *iv);
    if (iv == NULL)
        return SIM_ENOMEM;
    *iv = (struct mdl_iv){.st = st, .r = *r, .until = until};
    iv->vars = calloc(st->nvariants, sizeof *iv->vars);
    if (iv->vars == NULL)
        goto nomem;
    for (size_t v = 0; v < st->nvariants; v++) {
        const struct mdl_study_variant *sv = &st->v[v];
        struct ivar *x = &iv->vars[v];
        x->slots = calloc(sv->nchanges + 1, sizeof *x->slots);
        x->slot_of = calloc(sv->nchanges + 1, sizeof *x->slot_of);
        if (x->slots == NULL || x->slot_of == NULL)
            goto nomem;
        for (size_t c = 0; c < sv->nchanges; c++) {
            struct mdl_param p;
            char why[256];
            if (mdl_scenario_param(s, sv->changes[c].path, &p, why, sizeof why) != SIM_OK) {
                mdl_iv_destroy(iv);
                return SIM_EINVAL;
            }
            size_t k = 0;
            while (k < x->nslots && !(x->slots[k].p.real == p.real && x->slots[k].p.count == p.count))
                k++;
            if (k == x->nslots)
                x->slots[x->nslots++] = (struct slot){
                    .p = p, .orig = mdl_param_get(&p), .sections = section_of(sv->changes[c].path)};
            x->slot_of[c] = k;
        }
    }
    *out = iv;
    return SIM_OK;
nomem:
    mdl_iv_destroy(iv);
    return SIM_ENOMEM;
}

void mdl_iv_rebase(struct mdl_iv *iv, const struct mdl_param *p, double v)
{
    for (size_t i = 0; iv != NULL && i < iv->st->nvariants; i++)
        for (size_t k = 0; k < iv->vars[i].nslots; k++) {
            const struct mdl_param *q = &iv->vars[i].slots[k].p;
            if (q->real == p->real && q->count == p->count)
                iv->vars[i].slots[k].orig = v;
        }
}

void mdl_iv_bind(struct mdl_iv *iv, size_t variant, uint16_t model_id)
{
    iv->variant = variant;
    iv->model = model_id;
}

/* Sets every parameter of the current variant to its value at time t; returns the sections whose
 * parameters changed. */
static unsigned apply_at(struct mdl_iv *iv, double t)
{
    const struct mdl_study_variant *sv = &iv->st->v[iv->variant];
    struct ivar *x = &iv->vars[iv->variant];
    unsigned changed = 0;
    for (size_t k = 0; k < x->nslots; k++) {
        double v = x->slots[k].orig;
        for (size_t c = 0; c < sv->nchanges; c++) {
            if (x->slot_of[c] != k)
                continue;
            double f = mdl_change_fraction(&sv->changes[c], t);
            if (f > 0.0)
                v += f * (mdl_change_apply(sv->changes[c].op, v, sv->changes[c].value) - v);
        }
        double before = mdl_param_get(&x->slots[k].p);
        mdl_param_set(&x->slots[k].p, v);
        if (mdl_param_get(&x->slots[k].p) != before)
            changed |= x->slots[k].sections;
    }
    return changed;
}

static void schedule(struct mdl_iv *iv, struct sim_kernel *k, double t)
{
    if (t > 0.0 && t < iv->until)
        sim_kernel_at(k, iv->model, 0, t, IV_PRIO, 0, 0, 0.0, NULL);
}

static sim_status iv_init(void *self, struct sim_kernel *k)
{
    struct mdl_iv *iv = self;
    /* Whatever variant ran last in this workspace, start from the scenario as written. */
    for (size_t v = 0; v < iv->st->nvariants; v++)
        for (size_t s = 0; s < iv->vars[v].nslots; s++)
            mdl_param_set(&iv->vars[v].slots[s].p, iv->vars[v].slots[s].orig);
    apply_at(iv, 0.0);
    iv->r.refresh(iv->r.ctx, NULL, MDL_SECTION_PORTS | MDL_SECTION_POPULATION);
    const struct mdl_study_variant *sv = &iv->st->v[iv->variant];
    for (size_t c = 0; c < sv->nchanges; c++) {
        const struct mdl_change *ch = &sv->changes[c];
        schedule(iv, k, ch->from_day);
        for (double d = 1.0; d < ceil(ch->ramp_days); d += 1.0)
            schedule(iv, k, ch->from_day + d);
        schedule(iv, k, ch->to_day);
    }
    return SIM_OK;
}

static void iv_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct mdl_iv *iv = self;
    unsigned changed = apply_at(iv, ev->time);
    if (changed != 0)
        iv->r.refresh(iv->r.ctx, k, changed);
}

const struct sim_model mdl_iv_model = {.name = "interventions", .init = iv_init, .handle = iv_handle};
