/* Deferred port events: see mdl_ports_priv.h. Under the capacity policy a free team takes the
 * next lorry to arrive, so nearly every lorry searched is a clean one picked that way: an arrival
 * (carrier) and a search end per lorry, about 1.6 million a replication at the baseline. While a
 * port has no groups those events cannot be seen from outside the port (no outcome is reported,
 * no other model's state changes), so they need not go through the kernel's queue: the port keeps
 * them and handles them in time order when something that may see it happens. A group boarding
 * turns them back into kernel events first, so whatever concerns a group keeps its exact time. */
#include <math.h>
#include <stdlib.h>

#include "mdl_ports_priv.h"

enum { VQ_FIRST = 16 };

/* Deferred search ends are a binary heap on (time, scheduling order). */
static bool before(const struct vev *a, const struct vev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void update_min(struct port *pt)
{
    double t = pt->carrier == PORTS_DEFERRED ? pt->vcar_t : INFINITY;
    pt->vmin = pt->vq_n > 0 && pt->vq[0].t < t ? pt->vq[0].t : t;
}

static void heap_push(struct port *pt, struct vev e)
{
    size_t i = pt->vq_n++;
    while (i > 0 && before(&e, &pt->vq[(i - 1) / 2])) {
        pt->vq[i] = pt->vq[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    pt->vq[i] = e;
}

static struct vev heap_pop(struct port *pt)
{
    struct vev top = pt->vq[0], last = pt->vq[--pt->vq_n];
    size_t i = 0, n = pt->vq_n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(&pt->vq[c + 1], &pt->vq[c]))
            c++;
        if (!before(&pt->vq[c], &last))
            break;
        pt->vq[i] = pt->vq[c];
        i = c;
    }
    if (n > 0)
        pt->vq[i] = last;
    return top;
}

sim_status mdl__ports_lazy_reset(struct port *pt)
{
    if (pt->vq == NULL) {
        pt->vq = malloc(VQ_FIRST * sizeof *pt->vq);
        if (pt->vq == NULL)
            return SIM_ENOMEM;
        pt->vq_cap = VQ_FIRST;
    }
    pt->vq_n = 0;
    pt->vcar_t = pt->vmin = INFINITY;
    return SIM_OK;
}

void mdl__ports_carrier_at(struct mdl_ports *m, struct sim_kernel *k, size_t port, double t)
{
    struct port *pt = &m->ports[port];
    if (!mdl__ports_groupless(pt)) {
        sim_kernel_at(k, m->model, EV_CARRIER, t, PORTS_PRIO_FLOW, (uint32_t)port, 0, 0.0, &pt->carrier);
        return;
    }
    pt->carrier = PORTS_DEFERRED;
    pt->vcar_t = t;
    pt->vcar_seq = m->vseq++;
    if (t < pt->vmin)
        pt->vmin = t;
}

void mdl__ports_cancel_carrier(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    if (pt->carrier == PORTS_DEFERRED) {
        pt->carrier = 0;
        pt->vcar_t = INFINITY;
        update_min(pt);
    } else if (pt->carrier != 0) {
        sim_kernel_cancel(k, pt->carrier);
    }
    pt->carrier = 0;
}

void mdl__ports_search_end_at(struct mdl_ports *m, struct sim_kernel *k, size_t port, double t, uint32_t a,
                              uint32_t l, double x)
{
    struct port *pt = &m->ports[port];
    if (!mdl__ports_groupless(pt)) {
        sim_kernel_at(k, m->model, EV_SEARCH_END, t, PORTS_PRIO_FLOW, a, l, x, NULL);
        return;
    }
    if (pt->vq_n == pt->vq_cap) { /* geometric: a warm workspace never grows it */
        struct vev *q = realloc(pt->vq, 2 * pt->vq_cap * sizeof *q);
        if (q == NULL) {
            sim_kernel_fail(k, SIM_ENOMEM, "ports: cannot grow the deferred searches");
            return;
        }
        pt->vq = q;
        pt->vq_cap *= 2;
    }
    heap_push(pt, (struct vev){.t = t, .seq = m->vseq++, .a = a, .l = l, .x = x});
    if (t < pt->vmin)
        pt->vmin = t;
}

/* Handles the port's earliest deferred event. */
static void run_next(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    bool car = pt->carrier == PORTS_DEFERRED && (pt->vq_n == 0 || pt->vcar_t < pt->vq[0].t ||
                                                 (pt->vcar_t == pt->vq[0].t && pt->vcar_seq < pt->vq[0].seq));
    if (car) {
        m->now = pt->vcar_t;
        pt->vcar_t = INFINITY;
        pt->carrier = 0; /* as a kernel event's: taken from the queue */
        update_min(pt);
        mdl__ports_on_lorry(m, k, port, false);
        return;
    }
    struct vev e = heap_pop(pt);
    update_min(pt);
    m->now = e.t;
    mdl__ports_on_search_end(m, k, e.a, e.l, e.x);
}

void mdl__ports_advance(struct mdl_ports *m, struct sim_kernel *k, double until, bool inclusive)
{
    for (size_t p = 0; p < m->nports; p++) {
        struct port *pt = &m->ports[p];
        while (pt->vmin < until || (inclusive && pt->vmin == until))
            run_next(m, k, p);
    }
    m->now = until;
}

void mdl__ports_realize(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    if (pt->carrier == PORTS_DEFERRED)
        sim_kernel_at(k, m->model, EV_CARRIER, pt->vcar_t, PORTS_PRIO_FLOW, (uint32_t)port, 0, 0.0,
                      &pt->carrier);
    while (pt->vq_n > 0) { /* in time order: equal times keep their scheduling order */
        struct vev e = heap_pop(pt);
        sim_kernel_at(k, m->model, EV_SEARCH_END, e.t, PORTS_PRIO_FLOW, e.a, e.l, e.x, NULL);
    }
    pt->vcar_t = pt->vmin = INFINITY;
}
