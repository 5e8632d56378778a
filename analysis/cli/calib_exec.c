/* calib_exec.c: the generations of a calibration on this process's threads (see calib.h). */
#include "calib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/sim_run.h"
#include "cli_common.h"
#include "run.h"

/* A thread's workspace and the buffers of one item. */
struct thread_ws {
    struct mdl_world_ws *ws;
    double *values, *rec;
};

static void ws_destroy(void *vws)
{
    struct thread_ws *tw = vws;
    if (tw == NULL)
        return;
    mdl_world_ws_destroy(tw->ws);
    free(tw->values);
    free(tw->rec);
    free(tw);
}

static sim_status ws_create(const void *vctx, void **out)
{
    const struct calib_run *r = vctx;
    struct thread_ws *tw = calloc(1, sizeof *tw);
    if (tw == NULL)
        return SIM_ENOMEM;
    tw->values = malloc((mdl_world_table(r->c->world)->rep_values + 1) * sizeof *tw->values);
    tw->rec = malloc((r->npoints + 1) * sizeof *tw->rec);
    char err[512];
    sim_status st = tw->values != NULL && tw->rec != NULL
                        ? mdl_world_ws_create_params(r->c->world, r->paths, r->d, &tw->ws, err, sizeof err)
                        : SIM_ENOMEM;
    if (st != SIM_OK) {
        ws_destroy(tw);
        return st;
    }
    mdl_world_ws_set_abort(tw->ws, &cli_abandon);
    *out = tw;
    return SIM_OK;
}

static void fail(struct calib_run *r, size_t item, sim_status st, const char *msg)
{
    cli_keep_first_failure(&r->lock, &r->fail_status, &r->fail_item, r->fail_msg, sizeof r->fail_msg, item,
                           st, msg);
}

/* A line every few seconds within a long generation. Called under r->lock. */
static void progress(struct calib_run *r)
{
    double now = cli_wall_now();
    if (r->quiet || now - r->t_last < 10.0)
        return;
    r->t_last = now;
    fprintf(stderr, "dispsim calibrate: generation %u: %zu/%zu simulations, %.0f s elapsed\n", r->gen,
            r->done, r->todo, now - r->t_start);
}

static sim_status run_item(const void *vctx, void *vws, size_t item)
{
    struct calib_run *r = (struct calib_run *)vctx; /* shared: fail and the lock guard what changes */
    struct thread_ws *tw = vws;
    size_t j = item % r->per_gen, i = j / r->reps, rep = j % r->reps;
    uint64_t seed = sim_abc_run_seed(r->abc, r->gen, (unsigned)i, (unsigned)rep), events = 0, noseed = 0;
    char err[512];
    sim_status st = mdl_world_run_point(tw->ws, r->theta + i * r->d, 0, seed, 0, tw->values, NULL, &events,
                                        err, sizeof err);
    if (st == SIM_ECANCELED)
        return st;
    if (st != SIM_OK) {
        fail(r, item, st, err);
        return st;
    }
    mdl_calib_simulated(r->c, tw->values, tw->rec + 1);
    tw->rec[0] = mdl_calib_distance(r->c, tw->rec + 1);
    if (r->sink != NULL) { /* another rank: the record goes to rank 0 at the generation's end */
        size_t lo = 0, hi = r->nmine;
        while (hi - lo > 1)
            if (r->mine[(lo + hi) / 2] <= item)
                lo = (lo + hi) / 2;
            else
                hi = (lo + hi) / 2;
        double *slot = r->sink + lo * (r->npoints + 2);
        slot[0] = 1.0;
        memcpy(slot + 1, tw->rec, (r->npoints + 1) * sizeof *slot);
        return SIM_OK;
    }
    st = res_ckpt_append(r->ckpt, item, events, tw->rec, &noseed, r->sync_s);
    if (st != SIM_OK) {
        fail(r, item, st, res_ckpt_error(r->ckpt));
        return st;
    }
    pthread_mutex_lock(&r->lock);
    r->done++;
    progress(r);
    pthread_mutex_unlock(&r->lock);
    return SIM_OK;
}

static const struct sim_run_ops ops = {ws_create, ws_destroy, run_item, NULL};

/* Runs items[0..n) on this process's threads. */
static sim_status run_here(struct calib_run *r, const size_t *items, size_t n)
{
    r->done = 0;
    r->todo = n;
    size_t failed = 0;
    sim_status st = n > 0 ? sim_run_items(&ops, r, items, n, r->threads, &cli_interrupted, &failed) : SIM_OK;
    if (st != SIM_OK && st != SIM_ECANCELED && r->fail_status == SIM_OK)
        fail(r, failed, st, sim_status_str(st));
    return st;
}

/* Runs the items of generation r->gen that have no record yet, on every rank. */
static sim_status run_generation(struct calib_run *r, size_t *items)
{
    size_t first = (size_t)r->gen * r->per_gen, n = 0;
    for (size_t j = 0; r->ckpt != NULL && j < r->per_gen; j++)
        if (sim_abc_live(r->abc, (unsigned)(j / r->reps)) && !res_ckpt_has(r->ckpt, first + j))
            items[n++] = first + j;
    sim_status st = run_mpi_size() > 1 ? calib_mpi_generation(r, items, n, run_here) : run_here(r, items, n);
    if (st != SIM_OK && st != SIM_ECANCELED && r->fail_msg[0] == '\0')
        snprintf(r->fail_msg, sizeof r->fail_msg, "a simulation failed on another MPI rank: %s",
                 sim_status_str(st));
    return st;
}

sim_status calib_run_all(struct calib_run *r)
{
    size_t *items = malloc(r->per_gen * sizeof *items);
    double *dist = malloc(r->per_gen * sizeof *dist);
    sim_status st =
        items != NULL && dist != NULL && pthread_mutex_init(&r->lock, NULL) == 0 ? SIM_OK : SIM_ENOMEM;
    r->t_start = r->t_last = cli_wall_now();
    while (st == SIM_OK && !sim_abc_done(r->abc)) {
        r->gen = sim_abc_generation(r->abc);
        if ((size_t)(r->gen + 1) * r->per_gen > r->nitems)
            break; /* cannot happen: the generations rule fires first */
        if ((st = sim_abc_propose(r->abc, r->gen, &r->theta)) != SIM_OK) {
            snprintf(r->fail_msg, sizeof r->fail_msg, "generation %u: the proposals keep leaving the prior",
                     r->gen);
            break;
        }
        if ((st = run_generation(r, items)) != SIM_OK)
            break;
        for (size_t j = 0; r->ckpt != NULL && j < r->per_gen && st == SIM_OK; j++)
            if (!sim_abc_live(r->abc, (unsigned)(j / r->reps)))
                dist[j] = NAN; /* a proposal the sampler rejects unsimulated */
            else if ((st = res_ckpt_read(r->ckpt, (size_t)r->gen * r->per_gen + j, 0, 1, &dist[j])) != SIM_OK)
                snprintf(r->fail_msg, sizeof r->fail_msg, "%s", res_ckpt_error(r->ckpt));
        if (run_mpi_size() > 1) /* every rank updates its own sim_abc with rank 0's distances */
            calib_mpi_distances(dist, r->per_gen);
        size_t ran = 0; /* resample-move simulates only its live proposals */
        for (size_t j = 0; j < r->per_gen; j++)
            ran += sim_abc_live(r->abc, (unsigned)(j / r->reps));
        unsigned before = sim_abc_completed(r->abc);
        if (st == SIM_OK && (st = sim_abc_update(r->abc, dist)) != SIM_OK)
            snprintf(r->fail_msg, sizeof r->fail_msg, "generation %u: %s", r->gen, sim_status_str(st));
        if (st == SIM_OK && sim_abc_completed(r->abc) > before) {
            if (!r->quiet)
                fprintf(stderr,
                        "dispsim calibrate: generation %u: %zu simulations, tolerance %.4g, acceptance %.3f, "
                        "ESS %.1f, %.1f s elapsed\n",
                        r->gen, ran, sim_abc_tolerance(r->abc, before), sim_abc_acceptance(r->abc, before),
                        sim_abc_ess(r->abc, before), cli_wall_now() - r->t_start);
        } else if (st == SIM_OK && !r->quiet) {
            fprintf(stderr,
                    "dispsim calibrate: generation %u: no simulation within the tolerance; stopping\n",
                    r->gen);
        }
    }
    if (items != NULL && dist != NULL)
        pthread_mutex_destroy(&r->lock);
    free(items);
    free(dist);
    return st;
}
