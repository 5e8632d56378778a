/* mdl_study.h: the variants of a run and the interventions that make them.
 *
 * A study is the scenario as written (variant 0, "baseline") plus its `variants` and the points
 * of its `sweep`, in that order. Every variant carries the scenario's top-level interventions
 * first, then its own. All variants of a replication use the same random streams, so differences
 * between them are paired (common random numbers).
 *
 * The interventions model that applies a variant's changes during a run is in mdl_iv.h. */
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

/* The value `op` with operand `value` makes of `v` (set, scale or add). */
double mdl_change_apply(enum mdl_iv_op op, double v, double value);

#endif
