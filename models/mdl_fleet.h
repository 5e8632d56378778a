/* mdl_fleet.h: hauliers and their vehicles, facilitated reuse, watch-lists and ANPR.
 *
 * Present when the lorry mode has a `fleet:` section and the scenario has a population. Each
 * replication draws a population of `hauliers`: fleet sizes from a discrete Pareto law
 * (P(size >= n) = n^-fleet_size_alpha, cut at fleet_size_max) and each haulier's secured share
 * from a Beta law of mean hauliers_secured_share and concentration secured_concentration (held as
 * a quantile, so an intervention on the mean moves every haulier). Vehicles are numbered 0..V-1
 * haulier by haulier; whether vehicle v is secured is a fixed pseudo-random function of v and a
 * key drawn per replication (no storage per vehicle).
 *
 * Boarding (through the population's vehicle hook, mdl_pop_set_vehicles): a self-organised attempt
 * tries a vehicle drawn uniformly among all vehicles (so a haulier in proportion to its fleet); its
 * security lets it through with probability 1 - secured_block if secured, else 1. A facilitated
 * attempt reuses, with reuse_probability, a vehicle from its port's facilitators' set of the
 * reuse_set_size vehicles last boarded in facilitated attempts (with reuse_other_port_share from
 * another port's set): complicit or repeatedly targeted, its security does not stop the attempt.
 * The boarded group then rides that vehicle through the control (mdl_ports_board_on).
 *
 * Watch-lists (mdl_watch.h): a port lists a vehicle (and with haulier_listing its haulier) when a
 * group is detected on it there, and when a group found in the UK within 72 hours is traced back
 * (trace_probability, trace_delay_days later) to a vehicle that passed it. ANPR at each arriving
 * lorry that carries a group (mdl_ports_set_anpr) checks the port's list (anpr_integration 0,
 * local) or every port's list, the others' from sharing_lag_days after listing (1, integrated);
 * a hit makes the lorry a watch-list selection. Clean lorries carry no vehicle identity: a listed
 * vehicle returning clean would only add a search of an empty lorry, which changes no detection
 * under the fixed-share policy, so such returns are neglected (under a capacity policy they would
 * cost search time: a stated limitation).
 *
 * Outputs, per port, in `totals`: watchlist_hits, vehicles_unsecured_found (groups found on a
 * vehicle its haulier had not secured), vehicle_traces (lorry drops traced to a vehicle that passed
 * the port: the inspector's "failures") and reused_vehicle_boardings.
 *
 * Streams, after every other model's: fleet.hauliers (the population of hauliers, per
 * replication), fleet.vehicles (the key of the vehicle draws: each attempt's vehicle, reuse and
 * group size are a hash of it, the person and the time, so that variants stay paired),
 * fleet.traces (UK traces). */
#ifndef MDL_FLEET_H
#define MDL_FLEET_H

#include "mdl_component.h"

/* The fleet as a component (mdl_component.h), named "fleet": present when a lorry mode has a fleet
 * section and the scenario a population. Needs "ports" and "population" (found at creation, and
 * hooked into: their outcome listener, ANPR check and vehicle chooser). Three streams; shared data
 * its output ids. Refreshes after any intervention (the secured share lives under modes). */
extern const struct mdl_component mdl_fleet_component;

/* The fleet instance of one workspace, as mdl_world_ws_find(ws, "fleet") returns it. */
struct mdl_fleet_inst;

/* The civil-penalty scheme's hooks (mdl_cecps_comp.c). `share` gives haulier h's secured share
 * given its base share (the Beta draw above); `traced` hears of a group found in the UK that was
 * traced back to `vehicle`, which passed `port`, with `size` people. Both run inside the port and
 * population models' events; `share` must not draw, `traced` may draw from its own streams. */
struct mdl_fleet_scheme {
    void *ctx;
    double (*share)(void *ctx, uint32_t haulier, double base);
    void (*traced)(void *ctx, struct sim_kernel *k, unsigned port, uint32_t vehicle, unsigned size);
};

/* Installs the scheme's hooks (copied) for every later replication; one at most: SIM_EINVAL when
 * hooks are installed already. Call when the scheme's instance is created. */
sim_status mdl_fleet_set_scheme(struct mdl_fleet_inst *f, const struct mdl_fleet_scheme *sc);

/* The haulier owning `vehicle` (a vehicle id of the current replication, as in the ports'
 * reports), and whether the vehicle is secured now. Read-only apart from a cache. */
uint32_t mdl_fleet_haulier_of(const struct mdl_fleet_inst *f, uint32_t vehicle);
bool mdl_fleet_vehicle_secured(struct mdl_fleet_inst *f, uint32_t vehicle);

#endif
