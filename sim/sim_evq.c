#include "sim_evq.h"

#include <math.h>
#include <stdlib.h>

/* The heap holds small entries (key and node index) so that sifting moves 24 bytes, not the whole
 * event; the node remembers its heap slot so that cancellation is O(log n). */
struct hent {
    double time;
    uint64_t ord; /* priority (biased, high 16 bits) then insertion sequence (low 48 bits) */
    uint32_t node;
};

struct node {
    struct sim_event ev;
    uint32_t slot; /* heap index while pending; next free node while free */
    uint32_t gen;  /* bumped each time the node is released, to detect stale handles */
};

struct sim_evq {
    struct hent *heap;
    struct node *nodes;
    size_t n, cap;     /* pending events; capacity of both arrays */
    uint32_t free_head;
    uint64_t next_seq;
};

#define NO_NODE UINT32_MAX
#define SEQ_BITS 48

static inline bool before(const struct hent *a, const struct hent *b)
{
    return a->time < b->time || (a->time == b->time && a->ord < b->ord);
}

static void link_free(struct sim_evq *q, size_t from)
{
    for (size_t i = from; i < q->cap; i++)
        q->nodes[i].slot = i + 1 < q->cap ? (uint32_t)(i + 1) : NO_NODE;
    q->free_head = from < q->cap ? (uint32_t)from : NO_NODE;
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
    free(q);
}

void sim_evq_reset(struct sim_evq *q)
{
    /* Release pending nodes with a generation bump so that old handles stay stale. */
    for (size_t i = 0; i < q->n; i++)
        q->nodes[q->heap[i].node].gen++;
    q->n = 0;
    q->next_seq = 0;
    link_free(q, 0);
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
        if (!before(&e, &q->heap[parent]))
            break;
        q->heap[i] = q->heap[parent];
        q->nodes[q->heap[i].node].slot = (uint32_t)i;
        i = parent;
    }
    q->heap[i] = e;
    q->nodes[e.node].slot = (uint32_t)i;
}

/* Moves entry `e` down from hole `i` to its place. */
static void sift_down(struct sim_evq *q, size_t i, struct hent e)
{
    size_t n = q->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!before(&q->heap[c], &e))
            break;
        q->heap[i] = q->heap[c];
        q->nodes[q->heap[i].node].slot = (uint32_t)i;
        i = c;
    }
    q->heap[i] = e;
    q->nodes[e.node].slot = (uint32_t)i;
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
    q->free_head = nd->slot;
    nd->ev = *ev;
    nd->ev.seq = q->next_seq++;
    uint64_t prio = (uint64_t)((int32_t)ev->prio + 32768);
    struct hent e = {ev->time, (prio << SEQ_BITS) | (nd->ev.seq & ((UINT64_C(1) << SEQ_BITS) - 1)), id};
    sift_up(q, q->n++, e);
    if (h != NULL)
        *h = ((uint64_t)nd->gen << 32) | ((uint64_t)id + 1);
    return SIM_OK;
}

static void release(struct sim_evq *q, uint32_t id)
{
    q->nodes[id].gen++;
    q->nodes[id].slot = q->free_head;
    q->free_head = id;
}

bool sim_evq_pop(struct sim_evq *q, struct sim_event *out)
{
    if (q->n == 0)
        return false;
    uint32_t id = q->heap[0].node;
    *out = q->nodes[id].ev;
    if (--q->n > 0)
        sift_down(q, 0, q->heap[q->n]);
    release(q, id);
    return true;
}

bool sim_evq_cancel(struct sim_evq *q, sim_evh h)
{
    uint64_t idx = h & 0xffffffffu;
    if (idx == 0 || idx > q->cap)
        return false;
    uint32_t id = (uint32_t)(idx - 1);
    struct node *nd = &q->nodes[id];
    if (nd->gen != (uint32_t)(h >> 32) || nd->slot >= q->n || q->heap[nd->slot].node != id)
        return false;
    size_t i = nd->slot;
    struct hent last = q->heap[--q->n];
    if (i < q->n) {
        if (i > 0 && before(&last, &q->heap[(i - 1) / 2]))
            sift_up(q, i, last);
        else
            sift_down(q, i, last);
    }
    release(q, id);
    return true;
}

size_t sim_evq_size(const struct sim_evq *q)
{
    return q->n;
}

double sim_evq_next_time(const struct sim_evq *q)
{
    return q->n > 0 ? q->heap[0].time : INFINITY;
}
