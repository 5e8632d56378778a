/* mdl_ports_priv.h: the port model's state, shared by mdl_ports.c (set-up, pools, totals) and
 * mdl_ports_flow.c (the event handlers). Not part of the model's interface. */
#ifndef MDL_PORTS_PRIV_H
#define MDL_PORTS_PRIV_H

#include "../sim/sim_stats.h"
#include "mdl_dist.h"
#include "mdl_monthly.h"
#include "mdl_ports.h"

enum mdl__ports_event {
    EV_ARRIVAL, /* a candidate lorry: one that is selected unless it finds the queue full */
    EV_CARRIER, /* the first non-candidate lorry after groups began waiting to board */
    EV_GROUP,
    EV_SEARCH_END,
    EV_SHIFT_START,
    EV_SHIFT_END,
    EV_DAY_END,
    EV_WARMUP_END,
    EV_MONTH,     /* first day of a calendar month: ticket refreshers and IFC2 training intakes */
    EV_POOL,      /* a flexible-pool shift begins: the rule picks its port */
    EV_POOL_JOIN, /* the pool's officers reach their port (after travel) */
    EV_RENEGE     /* capacity policy: a flagged lorry carrying groups reaches the end of its tolerance */
};

/* At equal times: bookkeeping first, then officers leaving before the next shift arrives (so that
 * a hand-over never doubles the teams), then everything else in insertion order. */
enum { PORTS_PRIO_BOOK = -10, PORTS_PRIO_SHIFT_END = -2, PORTS_PRIO_SHIFT_START = -1, PORTS_PRIO_FLOW = 0 };

#define MIN_PER_DAY    1440.0
#define PORTS_NONE     UINT32_MAX
#define WAIT_BIN_MIN   0.1
#define WAIT_BINS      20000
#define HOURS_PER_WEEK 168

/* Daily counters; the first D_NCOUNTS are also summed into per-replication totals. */
enum ports_dvar {
    D_ARRIVED,
    D_SELECTED,
    D_SUSPENDED,
    D_SEARCHED,
    D_GROUPS_CARRIED,
    D_GROUPS_DETECTED,
    D_GROUPS_PASSED,
    D_PEOPLE_CARRIED,
    D_PEOPLE_DETECTED,
    D_PEOPLE_PASSED,
    D_REC_PORT,
    D_REC_72H,
    D_UNRECORDED,
    D_ABANDONED,   /* capacity policy: flagged lorries that left unsearched after tolerance_min */
    D_SEARCH_IFC2, /* searches by methods that need IFC2 */
    D_DUTY_IFC1,   /* officer-days on duty able to search, holding IFC1 only */
    D_DUTY_IFC2,   /* officer-days on duty able to search, holding IFC2 */
    D_NO_TICKET,   /* officer-days present but out of ticket (cannot search) */
    D_NCOUNTS,
    D_TEAMS = D_NCOUNTS,
    D_QUEUE,
    D_WAIT,
    D_NVARS
};
enum ports_tvar {
    T_WAIT_MEAN = D_NCOUNTS,
    T_WAIT_P95,
    T_WAIT_MAX,
    T_QUEUE,
    T_TEAMS,
    T_BUSY,
    T_UTIL,
    T_SEARCH_MEAN,
    T_DELAY_MEAN,
    T_DETECT_SHARE,
    T_DELAY_P95,
    T_NVARS
};

struct grp {
    uint32_t id, next;
    uint32_t vehicle; /* vehicles hook (a): the lorry's vehicle, MDL_VEHICLE_NONE if unknown */
    uint16_t size;
    uint8_t selkind; /* enum mdl_ports_selkind of the lorry, once selected */
};

/* A deferred EV_SEARCH_END (mdl_ports_lazy.c): its time, order of scheduling and arguments. */
struct vev {
    double t;
    uint64_t seq;
    uint32_t a, l; /* as the event's a (port, method, IFC2) and b (the lorry) */
    double x;      /* as the event's x (the lorry's delay, minutes) */
};

/* pt->carrier of a deferred carrier (mdl_ports_lazy.c); never a kernel handle. */
#define PORTS_DEFERRED UINT64_MAX

struct lorry {
    double t_arrive;
    double search_min; /* duration of its search, once started */
    sim_evh renege;    /* capacity policy: its pending EV_RENEGE (carriers only), 0 if none */
    uint32_t groups;   /* first group riding it, PORTS_NONE if clean */
    uint32_t vehicle;  /* vehicle id (the fleet model's hook); 0 while no fleet model runs */
    uint8_t kind;      /* enum mdl_ports_selkind: how it was selected */
};

struct method {
    double cum_share, detection;
    double cum_ifc1; /* cumulative share among the methods an IFC1-only team may use */
    struct mdl_sampler time_min;
};

/* One officer of a port's roster. */
struct officer {
    double ticket_until;      /* day its personal-safety ticket expires */
    double trained_at;        /* day it will hold IFC2 while in training, INFINITY otherwise */
    uint8_t qual;             /* enum mdl_qual */
    uint8_t referral_trained; /* may refer civil penalties: IFC2 holders, referral_trained_share of them */
};

enum { PORTS_MAX_SHIFTS = 24 };

struct port {
    const struct mdl_port *p;
    double rate[HOURS_PER_WEEK];    /* lorries per day in each hour of the week from t = 0 */
    double cum[HOURS_PER_WEEK + 1]; /* lorries expected from t = 0 to the start of each hour */
    double share;                   /* selection share of clean lorries (the candidates' thinning) */
    double hit_extra;               /* capacity: P(flag) of a non-candidate carrier, (hit - ff)/(1 - ff) */
    double groups_rate;             /* exogenous groups per day */
    double *size_cum;               /* cumulative group-size weights, normalised */
    struct method *methods;
    gsl_rng *rng[MDL_PP_COUNT];
    uint32_t *ring; /* FIFO of waiting lorries */
    size_t ring_cap, head, len;
    size_t nwatch;                     /* watch-list hits at the front of the ring (they go first) */
    uint32_t pend_head, pend_tail;     /* groups waiting to board */
    unsigned officers, teams, busy;    /* officers on duty able to search, their teams, teams searching */
    unsigned officers2, teams2, busy2; /* of which holding IFC2, teams with an IFC2 member, searching */
    unsigned referral_on;   /* present officers with referral training (mdl_ports_referral_on_duty) */
    struct officer *roster; /* officer j of shift s at roster[s * stride + j] */
    size_t stride;          /* roster capacity per shift */
    unsigned hired[PORTS_MAX_SHIFTS];    /* officers of each shift initialised this replication */
    double refresh_credit, train_credit; /* fractions of a monthly intake carried over */
    double others_from;                  /* non-candidate lorries before this time are counted */
    double mass_t, mass_at;              /* traffic_mass at mass_t (a cache: NAN before any) */
    sim_evh carrier;                     /* pending EV_CARRIER event, PORTS_DEFERRED, 0 if none */
    struct vev *vq;                      /* deferred search ends, in scheduling order */
    size_t vq_n, vq_cap;
    double vcar_t; /* time of the deferred carrier, INFINITY if none */
    uint64_t vcar_seq;
    double vmin;     /* earliest deferred event, INFINITY if none */
    sim_evh arrival; /* pending EV_ARRIVAL (the next candidate), 0 if none */
    sim_evh group;   /* pending EV_GROUP (the next exogenous group), 0 if none */
    struct sim_tavg queue_t, teams_t, busy_t;
    double day_area_queue, day_area_teams; /* tavg areas at the start of the current day */
    double day_wait_sum, day_wait_n;
    struct sim_welford wait, search;
    struct sim_hist wait_hist;
    struct sim_hist delay_hist; /* freight delay of the delayed lorries (searched or abandoned) */
    double delay_sum;
    double cnt[D_NCOUNTS];
    uint64_t all_carried, all_resolved, in_system; /* whole-run group accounting (conservation) */
};

struct mdl_ports {
    const struct mdl_scenario *s;
    const struct sim_out_table *t;
    const struct mdl_ports_vars *ids;
    size_t nports, first_stream, ndays;
    double w0, w1; /* analysis window [w0, w1) */
    double now;    /* time of the event being handled, kernel or deferred (mdl_ports_lazy.c) */
    uint64_t vseq; /* scheduling order of deferred events */
    struct port *ports;
    struct grp *grps;
    size_t ngrps_cap;
    uint32_t grp_free;
    struct lorry *lorries;
    size_t nlorries_cap;
    uint32_t lorry_free;
    double *out;
    const unsigned char *months; /* calendar month of each simulated day */
    uint16_t model;
    int in_window;
    struct sim_hist delay_all; /* delay_hist over every port */
    size_t pool_port;          /* port of the flexible pool's last shift, SIZE_MAX before */
    uint64_t pool_mark[16];    /* each port's groups carried when that shift began */
    struct mdl_ports_listener listeners[MDL_PORTS_MAX_LISTENERS];
    size_t nlisteners;
    struct mdl_ports_anpr anpr; /* vehicles hook (b); listed == NULL without a fleet model */
    struct port *next;          /* nports: the ports re-derived by refresh, before they are applied */
    double *divert_mem;         /* 2 x nports x HOURS_PER_WEEK: scratch of mdl__ports_divert */
    /* The monthly table's counters (mdl_monthly.h), NULL if none. */
    struct mdl_monthly *monthly;
};

/* Adds n to daily counter v of `port` on the day of `now` (and to its totals), in the window. */
static inline void count(struct mdl_ports *m, double now, size_t port, enum ports_dvar v, double n)
{
    if (!m->in_window || now >= m->w1)
        return;
    size_t day = (size_t)(now - m->w0);
    if (day >= m->ndays)
        day = m->ndays - 1;
    m->out[m->t->offset[m->ids->daily[v]] + day * m->nports + port] += n;
    m->ports[port].cnt[v] += n;
}

/* Counts one delayed lorry's freight delay (minutes) in the window: mean and 95th percentile. */
static inline void mdl__ports_delay(struct mdl_ports *m, struct port *pt, double t, double minutes)
{
    if (!m->in_window || t >= m->w1)
        return;
    pt->delay_sum += minutes;
    sim_hist_add(&pt->delay_hist, minutes);
    sim_hist_add(&m->delay_all, minutes);
}

/* A port without groups, waiting to board or in its control: its lorries are all clean, so their
 * carriers and search ends affect nothing outside the port and may be deferred. */
static inline bool mdl__ports_groupless(const struct port *pt)
{
    return pt->pend_head == PORTS_NONE && pt->in_system == 0;
}

/* Reports a group's outcome at `port` to every listener (mdl_ports.c). */
void mdl__ports_report(struct mdl_ports *m, struct sim_kernel *k, size_t port, const struct grp *gr,
                       enum mdl_lorry_outcome o);

/* Closures (mdl_ports_closure.c): rewrites the rates of arr (nports ports derived from their own
 * parameters) for the ports' open shares and freight diversion; returns the groups waiting at
 * closed ports to their population (outcome MDL_LORRY_RETURNED); fails the replication if a
 * group is still waiting at a closed port. */
void mdl__ports_divert(struct mdl_ports *m, struct port *arr);
void mdl__ports_return_closed(struct mdl_ports *m, struct sim_kernel *k);
sim_status mdl__ports_check_closed(const struct mdl_ports *m, struct sim_kernel *k);

/* Pools (mdl_ports.c). */
uint32_t mdl__ports_lorry_alloc(struct mdl_ports *m, struct sim_kernel *k);
void mdl__ports_lorry_release(struct mdl_ports *m, uint32_t l);

/* Deferred events (mdl_ports_lazy.c). A port without groups has no kernel events for its clean
 * lorries' arrivals (carriers) and search ends: they wait in the port and are handled, in the
 * order of their times, just before the next thing that may see the port (any port event, a
 * boarding, an intervention, the end of the run). Each port draws from its own streams in the
 * same order either way, so results are those of kernel events. */
/* Schedules the carrier at t (deferred while the port has no groups) into pt->carrier. */
void mdl__ports_carrier_at(struct mdl_ports *m, struct sim_kernel *k, size_t port, double t);
/* Cancels the pending carrier (deferred or not); none pending is a no-op. */
void mdl__ports_cancel_carrier(struct mdl_ports *m, struct sim_kernel *k, size_t port);
/* Schedules EV_SEARCH_END with (a, l, x) at t, deferred while the port has no groups. */
void mdl__ports_search_end_at(struct mdl_ports *m, struct sim_kernel *k, size_t port, double t, uint32_t a,
                              uint32_t l, double x);
/* Handles every port's deferred events before `until` (and at `until` if `inclusive`); sets
 * m->now to until. */
void mdl__ports_advance(struct mdl_ports *m, struct sim_kernel *k, double until, bool inclusive);
/* Turns the port's deferred events into kernel events (a group is about to reach it). */
void mdl__ports_realize(struct mdl_ports *m, struct sim_kernel *k, size_t port);
/* Forgets every deferred event (a new replication); SIM_ENOMEM if the first queue cannot be had. */
sim_status mdl__ports_lazy_reset(struct port *pt);

/* Event handling (mdl_ports_flow.c). */
/* A lorry arrives at `port` at m->now: a candidate or the carrier of waiting groups. */
void mdl__ports_on_lorry(struct mdl_ports *m, struct sim_kernel *k, size_t port, bool candidate);
/* A search ends at m->now (the arguments of EV_SEARCH_END). */
void mdl__ports_on_search_end(struct mdl_ports *m, struct sim_kernel *k, uint32_t a, uint32_t l, double x);
void mdl__ports_handle(void *self, struct sim_kernel *k, const struct sim_event *ev);
void mdl__ports_schedule_arrival(struct mdl_ports *m, struct sim_kernel *k, size_t port);
void mdl__ports_schedule_group(struct mdl_ports *m, struct sim_kernel *k, size_t port);
void mdl__ports_count_others(struct mdl_ports *m, size_t port, double t);
/* After the port's rates changed: redraws the pending candidate arrival and carrier (traffic) and
 * the next exogenous group (groups), exact by memorylessness. */
void mdl__ports_retime(struct mdl_ports *m, struct sim_kernel *k, size_t port, bool traffic, bool groups);
void mdl__ports_await_carrier(struct mdl_ports *m, struct sim_kernel *k, size_t port);
/* The roster (mdl_ports_staff.c): capacity for the shifts' officer counts (SIM_ENOMEM), officers
 * hired up to those counts at `now`, the monthly refresher and training intakes. */
sim_status mdl__ports_roster_fit(struct port *pt);
void mdl__ports_roster_hire(struct port *pt, double now);
void mdl__ports_month(struct mdl_ports *m, size_t port, double now);
/* EV_MONTH at one port (mdl_ports.c); the last port's schedules the next month's. */
void mdl__ports_next_month(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev);
/* A shift instance begins (present officers in ticket form teams) and, `length` days later, ends. */
void mdl__ports_begin_shift(struct mdl_ports *m, struct sim_kernel *k, size_t port, size_t shift,
                            double length);
void mdl__ports_end_shift(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev);
/* The flexible pool (mdl_ports_staff.c): the first pool shift at init, then EV_POOL and
 * EV_POOL_JOIN. No-ops without flexible_pool. */
void mdl__ports_pool_init(struct mdl_ports *m, struct sim_kernel *k);
void mdl__ports_pool_shift(struct mdl_ports *m, struct sim_kernel *k);
void mdl__ports_pool_join(struct mdl_ports *m, struct sim_kernel *k, const struct sim_event *ev);
/* Starts searches while teams are free and lorries wait (mdl_ports_flow.c). */
void mdl__ports_dispatch(struct mdl_ports *m, struct sim_kernel *k, size_t port);

#endif
