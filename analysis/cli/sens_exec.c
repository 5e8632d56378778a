/* sens_exec.c: the points of a sensitivity analysis on this process's threads (see sens.h). */
#include "sens.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/sim_run.h"
#include "../ana_study.h"
#include "cli_common.h"

/* A thread's workspace and the buffers of one point. */
struct thread_ws {
    struct mdl_world_ws *ws;
    double *values; /* [nvariants * reps * rep_values] the point's rows, as a study stores them */
    double *th;     /* [npaths] the applied parameters */
    double *rec;    /* [noutputs] */
};

static void ws_destroy(void *vws)
{
    struct thread_ws *tw = vws;
    if (tw == NULL)
        return;
    mdl_world_ws_destroy(tw->ws);
    free(tw->values), free(tw->th), free(tw->rec);
    free(tw);
}

static sim_status ws_create(const void *vctx, void **out)
{
    const struct sens_run *r = vctx;
    const struct mdl_sens *s = r->s;
    struct thread_ws *tw = calloc(1, sizeof *tw);
    if (tw == NULL)
        return SIM_ENOMEM;
    size_t rows = s->nvariants * s->replications;
    tw->values = malloc((rows * mdl_world_table(s->world)->rep_values + 1) * sizeof *tw->values);
    tw->th = malloc((s->npaths + 1) * sizeof *tw->th);
    tw->rec = malloc((s->noutputs + 1) * sizeof *tw->rec);
    char err[512];
    sim_status st = tw->values && tw->th && tw->rec
                        ? mdl_world_ws_create_params(s->world, s->paths, s->npaths, &tw->ws, err, sizeof err)
                        : SIM_ENOMEM;
    if (st != SIM_OK) {
        ws_destroy(tw);
        return st;
    }
    mdl_world_ws_set_abort(tw->ws, &cli_abandon);
    *out = tw;
    return SIM_OK;
}

static void fail(struct sens_run *r, size_t item, sim_status st, const char *msg)
{
    char text[sizeof r->fail_msg];
    snprintf(text, sizeof text, "point %zu: %s", item, msg);
    cli_keep_first_failure(&r->lock, &r->fail_status, &r->fail_item, r->fail_msg, sizeof r->fail_msg, item,
                           st, text);
}

static const struct res_extra_var *find_var(const struct res_extra *x, const char *name)
{
    for (size_t i = 0; i < x->nvars; i++)
        if (strcmp(x->vars[i].name, name) == 0)
            return &x->vars[i];
    return NULL;
}

/* The mean of every output from the study metrics of one point. */
static void outputs(const struct mdl_sens *s, const struct ana_study *a, double *rec)
{
    static const char *const names[MDL_SENS_NMETRICS] = {"displacement_ratio", "net_deterrence",
                                                         "cost_per_net_arrival_prevented", "arrivals_change"};
    const struct res_extra *x = ana_study_extra(a);
    size_t mt = 1;
    for (size_t k = 0; k < x->ndims; k++)
        if (strcmp(x->dims[k].name, "mode_total") == 0)
            mt = x->dims[k].size;
    for (size_t k = 0; k < s->noutputs; k++) {
        const struct mdl_sens_output *o = &s->outputs[k];
        const struct res_extra_var *v = find_var(x, names[o->metric]);
        if (v == NULL || v->data == NULL)
            rec[k] = NAN;
        else if (o->metric == MDL_SENS_ARRIVALS_CHANGE)
            rec[k] = o->mode < mt ? v->data[(o->variant * mt + o->mode) * 3] : NAN;
        else
            rec[k] = v->data[o->variant * 3];
    }
}

/* A line every ten seconds. Called under r->lock. */
static void progress(struct sens_run *r)
{
    double now = cli_wall_now();
    if (r->quiet || now - r->t_last < 10.0)
        return;
    r->t_last = now;
    fprintf(stderr, "dispsim sensitivity: %zu/%zu points, %.0f s elapsed\n", r->done, r->todo,
            now - r->t_start);
}

/* Whether variant v is the baseline or the variant of an output. A study's metrics of a variant
 * read only its rows and the baseline's (the number of variants sets the intervals' level, and
 * stays), so the other variants need not run. */
static bool needed(const struct mdl_sens *s, size_t v)
{
    for (size_t k = 0; k < s->noutputs && v > 0; k++)
        if (s->outputs[k].variant == v)
            return true;
    return v == 0;
}

/* Runs the point's variants x replications and computes its metrics. */
static sim_status run_point(const struct sens_run *r, struct thread_ws *tw, size_t item, uint64_t *events,
                            char *err, size_t errlen)
{
    const struct mdl_sens *s = r->s;
    size_t rv = mdl_world_table(s->world)->rep_values, nr = s->replications, k = 0;
    for (unsigned j = 0; j < s->parameters_count; j++)
        if (!s->parameters[j].dummy)
            tw->th[k++] = r->theta[item * r->d + j];
    for (size_t v = 0; v < s->nvariants; v++)
        for (size_t rep = 0; rep < nr; rep++) {
            if (!needed(s,
                        v)) { /* no output reads it: its rows stay zero, the others' metrics are unchanged */
                memset(tw->values + (v * nr + rep) * rv, 0, rv * sizeof *tw->values);
                continue;
            }
            uint64_t ev = 0;
            sim_status st = mdl_world_run_point(tw->ws, tw->th, v, s->seed, rep,
                                                tw->values + (v * nr + rep) * rv, NULL, &ev, err, errlen);
            if (st != SIM_OK)
                return st;
            *events += ev;
        }
    struct ana_study *a = ana_study_compute(mdl_world_table(s->world), tw->values, s->nvariants, nr);
    if (a == NULL) {
        snprintf(err, errlen, "out of memory for the study metrics");
        return SIM_ENOMEM;
    }
    outputs(s, a, tw->rec);
    ana_study_free(a);
    return SIM_OK;
}

static sim_status run_item(const void *vctx, void *vws, size_t item)
{
    struct sens_run *r = (struct sens_run *)vctx; /* shared: fail and the lock guard what changes */
    struct thread_ws *tw = vws;
    uint64_t events = 0, noseed = 0;
    char err[512];
    sim_status st = run_point(r, tw, item, &events, err, sizeof err);
    if (st == SIM_ECANCELED)
        return st;
    if (st == SIM_OK && (st = res_ckpt_append(r->ckpt, item, events, tw->rec, &noseed, r->sync_s)) != SIM_OK)
        snprintf(err, sizeof err, "%s", res_ckpt_error(r->ckpt));
    if (st != SIM_OK) {
        fail(r, item, st, err);
        return st;
    }
    pthread_mutex_lock(&r->lock);
    r->done++;
    progress(r);
    pthread_mutex_unlock(&r->lock);
    return SIM_OK;
}

static const struct sim_run_ops ops = {ws_create, ws_destroy, run_item, NULL};

sim_status sens_run_points(struct sens_run *r)
{
    size_t *items = malloc((r->npoints + 1) * sizeof *items), n = 0, failed = 0;
    if (items == NULL || pthread_mutex_init(&r->lock, NULL) != 0) {
        free(items);
        return SIM_ENOMEM;
    }
    for (size_t p = 0; p < r->npoints; p++)
        if (!res_ckpt_has(r->ckpt, p))
            items[n++] = p;
    r->done = 0;
    r->todo = n;
    r->t_start = r->t_last = cli_wall_now();
    sim_status st = n > 0 ? sim_run_items(&ops, r, items, n, r->threads, &cli_interrupted, &failed) : SIM_OK;
    if (st != SIM_OK && st != SIM_ECANCELED && r->fail_status == SIM_OK)
        fail(r, failed, st, sim_status_str(st));
    pthread_mutex_destroy(&r->lock);
    free(items);
    return st;
}
