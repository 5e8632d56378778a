/* The port control model's events: lorry arrivals and selection, searches, shifts, exogenous
 * groups, and the daily and warm-up bookkeeping. */
#include <math.h>

#include "../sim/sim_rng.h"
#include "mdl_ports_priv.h"

static sim_status ring_push(struct port *pt, uint32_t l)
{
    if (pt->len == pt->ring_cap) {
        size_t ncap = pt->ring_cap * 2;
        uint32_t *r = malloc(ncap * sizeof *r);
        if (r == NULL)
            return SIM_ENOMEM;
        for (size_t i = 0; i < pt->len; i++)
            r[i] = pt->ring[(pt->head + i) & (pt->ring_cap - 1)];
        free(pt->ring);
        pt->ring = r;
        pt->ring_cap = ncap;
        pt->head = 0;
    }
    pt->ring[(pt->head + pt->len++) & (pt->ring_cap - 1)] = l;
    return SIM_OK;
}

static uint32_t ring_pop(struct port *pt)
{
    uint32_t l = pt->ring[pt->head];
    pt->head = (pt->head + 1) & (pt->ring_cap - 1);
    pt->len--;
    if (pt->nwatch > 0)
        pt->nwatch--;
    return l;
}

/* The lorry at position i of the queue (0 = next to be searched). */
static uint32_t *ring_at(struct port *pt, size_t i)
{
    return &pt->ring[(pt->head + i) & (pt->ring_cap - 1)];
}

/* Removes the lorry at position i, keeping the order of the others. */
static void ring_remove(struct port *pt, size_t i)
{
    for (size_t j = i; j + 1 < pt->len; j++)
        *ring_at(pt, j) = *ring_at(pt, j + 1);
    pt->len--;
    if (i < pt->nwatch)
        pt->nwatch--;
}

/* Queues l behind the lorries of its kind: watch-list hits before everyone else, then FIFO. */
static sim_status ring_insert(struct port *pt, uint32_t l, bool watch)
{
    sim_status st = ring_push(pt, l);
    if (st != SIM_OK || !watch)
        return st;
    for (size_t j = pt->len - 1; j > pt->nwatch; j--)
        *ring_at(pt, j) = *ring_at(pt, j - 1);
    *ring_at(pt, pt->nwatch++) = l;
    return SIM_OK;
}

/* ---- the event handlers ---- */

/* The lorry traffic of a port is a Poisson process with an hourly rate. Only some lorries need
 * events of their own, so it is simulated as two independent thinned processes (the thinning
 * theorem makes that exact):
 *  - candidates, at `share` times the rate: the lorries a clean-lorry selection draw would select.
 *    Each is an EV_ARRIVAL; it is searched unless it finds the search queue full.
 *  - the others, at (1 - share) times the rate, which pass unsearched unless they carry groups
 *    under targeted selection. While no group waits to board they need no events: their daily
 *    count is one Poisson draw per day. When groups begin waiting, the first of them after that
 *    moment is drawn (memorylessness) as an EV_CARRIER; if a candidate comes first it takes the
 *    groups, and the others are known to have had no lorry in between.
 * This replaces one event per lorry (about 10,000 a day at the baseline) by one per searched
 * lorry. */

/* Expected lorries from time 0 to t (days). */
static double traffic_mass(const struct port *pt, double t)
{
    double hours = t * 24.0, weeks = floor(hours / HOURS_PER_WEEK);
    double in_week = hours - weeks * HOURS_PER_WEEK;
    size_t h = (size_t)in_week;
    if (h >= HOURS_PER_WEEK)
        h = HOURS_PER_WEEK - 1;
    return weeks * pt->cum[HOURS_PER_WEEK] + pt->cum[h] + pt->rate[h] * (in_week - (double)h) / 24.0;
}

double mdl__ports_next_lorry(const struct port *pt, double t, double factor, gsl_rng *r)
{
    if (!(factor > 0.0) || !(pt->cum[HOURS_PER_WEEK] > 0.0))
        return INFINITY;
    /* Invert the integrated rate hour by hour: one exponential draw per lorry. */
    double e = sim_rng_exponential(r) / factor;
    double hour = floor(t * 24.0);
    for (;;) {
        double seg_end = (hour + 1.0) / 24.0;
        double rate = pt->rate[(uint64_t)hour % HOURS_PER_WEEK]; /* t >= 0 */
        double mass = rate * (seg_end - t);
        if (rate > 0.0 && e <= mass)
            return t + e / rate;
        e -= mass;
        t = seg_end;
        hour += 1.0;
    }
}

void mdl__ports_schedule_arrival(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    double t = mdl__ports_next_lorry(pt, m->now, pt->share, pt->rng[MDL_PP_TRAFFIC]);
    pt->arrival = 0;
    if (isfinite(t))
        sim_kernel_at(k, m->model, EV_ARRIVAL, t, PORTS_PRIO_FLOW, (uint32_t)port, 0, 0.0, &pt->arrival);
}

/* Counts the non-candidate lorries of (others_from, t], which lie within one day of the window. */
void mdl__ports_count_others(struct mdl_ports *m, size_t port, double t)
{
    struct port *pt = &m->ports[port];
    double from = pt->others_from;
    pt->others_from = t;
    if (pt->carrier != 0 || !m->in_window || !(t > from) || pt->share >= 1.0)
        return; /* a carrier is pending: none came before it */
    double at_t = traffic_mass(pt, t);
    double mu = (1.0 - pt->share) * (at_t - (from == pt->mass_t ? pt->mass_at : traffic_mass(pt, from)));
    pt->mass_t = t; /* the next count starts here: one mass per count */
    pt->mass_at = at_t;
    double n = (double)sim_rng_poisson(pt->rng[MDL_PP_PASSING], mu);
    count(m, 0.5 * (from + t), port, D_ARRIVED, n);
}

void mdl__ports_schedule_group(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    pt->group = 0;
    if (pt->groups_rate > 0.0) {
        double t = m->now + sim_rng_exponential(pt->rng[MDL_PP_CLANDESTINE]) / pt->groups_rate;
        sim_kernel_at(k, m->model, EV_GROUP, t, PORTS_PRIO_FLOW, (uint32_t)port, 0, 0.0, &pt->group);
    }
}

void mdl__ports_retime(struct mdl_ports *m, struct sim_kernel *k, size_t port, bool traffic, bool groups)
{
    struct port *pt = &m->ports[port];
    if (traffic) {
        if (pt->carrier != 0)
            pt->others_from = m->now; /* none came while the carrier was pending */
        sim_kernel_cancel(k, pt->arrival);
        mdl__ports_schedule_arrival(m, k, port);
        if (pt->carrier != 0) {
            mdl__ports_cancel_carrier(m, k, port);
            mdl__ports_await_carrier(m, k, port);
        }
    }
    if (groups) {
        sim_kernel_cancel(k, pt->group);
        mdl__ports_schedule_group(m, k, port);
    }
}

void mdl__ports_await_carrier(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    if (pt->carrier != 0)
        return;
    double now = m->now;
    mdl__ports_count_others(m, port, now);
    double t = mdl__ports_next_lorry(pt, now, 1.0 - pt->share, pt->rng[MDL_PP_PASSING]);
    if (isfinite(t))
        mdl__ports_carrier_at(m, k, port, t);
}

/* Resolves every group of a list that crossed undetected, and frees the groups. */
static void pass_groups(struct mdl_ports *m, struct sim_kernel *k, size_t port, uint32_t g)
{
    struct port *pt = &m->ports[port];
    double now = m->now;
    while (g != PORTS_NONE) {
        struct grp *gr = &m->grps[g];
        uint32_t next = gr->next;
        double u = sim_rng_uniform(pt->rng[MDL_PP_RECORDING]);
        enum mdl_lorry_outcome o = u < pt->p->recording.at_port_share ? MDL_LORRY_AT_PORT
                                   : u < pt->p->recording.at_port_share + pt->p->recording.within_72h_share
                                       ? MDL_LORRY_WITHIN_72H
                                       : MDL_LORRY_UNRECORDED;
        count(m, now, port, D_GROUPS_PASSED, 1.0);
        count(m, now, port, D_PEOPLE_PASSED, gr->size);
        count(m, now, port,
              o == MDL_LORRY_AT_PORT      ? D_REC_PORT
              : o == MDL_LORRY_WITHIN_72H ? D_REC_72H
                                          : D_UNRECORDED,
              gr->size);
        pt->all_resolved++;
        mdl__ports_report(m, k, port, gr, o);
        gr->next = m->grp_free;
        m->grp_free = g;
        g = next;
    }
}

static void set_busy(struct port *pt, double now, unsigned busy)
{
    pt->busy = busy;
    sim_tavg_set(&pt->busy_t, now, busy);
}

static void start_search(struct mdl_ports *m, struct sim_kernel *k, size_t port, uint32_t l)
{
    struct port *pt = &m->ports[port];
    double now = m->now;
    gsl_rng *r = pt->rng[MDL_PP_SEARCH];
    double u = sim_rng_uniform(r);
    /* The free team has an IFC2 member with probability (free such teams) / (free teams); the
     * same uniform, rescaled, then draws the method among those the team may use. */
    unsigned free_all = pt->teams - pt->busy, free2 = pt->teams2 > pt->busy2 ? pt->teams2 - pt->busy2 : 0;
    double p2 = free2 >= free_all ? 1.0 : (double)free2 / (double)free_all;
    bool ifc2 = u < p2;
    u = ifc2 ? u / p2 : (u - p2) / (1.0 - p2);
    uint32_t mi = 0;
    if (ifc2)
        while (u >= pt->methods[mi].cum_share)
            mi++;
    else
        while (u >= pt->methods[mi].cum_ifc1)
            mi++;
    if (pt->p->methods[mi].requires == MDL_QUAL_IFC2)
        count(m, now, port, D_SEARCH_IFC2, 1.0);
    pt->busy2 += ifc2;
    double dur_min = mdl_sampler_draw(&pt->methods[mi].time_min, r);
    double wait_min = (now - m->lorries[l].t_arrive) * MIN_PER_DAY;
    m->lorries[l].search_min = dur_min;
    dur_min += pt->p->selection.handling_min; /* the team and the lorry are both held */
    if (m->lorries[l].renege != 0) {
        sim_kernel_cancel(k, m->lorries[l].renege);
        m->lorries[l].renege = 0;
    }
    set_busy(pt, now, pt->busy + 1);
    if (m->in_window && now < m->w1) {
        sim_welford_add(&pt->wait, wait_min);
        sim_hist_add(&pt->wait_hist, wait_min);
        pt->day_wait_sum += wait_min;
        pt->day_wait_n += 1.0;
    }
    mdl__ports_search_end_at(m, k, port, now + dur_min / MIN_PER_DAY,
                             (uint32_t)port | mi << 8 | (uint32_t)ifc2 << 16, l, wait_min + dur_min);
}

static bool capacity_policy(const struct port *pt)
{
    return pt->p->selection.policy == MDL_SELECT_CAPACITY;
}

/* Capacity policy: removes the clean lorries whose wait reached tolerance_min (they left then; a
 * lorry carrying groups leaves by its own EV_RENEGE, at its exact time). Each kind's lorries are
 * in arrival order, so the expired ones are at the front of the watch-list part and of the rest. */
static void purge_queue(struct mdl_ports *m, size_t port, double now)
{
    struct port *pt = &m->ports[port];
    double tol = pt->p->selection.tolerance_min / MIN_PER_DAY;
    size_t before = pt->len;
    for (int part = 0; part < 2; part++) {
        size_t i = part == 0 ? 0 : pt->nwatch, end = part == 0 ? pt->nwatch : pt->len;
        while (i < end) {
            struct lorry *lo = &m->lorries[*ring_at(pt, i)];
            double left = lo->t_arrive + tol;
            if (left > now)
                break;
            if (lo->groups != PORTS_NONE) {
                i++;
                continue;
            }
            count(m, left, port, D_ABANDONED, 1.0);
            mdl__ports_delay(m, pt, left, pt->p->selection.tolerance_min);
            mdl__ports_lorry_release(m, *ring_at(pt, i));
            ring_remove(pt, i);
            end--;
        }
    }
    if (pt->len != before)
        sim_tavg_set(&pt->queue_t, now, (double)pt->len);
}

/* purge_queue for a queue that has lorries: most calls find it empty, and the test costs less
 * than the call. */
static inline void purge(struct mdl_ports *m, size_t port, double now)
{
    if (m->ports[port].len > 0)
        purge_queue(m, port, now);
}

/* Capacity policy: while a team is free and no flagged lorry waits, the team takes the next lorry
 * to arrive, so the next non-candidate lorry needs an event (the same EV_CARRIER that carries
 * waiting groups: it is the first non-candidate lorry either way). */
static void arm_pick(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    if (capacity_policy(pt) && pt->busy < pt->teams && pt->len == 0)
        mdl__ports_await_carrier(m, k, port);
}

/* Starts searches while teams are free and lorries wait. */
static void dispatch(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    if (capacity_policy(pt))
        purge(m, port, m->now);
    while (pt->busy < pt->teams && pt->len > 0) {
        start_search(m, k, port, ring_pop(pt));
        sim_tavg_set(&pt->queue_t, m->now, (double)pt->len);
    }
    arm_pick(m, k, port);
}

/* Capacity policy: a lorry carrying groups reached the end of its tolerance while waiting. */
static void on_renege(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev)
{
    struct port *pt = &m->ports[ev->a];
    uint32_t l = (uint32_t)ev->b;
    double now = m->now;
    size_t i = 0;
    while (i < pt->len && *ring_at(pt, i) != l)
        i++;
    if (i == pt->len) {
        sim_kernel_fail(k, SIM_EINVARIANT, "ports: %s: a lorry left a queue it was not in", pt->p->name);
        return;
    }
    ring_remove(pt, i);
    sim_tavg_set(&pt->queue_t, now, (double)pt->len);
    uint32_t groups = m->lorries[l].groups;
    for (uint32_t g = groups; g != PORTS_NONE; g = m->grps[g].next)
        pt->in_system--;
    count(m, now, ev->a, D_ABANDONED, 1.0);
    mdl__ports_delay(m, pt, now, pt->p->selection.tolerance_min);
    mdl__ports_lorry_release(m, l);
    pass_groups(m, k, ev->a, groups);
}

/* Capacity policy, after the lorry took any waiting groups: risk targeting flags a candidate (a
 * flagged clean lorry, or one that took groups) and a carrier with probability hit_extra, so that
 * a carrier is flagged with probability hit_share overall. Flagged lorries queue; an unflagged one
 * is searched only if a team is free and nobody waits (random selection). */
static void select_capacity(struct mdl_ports *m, struct sim_kernel *k, size_t port, bool candidate,
                            uint32_t groups, uint64_t ngroups, uint32_t vehicle)
{
    struct port *pt = &m->ports[port];
    double now = m->now;
    purge(m, port, now);
    bool flagged = candidate;
    if (!candidate && groups != PORTS_NONE && pt->hit_extra > 0.0)
        flagged = sim_rng_uniform(pt->rng[MDL_PP_SELECTION]) < pt->hit_extra;
    /* An ANPR watch-list hit on the lorry's vehicle flags it and puts it first in the queue. */
    bool watch = vehicle != MDL_VEHICLE_NONE && m->anpr.listed != NULL &&
                 m->anpr.listed(m->anpr.ctx, (unsigned)port, vehicle, now);
    flagged = flagged || watch;
    bool idle = pt->busy < pt->teams && pt->len == 0;
    if (!idle && (!flagged || pt->len >= pt->p->selection.max_queue)) {
        if (flagged)
            count(m, now, port, D_SUSPENDED, 1.0);
        pass_groups(m, k, port, groups);
        arm_pick(m, k, port);
        return;
    }
    count(m, now, port, D_SELECTED, 1.0);
    pt->in_system += ngroups;
    uint32_t l = mdl__ports_lorry_alloc(m, k);
    if (l == PORTS_NONE)
        return;
    uint8_t kind = (uint8_t)(watch ? MDL_SEL_WATCHLIST : flagged ? MDL_SEL_TARGETED : MDL_SEL_RANDOM);
    m->lorries[l] = (struct lorry){.t_arrive = now, .groups = groups, .kind = kind};
    for (uint32_t g = groups; g != PORTS_NONE; g = m->grps[g].next)
        m->grps[g].selkind = kind;
    if (groups != PORTS_NONE && !idle)
        sim_kernel_at(k, m->model, EV_RENEGE, now + pt->p->selection.tolerance_min / MIN_PER_DAY,
                      PORTS_PRIO_FLOW, (uint32_t)port, l, 0.0, &m->lorries[l].renege);
    if (ring_insert(pt, l, watch) != SIM_OK) {
        sim_kernel_fail(k, SIM_ENOMEM, "ports: cannot grow the search queue");
        return;
    }
    sim_tavg_set(&pt->queue_t, now, (double)pt->len);
    dispatch(m, k, port);
}

/* A lorry arrives: a candidate (EV_ARRIVAL) or the carrier of waiting groups (EV_CARRIER). Any
 * waiting groups ride it. */
void mdl__ports_on_lorry(struct mdl_ports *m, struct sim_kernel *k, size_t port, bool candidate)
{
    struct port *pt = &m->ports[port];
    double now = m->now;
    bool capacity = capacity_policy(pt);
    if (candidate) {
        mdl__ports_schedule_arrival(m, k, port);
        /* Under capacity the pending carrier may also be the pick of a free team: it stays (the
         * non-candidates are independent of the candidates). */
        if (pt->carrier != 0 && !capacity) /* it came before the carrier drawn for the waiting groups */
            mdl__ports_cancel_carrier(m, k, port);
    } else {
        pt->carrier = 0;
    }
    if (pt->pend_head != PORTS_NONE || (capacity && !candidate))
        pt->others_from = now; /* no non-candidate came since the carrier was awaited */
    uint32_t groups = pt->pend_head;
    uint64_t ngroups = 0;
    pt->pend_head = pt->pend_tail = PORTS_NONE;
    count(m, now, port, D_ARRIVED, 1.0);
    /* vehicles hook (a): the lorry is the first waiting group's vehicle; all its groups ride it */
    uint32_t vehicle = groups != PORTS_NONE ? m->grps[groups].vehicle : MDL_VEHICLE_NONE;
    for (uint32_t g = groups; g != PORTS_NONE; g = m->grps[g].next) {
        m->grps[g].vehicle = vehicle;
        m->grps[g].selkind = MDL_SEL_RANDOM;
        count(m, now, port, D_GROUPS_CARRIED, 1.0);
        count(m, now, port, D_PEOPLE_CARRIED, m->grps[g].size);
        ngroups++;
    }
    pt->all_carried += ngroups;
    if (capacity) {
        select_capacity(m, k, port, candidate, groups, ngroups, vehicle);
        return;
    }
    const struct mdl_port *p = pt->p;
    bool due = candidate;
    if (!candidate && p->selection.policy == MDL_SELECT_TARGETED) {
        /* Targeting selects a carrying lorry with probability min(1, share * lift); a candidate
         * (probability share) always qualifies, so a non-candidate carrier makes up the rest. */
        double lifted = fmin(1.0, pt->share * p->selection.lift);
        if (!sim_kernel_check_prob(k, lifted, "ports: targeted selection"))
            return;
        double u = sim_rng_uniform(pt->rng[MDL_PP_SELECTION]);
        due = pt->share < 1.0 && u * (1.0 - pt->share) < lifted - pt->share;
        if (due)
            for (uint32_t g = groups; g != PORTS_NONE; g = m->grps[g].next)
                m->grps[g].selkind = MDL_SEL_TARGETED;
    }
    /* vehicles hook (b): an ANPR watch-list hit selects the lorry, whatever the policy */
    if (vehicle != MDL_VEHICLE_NONE && m->anpr.listed != NULL &&
        m->anpr.listed(m->anpr.ctx, (unsigned)port, vehicle, now)) {
        due = true;
        for (uint32_t g = groups; g != PORTS_NONE; g = m->grps[g].next)
            m->grps[g].selkind = MDL_SEL_WATCHLIST;
    }
    if (!due) {
        pass_groups(m, k, port, groups);
        return;
    }
    if (pt->len >= p->selection.max_queue) {
        count(m, now, port, D_SUSPENDED, 1.0);
        pass_groups(m, k, port, groups);
        return;
    }
    count(m, now, port, D_SELECTED, 1.0);
    pt->in_system += ngroups;
    uint32_t l = mdl__ports_lorry_alloc(m, k);
    if (l == PORTS_NONE)
        return;
    m->lorries[l] = (struct lorry){
        .t_arrive = now,
        .groups = groups,
        .kind = (uint8_t)(p->selection.policy == MDL_SELECT_TARGETED ? MDL_SEL_TARGETED : MDL_SEL_RANDOM)};
    if (ring_push(pt, l) != SIM_OK) {
        sim_kernel_fail(k, SIM_ENOMEM, "ports: cannot grow the search queue");
        return;
    }
    sim_tavg_set(&pt->queue_t, now, (double)pt->len);
    dispatch(m, k, port);
}

void mdl__ports_on_search_end(struct mdl_ports *m, struct sim_kernel *k, uint32_t a, uint32_t l, double x)
{
    size_t port = a & 0xff, mi = (a >> 8) & 0xff;
    bool ifc2 = (a >> 16) & 1u;
    struct port *pt = &m->ports[port];
    double now = m->now;
    double detection = pt->methods[mi].detection;
    uint32_t passed = PORTS_NONE, g = m->lorries[l].groups;
    if (pt->busy == 0 || pt->busy2 < (unsigned)ifc2) { /* unsigned: a negative count would wrap, not show */
        sim_kernel_fail(k, SIM_EINVARIANT, "ports: %s: a search ended with no team searching", pt->p->name);
        return;
    }
    while (g != PORTS_NONE) {
        struct grp *gr = &m->grps[g];
        uint32_t next = gr->next;
        if (pt->in_system == 0) {
            sim_kernel_fail(k, SIM_EINVARIANT, "ports: %s: more groups leaving the search queue than in it",
                            pt->p->name);
            return;
        }
        pt->in_system--;
        if (sim_rng_uniform(pt->rng[MDL_PP_DETECTION]) < detection) {
            count(m, now, port, D_GROUPS_DETECTED, 1.0);
            count(m, now, port, D_PEOPLE_DETECTED, gr->size);
            mdl_monthly_detected(m->monthly, now, (unsigned)port, (unsigned)mi, gr->selkind, gr->size);
            pt->all_resolved++;
            mdl__ports_report(m, k, port, gr, MDL_LORRY_DETECTED);
            gr->next = m->grp_free;
            m->grp_free = g;
        } else {
            gr->next = passed;
            passed = g;
        }
        g = next;
    }
    pass_groups(m, k, port, passed);
    count(m, now, port, D_SEARCHED, 1.0);
    mdl_monthly_add(m->monthly, now, (unsigned)port, MDL_MON_SEARCHED);
    mdl__ports_delay(m, pt, now, x);
    if (m->in_window && now < m->w1)
        sim_welford_add(&pt->search, m->lorries[l].search_min);
    mdl__ports_lorry_release(m, l);
    set_busy(pt, now, pt->busy - 1);
    pt->busy2 -= ifc2;
    dispatch(m, k, port);
}

static void on_group(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    struct port *pt = &m->ports[port];
    gsl_rng *r = pt->rng[MDL_PP_CLANDESTINE];
    double u = sim_rng_uniform(r);
    unsigned size = 1;
    while (u >= pt->size_cum[size - 1] && size < pt->p->clandestine.group_size_weights_count)
        size++;
    if (mdl_ports_board(m, k, (unsigned)port, MDL_PORTS_EXOGENOUS, size) != SIM_OK) {
        sim_kernel_fail(k, SIM_ENOMEM, "ports: cannot grow the group pool");
        return;
    }
    mdl__ports_schedule_group(m, k, port);
}

static double tavg_area(const struct sim_tavg *a, double t)
{
    return a->area + a->value * (t - a->t_last);
}

static void on_day_end(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev)
{
    double now = m->now;
    size_t day = ev->a;
    double span = now - (m->w0 + (double)day);
    for (size_t i = 0; i < m->nports; i++) {
        struct port *pt = &m->ports[i];
        mdl__ports_count_others(m, i, now);
        double aq = tavg_area(&pt->queue_t, now), at = tavg_area(&pt->teams_t, now);
        size_t cell = day * m->nports + i;
        m->out[m->t->offset[m->ids->daily[D_QUEUE]] + cell] = (aq - pt->day_area_queue) / span;
        m->out[m->t->offset[m->ids->daily[D_TEAMS]] + cell] = (at - pt->day_area_teams) / span;
        m->out[m->t->offset[m->ids->daily[D_WAIT]] + cell] =
            pt->day_wait_n > 0 ? pt->day_wait_sum / pt->day_wait_n : NAN;
        pt->day_area_queue = aq;
        pt->day_area_teams = at;
        pt->day_wait_sum = pt->day_wait_n = 0.0;
    }
    if (day + 1 < m->ndays)
        sim_kernel_at(k, m->model, EV_DAY_END, fmin(m->w0 + (double)day + 2.0, m->w1), PORTS_PRIO_BOOK,
                      (uint32_t)(day + 1), 0, 0.0, NULL);
}

static void on_warmup_end(struct mdl_ports *m, struct sim_kernel *k)
{
    double now = m->now;
    for (size_t i = 0; i < m->nports; i++)
        mdl__ports_count_others(m, i, now); /* outside the window: only moves the mark */
    m->in_window = 1;
    for (size_t i = 0; i < m->nports; i++) {
        struct port *pt = &m->ports[i];
        sim_tavg_restart(&pt->queue_t, now);
        sim_tavg_restart(&pt->teams_t, now);
        sim_tavg_restart(&pt->busy_t, now);
        pt->day_area_queue = pt->day_area_teams = 0.0;
    }
    sim_kernel_at(k, m->model, EV_DAY_END, fmin(m->w0 + 1.0, m->w1), PORTS_PRIO_BOOK, 0, 0, 0.0, NULL);
}

void mdl__ports_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct mdl_ports *m = self;
    mdl__ports_advance(m, k, sim_kernel_now(k), false); /* what the ports deferred comes first */
    switch ((enum mdl__ports_event)ev->kind) {
    case EV_ARRIVAL: mdl__ports_on_lorry(m, k, ev->a, true); break;
    case EV_CARRIER: mdl__ports_on_lorry(m, k, ev->a, false); break;
    case EV_GROUP: on_group(m, k, ev->a); break;
    case EV_SEARCH_END: mdl__ports_on_search_end(m, k, ev->a, (uint32_t)ev->b, ev->x); break;
    case EV_SHIFT_START: {
        size_t port = ev->a & 0xff, shift = ev->a >> 8;
        mdl__ports_begin_shift(m, k, port, shift, m->ports[port].p->staffing.shifts[shift].hours / 24.0);
        sim_kernel_at(k, m->model, EV_SHIFT_START, m->now + 1.0, PORTS_PRIO_SHIFT_START, ev->a, 0, 0.0, NULL);
        break;
    }
    case EV_SHIFT_END: mdl__ports_end_shift(m, k, ev); break;
    case EV_MONTH: mdl__ports_next_month(m, k, ev); break;
    case EV_DAY_END: on_day_end(m, k, ev); break;
    case EV_WARMUP_END: on_warmup_end(m, k); break;
    case EV_RENEGE: on_renege(m, k, ev); break;
    case EV_POOL: mdl__ports_pool_shift(m, k); break;
    case EV_POOL_JOIN: mdl__ports_pool_join(m, k, ev); break;
    }
}

void mdl__ports_dispatch(struct mdl_ports *m, struct sim_kernel *k, size_t port)
{
    dispatch(m, k, port);
}
