/* Groups formed at a port, riding one vehicle, settled member by member: see mdl_fleet.h. */
#include <stdlib.h>

#include "../sim/sim_kernel.h"
#include "mdl_fleet_priv.h"

/* A facilitated boarding on `vehicle`: the facilitators of `port` remember it. */
static void remember(struct fleet *m, unsigned port, uint32_t vehicle)
{
    if (m->last_reused)
        add(m, m->last_t, V_REUSED, port);
    uint32_t *set = &m->recent[port * m->rcap];
    set[m->rnext[port]] = vehicle;
    m->rnext[port] = (m->rnext[port] + 1) % m->rcap;
    if (m->nrecent[port] < m->rcap)
        m->nrecent[port]++;
}

static sim_status grow(void **base, size_t *cap, size_t elem)
{
    size_t ncap = *cap == 0 ? 256 : *cap * 2;
    if (ncap >= NONE)
        return SIM_ENOMEM;
    void *p = realloc(*base, ncap * elem);
    if (p == NULL)
        return SIM_ENOMEM;
    *base = p;
    *cap = ncap;
    return SIM_OK;
}

/* Puts pool entries [from, size) at the head of the free list (none when from >= size). */
static void link_groups(struct fleet *m, size_t from)
{
    if (from >= m->ngrps)
        return;
    for (size_t i = from; i < m->ngrps; i++)
        m->grps[i] = (struct fgrp){.next = i + 1 < m->ngrps ? (uint32_t)(i + 1) : m->gfree, .state = G_FREE};
    m->gfree = (uint32_t)from;
}

static void link_members(struct fleet *m, size_t from)
{
    if (from >= m->nmems)
        return;
    for (size_t i = from; i < m->nmems; i++)
        m->mems[i].next = i + 1 < m->nmems ? (uint32_t)(i + 1) : m->mfree;
    m->mfree = (uint32_t)from;
}

/* Settles every member of group g with the outcome in r (copied per member) and frees it. */
void mdl__fleet_settle(struct fleet *m, struct sim_kernel *k, uint32_t g, const struct mdl_ports_report *r)
{
    struct fgrp *gr = &m->grps[g];
    struct mdl_ports_report one = *r;
    one.size = 1;
    m->settled++;
    m->people_settled += gr->size;
    for (uint32_t i = gr->head; i != NONE;) {
        uint32_t next = m->mems[i].next;
        one.group = m->mems[i].person;
        m->mems[i].next = m->mfree;
        m->mfree = i;
        mdl_pop_lorry_settled(m->pop, k, &one);
        i = next;
    }
    gr->state = G_FREE;
    gr->next = m->gfree;
    m->gfree = g;
}

/* The group forming at `port` boards its vehicle (or, at a closed port, goes back). */
void mdl__fleet_send(struct fleet *m, struct sim_kernel *k, unsigned port)
{
    uint32_t g = m->forming[port];
    m->forming[port] = NONE;
    if (m->form_ev[port] != 0)
        sim_kernel_cancel(k, m->form_ev[port]);
    m->form_ev[port] = 0;
    struct fgrp *gr = &m->grps[g];
    gr->state = G_ABOARD;
    m->sent++;
    m->people_sent += gr->size;
    double now = sim_kernel_now(k);
    if (m->s->ports[port].open_share <= 0.0) { /* closed while it formed: no lorry to board */
        struct mdl_ports_report r = {
            .time = now, .port = port, .outcome = MDL_LORRY_RETURNED, .vehicle = gr->vehicle};
        mdl__fleet_settle(m, k, g, &r);
        return;
    }
    add(m, now, V_GROUPS, port);
    for (unsigned i = 0; i < gr->size; i++)
        add(m, now, V_PEOPLE, port);
    if (mdl_ports_board_on(m->ports, k, port, MDL_POP_GROUP_TAG | g, gr->size, gr->vehicle) != SIM_OK)
        sim_kernel_fail(k, SIM_ENOMEM, "fleet: cannot grow the ports' group pool");
}

/* Target size of a new group at `port`: the port's group_size_weights. */
static uint16_t draw_target(struct fleet *m, unsigned port)
{
    const struct mdl_port *p = &m->s->ports[port];
    size_t n = p->clandestine.group_size_weights_count;
    double tot = 0.0;
    for (size_t i = 0; i < n; i++)
        tot += p->clandestine.group_size_weights[i];
    double x = attempt_uniform(m) * tot; /* right after choose, in the same attempt */
    for (size_t i = 0; i < n; i++)
        if ((x -= p->clandestine.group_size_weights[i]) < 0.0)
            return (uint16_t)(i + 1);
    return (uint16_t)n;
}

/* Opens a group at `port` on the vehicle `choose` just gave; NONE if the pool cannot grow. */
static uint32_t open_group(struct fleet *m, struct sim_kernel *k, unsigned port, uint32_t vehicle)
{
    if (m->gfree == NONE) {
        size_t old = m->ngrps;
        void *base = m->grps;
        if (grow(&base, &m->ngrps, sizeof *m->grps) != SIM_OK)
            return NONE;
        m->grps = base;
        link_groups(m, old);
    }
    uint32_t g = m->gfree;
    m->gfree = m->grps[g].next;
    m->grps[g] = (struct fgrp){.head = NONE,
                               .next = NONE,
                               .vehicle = vehicle,
                               .pass = m->last_pass,
                               .target = draw_target(m, port),
                               .port = (uint8_t)port,
                               .state = G_FORMING};
    m->forming[port] = g;
    sim_kernel_at(k, m->model, 0, sim_kernel_now(k) + m->f->group_formation_days, 0, port, 0, 0.0,
                  &m->form_ev[port]);
    return g;
}

sim_status mdl__fleet_board(void *ctx, struct sim_kernel *k, unsigned port, uint32_t person, uint32_t vehicle,
                            bool facilitated)
{
    struct fleet *m = ctx;
    if (facilitated && m->forming[port] == NONE)
        remember(m, port, vehicle);
    uint32_t g = m->forming[port] != NONE ? m->forming[port] : open_group(m, k, port, vehicle);
    if (g == NONE)
        return SIM_ENOMEM;
    if (m->mfree == NONE) {
        size_t old = m->nmems;
        void *base = m->mems;
        if (grow(&base, &m->nmems, sizeof *m->mems) != SIM_OK)
            return SIM_ENOMEM;
        m->mems = base;
        link_members(m, old);
    }
    uint32_t i = m->mfree;
    m->mfree = m->mems[i].next;
    struct fgrp *gr = &m->grps[g];
    m->mems[i] = (struct fmem){.person = person, .next = gr->head};
    gr->head = i;
    if (++gr->size >= gr->target)
        mdl__fleet_send(m, k, port);
    return SIM_OK;
}

void mdl__fleet_groups_reset(struct fleet *m)
{
    m->gfree = m->mfree = NONE;
    link_groups(m, 0);
    link_members(m, 0);
    for (size_t p = 0; p < m->nports; p++) {
        m->forming[p] = NONE;
        m->form_ev[p] = 0;
    }
    m->sent = m->settled = m->people_sent = m->people_settled = 0;
}

/* Every group that boarded was detected, crossed, went back (its port closed) or is still on
 * board at the end, and its people likewise. */
sim_status mdl__fleet_conserved(struct fleet *m, struct sim_kernel *k)
{
    uint64_t aboard = 0, people = 0;
    for (size_t g = 0; g < m->ngrps; g++)
        if (m->grps[g].state == G_ABOARD) {
            aboard++;
            people += m->grps[g].size;
        }
    if (m->sent != m->settled + aboard || m->people_sent != m->people_settled + people) {
        sim_kernel_fail(
            k, SIM_EINVARIANT,
            "fleet: groups not conserved: %llu boarded, %llu settled, %llu on board (people %llu, "
            "%llu, %llu)",
            (unsigned long long)m->sent, (unsigned long long)m->settled, (unsigned long long)aboard,
            (unsigned long long)m->people_sent, (unsigned long long)m->people_settled,
            (unsigned long long)people);
        return SIM_EINVARIANT;
    }
    return SIM_OK;
}
