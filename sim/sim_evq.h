/* sim_evq.h: the pending-event set.
 *
 * A binary min-heap of events from a node pool, ordered totally by (time, priority, insertion
 * sequence): equal times run in priority order (lower first), then in the order they were pushed,
 * so neither heap layout nor pointer values can break a tie. Events can be cancelled through the
 * handle returned by push (lazily: a cancelled event is discarded when it reaches the front). Nodes are
 * recycled: after the first replication warms the pool, pushing allocates nothing. Not thread-safe: each
 * replication owns its queue. */
#ifndef SIM_EVQ_H
#define SIM_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_status.h"

/* An event. `time`, `prio`, `model`, `kind` and the payload are the caller's; `seq` is assigned by
 * sim_evq_push. The payload (a, b, x) is opaque to the engine. */
struct sim_event {
    double time;
    double x;
    uint64_t b;
    uint64_t seq;
    uint32_t a;
    int16_t prio;
    uint16_t model;
    uint16_t kind;
};

/* Identifies a pushed event for cancellation; 0 is never a valid handle. A handle goes stale when
 * its event is popped or cancelled, and stale handles are detected, not misapplied. */
typedef uint64_t sim_evh;

struct sim_evq;

/* Allocates a queue able to hold `hint` events before growing. Returns SIM_ENOMEM on failure,
 * leaving *out untouched. */
sim_status sim_evq_create(size_t hint, struct sim_evq **out);

/* Turns the far tier on with slots of `width` time units (0 turns it off): events more than a slot
 * ahead wait unsorted in per-slot lists and join the heap when their slot comes up, so the heap
 * holds about one slot's worth of events. Pick a width holding a few to a few dozen events; the
 * order of events is the same whatever the width. Only on an empty queue: SIM_EINVAL otherwise or
 * for a negative or non-finite width, SIM_ENOMEM if the slot table cannot be allocated. Survives
 * sim_evq_reset. */
sim_status sim_evq_set_tier(struct sim_evq *q, double width);

/* Called with each event as it moves from the far tier into the heap, shortly before it runs: a
 * place to prefetch the state the event will touch. Must not use the queue. */
typedef void (*sim_evq_hook)(void *ctx, const struct sim_event *ev);

/* Sets the hook (NULL: none) and its context, borrowed. Survives sim_evq_reset. */
void sim_evq_set_hook(struct sim_evq *q, sim_evq_hook fn, void *ctx);

/* Frees the queue; accepts NULL. */
void sim_evq_destroy(struct sim_evq *q);

/* Empties the queue and restarts the insertion sequence at 0, keeping its capacity. */
void sim_evq_reset(struct sim_evq *q);

/* Inserts a copy of *ev, stamping its insertion sequence. If h is not NULL, *h receives a handle
 * for sim_evq_cancel. Returns SIM_EINVAL if ev->time is NaN, SIM_ENOMEM if the queue had to grow
 * and could not (the queue is then unchanged). */
sim_status sim_evq_push(struct sim_evq *q, const struct sim_event *ev, sim_evh *h);

/* Removes the first event in (time, prio, seq) order into *out. Returns false if empty. */
bool sim_evq_pop(struct sim_evq *q, struct sim_event *out);

/* Like sim_evq_pop, but only if the first event's time is <= until; false otherwise (the queue is
 * then unchanged but for discarded cancelled events). */
bool sim_evq_pop_until(struct sim_evq *q, double until, struct sim_event *out);

/* Removes a pending event. Returns true if it was pending, false if the handle is stale (already
 * popped or cancelled) or 0. */
bool sim_evq_cancel(struct sim_evq *q, sim_evh h);

/* Number of pending events. */
size_t sim_evq_size(const struct sim_evq *q);

/* Time of the first pending event, or +infinity if the queue is empty. Not const: it discards
 * cancelled events that reached the front. */
double sim_evq_next_time(struct sim_evq *q);

#endif
