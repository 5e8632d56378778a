#include "sim_run.h"

#include <stdint.h>

#include <omp.h>

sim_status sim_run_items(const struct sim_run_ops *ops, const void *ctx, const size_t *items, size_t n,
                         int threads, volatile sig_atomic_t *cancel, size_t *failed)
{
    sim_status first_status = SIM_OK;
    size_t first_item = SIZE_MAX;
    size_t done = 0;
    int stop = 0;
    if (threads <= 0)
        threads = omp_get_max_threads();
    if ((size_t)threads > n && n > 0)
        threads = (int)n;

#pragma omp parallel num_threads(threads) default(none)                                                      \
    shared(ops, ctx, items, n, cancel, first_status, first_item, done, stop)
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
        /* Dynamic scheduling one item at a time balances replications of unequal length; the
         * results do not depend on which thread runs which item. */
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < n; i++) {
            int halt;
#pragma omp atomic read
            halt = stop;
            if (halt || (cancel != NULL && *cancel))
                continue;
            size_t item = items != NULL ? items[i] : i;
            sim_status ist = ops->run_item(ctx, ws, item);
#pragma omp critical(sim_run_result)
            {
                if (ist != SIM_OK) {
                    if (first_status == SIM_OK || item < first_item) {
                        first_status = ist;
                        first_item = item;
                    }
#pragma omp atomic write
                    stop = 1;
                } else {
                    done++;
                    if (ops->progress != NULL)
                        ops->progress(ctx, done, n);
                }
            }
        }
        ops->ws_destroy(ws);
    }
    if (first_status == SIM_OK && cancel != NULL && *cancel && done < n)
        first_status = SIM_ECANCELED;
    if (first_status != SIM_OK && failed != NULL)
        *failed = first_item;
    return first_status;
}
