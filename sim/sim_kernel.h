/* sim_kernel.h: one replication's simulation engine.
 *
 * A kernel owns a clock, an event queue and the replication's random streams. Models plug in as
 * tables of callbacks (struct sim_model); each event names the model that handles it. A kernel is
 * created once per thread and reset between replications, so a replication allocates nothing once
 * the queue is warm. Not thread-safe: one kernel per thread. */
#ifndef SIM_KERNEL_H
#define SIM_KERNEL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim_evq.h"
#include "sim_status.h"

struct sim_kernel;

/* A model: `init` schedules the model's first events at the start of a replication, `handle` runs
 * one of its events, `finish` closes its accounting when the run ends (at the horizon or when the
 * queue empties). `self` is the model's own state, registered with sim_kernel_attach. */
struct sim_model {
    const char *name;
    sim_status (*init)(void *self, struct sim_kernel *k);
    void (*handle)(void *self, struct sim_kernel *k, const struct sim_event *ev);
    sim_status (*finish)(void *self, struct sim_kernel *k);
    /* Optional: `ev` will run soon (it moved from the queue's far tier into its heap); the model
     * may prefetch what handling it will touch. Must not change anything. NULL: nothing. */
    void (*prefetch)(const void *self, const struct sim_event *ev);
};

enum { SIM_KERNEL_MAX_MODELS = 16 };

/* Creates a kernel with `nstreams` random streams (Philox generators) and an event queue sized for
 * `hint` pending events. SIM_EINVAL if nstreams is 0; SIM_ENOMEM. */
sim_status sim_kernel_create(size_t nstreams, size_t hint, struct sim_kernel **out);

/* Sets the event queue's far-tier slot width (see sim_evq_set_tier; 0, the default, is a plain
 * heap). Changes speed only, never the order of events. Call before a run; SIM_EINVAL, SIM_ENOMEM. */
sim_status sim_kernel_set_tier(struct sim_kernel *k, double width);

/* Makes sim_kernel_run give up when *flag becomes non-zero (a signal handler sets it): the run stops
 * within a few thousand events with SIM_ECANCELED and its results must be discarded. NULL (the
 * default) never gives up. The flag is borrowed and read, never written. */
void sim_kernel_set_abort(struct sim_kernel *k, const volatile sig_atomic_t *flag);

/* Frees the kernel (not the attached models); accepts NULL. */
void sim_kernel_destroy(struct sim_kernel *k);

/* Registers a model; *id is the value events for it carry in `model`. The table is borrowed and
 * must outlive the kernel. SIM_EINVAL when SIM_KERNEL_MAX_MODELS are attached already. */
sim_status sim_kernel_attach(struct sim_kernel *k, const struct sim_model *m, void *self, uint16_t *id);

/* Prepares replication `rep` of a run with `master_seed`: empties the queue, sets the clock to 0,
 * and seeds stream s with sim_seed_mix(master_seed, rep, s). */
void sim_kernel_reset(struct sim_kernel *k, uint64_t master_seed, uint64_t rep);

/* Runs the replication: every model's init (in attach order), then events in (time, prio, seq)
 * order until the next event is later than `until` or none is left, then every model's finish.
 * The clock ends at `until`. Returns SIM_OK, the first error a callback returned, or the status
 * given to sim_kernel_fail. The clock never moves back: an event popped with a time before the
 * current one (a broken queue) stops the run with SIM_EINVARIANT. */
sim_status sim_kernel_run(struct sim_kernel *k, double until);

/* Schedules an event for `model` at absolute time `t`. Scheduling in the past is an invariant
 * violation: the run stops with SIM_EINVARIANT. *h (if not NULL) receives a cancellation handle. */
sim_status sim_kernel_at(struct sim_kernel *k, uint16_t model, uint16_t kind, double t, int16_t prio,
                         uint32_t a, uint64_t b, double x, sim_evh *h);

/* Cancels a pending event; false if it already ran or was cancelled. */
bool sim_kernel_cancel(struct sim_kernel *k, sim_evh h);

/* Stops the run after the current event with status `st` (not SIM_OK) and a message (printf
 * format, truncated to 255 bytes). Only the first failure is kept. */
void sim_kernel_fail(struct sim_kernel *k, sim_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Checks that `p`, a probability a model computed (not a parameter the loader validated), lies in
 * [0, 1]. If not (or NaN), fails the run with SIM_EINVARIANT and a message naming `what` and the
 * value, and returns false. Cheap enough for every computation: one comparison. */
static inline bool sim_kernel_check_prob(struct sim_kernel *k, double p, const char *what)
{
    if (p >= 0.0 && p <= 1.0)
        return true;
    sim_kernel_fail(k, SIM_EINVARIANT, "%s: probability %.17g is outside [0, 1]", what, p);
    return false;
}

/* The message given to sim_kernel_fail, or "" if none. */
const char *sim_kernel_error(const struct sim_kernel *k);

/* Current simulation time, days. */
double sim_kernel_now(const struct sim_kernel *k);

/* The generator of stream s (s < nstreams). Borrowed: owned by the kernel. */
gsl_rng *sim_kernel_rng(struct sim_kernel *k, size_t s);

/* The seed stream s received at the last reset. */
uint64_t sim_kernel_seed(const struct sim_kernel *k, size_t s);

/* Number of streams. */
size_t sim_kernel_nstreams(const struct sim_kernel *k);

/* Events executed since the last reset. */
uint64_t sim_kernel_events(const struct sim_kernel *k);

#endif
