/* The officers of each port as individuals (issue 13 item 2): the roster, qualifications (IFC1,
 * IFC2), personal-safety tickets and their monthly refresher, the IFC2 training pipeline, and the
 * shifts that turn present officers into search teams. See mdl_ports.h for the design.
 *
 * Everything here is deterministic except absence (one uniform per rostered officer per shift
 * instance, from the port's staffing stream): officer j of a shift of n holds IFC2 when the
 * running count floor((j + 1) ifc2_share) steps up (the holders spread evenly), initial tickets
 * expire in a staggered way over one validity period (officer j at (j + 0.5) / n of it), the
 * refresher renews the tickets expiring soonest, and training takes IFC1 officers in roster order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/sim_rng.h"
#include "mdl_ports_priv.h"

static size_t max_shift_officers(const struct mdl_port *p)
{
    size_t n = 0;
    for (size_t s = 0; s < p->staffing.shifts_count; s++)
        if (p->staffing.shifts[s].officers > n)
            n = p->staffing.shifts[s].officers;
    return n;
}

sim_status mdl__ports_roster_fit(struct port *pt)
{
    size_t need = max_shift_officers(pt->p), nsh = pt->p->staffing.shifts_count;
    if (pt->roster != NULL && need <= pt->stride)
        return SIM_OK;
    size_t stride = pt->stride * 2 > need ? pt->stride * 2 : need > 8 ? need : 8;
    struct officer *r = calloc(nsh * stride, sizeof *r);
    if (r == NULL)
        return SIM_ENOMEM;
    for (size_t s = 0; pt->roster != NULL && s < nsh; s++)
        memcpy(&r[s * stride], &pt->roster[s * pt->stride], pt->stride * sizeof *r);
    free(pt->roster);
    pt->roster = r;
    pt->stride = stride;
    return SIM_OK;
}

/* Officers on shift s's roster now: those hired (the count may have been cut since). */
static unsigned rostered(const struct port *pt, size_t s)
{
    unsigned n = pt->p->staffing.shifts[s].officers;
    return n < pt->hired[s] ? n : pt->hired[s];
}

void mdl__ports_roster_hire(struct port *pt, double now)
{
    const struct mdl_port *p = pt->p;
    double share = p->staffing.ifc2_share, validity = p->staffing.ticket_validity_days;
    double rshare = p->staffing.referral_trained_share;
    for (size_t s = 0; s < p->staffing.shifts_count; s++) {
        unsigned n = p->staffing.shifts[s].officers;
        bool initial = now <= 0.0;
        for (unsigned j = pt->hired[s]; j < n; j++) {
            bool ifc2 = floor((j + 1.0) * share + 1e-9) > floor(j * share + 1e-9);
            /* The i-th IFC2 holder is referral-trained when floor(i rshare) steps up: spread evenly. */
            double i2 = floor((j + 1.0) * share + 1e-9);
            bool referral = ifc2 && floor(i2 * rshare + 1e-9) > floor((i2 - 1.0) * rshare + 1e-9);
            pt->roster[s * pt->stride + j] = (struct officer){
                .ticket_until = initial ? validity * (j + 0.5) / n : now + validity,
                .trained_at = INFINITY,
                .qual = (uint8_t)(ifc2 ? MDL_QUAL_IFC2 : MDL_QUAL_IFC1),
                .referral_trained = referral,
            };
        }
        if (n > pt->hired[s])
            pt->hired[s] = n;
    }
}

/* Takes the whole part of credit + per_month as this month's intake; the fraction carries over. */
static unsigned intake(double *credit, double per_month)
{
    *credit += per_month;
    double n = floor(*credit);
    *credit -= n;
    return n > 1e9 ? 1000000000u : (unsigned)n;
}

/* Renews up to n tickets, those expiring soonest first. */
static void refresh_tickets(struct port *pt, unsigned n, double now)
{
    const struct mdl_port *p = pt->p;
    size_t total = 0;
    for (size_t s = 0; s < p->staffing.shifts_count; s++)
        total += rostered(pt, s);
    bool all = n >= total;
    for (unsigned i = 0; i < (all ? 1u : n); i++) {
        struct officer *soonest = NULL;
        for (size_t s = 0; s < p->staffing.shifts_count; s++)
            for (unsigned j = 0; j < rostered(pt, s); j++) {
                struct officer *o = &pt->roster[s * pt->stride + j];
                if (all)
                    o->ticket_until = now + p->staffing.ticket_validity_days;
                else if (o->ticket_until < now + p->staffing.ticket_validity_days &&
                         (soonest == NULL || o->ticket_until < soonest->ticket_until))
                    soonest = o;
            }
        if (soonest == NULL)
            return;
        soonest->ticket_until = now + p->staffing.ticket_validity_days;
    }
}

/* Sends up to n IFC1 officers (not yet in training) into IFC2 training, in roster order. */
static void enter_training(struct port *pt, unsigned n, double now)
{
    const struct mdl_port *p = pt->p;
    for (size_t s = 0; s < p->staffing.shifts_count && n > 0; s++)
        for (unsigned j = 0; j < rostered(pt, s) && n > 0; j++) {
            struct officer *o = &pt->roster[s * pt->stride + j];
            if (o->qual == MDL_QUAL_IFC1 && o->trained_at == INFINITY) {
                o->trained_at = now + p->staffing.ifc2_delay_days;
                n--;
            }
        }
}

void mdl__ports_month(struct mdl_ports *m, size_t port, double now)
{
    struct port *pt = &m->ports[port];
    refresh_tickets(pt, intake(&pt->refresh_credit, pt->p->staffing.refresher_per_month), now);
    enter_training(pt, intake(&pt->train_credit, pt->p->staffing.ifc2_throughput_per_month), now);
}

static void set_officers(struct port *pt, double now, unsigned officers, unsigned officers2)
{
    pt->officers = officers;
    pt->officers2 = officers2;
    pt->teams = officers / pt->p->staffing.team_size;
    pt->teams2 = officers2 < pt->teams ? officers2 : pt->teams; /* one IFC2 member per team suffices */
    sim_tavg_set(&pt->teams_t, now, pt->teams);
}

/* A shift instance begins: officers whose training ended now hold IFC2; each rostered officer is
 * present unless absent; the present officers in ticket join the teams, the others are counted
 * out of ticket. Officer-days are counted on the day the instance begins. */
void mdl__ports_begin_shift(struct mdl_ports *m, struct sim_kernel *k, size_t port, size_t shift,
                            double length)
{
    struct port *pt = &m->ports[port];
    double now = sim_kernel_now(k), absence = pt->p->staffing.absence_share;
    unsigned n1 = 0, n2 = 0, expired = 0, nref = 0;
    for (unsigned j = 0; j < rostered(pt, shift); j++) {
        struct officer *o = &pt->roster[shift * pt->stride + j];
        if (o->trained_at <= now) {
            o->qual = MDL_QUAL_IFC2;
            o->referral_trained = 1;
            o->trained_at = INFINITY;
        }
        if (sim_rng_uniform(pt->rng[MDL_PP_STAFFING]) < absence)
            continue;
        nref += o->referral_trained; /* present: may refer even out of ticket (referring is not searching) */
        if (o->ticket_until <= now)
            expired++;
        else if (o->qual == MDL_QUAL_IFC2)
            n2++;
        else
            n1++;
    }
    count(m, now, port, D_DUTY_IFC1, n1 * length);
    count(m, now, port, D_DUTY_IFC2, n2 * length);
    count(m, now, port, D_NO_TICKET, expired * length);
    mdl_monthly_duty(m->monthly, now, (unsigned)port, n1 * length, n2 * length, expired * length);
    set_officers(pt, now, pt->officers + n1 + n2, pt->officers2 + n2);
    pt->referral_on += nref;
    sim_kernel_at(k, m->model, EV_SHIFT_END, now + length, PORTS_PRIO_SHIFT_END, (uint32_t)port,
                  (uint64_t)(n1 + n2) | (uint64_t)n2 << 32, (double)nref, NULL);
    mdl__ports_dispatch(m, k, port);
}

void mdl__ports_end_shift(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev)
{
    struct port *pt = &m->ports[ev->a];
    unsigned all = (unsigned)(ev->b & 0xffffffffu), two = (unsigned)(ev->b >> 32), ref = (unsigned)ev->x;
    if (all > pt->officers || two > pt->officers2 || ref > pt->referral_on) {
        sim_kernel_fail(k, SIM_EINVARIANT, "ports: %s: more officers leaving (%u) than on duty (%u)",
                        pt->p->name, all, pt->officers);
        return;
    }
    /* Teams busy beyond the new count finish their search and then stand down (see on_search_end). */
    set_officers(pt, sim_kernel_now(k), pt->officers - all, pt->officers2 - two);
    pt->referral_on -= ref;
}

bool mdl_ports_referral_on_duty(const struct mdl_ports *m, unsigned port)
{
    return port < m->nports && m->ports[port].referral_on > 0;
}

/* ---- the flexible pool: officers deployed shift by shift to the port a stated rule picks ---- */

void mdl__ports_pool_init(struct mdl_ports *m, struct sim_kernel *k)
{
    m->pool_port = SIZE_MAX;
    const struct mdl_pool *pool = m->s->flexible_pool;
    if (pool != NULL)
        sim_kernel_at(k, m->model, EV_POOL, pool->start_hour / 24.0, PORTS_PRIO_SHIFT_START, 0, 0, 0.0, NULL);
}

/* The port the rule picks now: the longest search queue, or the most hidden groups carried since
 * the last pool shift began (the groups the pool can expect); ties to the first port. */
static size_t pool_pick(const struct mdl_ports *m)
{
    size_t best = 0;
    double best_v = -1.0;
    for (size_t i = 0; i < m->nports; i++) {
        const struct port *pt = &m->ports[i];
        double v = m->s->flexible_pool->rule == MDL_POOL_LONGEST_QUEUE
                       ? (double)pt->len
                       : (double)(pt->all_carried - m->pool_mark[i]);
        if (v > best_v) {
            best_v = v;
            best = i;
        }
    }
    return best;
}

void mdl__ports_pool_shift(struct mdl_ports *m, struct sim_kernel *k)
{
    const struct mdl_pool *pool = m->s->flexible_pool;
    double now = sim_kernel_now(k), length = pool->shift_hours / 24.0;
    size_t port = pool_pick(m);
    for (size_t i = 0; i < m->nports && i < 16; i++)
        m->pool_mark[i] = m->ports[i].all_carried;
    /* The pool travels to a port it was not at (from its base before its first shift). */
    double join = port == m->pool_port ? now : now + pool->travel_min / MIN_PER_DAY;
    m->pool_port = port;
    if (pool->officers > 0 && join < now + length)
        sim_kernel_at(k, m->model, EV_POOL_JOIN, join, PORTS_PRIO_SHIFT_START, (uint32_t)port, pool->officers,
                      now + length, NULL);
    sim_kernel_at(k, m->model, EV_POOL, now + length, PORTS_PRIO_SHIFT_START, 0, 0, 0.0, NULL);
}

void mdl__ports_pool_join(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev)
{
    struct port *pt = &m->ports[ev->a];
    double now = sim_kernel_now(k);
    unsigned n = (unsigned)ev->b;
    count(m, now, ev->a, D_DUTY_IFC2, n * (ev->x - now));
    mdl_monthly_duty(m->monthly, now, ev->a, 0.0, n * (ev->x - now), 0.0);
    set_officers(pt, now, pt->officers + n, pt->officers2 + n);
    sim_kernel_at(k, m->model, EV_SHIFT_END, ev->x, PORTS_PRIO_SHIFT_END, (uint32_t)ev->a,
                  (uint64_t)n | (uint64_t)n << 32, 0.0, NULL);
    mdl__ports_dispatch(m, k, ev->a);
}
