/* sim_run.h: the replication runner.
 *
 * A run is a set of work items addressed by index (an item is, for the caller, a (variant,
 * replication) pair). Items are independent: each writes only its own result slot, and the caller
 * combines slots in index order afterwards, so neither the thread count nor the schedule can change
 * a single bit of the result. Any subset of items (an MPI rank's, a job-array shard's) gives the
 * same per-item results as the whole run. */
#ifndef SIM_RUN_H
#define SIM_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim_status.h"

/* What the runner calls. `ctx` is the caller's and shared read-only between threads.
 * - ws_create: builds one thread's workspace (kernel, model states, buffers), called once per
 *   thread before its first item; ws_destroy frees it (accepts NULL).
 * - run_item: runs item `item` with workspace `ws` and stores its results in the caller's slot for
 *   that item; it must not touch other items' slots. A non-OK status stops the run.
 * - progress (optional): called after each completed item with the counts so far; called under a
 *   lock, one thread at a time, and should return quickly. */
struct sim_run_ops {
    sim_status (*ws_create)(const void *ctx, void **ws);
    void (*ws_destroy)(void *ws);
    sim_status (*run_item)(const void *ctx, void *ws, size_t item);
    void (*progress)(const void *ctx, size_t done, size_t total);
};

/* Runs items[0..n) (or 0..n-1 when items is NULL) on `threads` OpenMP threads (0 = the OpenMP
 * default). Stops early when *cancel becomes non-zero (cancel may be NULL): items not started are
 * skipped and SIM_ECANCELED is returned. An item whose run_item returns SIM_ECANCELED (it gave up
 * on request) stops the run the same way. On failure returns the status of the failing item with
 * the lowest index and stores that index in *failed (if not NULL). */
sim_status sim_run_items(const struct sim_run_ops *ops, const void *ctx, const size_t *items, size_t n,
                         int threads, volatile sig_atomic_t *cancel, size_t *failed);

/* Where the items of a dynamic run come from: `next` stores the next item to run in *item and
 * returns true, or returns false when none is left (for this caller: every thread then stops asking).
 * The runner calls it from one thread at a time; it may block (e.g. to ask another process). */
struct sim_run_source {
    bool (*next)(void *src, size_t *item);
    void *src;
};

/* As sim_run_items, but takes items from `src` until it runs dry: the item set need not be known in
 * advance (an MPI rank asks rank 0 for work). `total` is only passed on to progress. */
sim_status sim_run_source(const struct sim_run_ops *ops, const void *ctx, const struct sim_run_source *src,
                          size_t total, int threads, volatile sig_atomic_t *cancel, size_t *failed);

#endif
