/* mdl_study.h: the variants of a run and the interventions that make them.
 *
 * A study is the scenario as written (variant 0, "baseline") plus its `variants` and the points
 * of its `sweep`, in that order. Every variant carries the scenario's top-level interventions
 * first, then its own. All variants of a replication use the same random streams, so differences
 * between them are paired (common random numbers).
 *
 * During a run the interventions model (mdl_iv_model) changes the parameters of its workspace's
 * private copy of the scenario at the changes' times, and asks the other models to refresh what
 * they cache. Changes to the same parameter compose in order: each applies its operation to the
 * value the earlier ones left, scaled by its ramp fraction (linear in daily steps). */
#ifndef MDL_STUDY_H
#define MDL_STUDY_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_kernel.h"
#include "mdl_scenario.h"

/* One change, flattened from an intervention or a sweep point. Strings are borrowed. */
struct mdl_change {
    const char *name; /* NULL when unnamed */
    const char *path;
    enum mdl_iv_op op;
    double value;
    double from_day, to_day, ramp_days;
    double cost_per_day, cost_per_unit_day;
};

struct mdl_study_variant {
    char *name;
    const char *description; /* borrowed; NULL when none */
    struct mdl_change *changes;
    size_t nchanges;
    double cost_eur; /* the changes' cost over the analysis window */
};

struct mdl_study {
    size_t nvariants; /* at least 1: the baseline */
    struct mdl_study_variant *v;
    const char **names; /* [nvariants] the variant names, for labels */
};

/* Flattens the study of validated scenario `s` (borrowed; must outlive the study). SIM_ENOMEM. */
sim_status mdl_study_build(const struct mdl_scenario *s, struct mdl_study **out);
void mdl_study_destroy(struct mdl_study *st);

/* Fraction of change `c` in force at time t: 0 outside [from_day, to_day), rising to 1 in
 * ceil(ramp_days) daily steps. */
double mdl_change_fraction(const struct mdl_change *c, double t);

/* Which models a change touches (for refreshing). */
enum { MDL_SECTION_PORTS = 1, MDL_SECTION_POPULATION = 2 };

/* Asks the models of a workspace to refresh after parameters in `sections` changed; k is NULL
 * before a replication starts. */
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
void mdl_iv_destroy(struct mdl_iv *iv);

/* Selects the variant of the next replication and the model id its events carry. */
void mdl_iv_bind(struct mdl_iv *iv, size_t variant, uint16_t model_id);

/* Attach first: its init restores the original parameters, applies the changes in force at time
 * 0 and refreshes the models before their own init; its events (at the changes' times, before
 * anything else at the same time) apply the rest. */
extern const struct sim_model mdl_iv_model;

#endif
