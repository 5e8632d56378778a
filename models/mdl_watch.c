/* The watch-list table: see mdl_watch.h. */
#include "mdl_watch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY UINT32_MAX

struct tab {
    uint32_t *keys;      /* cap slots, EMPTY when free */
    double *start, *end; /* cap x nports listing intervals; end <= start when not listed there */
};

struct mdl_watch {
    size_t capacity, cap, nports, n;
    struct tab cur, spare; /* spare: the rebuild target */
};

static sim_status tab_alloc(struct tab *t, size_t cap, size_t nports)
{
    t->keys = malloc(cap * sizeof *t->keys);
    t->start = malloc(cap * nports * sizeof *t->start);
    t->end = malloc(cap * nports * sizeof *t->end);
    return t->keys != NULL && t->start != NULL && t->end != NULL ? SIM_OK : SIM_ENOMEM;
}

static void tab_free(struct tab *t)
{
    free(t->keys);
    free(t->start);
    free(t->end);
}

sim_status mdl_watch_create(size_t capacity, size_t nports, struct mdl_watch **out)
{
    if (capacity == 0 || nports == 0)
        return SIM_EINVAL;
    struct mdl_watch *w = calloc(1, sizeof *w);
    if (w == NULL)
        return SIM_ENOMEM;
    w->capacity = capacity;
    w->nports = nports;
    w->cap = 2;
    while (w->cap < 2 * capacity) /* load factor at most one half */
        w->cap *= 2;
    if (tab_alloc(&w->cur, w->cap, nports) != SIM_OK || tab_alloc(&w->spare, w->cap, nports) != SIM_OK) {
        mdl_watch_destroy(w);
        return SIM_ENOMEM;
    }
    mdl_watch_clear(w);
    *out = w;
    return SIM_OK;
}

void mdl_watch_destroy(struct mdl_watch *w)
{
    if (w == NULL)
        return;
    tab_free(&w->cur);
    tab_free(&w->spare);
    free(w);
}

void mdl_watch_clear(struct mdl_watch *w)
{
    for (size_t i = 0; i < w->cap; i++)
        w->cur.keys[i] = EMPTY;
    w->n = 0;
}

size_t mdl_watch_size(const struct mdl_watch *w)
{
    return w->n;
}

/* The slot of key in t, or the free slot where it would go (linear probing; never full). */
static size_t slot_of(const struct mdl_watch *w, const struct tab *t, uint32_t key)
{
    size_t mask = w->cap - 1, i = (size_t)(key * 2654435761u) & mask;
    while (t->keys[i] != EMPTY && t->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

/* Drops the keys whose every listing ended by `now`, rebuilding into the spare table. */
static void purge(struct mdl_watch *w, double now)
{
    struct tab *from = &w->cur, *to = &w->spare;
    for (size_t i = 0; i < w->cap; i++)
        to->keys[i] = EMPTY;
    size_t n = 0;
    for (size_t i = 0; i < w->cap; i++) {
        if (from->keys[i] == EMPTY)
            continue;
        bool live = false;
        for (size_t p = 0; p < w->nports; p++)
            live |= from->end[i * w->nports + p] > now;
        if (!live)
            continue;
        size_t j = slot_of(w, to, from->keys[i]);
        to->keys[j] = from->keys[i];
        memcpy(&to->start[j * w->nports], &from->start[i * w->nports], w->nports * sizeof *to->start);
        memcpy(&to->end[j * w->nports], &from->end[i * w->nports], w->nports * sizeof *to->end);
        n++;
    }
    struct tab tmp = w->cur;
    w->cur = w->spare;
    w->spare = tmp;
    w->n = n;
}

sim_status mdl_watch_add(struct mdl_watch *w, uint32_t key, unsigned port, double start, double days,
                         double now)
{
    size_t i = slot_of(w, &w->cur, key);
    if (w->cur.keys[i] == EMPTY) {
        if (w->n >= w->capacity) {
            purge(w, now);
            if (w->n >= w->capacity)
                return SIM_ENOMEM;
            i = slot_of(w, &w->cur, key);
        }
        w->cur.keys[i] = key;
        for (size_t p = 0; p < w->nports; p++)
            w->cur.start[i * w->nports + p] = w->cur.end[i * w->nports + p] = -INFINITY;
        w->n++;
    }
    double *a = &w->cur.start[i * w->nports + port], *b = &w->cur.end[i * w->nports + port];
    if (start <= *b) { /* overlaps or extends the current listing */
        *a = fmin(*a, start);
        *b = fmax(*b, start + days);
    } else {
        *a = start;
        *b = start + days;
    }
    return SIM_OK;
}

bool mdl_watch_listed(const struct mdl_watch *w, uint32_t key, unsigned port, double t, bool shared,
                      double lag)
{
    size_t i = slot_of(w, &w->cur, key);
    if (w->cur.keys[i] == EMPTY)
        return false;
    for (size_t p = 0; p < w->nports; p++) {
        double d = p == port ? 0.0 : lag;
        if ((p == port || shared) && w->cur.start[i * w->nports + p] + d <= t &&
            t < w->cur.end[i * w->nports + p] + d)
            return true;
    }
    return false;
}
