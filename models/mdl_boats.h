/* mdl_boats.h: small boats across the Channel.
 *
 * Each calendar day is fit to launch or not: a two-state Markov chain whose stationary probability
 * is the month's `good_weather_share` and whose lag-1 autocorrelation is `weather_persistence`, so
 * good days cluster. The networks hold a stock of boats, replenished as a Poisson process and
 * reduced by seizures. People who chose the boat wait in a queue; on each good day, at the launch
 * hour, the networks launch up to min(capacity, stock, boats needed) boats. Occupancy is drawn
 * around a target that rises above `occupancy_mean` when boats are scarce relative to the queue
 * (elasticity `occupancy_adaptation`; 0 switches adaptation off). French patrols prevent a launch
 * with probability 1 - exp(-prevention_per_effort * patrol_effort): the boat is lost and its
 * occupants return. At sea each person dies with probability death_base *
 * (occupancy / reference)^crowding, capped at death_max; the others arrive. The price per person
 * follows the ratio of demand (queue) to supply (launchable places) with an elasticity, clamped.
 *
 * The outcome for each person goes to the listeners (mdl_boats_listen). Random streams: weather, supply,
 * launch (occupancy, prevention) and sea, so that a seizure lever does not shift the weather. */
#ifndef MDL_BOATS_H
#define MDL_BOATS_H

#include <stdint.h>

#include "../sim/sim_kernel.h"
#include "../sim/sim_out.h"
#include "mdl_component.h"
#include "mdl_scenario.h"

enum mdl_boats_process { MDL_BP_WEATHER, MDL_BP_SUPPLY, MDL_BP_LAUNCH, MDL_BP_SEA, MDL_BP_COUNT };

/* Name of stream `process` ("boats.weather"). */
const char *mdl_boats_stream_name(enum mdl_boats_process process);

enum mdl_boat_outcome { MDL_BOAT_PREVENTED, MDL_BOAT_DIED, MDL_BOAT_ARRIVED };

/* The outcome of one person who was on a launched boat. Plain data, valid during the callback. */
struct mdl_boats_report {
    double time;                   /* the launch, days */
    uint32_t person;               /* the id given to mdl_boats_join */
    enum mdl_boat_outcome outcome; /* prevented (returned), died at sea or arrived */
    double waited;                 /* days in the queue */
};

/* A subscriber to boat outcomes. `on_outcome` runs inside the launch event, person by person in
 * queue order, listeners in subscription order; it may join the queue again (mdl_boats_join). */
struct mdl_boats_listener {
    void *ctx;
    void (*on_outcome)(void *ctx, struct sim_kernel *k, const struct mdl_boats_report *r);
};

enum { MDL_BOATS_MAX_LISTENERS = 8 };

/* Output variable ids, set when the component declares its outputs: its shared data. */
struct mdl_boats_vars {
    int daily[12];
    int totals[12];
};

struct mdl_boats;

/* Adds a listener (copied) for every outcome of every later replication. Call once, when the
 * listener's model is created. SIM_EINVAL when MDL_BOATS_MAX_LISTENERS listen already. */
sim_status mdl_boats_listen(struct mdl_boats *b, const struct mdl_boats_listener *l);

/* Puts `person` in the queue for a boat. SIM_ENOMEM if the queue cannot grow. */
sim_status mdl_boats_join(struct mdl_boats *b, uint32_t person, double now);

/* Current price per person, EUR, and number of people waiting for a boat. */
double mdl_boats_price(const struct mdl_boats *b);
uint64_t mdl_boats_waiting(const struct mdl_boats *b);

/* The boat model as a component (mdl_component.h), named "small_boats": present when the scenario
 * has a population with a boat mode; its shared data is a struct mdl_boats_vars, its instance a
 * struct mdl_boats. Refreshes after every intervention. */
extern const struct mdl_component mdl_boats_component;

#endif
