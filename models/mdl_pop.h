/* mdl_pop.h: the staging population in northern France and its choice between entry modes.
 *
 * People arrive as a non-homogeneous Poisson process (monthly rates) on top of an initial stock and
 * draw attributes on arrival: budget, documents, risk tolerance, patience, and which modes they are
 * eligible for. After a preparation delay, and after every failed attempt (after a return delay),
 * each person chooses among the modes they can afford and are eligible for, waiting, and leaving,
 * by multinomial or nested logit (mdl_choice.h) on utilities built from beliefs of success,
 * prices, perceived risk and expected waits. Lorry choosers pick a port (in proportion to its
 * traffic times belief^b_success) and try to board before the control (mdl_lorry.h: facilitation,
 * perimeter and vehicle security): a boarded person rides a
 * real lorry through the port model (mdl_ports.h). Boat choosers queue for a boat (mdl_boats.h).
 * Other modes are generic: an attempt takes a while, then ends in death, detection or arrival.
 * What differs between these kinds of mode is one table of operations per kind (mdl_pop_modes.c).
 *
 * Beliefs of success (per mode, and per port for lorries) and of the wait (per mode) are community
 * beliefs: exponentially smoothed daily outcome rates, known after an information delay; a
 * person's own failures with a mode discount its belief by 1 / (1 + own_weight * failures). With
 * learning off they stay at the scenario's values, which makes choice shares analytic.
 *
 * Every person draws from a private counter-based stream keyed by (replication, arrival serial),
 * so the n-th arrival has the same attributes and the same uniform numbers in every variant of a
 * study: the comparison between variants is paired at the level of each person. Inflow times come
 * from their own stream. Conservation (inflow = final stock - initial stock + arrivals + leavers
 * + deaths) is checked at the end of every replication, for the whole run and for the analysis
 * window; a violation stops the run with SIM_EINVARIANT. */
#ifndef MDL_POP_H
#define MDL_POP_H

#include <stdint.h>

#include <stdbool.h>
#include <stdint.h>

#include "../sim/sim_kernel.h"
#include "../sim/sim_out.h"
#include "mdl_boats.h"
#include "mdl_ports.h"
#include "mdl_scenario.h"

enum mdl_pop_process { MDL_POP_INFLOW, MDL_POP_PEOPLE, MDL_POP_COUNT };

/* Name of stream `process` ("population.inflow", "population.people"). */
const char *mdl_pop_stream_name(enum mdl_pop_process process);

/* Output variable ids, set when the component declares its outputs: its shared data. */
struct mdl_pop_vars {
    const char **labels; /* the mode dimension's labels (the scenario's names); owned */
    int mode_dim;
    int daily[16];
    int totals[24];
};

struct mdl_pop;

/* The vehicle a lorry boarding attempt tries (the vehicles hook, mdl_fleet.h): its id and the
 * probability that its security lets the attempt through. */
struct mdl_pop_vehicle {
    uint32_t vehicle;
    double security_pass;
};

/* Chooses the vehicle of every lorry attempt at `port` (`choose`, may draw from the chooser's own
 * streams) and takes over every boarding on it (`board`: the chooser puts person `person` on the
 * lorry through mdl_ports_board_on itself, alone or in a group whose id has MDL_POP_GROUP_TAG
 * set, and reports each member's outcome back with mdl_pop_lorry_settled). Both run inside the
 * population's events and must not call back into it except through mdl_pop_lorry_settled. */
struct mdl_pop_vehicles {
    void *ctx;
    struct mdl_pop_vehicle (*choose)(void *ctx, struct sim_kernel *k, unsigned port, uint32_t person,
                                     bool facilitated);
    sim_status (*board)(void *ctx, struct sim_kernel *k, unsigned port, uint32_t person, uint32_t vehicle,
                        bool facilitated);
};

/* Group ids with this bit are a vehicle chooser's groups: the population's own port listener
 * ignores them (person ids stay below it). */
#define MDL_POP_GROUP_TAG 0x80000000u

/* Settles the lorry attempt of the person r->group (a person id) with outcome r->outcome at
 * r->port, at the current time, as the population's own port listener does. */
void mdl_pop_lorry_settled(struct mdl_pop *p, struct sim_kernel *k, const struct mdl_ports_report *r);

/* Installs the vehicle chooser (copied) for every later replication; one at most. SIM_EINVAL
 * when one is installed already. Without one, boarding uses the mode-wide secured share. */
sim_status mdl_pop_set_vehicles(struct mdl_pop *p, const struct mdl_pop_vehicles *v);

/* The population as a component (mdl_component.h), named "population": present when the scenario
 * has a population section. Needs the "ports" component (and "small_boats" when present), found
 * and listened to at creation. Its shared data is a struct mdl_pop_vars, its instance a struct
 * mdl_pop. Refreshes after every intervention (lorry port choice weighs ports' traffic too). */
extern const struct mdl_component mdl_pop_component;

#endif
