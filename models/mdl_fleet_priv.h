/* mdl_fleet_priv.h: the fleet model's state, shared by mdl_fleet.c (hauliers, vehicles,
 * watch-lists, the model and the component) and mdl_fleet_groups.c (groups formed at a port,
 * riding one vehicle, settled member by member). Not part of the model's interface. */
#ifndef MDL_FLEET_PRIV_H
#define MDL_FLEET_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "mdl_fleet.h"
#include "mdl_lorry.h"
#include "mdl_pop.h"
#include "mdl_ports.h"
#include "mdl_scenario.h"

enum { FS_HAULIERS, FS_VEHICLES, FS_TRACES, FS_COUNT };

enum { V_HITS, V_UNSECURED, V_TRACES, V_REUSED, V_GROUPS, V_PEOPLE, V_COUNT };

enum { G_FREE, G_FORMING, G_ABOARD };
#define NONE UINT32_MAX

/* A group forming at a port, then riding its vehicle; members in a list of the member pool. */
struct fgrp {
    uint32_t head, next; /* first member; next free group */
    uint32_t vehicle;
    double pass; /* the vehicle's security pass for the members who join */
    uint16_t size, target;
    uint8_t port, state;
};

struct fmem {
    uint32_t person, next;
};

struct fleet_vars {
    int totals[V_COUNT];
};

struct fleet {
    const struct mdl_scenario *s;
    const struct mdl_lorry *l;
    const struct mdl_fleet *f;
    const struct sim_out_table *t;
    const struct fleet_vars *ids;
    size_t nports, first_stream, nh;
    double w0, w1;
    uint32_t *offset; /* nh + 1: first vehicle of each haulier; offset[nh] vehicles in all */
    double *quantile; /* each haulier's quantile of the secured-share law */
    double *secured;  /* each haulier's secured share */
    double mean_now;  /* the mean the shares were computed at */
    uint64_t key;     /* the replication's security key */
    uint32_t *recent; /* nports x reuse_set_size vehicles recently boarded through facilitators */
    size_t *nrecent, *rnext, rcap;
    bool last_reused; /* whether the vehicle `choose` just gave was reused, and when */
    double last_t;
    struct mdl_watch *veh, *hau;
    gsl_rng *rng[FS_COUNT];
    double last_pass;
    uint64_t vkey, draw_seed; /* counter-based draws of one attempt: see attempt_uniform */
    uint64_t draw_n;
    struct mdl_ports *ports;
    struct mdl_pop *pop;
    struct fgrp *grps; /* pools grown geometrically: a warm workspace never allocates */
    size_t ngrps;
    uint32_t gfree;
    struct fmem *mems;
    size_t nmems;
    uint32_t mfree;
    uint32_t *forming;                                   /* nports: the group forming there, NONE if none */
    sim_evh *form_ev;                                    /* nports: its formation deadline */
    uint64_t sent, settled, people_sent, people_settled; /* whole-run, for conservation */
    double *out;
    uint16_t model;
    struct mdl_fleet_scheme scheme; /* the civil-penalty scheme's hooks (mdl_fleet_set_scheme), or none */
    struct mdl_monthly *monthly;    /* the monthly table's counters, NULL if none */
};

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static inline bool in_window(const struct fleet *m, double t)
{
    return t >= m->w0 && t < m->w1;
}

static inline void add(struct fleet *m, double t, int v, unsigned port)
{
    if (in_window(m, t))
        m->out[m->t->offset[m->ids->totals[v]] + port] += 1.0;
}

/* The next uniform of the current attempt: a hash of the replication's key, the person and the
 * attempt's time, so that the same attempt draws the same vehicle (and group size) in every
 * variant of a replication (common random numbers, as the population's per-person streams). */
static inline double attempt_uniform(struct fleet *m)
{
    return (double)(mix64(m->draw_seed + ++m->draw_n * 0x9e3779b97f4a7c15ULL) >> 11) * 0x1.0p-53;
}

/* Groups (mdl_fleet_groups.c). Empties the pools and the forming groups (a new replication). */
void mdl__fleet_groups_reset(struct fleet *m);
/* The population's boarding hook (mdl_pop_vehicles.board): `person` joins the group forming at
 * `port` on `vehicle` (opening one), which boards when full. SIM_ENOMEM. */
sim_status mdl__fleet_board(void *ctx, struct sim_kernel *k, unsigned port, uint32_t person, uint32_t vehicle,
                            bool facilitated);
/* The group forming at `port` boards its vehicle now (or, at a closed port, goes back). */
void mdl__fleet_send(struct fleet *m, struct sim_kernel *k, unsigned port);
/* Settles every member of group g with the outcome in r (copied per member) and frees it. */
void mdl__fleet_settle(struct fleet *m, struct sim_kernel *k, uint32_t g, const struct mdl_ports_report *r);
/* Conservation of groups at the end of a replication: SIM_EINVARIANT (and the run fails) if not. */
sim_status mdl__fleet_conserved(struct fleet *m, struct sim_kernel *k);

#endif
