/* mdl_iv.h: the interventions model, which applies a study variant's changes during a run.
 *
 * During a run the interventions model (mdl_iv_model) changes the parameters of its workspace's
 * private copy of the scenario at the changes' times, and asks the other models to refresh what
 * they cache. Changes to the same parameter compose in order: each applies its operation to the
 * value the earlier ones left, scaled by its ramp fraction (linear in daily steps). */
#ifndef MDL_IV_H
#define MDL_IV_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_kernel.h"
#include "mdl_component.h"
#include "mdl_scenario.h"
#include "mdl_study.h"

/* Asks the models of a workspace to refresh after parameters in `sections` (MDL_SECTION_*, see
 * mdl_component.h) changed; k is NULL before a replication starts. */
struct mdl_iv_refresh {
    void *ctx;
    void (*refresh)(void *ctx, struct sim_kernel *k, unsigned sections);
};

/* The interventions model's state for one workspace. */
struct mdl_iv;

/* Resolves every change of every variant against `s`, the workspace's private, mutable copy of the
 * scenario (borrowed). SIM_ENOMEM, or SIM_EINVAL if a path does not resolve (cannot happen for a
 * validated scenario). */
sim_status mdl_iv_create(const struct mdl_study *st, struct mdl_scenario *s, const struct mdl_iv_refresh *r,
                         double until, struct mdl_iv **out);
void mdl_iv_destroy(struct mdl_iv *iv); /* accepts NULL */

/* Makes `v` the value parameter `p` (resolved against the workspace's scenario) holds at the start
 * of every replication, in every variant, before the variant's changes apply to it: a calibrated
 * or sampled value that the scenario's interventions then scale, add to or replace. Without it
 * the first replication would restore the value read when `iv` was created. Does nothing for a
 * parameter no change touches (the caller sets that one itself) or a NULL `iv`. */
void mdl_iv_rebase(struct mdl_iv *iv, const struct mdl_param *p, double v);

/* Selects the variant of the next replication and the model id its events carry. */
void mdl_iv_bind(struct mdl_iv *iv, size_t variant, uint16_t model_id);

/* Attach first: its init restores the original parameters, applies the changes in force at time
 * 0 and refreshes the models before their own init; its events (at the changes' times, before
 * anything else at the same time) apply the rest. */
extern const struct sim_model mdl_iv_model;

#endif
