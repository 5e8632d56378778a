/* mdl_ports.h: lorries through the juxtaposed controls (Calais, Coquelles, Dunkerque, ...).
 *
 * Each port is a queueing system. Lorries bound for the UK arrive as a non-homogeneous Poisson
 * process whose rate follows an hour-of-day and day-of-week profile. A search uses one method, with
 * its own duration distribution (plus `selection.handling_min` of team and lorry time) and its own
 * probability of detecting each hidden group. Detected groups are returned to France; the others
 * cross and are recorded at a UK port, found in the UK within 72 hours, or not recorded.
 *
 * Selection (issue 13). Policy `capacity` (the baseline's): risk targeting flags each lorry on
 * arrival, a clean one with probability false_flag_share, one carrying hidden groups with
 * probability hit_share (a watch-list hit always: the `vehicles` hook in select_capacity). Flagged
 * lorries queue for a free team, watch-list hits first, then in arrival order, and leave unsearched
 * after tolerance_min of waiting (search_abandoned). A team that becomes free with nobody waiting
 * takes the next lorry to arrive (random selection: it may carry a group). So the searches a day
 * are what the teams can do, and officers change searches, detections and delay together. The
 * fixed-share policies `random` and `targeted` (share, lift) search a fixed share: officers only
 * shorten waits. Under every policy, while `max_queue` selected lorries wait, lorries due for a
 * search pass unsearched (selection_suspended).
 *
 * Officers (issue 13). Each port keeps a roster per shift (arrays sized at create time, grown only
 * when an intervention adds officers): each officer holds IFC1 or IFC2 (IFC2 also marks
 * `referral_trained`, for the civil-penalty referrals of the next issue), a personal-safety ticket
 * expiry day and a training state. At a shift's start every rostered officer is present unless
 * absent (one draw each); the present officers in ticket form teams of team_size, and a team with
 * an IFC2 member may use every method, the others only methods with `requires: ifc1`. The free
 * team that takes a search is IFC2-capable with probability (free such teams) / (free teams); it
 * draws its method from the shares of the methods it may use. On the first day of each month a
 * refresher renews refresher_per_month tickets, soonest expiry first (out-of-ticket officers cannot
 * search), and ifc2_throughput_per_month IFC1 officers enter training and hold IFC2
 * ifc2_delay_days later. The initial roster is deterministic: IFC2 holders spread evenly at
 * ifc2_share, tickets staggered over one validity period.
 *
 * Flexible pool (optional, scenario-level `flexible_pool`): every pool shift the rule picks a port
 * (longest queue, or most hidden groups carried since the last pool shift) and the pool's officers
 * (IFC2, in ticket) join it, after travel_min when they change port. Deterministic: no stream.
 *
 * Hidden groups reach the lorries through mdl_ports_board: the population model calls it (later),
 * and for now each port also generates groups at the exogenous rate `clandestine.groups_per_day`.
 * A boarded group rides the next lorry to arrive at that port. Every group's outcome (boarded
 * or exogenous) is reported to the listeners (mdl_ports_listen): the port model does not know who
 * they are.
 *
 * Only lorries that matter get events: candidates (flagged clean lorries under capacity), the first
 * other lorry after groups begin waiting, and under capacity the first other lorry after a team
 * became free with nobody waiting; the rest are counted by one Poisson draw per day (exact by the
 * thinning theorem; see mdl_ports_flow.c). No allocation in the event loop once the pools are warm.
 *
 * Random streams, one per (process, port), so that changing one port or one process leaves the
 * draws of the others untouched: see mdl_ports_stream. Issue 13 adds no stream: the officers' and
 * the pool's state is deterministic apart from the absence draws (staffing stream). */
#ifndef MDL_PORTS_H
#define MDL_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_kernel.h"
#include "../sim/sim_out.h"
#include "mdl_component.h"
#include "mdl_scenario.h"

/* The per-port random processes. */
enum mdl_ports_process {
    MDL_PP_TRAFFIC,     /* lorry arrival times */
    MDL_PP_STAFFING,    /* officer absence per shift */
    MDL_PP_SELECTION,   /* selection draws, one per lorry */
    MDL_PP_SEARCH,      /* method and duration of each search */
    MDL_PP_DETECTION,   /* detection of each hidden group */
    MDL_PP_RECORDING,   /* where a passed group is recorded */
    MDL_PP_CLANDESTINE, /* exogenous hidden groups: times and sizes */
    MDL_PP_PASSING,     /* lorries not due for selection: daily counts, and the carrier of waiting groups */
    MDL_PP_COUNT
};

/* Stream id of `process` at port `port` of a scenario with `nports` ports. The port model uses
 * stream ids [first, first + MDL_PP_COUNT * nports). */
size_t mdl_ports_stream(size_t first, size_t nports, enum mdl_ports_process process, size_t port);

/* Writes the name of stream `process` at `port` ("traffic.calais") into buf. */
void mdl_ports_stream_name(const struct mdl_scenario *s, enum mdl_ports_process process, size_t port,
                           char *buf, size_t len);

/* What happened to a hidden group riding a lorry. */
enum mdl_lorry_outcome {
    MDL_LORRY_DETECTED,   /* found in a search: returned to France */
    MDL_LORRY_AT_PORT,    /* crossed; recorded on arrival at a UK port */
    MDL_LORRY_WITHIN_72H, /* crossed; found in the UK within 72 hours */
    MDL_LORRY_UNRECORDED, /* crossed; never recorded */
    MDL_LORRY_RETURNED,   /* never rode: waiting to board when the port closed (mdl_ports_closure.c) */
};

/* How a searched (or queued) lorry was selected. Under the capacity policy: random = the next
 * lorry a free team took, targeted = flagged by risk targeting, watchlist = a watch-list hit
 * (searched first). Under the fixed-share policies every selection counts as random (random
 * policy) or targeted (targeted policy). */
enum mdl_ports_selkind { MDL_SEL_RANDOM, MDL_SEL_TARGETED, MDL_SEL_WATCHLIST, MDL_SEL_COUNT };

/* The vehicle id of a group that has none (exogenous groups, or no fleet model). */
#define MDL_VEHICLE_NONE UINT32_MAX

/* The group id of the groups a port generates itself (clandestine.groups_per_day). */
#define MDL_PORTS_EXOGENOUS UINT32_MAX

/* What the port model tells its listeners when a hidden group's fate is settled: detected in a
 * search, or crossed (and where it was recorded). Plain data, valid during the callback only.
 * Later models may add fields (vehicle, officer on duty); listeners read only what they need. */
struct mdl_ports_report {
    double time;                    /* simulation time of the outcome, days */
    unsigned port;                  /* index of the port in the scenario */
    uint32_t group;                 /* the id given to mdl_ports_board, or MDL_PORTS_EXOGENOUS */
    unsigned size;                  /* people in the group */
    enum mdl_lorry_outcome outcome; /* detected, or crossed and recorded where */
    uint32_t vehicle;               /* the lorry it rode (mdl_fleet.h), MDL_VEHICLE_NONE if unknown */
    enum mdl_ports_selkind selkind; /* how the lorry was selected, if it was searched */
};

/* A subscriber to group outcomes. `on_outcome` runs inside the port model's event, at the
 * outcome's time, in subscription order; it may schedule events and draw from its own streams but
 * must not call back into the port model except through mdl_ports_board. */
struct mdl_ports_listener {
    void *ctx;
    void (*on_outcome)(void *ctx, struct sim_kernel *k, const struct mdl_ports_report *r);
};

enum { MDL_PORTS_MAX_LISTENERS = 8 };

/* The ANPR check (vehicles hook b): `listed` says whether `vehicle` is on the watch-list port
 * `port` reads at time t. A lorry that is listed is selected for a search (a watch-list
 * selection, whatever the policy). It runs inside the port model's event and must not call back
 * into it; it may count but must not draw. */
struct mdl_ports_anpr {
    void *ctx;
    bool (*listed)(void *ctx, unsigned port, uint32_t vehicle, double t);
};

/* Output variable ids, set when the component declares its outputs: its shared data. */
struct mdl_ports_vars {
    const char **labels; /* the port dimension's labels (the scenario's names); owned */
    int port_dim;
    int daily[24];
    int totals[32];
    int delay_all; /* totals/freight_delay_p95_all_min, one scalar per replication */
};

struct mdl_ports;

/* Adds a listener (copied) for every group outcome of every later replication. Call once, when
 * the listener's model is created. SIM_EINVAL when MDL_PORTS_MAX_LISTENERS listen already. */
sim_status mdl_ports_listen(struct mdl_ports *m, const struct mdl_ports_listener *l);

/* Installs the ANPR check (copied) for every later replication; one at most. SIM_EINVAL when one
 * is installed already. */
sim_status mdl_ports_set_anpr(struct mdl_ports *m, const struct mdl_ports_anpr *a);

/* As mdl_ports_board, for a group hidden on vehicle `vehicle` (MDL_VEHICLE_NONE: unknown): the
 * lorry it rides is that vehicle (the first waiting group's, when several ride the same lorry). */
sim_status mdl_ports_board_on(struct mdl_ports *m, struct sim_kernel *k, unsigned port, uint32_t group,
                              unsigned size, uint32_t vehicle);

/* Puts a hidden group of `size` people at `port`; it rides the next lorry to arrive there, and its
 * outcome is reported under `group` (MDL_PORTS_EXOGENOUS marks the port's own groups).
 * SIM_ENOMEM if the group pool cannot grow. */
sim_status mdl_ports_board(struct mdl_ports *m, struct sim_kernel *k, unsigned port, uint32_t group,
                           unsigned size);

/* Whether an officer with referral training (an IFC2 holder among the first referral_trained_share
 * of them) is present on a shift at `port` now: a detection there can be referred for a civil
 * penalty (mdl_cecps.h). Pool officers do not refer. Read-only; false for a port out of range. */
bool mdl_ports_referral_on_duty(const struct mdl_ports *m, unsigned port);

/* The port model as a component (mdl_component.h), named "ports": always present, streams as
 * mdl_ports_stream with first = 0 relative to its range; its shared data is a struct
 * mdl_ports_vars (other components read port_dim); its instance is a struct mdl_ports. Refreshes
 * only when an intervention touched MDL_SECTION_PORTS. */
extern const struct mdl_component mdl_ports_component;

#endif
