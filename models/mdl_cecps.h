/* mdl_cecps.h: the Clandestine Entrant Civil Penalty Scheme as a chain of queues and a ledger.
 *
 * In the full model the component mdl_cecps_component (mdl_cecps_comp.c) calls mdl_cecps_refer
 * for every group the ports detect on a known vehicle and every lorry drop the fleet traces to a
 * vehicle, and the fleet reads mdl_cecps_secured for each vehicle's security (see there).
 * The incident is referred for a penalty when an officer qualified to refer is on duty, otherwise
 * with probability `unqualified_referral_share`. A referral becomes a case in the caseworker
 * team's FIFO queue; the team is a multi-server queue whose caseworkers work a daily shift on
 * working days and are absent on a day with probability `absence_share`. Each case type (new
 * referral, new information, challenge) has its own work-time distribution (hours of work,
 * multiplied by the IPM factor once the case-management system has ramped up); a case that no
 * caseworker has started within `statutory_days` of its arrival lapses.
 *
 * A decided referral imposes, with probability `impose_share`, a penalty on each of the
 * `responsible_persons`: entrants x the per-entrant maximum in force on the incident's date x
 * `penalty_level_share`, plus the failure-to-secure penalty per vehicle when the vehicle was not
 * adequately secured; both x `accredited_factor` for an accredited haulier. A share of penalties is
 * challenged (a challenge case after a delay): it succeeds (cancelled), is reduced, or is upheld.
 * Then the debt is collected after an exponential delay, or written off. Money is conserved:
 * imposed = collected + reduced + written off + outstanding, checked against per-haulier debts.
 *
 * Hauliers apply for accreditation (CPAS) at a rate; a small team (the same queue machinery)
 * decides applications; accredited hauliers secure their vehicles. Every other haulier perceives
 * a penalty risk (GBP per day): an exponential smoothing, with time constant `perception_lag_days`,
 * of the penalties it received and of the industry's penalties per haulier, times the engagement
 * factor. It reviews its decision at rate 1/`review_days` and secures with the logit probability
 * 1 / (1 + exp(-(risk - security_cost) / logit_scale)).
 *
 * Random streams (MDL_CECPS_NSTREAMS from `first_stream`): referral discretion and decisions,
 * work times, the ledger (challenges, collection), the daily draws (absence, haulier reviews; the
 * stream is repositioned each day so that variants stay on common random numbers), and CPAS.
 * Not thread-safe: one model per replication workspace. */
#ifndef MDL_CECPS_H
#define MDL_CECPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_kernel.h"
#include "../sim/sim_out.h"
#include "mdl_component.h"
#include "mdl_scenario.h"

/* Random streams the model draws from, in order from its first stream. */
enum mdl_cecps_stream {
    MDL_CECPS_S_REFER,
    MDL_CECPS_S_WORK,
    MDL_CECPS_S_LEDGER,
    MDL_CECPS_S_DAY,
    MDL_CECPS_S_CPAS,
    MDL_CECPS_NSTREAMS
};

/* Name of stream `s` ("cecps.refer"), for the results file's list of seeds. */
const char *mdl_cecps_stream_name(enum mdl_cecps_stream s);

/* Fills *p with the documented defaults. */
void mdl_cecps_params_default(struct mdl_cecps_params *p);

/* Checks every field against its documented range. SIM_EINVAL with "field: must be ..., got X" in
 * err (size n, always terminated when n > 0) for the first bad field; SIM_OK otherwise. */
sim_status mdl_cecps_params_check(const struct mdl_cecps_params *p, char *err, size_t n);

/* Output variable ids, set by mdl_cecps_declare. */
struct mdl_cecps_vars {
    int totals[24];
    int yearly[20];
    int daily[2];
};

/* Adds the scheme's totals, its yearly report over `year_dim` (year of the analysis window, 365.25
 * days each) and its daily series over `day_dim`. SIM_EINVAL from sim_out_add_var. */
sim_status mdl_cecps_declare(struct sim_out_table *t, int day_dim, int year_dim, struct mdl_cecps_vars *ids);

/* Number of years the yearly report needs for a window of `horizon_days`. */
size_t mdl_cecps_years(double horizon_days);

struct mdl_cecps;

/* Creates the scheme for `hauliers` hauliers (> 0). `p` is borrowed (interventions may change it;
 * call mdl_cecps_refresh after) and must pass mdl_cecps_params_check. `start_date` (YYYYMMDD) is
 * day 0; the analysis window is [warmup_days, warmup_days + horizon_days). Streams
 * [first_stream, first_stream + MDL_CECPS_NSTREAMS). SIM_EINVAL on a bad date or no hauliers;
 * SIM_ENOMEM. */
sim_status mdl_cecps_create(const struct mdl_cecps_params *p, uint32_t hauliers, int32_t start_date,
                            double warmup_days, double horizon_days, const struct sim_out_table *t,
                            const struct mdl_cecps_vars *ids, size_t first_stream, struct mdl_cecps **out);

/* Frees the model; accepts NULL. */
void mdl_cecps_destroy(struct mdl_cecps *m);

/* Prepares the next replication: outputs go to `rep_values` (zeroed by the caller), events carry
 * `model_id`. */
void mdl_cecps_bind(struct mdl_cecps *m, double *rep_values, uint16_t model_id);

/* Recomputes the cached work-time samplers after an intervention changed the parameters. */
void mdl_cecps_refresh(struct mdl_cecps *m);

/* Reports a clandestine incident in a vehicle of `haulier` at `port` (unused until the ports
 * report per port) with `entrants` people found; `unsecured` when the vehicle was not adequately
 * secured. SIM_EINVAL for a haulier out of range; SIM_ENOMEM if the case pool cannot grow. */
sim_status mdl_cecps_refer(struct mdl_cecps *m, struct sim_kernel *k, unsigned port, uint32_t haulier,
                           unsigned entrants, bool accredited, bool qualified_on_duty, bool unsecured);

/* Counts `vehicles` searched at the controls at time t (days) for the yearly report. */
void mdl_cecps_searched(struct mdl_cecps *m, double t, double vehicles);

/* Whether `haulier` secures its vehicles now; whether it is accredited; the risk it perceives,
 * GBP per day (engagement included). The haulier must be < the count given at create. */
bool mdl_cecps_secured(const struct mdl_cecps *m, uint32_t haulier);
bool mdl_cecps_accredited(const struct mdl_cecps *m, uint32_t haulier);
double mdl_cecps_perceived_risk(const struct mdl_cecps *m, uint32_t haulier);

/* Share of hauliers securing their vehicles now. */
double mdl_cecps_secured_share(const struct mdl_cecps *m);

/* The per-entrant maximum in force on `date` (YYYYMMDD); 0 before the first step. */
double mdl_cecps_max_per_entrant(const struct mdl_cecps_params *p, int32_t date);

/* Days from 1970-01-01 to `date` (YYYYMMDD); false if it is not a valid date. */
bool mdl_cecps_date_days(int32_t date, int64_t *days);

extern const struct sim_model mdl_cecps_model;

/* The scheme in the full model (mdl_cecps_comp.c), named "cecps": present when the scenario has a
 * `cecps:` section and the fleet is present. Needs "ports" and "fleet" (their outcome listener,
 * trace and security hooks). MDL_CECPS_NSTREAMS streams; outputs the totals above, the yearly
 * `scheme` group over a "year" dimension and two daily series. */
extern const struct mdl_component mdl_cecps_component;

#endif
