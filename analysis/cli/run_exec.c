/* run_exec.c: runs work items on this process's threads and records them (see run.h). */
#define _POSIX_C_SOURCE 200809L /* localtime_r */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../sim/sim_run.h"
#include "cli_common.h"

sim_status run_init(struct run *r)
{
    r->key = malloc(r->nitems * sizeof *r->key);
    r->events = calloc(r->nitems, sizeof *r->events);
    if (r->key == NULL || r->events == NULL || pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r->key);
        free(r->events);
        r->key = NULL;
        r->events = NULL;
        return SIM_ENOMEM;
    }
    for (size_t i = 0; i < r->nitems; i++)
        r->key[i] = 0.0;
    r->t_start = r->t_last_print = cli_wall_now();
    r->deliver = run_record;
    return SIM_OK;
}

const char *run_unit(const struct run *r, size_t count)
{
    if (r->nvariants > 1)
        return count == 1 ? "simulation" : "simulations";
    return count == 1 ? "replication" : "replications";
}

void run_shape(const struct run *r, size_t nreps, char *buf, size_t len)
{
    if (r->nvariants > 1)
        snprintf(buf, len, " (%zu replication%s x %zu variants)", nreps, nreps == 1 ? "" : "s", r->nvariants);
    else if (len > 0)
        buf[0] = '\0';
}

void run_fini(struct run *r)
{
    if (r->key == NULL)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r->key);
    free(r->events);
    r->key = NULL;
    r->events = NULL;
}

void run_fail(struct run *r, size_t item, sim_status st, const char *msg)
{
    cli_keep_first_failure(&r->lock, &r->fail_status, &r->fail_item, r->fail_msg, sizeof r->fail_msg, item,
                           st, msg);
}

/* Progress on stderr: a rewritten line on a terminal; in batch logs (not a terminal) a
 * time-stamped line every 10 seconds, which grep and tail -f read well. Called under r->lock. */
static void progress(struct run *r)
{
    if (r->quiet || r->batches)
        return;
    double now = cli_wall_now(), el = now - r->t_start;
    bool tty = isatty(STDERR_FILENO);
    if (el < 2.0 || (r->done < r->todo && now - r->t_last_print < (tty ? 0.5 : 10.0)))
        return;
    r->t_last_print = now;
    char stamp[32] = "";
    if (!tty) {
        time_t t = time(NULL);
        struct tm tm;
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S ", localtime_r(&t, &tm));
    }
    double left = r->done > 0 ? el / (double)r->done * (double)(r->todo - r->done) : 0.0;
    char shape[96];
    run_shape(r, r->nreps, shape, sizeof shape);
    /* A resumed run or a shard does only part of the run: say so, with the run's whole size. */
    char part[64] = "";
    if (r->todo != r->nitems)
        snprintf(part, sizeof part, " to do, of %zu", r->nitems);
    fprintf(stderr, "%sdispsim: %s%zu/%zu %s%s%s, %.0f%%, %.1f s elapsed, ~%.0f s left%s", tty ? "\r" : "",
            stamp, r->done, r->todo, run_unit(r, r->todo), part, shape,
            r->todo > 0 ? 100.0 * (double)r->done / (double)r->todo : 100.0, el, left,
            tty ? (r->done == r->todo ? "\n" : "") : "\n");
}

/* The sum of the key variable over its elements in one item's values. */
static double key_of(const struct run *r, const double *values)
{
    if (r->key_var < 0)
        return 0.0;
    double sum = 0.0;
    const double *x = values + r->t->offset[r->key_var];
    for (size_t i = 0; i < sim_out_var_size(r->t, r->key_var); i++)
        sum += x[i];
    return sum;
}

sim_status run_record(struct run *r, size_t item, uint64_t events, const double *values,
                      const uint64_t *seeds)
{
    sim_status st = res_ckpt_append(r->ckpt, item, events, values, seeds, r->sync_s);
    if (st != SIM_OK) {
        run_fail(r, item, st, res_ckpt_error(r->ckpt));
        return st;
    }
    pthread_mutex_lock(&r->lock);
    r->key[item] = key_of(r, values);
    r->events[item] = events;
    r->done++;
    progress(r);
    pthread_mutex_unlock(&r->lock);
    return SIM_OK;
}

sim_status run_reload(struct run *r)
{
    size_t n = r->key_var >= 0 ? sim_out_var_size(r->t, r->key_var) : 0;
    double *x = malloc((n + 1) * sizeof *x);
    if (x == NULL)
        return SIM_ENOMEM;
    sim_status st = SIM_OK;
    for (size_t i = 0; i < r->nitems && st == SIM_OK; i++) {
        if (!res_ckpt_has(r->ckpt, i))
            continue;
        st = res_ckpt_read_seeds(r->ckpt, i, NULL, &r->events[i]);
        if (st == SIM_OK && r->key_var >= 0 &&
            (st = res_ckpt_read(r->ckpt, i, r->t->offset[r->key_var], n, x)) == SIM_OK) {
            double sum = 0.0;
            for (size_t k = 0; k < n; k++)
                sum += x[k];
            r->key[i] = sum;
        }
    }
    if (st != SIM_OK)
        snprintf(r->fail_msg, sizeof r->fail_msg, "%s", res_ckpt_error(r->ckpt));
    free(x);
    return st;
}

/* A thread's workspace: the models' state and the buffers one item's results go to before they
 * are delivered (so memory does not grow with the number of items). */
struct thread_ws {
    struct mdl_world_ws *ws;
    double *values;
    uint64_t *seeds;
};

static void ws_destroy(void *vws)
{
    struct thread_ws *tw = vws;
    if (tw == NULL)
        return;
    mdl_world_ws_destroy(tw->ws);
    free(tw->values);
    free(tw->seeds);
    free(tw);
}

static sim_status ws_create(const void *vctx, void **out)
{
    const struct run *r = vctx;
    struct thread_ws *tw = calloc(1, sizeof *tw);
    if (tw == NULL)
        return SIM_ENOMEM;
    tw->values = malloc((r->rep_values + 1) * sizeof *tw->values);
    tw->seeds = malloc((r->nstreams + 1) * sizeof *tw->seeds);
    char err[512];
    sim_status st = tw->values == NULL || tw->seeds == NULL ? SIM_ENOMEM
                    : r->npar > 0
                        ? mdl_world_ws_create_params(r->w, r->paths, r->npar, &tw->ws, err, sizeof err)
                        : mdl_world_ws_create(r->w, &tw->ws);
    if (st != SIM_OK) {
        ws_destroy(tw);
        return st;
    }
    mdl_world_ws_set_abort(tw->ws, &cli_abandon);
    *out = tw;
    return SIM_OK;
}

static sim_status run_item(const void *vctx, void *vws, size_t item)
{
    struct run *r = (struct run *)vctx; /* shared: deliver and run_fail lock what they change */
    struct thread_ws *tw = vws;
    char err[512];
    uint64_t events = 0;
    size_t rep = item % r->nreps;
    /* Under a posterior, replication rep runs at draw rep / reps_per_draw on the streams of (seed,
     * rep) like any other: its variants stay paired and the draws' Monte Carlo errors independent. */
    size_t variant = item / r->nreps;
    sim_status st = r->npar > 0
                        ? mdl_world_run_point(tw->ws, r->theta + rep / r->reps_per_draw * r->npar, variant,
                                              r->seed, rep, tw->values, tw->seeds, &events, err, sizeof err)
                        : mdl_world_run_variant(tw->ws, variant, r->seed, rep, tw->values, tw->seeds, &events,
                                                err, sizeof err);
    if (st == SIM_ECANCELED)
        return st; /* abandoned on request: nothing to record */
    if (st != SIM_OK) {
        run_fail(r, item, st, err);
        return st;
    }
    return r->deliver(r, item, events, tw->values, tw->seeds);
}

const struct sim_run_ops run_ops = {ws_create, ws_destroy, run_item, NULL};

sim_status run_local(struct run *r, const size_t *items, size_t n)
{
    size_t failed = 0;
    sim_status st = sim_run_items(&run_ops, r, items, n, r->threads, &cli_interrupted, &failed);
    if (st != SIM_OK && st != SIM_ECANCELED && r->fail_status == SIM_OK)
        run_fail(r, 0, st, sim_status_str(st)); /* a workspace could not be built */
    return st;
}
