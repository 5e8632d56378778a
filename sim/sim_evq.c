#include "sim_evq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The heap holds 24-byte entries carrying the whole sort key, (time, priority, sequence), and the
 * node index, so that comparisons never leave the heap array and compile without branches. The
 * time is stored as an unsigned integer whose order is the order of the doubles (sign-magnitude
 * mapped to two's complement), so the key compares as a pair of integers.
 * Cancellation is lazy: a cancelled node stays in the heap, marked, and is discarded when it
 * reaches the top. That keeps sifting free of back-pointer updates.
 *
 * The optional far tier (sim_evq_set_tier) keeps the heap small when many events wait far ahead,
 * as in a ladder or calendar queue: time is cut into slots of a fixed width, and only events in
 * slots before `front` are in the heap. Later ones wait, unsorted, in singly linked lists through
 * their nodes: one list per slot for the next TIER_SLOTS slots (a ring), one overflow list for the
 * rest. When the heap runs dry, the next slot's list moves into it. Every heap event has a slot
 * below `front` and every tier event a slot at or above it, and the slot is a non-decreasing
 * function of time, so the heap's minimum is the queue's minimum and the (time, priority,
 * sequence) order is exactly that of the heap alone. */
struct hent {
    uint64_t tkey; /* the time, order-mapped to an unsigned integer */
    uint32_t node;
};

enum state { FREE, PENDING, CANCELLED };

struct node {
    struct sim_event ev;
    uint64_t ord;  /* priority (biased, high 16 bits) then insertion sequence (low 48 bits) */
    uint32_t next; /* next node of the free list, or of a tier list */
    uint32_t gen;  /* bumped each time the node is released, to detect stale handles */
    uint32_t state;
};

struct sim_evq {
    struct hent *heap;
    struct node *nodes;
    size_t n, cap; /* heap entries (pending and cancelled); capacity of both arrays */
    size_t live;   /* pending events */
    uint32_t free_head;
    uint64_t next_seq;
    /* far tier; inv_width == 0 when off */
    double inv_width;
    int64_t front;         /* heap events have slots < front; tier events >= front */
    uint32_t *ring;        /* TIER_SLOTS list heads; slot s in [front, front + TIER_SLOTS) */
    uint32_t overflow;     /* list of tier events with slots beyond the ring */
    size_t ring_n, over_n; /* nodes in the ring and in overflow, cancelled ones included */
    sim_evq_hook hook;     /* see sim_evq_set_hook */
    void *hook_ctx;
};

#define TIER_SLOTS 4096 /* a power of two */

#define NO_NODE  UINT32_MAX
#define SEQ_BITS 48

static inline bool before(const struct sim_evq *q, const struct hent *a, const struct hent *b)
{
    bool lt = a->tkey < b->tkey;
    if (__builtin_expect(a->tkey == b->tkey, 0))
        lt = q->nodes[a->node].ord < q->nodes[b->node].ord;
    return lt;
}

/* Maps a double to an unsigned integer with the same order; -0 is first made +0 so that the two
 * zeros, equal as doubles, stay equal. NaN never reaches here (push refuses it). */
static inline uint64_t time_key(double t)
{
    t += 0.0;
    uint64_t u;
    memcpy(&u, &t, sizeof u);
    return u >> 63 ? ~u : u | (UINT64_C(1) << 63);
}

static inline double key_time(uint64_t u)
{
    u = u >> 63 ? u & ~(UINT64_C(1) << 63) : ~u;
    double t;
    memcpy(&t, &u, sizeof t);
    return t;
}

static void link_free(struct sim_evq *q, size_t from)
{
    for (size_t i = from; i < q->cap; i++) {
        q->nodes[i].next = i + 1 < q->cap ? (uint32_t)(i + 1) : NO_NODE;
        q->nodes[i].state = FREE;
    }
    q->free_head = from < q->cap ? (uint32_t)from : NO_NODE;
}

static void tier_clear(struct sim_evq *q)
{
    if (q->ring != NULL)
        for (size_t i = 0; i < TIER_SLOTS; i++)
            q->ring[i] = NO_NODE;
    q->overflow = NO_NODE;
    q->ring_n = q->over_n = 0;
    q->front = 0;
}

sim_status sim_evq_create(size_t hint, struct sim_evq **out)
{
    struct sim_evq *q = calloc(1, sizeof *q);
    if (q == NULL)
        return SIM_ENOMEM;
    q->cap = hint < 16 ? 16 : hint;
    q->heap = malloc(q->cap * sizeof *q->heap);
    q->nodes = calloc(q->cap, sizeof *q->nodes);
    if (q->heap == NULL || q->nodes == NULL) {
        sim_evq_destroy(q);
        return SIM_ENOMEM;
    }
    link_free(q, 0);
    *out = q;
    return SIM_OK;
}

void sim_evq_destroy(struct sim_evq *q)
{
    if (q == NULL)
        return;
    free(q->heap);
    free(q->nodes);
    free(q->ring);
    free(q);
}

void sim_evq_reset(struct sim_evq *q)
{
    /* Release queued nodes with a generation bump so that old handles stay stale. */
    for (size_t i = 0; i < q->cap; i++)
        q->nodes[i].gen += q->nodes[i].state != FREE;
    q->n = q->live = 0;
    q->next_seq = 0;
    link_free(q, 0);
    tier_clear(q);
}

static sim_status grow(struct sim_evq *q)
{
    size_t cap = q->cap * 2;
    if (cap > NO_NODE)
        return SIM_ENOMEM;
    struct hent *heap = realloc(q->heap, cap * sizeof *heap);
    if (heap == NULL)
        return SIM_ENOMEM;
    q->heap = heap;
    struct node *nodes = realloc(q->nodes, cap * sizeof *nodes);
    if (nodes == NULL)
        return SIM_ENOMEM;
    q->nodes = nodes;
    size_t old = q->cap;
    q->cap = cap;
    for (size_t i = old; i < cap; i++)
        q->nodes[i].gen = 0;
    link_free(q, old);
    return SIM_OK;
}

/* Moves entry `e` up from hole `i` to its place. */
static void sift_up(struct sim_evq *q, size_t i, struct hent e)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(q, &e, &q->heap[parent]))
            break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = e;
}

/* Refills the hole at the root with entry `e`, the old last entry, by Floyd's bottom-up method:
 * the hole first walks down to a leaf along the smaller child (one comparison per level, without a
 * hard-to-predict branch), then `e` sifts up from there. The last entry almost always belongs near
 * the bottom, so this does about half the comparisons of the textbook sift-down. */
static void refill_root(struct sim_evq *q, struct hent e)
{
    size_t n = q->n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c + 1 >= n) {
            if (c < n) {
                q->heap[i] = q->heap[c];
                i = c;
            }
            break;
        }
        c += before(q, &q->heap[c + 1], &q->heap[c]);
        q->heap[i] = q->heap[c];
        i = c;
    }
    sift_up(q, i, e);
}

sim_status sim_evq_set_tier(struct sim_evq *q, double width)
{
    if (q->live != 0 || q->n != 0 || q->ring_n + q->over_n != 0 || !(width >= 0.0) || !isfinite(width))
        return SIM_EINVAL;
    if (width > 0.0 && q->ring == NULL && (q->ring = malloc(TIER_SLOTS * sizeof *q->ring)) == NULL)
        return SIM_ENOMEM;
    q->inv_width = width > 0.0 ? 1.0 / width : 0.0;
    tier_clear(q);
    return SIM_OK;
}

void sim_evq_set_hook(struct sim_evq *q, sim_evq_hook fn, void *ctx)
{
    q->hook = fn;
    q->hook_ctx = ctx;
}

/* The slot of time t, clamped far from int64 overflow (+-infinity land in the end slots). */
static inline int64_t slot_of(const struct sim_evq *q, double t)
{
    double x = floor(t * q->inv_width);
    const double lim = 4611686018427387904.0; /* 2^62 */
    return x >= lim ? (int64_t)lim : x <= -lim ? -(int64_t)lim : (int64_t)x;
}

static inline uint32_t *ring_head(struct sim_evq *q, int64_t slot)
{
    return &q->ring[(uint64_t)slot & (TIER_SLOTS - 1)];
}

static void heap_insert(struct sim_evq *q, uint32_t id)
{
    sift_up(q, q->n++, (struct hent){time_key(q->nodes[id].ev.time), id});
}

/* Files node `id` (slot >= front) in the ring or in overflow. */
static void tier_insert(struct sim_evq *q, uint32_t id, int64_t slot)
{
    if (slot < q->front) {
        heap_insert(q, id);
        return;
    }
    uint32_t *head = slot - q->front < TIER_SLOTS ? ring_head(q, slot) : &q->overflow;
    q->nodes[id].next = *head;
    *head = id;
    if (head == &q->overflow)
        q->over_n++;
    else
        q->ring_n++;
}

static void release(struct sim_evq *q, uint32_t id);

/* Moves overflow events whose slots the ring now covers into the ring; drops cancelled ones. */
static void spill_overflow(struct sim_evq *q)
{
    uint32_t id = q->overflow;
    q->overflow = NO_NODE;
    q->over_n = 0;
    while (id != NO_NODE) {
        uint32_t next = q->nodes[id].next;
        if (q->nodes[id].state == CANCELLED)
            release(q, id);
        else
            tier_insert(q, id, slot_of(q, q->nodes[id].ev.time));
        id = next;
    }
}

/* Refills an empty heap from the tier: the next non-empty slot, or, when the ring is empty, the
 * earliest overflow slot. Returns false if the tier is empty too. */
static bool tier_refill(struct sim_evq *q)
{
    while (q->n == 0) {
        if (q->ring_n == 0) {
            if (q->over_n == 0)
                return false;
            int64_t lo = INT64_MAX;
            for (uint32_t id = q->overflow; id != NO_NODE; id = q->nodes[id].next) {
                int64_t sl = slot_of(q, q->nodes[id].ev.time);
                lo = sl < lo ? sl : lo;
            }
            q->front = lo;
            spill_overflow(q);
            continue;
        }
        uint32_t *head = ring_head(q, q->front);
        uint32_t id = *head;
        *head = NO_NODE;
        while (id != NO_NODE) {
            uint32_t next = q->nodes[id].next;
            if (next != NO_NODE) /* the list is scattered over the pool: fetch ahead */
                __builtin_prefetch(&q->nodes[next]);
            q->ring_n--;
            if (q->nodes[id].state == CANCELLED)
                release(q, id);
            else {
                if (q->hook != NULL)
                    q->hook(q->hook_ctx, &q->nodes[id].ev);
                heap_insert(q, id);
            }
            id = next;
        }
        q->front++;
        if (((uint64_t)q->front & (TIER_SLOTS - 1)) == 0 && q->over_n > 0)
            spill_overflow(q);
    }
    return true;
}

sim_status sim_evq_push(struct sim_evq *q, const struct sim_event *ev, sim_evh *h)
{
    if (isnan(ev->time))
        return SIM_EINVAL;
    if (q->free_head == NO_NODE) {
        sim_status st = grow(q);
        if (st != SIM_OK)
            return st;
    }
    uint32_t id = q->free_head;
    struct node *nd = &q->nodes[id];
    q->free_head = nd->next;
    nd->ev = *ev;
    nd->ev.seq = q->next_seq++;
    nd->state = PENDING;
    uint64_t prio = (uint64_t)((int32_t)ev->prio + 32768);
    nd->ord = (prio << SEQ_BITS) | (nd->ev.seq & ((UINT64_C(1) << SEQ_BITS) - 1));
    if (q->inv_width == 0.0) {
        heap_insert(q, id);
    } else {
        int64_t slot = slot_of(q, ev->time);
        if (slot >= q->front && q->n == 0 && q->ring_n + q->over_n == 0)
            q->front = slot + 1; /* an empty queue restarts the tier at this event */
        if (slot < q->front)
            heap_insert(q, id);
        else
            tier_insert(q, id, slot);
    }
    q->live++;
    if (h != NULL)
        *h = ((uint64_t)nd->gen << 32) | ((uint64_t)id + 1);
    return SIM_OK;
}

static void release(struct sim_evq *q, uint32_t id)
{
    struct node *nd = &q->nodes[id];
    nd->gen++;
    nd->state = FREE;
    nd->next = q->free_head;
    q->free_head = id;
}

/* Removes the root entry, releasing its node. */
static void drop_root(struct sim_evq *q)
{
    uint32_t id = q->heap[0].node;
    if (--q->n > 0)
        refill_root(q, q->heap[q->n]);
    release(q, id);
}

/* Discards cancelled entries from the top, refilling from the tier, so that the root, if any, is
 * pending and is the first event of the queue. */
static void purge(struct sim_evq *q)
{
    for (;;) {
        while (q->n > 0 && q->nodes[q->heap[0].node].state == CANCELLED)
            drop_root(q);
        if (q->n > 0 || q->inv_width == 0.0 || !tier_refill(q))
            return;
    }
}

bool sim_evq_pop(struct sim_evq *q, struct sim_event *out)
{
    purge(q);
    if (q->n == 0)
        return false;
    *out = q->nodes[q->heap[0].node].ev;
    drop_root(q);
    q->live--;
    return true;
}

bool sim_evq_pop_until(struct sim_evq *q, double until, struct sim_event *out)
{
    purge(q);
    if (q->n == 0)
        return false;
    const struct node *nd = &q->nodes[q->heap[0].node];
    if (!(nd->ev.time <= until))
        return false;
    *out = nd->ev;
    drop_root(q);
    q->live--;
    return true;
}

bool sim_evq_cancel(struct sim_evq *q, sim_evh h)
{
    uint64_t idx = h & 0xffffffffu;
    if (idx == 0 || idx > q->cap)
        return false;
    struct node *nd = &q->nodes[idx - 1];
    if (nd->gen != (uint32_t)(h >> 32) || nd->state != PENDING)
        return false;
    nd->state = CANCELLED;
    q->live--;
    return true;
}

size_t sim_evq_size(const struct sim_evq *q)
{
    return q->live;
}

double sim_evq_next_time(struct sim_evq *q)
{
    purge(q);
    return q->n > 0 ? key_time(q->heap[0].tkey) : INFINITY;
}
