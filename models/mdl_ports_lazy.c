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

static void update_min(struct port *pt)
{
    double t = pt->carrier == PORTS_DEFERRED ? pt->vcar_t : INFINITY;
    for (size_t i = 0; i < pt->vq_n; i++)
        if (pt->vq[i].t < t)
            t = pt->vq[i].t;
    pt->vmin = t;
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
    pt->vq[pt->vq_n++] = (struct vev){.t = t, .seq = m->vseq++, .a = a, .l = l, .x = x};
    if (t < pt->vmin)
        pt->vmin = t;
}

/* Index of the earliest deferred search end (ties: the first scheduled), vq_n if none. */
static size_t earliest(const struct port *pt)
{
    size_t best = pt->vq_n;
    for (size_t i = 0; i < pt->vq_n; i++)
        if (best == pt->vq_n || pt->vq[i].t < pt->vq[best].t ||
            (pt->vq[i].t == pt->vq[best].t && pt->vq[i].seq < pt->vq[best].seq))
            best = i;
    return best;
}

/* Handles the port's earliest deferred event. */
static void run_next(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    size_t i = earliest(pt);
    bool car = pt->carrier == PORTS_DEFERRED && (i == pt->vq_n || pt->vcar_t < pt->vq[i].t ||
                                                 (pt->vcar_t == pt->vq[i].t && pt->vcar_seq < pt->vq[i].seq));
    if (car) {
        m->now = pt->vcar_t;
        pt->vcar_t = INFINITY;
        update_min(pt);
        mdl__ports_on_lorry(m, k, port, false); /* it clears pt->carrier */
        return;
    }
    struct vev e = pt->vq[i];
    for (size_t j = i; j + 1 < pt->vq_n; j++) /* keeps the scheduling order */
        pt->vq[j] = pt->vq[j + 1];
    pt->vq_n--;
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
    bool car = pt->carrier == PORTS_DEFERRED;
    for (size_t i = 0; i <= pt->vq_n; i++) { /* in scheduling order, the carrier in its place */
        if (car && (i == pt->vq_n || pt->vcar_seq < pt->vq[i].seq)) {
            sim_kernel_at(k, m->model, EV_CARRIER, pt->vcar_t, PORTS_PRIO_FLOW, (uint32_t)port, 0, 0.0,
                          &pt->carrier);
            car = false;
        }
        if (i < pt->vq_n)
            sim_kernel_at(k, m->model, EV_SEARCH_END, pt->vq[i].t, PORTS_PRIO_FLOW, pt->vq[i].a, pt->vq[i].l,
                          pt->vq[i].x, NULL);
    }
    pt->vq_n = 0;
    pt->vcar_t = pt->vmin = INFINITY;
}
