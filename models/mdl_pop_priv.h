/* mdl_pop_priv.h: state of the population model shared by mdl_pop.c (outputs, creation) and
 * mdl_pop_run.c (the replication). Nothing else includes it. */
#ifndef MDL_POP_PRIV_H
#define MDL_POP_PRIV_H

#include <stdbool.h>

#include <gsl/gsl_rng.h>

#include "mdl_choice.h"
#include "mdl_dist.h"
#include "mdl_pop.h"

enum mdl__pop_event { EV_INFLOW, EV_DECIDE, EV_ATTEMPT, EV_DAY, EV_WINDOW };

/* Beliefs and windows move before anything else that happens at the same instant. */
enum { POP_PRIO_WINDOW = -12, POP_PRIO_DAY = -11, POP_PRIO_FLOW = 0 };

enum { MDL__POP_MAX_MODES = 16, MDL__POP_NONE = UINT32_MAX };

/* Per-mode counters, daily [day, mode] and totals [mode]. */
enum pop_mvar { M_CHOICES, M_ATTEMPTS, M_PREVENTED, M_ARRIVALS, M_DEATHS, M_NCOUNT };
/* Per-mode levels, daily [day, mode] at the end of each day. */
enum pop_lvar { L_BELIEF, L_WAIT, L_PRICE, L_NLEVEL };
/* Population counters, daily [day] and totals. */
enum pop_pvar { P_INFLOW, P_LEAVERS, P_WAITED, P_NCOUNT };
/* Totals only. */
enum pop_tvar { T_STOCK_START, T_STOCK_END, T_REC_PORT, T_REC_72H, T_UNRECORDED, T_NTOTAL };

/* Variable id slots in struct mdl_pop_vars. */
enum {
    DI_MODE = 0,
    DI_LEVEL = DI_MODE + M_NCOUNT,
    DI_POP = DI_LEVEL + L_NLEVEL,
    DI_STAGING = DI_POP + P_NCOUNT
};
enum {
    TI_MODE = 0,
    TI_POP = TI_MODE + M_NCOUNT,
    TI_TOTAL = TI_POP + P_NCOUNT,
    TI_PORT = TI_TOTAL + T_NTOTAL
};

/* Failure counts kept in the person record; modes beyond them count in mdl_pop.fails_hi. */
enum { MDL__POP_INLINE_FAILS = 8, MDL__POP_HI_FAILS = MDL__POP_MAX_MODES - MDL__POP_INLINE_FAILS };

/* One cache line per person: a decision or an outcome touches one line, not two. */
struct mdl__person {
    _Alignas(64) double t_in;
    double t_choice;
    double budget, inv_risk_tol, inv_patience; /* reciprocals: decisions multiply */
    union {
        uint32_t serial; /* alive: the person's stream is lane `serial` of the people key, */
        uint32_t next;   /* retired: the free list */
    };
    uint32_t block; /* at block `block` */
    uint16_t failures, eligible;
    uint8_t mode, port, facilitated;
    uint8_t fails[MDL__POP_INLINE_FAILS]; /* failures of modes 0..7; see mdl__pop_fails */
};
_Static_assert(sizeof(struct mdl__person) == 64, "a person is one cache line");

/* A belief channel: one per mode, and one per port for the lorry mode's port choice. */
struct mdl__channel {
    double belief, wait;
    double pick; /* port channels: lorries_per_year x belief^b_success, refreshed with beliefs */
    double *succ, *n, *wait_sum, *wait_n; /* ring of daily outcomes, `ring` days */
};

/* What the population does differently for each kind of mode (MDL_MODE_BOAT, _LORRY, _GENERIC):
 * one table per kind in mdl_pop_modes.c, chosen by mdl__pop_kind_of. A new kind of mode is a new
 * table there. Every operation works on mode index m of p->modes. */
struct mdl__pop_kind {
    /* Caches the mode's derived parameters (samplers, effective probabilities) from the scenario;
     * called at creation and after every intervention. */
    void (*derive)(struct mdl_pop *p, size_t m);
    /* At the start of a replication: checks what derive computed. SIM_OK or SIM_EINVARIANT (the
     * run is failed with a message). NULL: nothing to check. */
    sim_status (*check)(struct mdl_pop *p, struct sim_kernel *k, size_t m);
    /* The mode's price today, EUR: the daily price level, and what a person must afford. */
    double (*price)(const struct mdl_pop *p, size_t m);
    /* The price person q expects to pay, EUR, weighed in the utility. A pure function: it is asked
     * only for modes open to q. */
    double (*expected_price)(const struct mdl_pop *p, const struct mdl__person *q, size_t m);
    /* Whether the mode is open to q now, given that q is eligible for it (budget, capacity). */
    bool (*available)(const struct mdl_pop *p, const struct mdl__person *q, size_t m);
    /* Person i chose the mode at t; r is positioned at i's stream. Must release i's stream
     * (mdl__pop_release) and either schedule the attempt (mdl__pop_schedule_attempt) or hand i
     * to another model, which reports the outcome back. */
    void (*begin)(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t, gsl_rng *r);
    /* The attempt scheduled by begin, settled from two uniforms drawn in this order: ends in
     * mdl__pop_died, mdl__pop_failed, mdl__pop_arrived, or a hand-over. NULL if begin never
     * schedules one. */
    void (*attempt)(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t, double u_death,
                    double u_pass);
};

/* The operations of mode kind `kind` (mdl_pop_modes.c). */
const struct mdl__pop_kind *mdl__pop_kind_of(enum mdl_mode_kind kind);

struct mdl__mode {
    const struct mdl__pop_kind *kind;
    double v_fixed;    /* asc + b_success ln(belief) - b_wait wait, refreshed when beliefs move */
    double log_belief; /* ln(belief), refreshed with v_fixed */
    const struct mdl_mode *m;
    struct mdl_sampler attempt;
    double detection; /* generic: effective detection probability */
    double capacity;  /* generic: attempts per day, 0 = unlimited */
    unsigned started; /* attempts started today */
};

struct mdl_pop {
    const struct mdl_scenario *s;
    const struct mdl_population *pp;
    const struct mdl_choice *ch;
    const unsigned char *months;
    const struct sim_out_table *t;
    const struct mdl_pop_vars *ids;
    size_t first_stream, nmodes, nports, nchan, ndays, ring;
    double w0, w1, t0, alpha;
    double revert; /* daily weight of reversion to the advertised beliefs (0: none) */
    struct mdl_ports *ports;
    struct mdl_boats *boats;
    int lorry_mode;
    struct mdl__mode modes[MDL__POP_MAX_MODES];
    struct mdl__channel *chan;
    double *chan_mem;
    double rate[12], rate_max;
    sim_evh inflow_ev;   /* the pending EV_INFLOW, 0 if none */
    double *port_weight; /* lorries per year of each port */
    struct mdl_sampler prep, ret, wait, budget, risk, patience;
    struct mdl_choice_set cs;
    double log_own[256]; /* ln(1 + own_weight f): the own-failure discount of f failures, in logs */
    double log_floor;
    struct mdl__person *people; /* 64-byte aligned */
    uint8_t *fails_hi;          /* [cap][MDL__POP_HI_FAILS], failures of modes 8..15; NULL with fewer modes */
    size_t cap;
    uint32_t free_head;
    gsl_rng *inflow, *prng;
    uint64_t people_seed, serial;
    /* whole-run accounting for the conservation check */
    uint64_t initial, live, in_all, arrived_all, left_all, died_all;
    uint64_t in_w, arrived_w, left_w, died_w, stock_w;
    bool window_open;
    double *out;
    uint16_t model, boats_model;
    struct mdl_pop_vehicles vehicles; /* the fleet model's chooser; choose == NULL without one */
};

/* Person i's count of failed attempts of mode m (saturating at UINT8_MAX). */
static inline uint8_t *mdl__pop_fails(struct mdl_pop *p, uint32_t i, size_t m)
{
    return m < MDL__POP_INLINE_FAILS
               ? &p->people[i].fails[m]
               : &p->fails_hi[(size_t)i * MDL__POP_HI_FAILS + (m - MDL__POP_INLINE_FAILS)];
}

/* Allocates room for `cap` people (p->people, and p->fails_hi with more than 8 modes), copying the
 * first `keep` of the old arrays and freeing them. SIM_ENOMEM leaves both untouched (mdl_pop.c). */
sim_status mdl__pop_alloc_people(struct mdl_pop *p, size_t cap, size_t keep);

/* Adds x to daily variable slot `dvar` (at [day], or [day, mode] when mode >= 0) and to totals slot
 * `tvar` ([mode] or scalar) when t lies in the analysis window. */
void mdl__pop_count(struct mdl_pop *p, double t, int dvar, int tvar, int mode, double x);

/* Index of the analysis-window day holding t, or -1 outside the window. */
long mdl__pop_day(const struct mdl_pop *p, double t);

/* The value of totals slot `slot` (element 0) in the replication's buffer. */
double *mdl__pop_total(struct mdl_pop *p, int slot);

/* Subscribes the model to the outcomes of the ports and the boats (mdl_pop_modes.c). SIM_EINVAL
 * when either has no room for another listener. */
sim_status mdl__pop_listen(struct mdl_pop *p);

/* Person i's stream, positioned where its last draw left it; pair with mdl__pop_release
 * (mdl_pop_run.c). */
gsl_rng *mdl__pop_draws(struct mdl_pop *p, uint32_t i);
void mdl__pop_release(struct mdl_pop *p, uint32_t i);

/* Draws the delay of person i's attempt of its chosen mode from r (i's stream), releases the
 * stream and schedules EV_ATTEMPT. */
void mdl__pop_schedule_attempt(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t, gsl_rng *r);

/* The ends of an attempt of person i at t: returned to France (decides again after a return
 * delay), dead or arrived in the UK (leaves the population). Count and feed beliefs. */
void mdl__pop_failed(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t);
void mdl__pop_died(struct mdl_pop *p, uint32_t i, double t);
void mdl__pop_arrived(struct mdl_pop *p, uint32_t i, double t);

/* Recomputes everything the model caches from its parameters (mdl_pop.c). */
void mdl__pop_derive(struct mdl_pop *p);

/* The kernel callbacks, bind and refresh of the component (mdl_pop_run.c; see mdl_component.h). */
extern const struct sim_model mdl__pop_model;
void mdl__pop_bind(struct mdl_pop *p, double *rep_values, uint16_t model_id);
/* Recomputes what the model caches from its parameters after an intervention changed them (k is
 * NULL before a replication starts); with k, redraws the next arrival if the inflow changed. */
void mdl__pop_refresh(struct mdl_pop *p, struct sim_kernel *k);

#endif
