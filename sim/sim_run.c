#include "sim_run.h"

#include <stdint.h>

#include <omp.h>

/* The items of sim_run_items as a source: an array (or the identity) read from the front. */
struct array_source {
    const size_t *items;
    size_t n, next;
};

static bool array_next(void *vsrc, size_t *item)
{
    struct array_source *a = vsrc;
    if (a->next >= a->n)
        return false;
    *item = a->items != NULL ? a->items[a->next] : a->next;
    a->next++;
    return true;
}

sim_status sim_run_items(const struct sim_run_ops *ops, const void *ctx, const size_t *items, size_t n,
                         int threads, volatile sig_atomic_t *cancel, size_t *failed)
{
    struct array_source a = {items, n, 0};
    const struct sim_run_source src = {array_next, &a};
    if (threads <= 0)
        threads = omp_get_max_threads();
    if ((size_t)threads > n && n > 0)
        threads = (int)n;
    return sim_run_source(ops, ctx, &src, n, threads, cancel, failed);
}

sim_status sim_run_source(const struct sim_run_ops *ops, const void *ctx, const struct sim_run_source *src,
                          size_t total, int threads, volatile sig_atomic_t *cancel, size_t *failed)
{
    sim_status first_status = SIM_OK;
    size_t first_item = SIZE_MAX;
    size_t done = 0;
    int stop = 0, canceled = 0;
    if (threads <= 0)
        threads = omp_get_max_threads();

#pragma omp parallel num_threads(threads) default(none)                                                      \
    shared(ops, ctx, src, total, cancel, first_status, first_item, done, stop, canceled)
    {
        void *ws = NULL;
        sim_status st = ops->ws_create(ctx, &ws);
        if (st != SIM_OK) {
#pragma omp critical(sim_run_result)
            {
                if (first_status == SIM_OK)
                    first_status = st;
                stop = 1;
            }
        }
        /* Every thread must know whether all workspaces exist before any item starts. */
#pragma omp barrier
        /* Each thread takes the next item when it is free: replications of unequal length balance
         * themselves, and the results do not depend on which thread runs which item. */
        for (;;) {
            size_t item = 0;
            bool got = false;
#pragma omp critical(sim_run_next)
            {
                int halt;
#pragma omp atomic read
                halt = stop;
                if (!halt && !(cancel != NULL && *cancel))
                    got = src->next(src->src, &item);
            }
            if (!got)
                break;
            sim_status ist = ops->run_item(ctx, ws, item);
#pragma omp critical(sim_run_result)
            {
                if (ist == SIM_ECANCELED) {
                    canceled = 1;
#pragma omp atomic write
                    stop = 1;
                } else if (ist != SIM_OK) {
                    if (first_status == SIM_OK || item < first_item) {
                        first_status = ist;
                        first_item = item;
                    }
#pragma omp atomic write
                    stop = 1;
                } else {
                    done++;
                    if (ops->progress != NULL)
                        ops->progress(ctx, done, total);
                }
            }
        }
        ops->ws_destroy(ws);
    }
    if (first_status == SIM_OK && (canceled || (cancel != NULL && *cancel && done < total)))
        first_status = SIM_ECANCELED;
    if (first_status != SIM_OK && failed != NULL)
        *failed = first_item;
    return first_status;
}
