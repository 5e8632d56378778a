/* mdl_target.h: simulated quantities compared with observations.
 *
 * A sum is one output variable ("daily/arrivals") summed over the days of a calendar period and
 * over chosen coordinates (by label) of its other dimension (e.g. the modes small_boat and lorry),
 * or over all of them. A quantity is a sum or the ratio of two sums (people per boat, the share of
 * boat arrivals). Resolution against an output table happens once; evaluation is a pure function
 * of the table and one replication's values, safe to call from any thread. */
#ifndef MDL_TARGET_H
#define MDL_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_out.h"

/* Most coordinates a selection can choose among. */
#define MDL_TARGET_MAX_LABELS 64

struct mdl_sum {
    int var;       /* index in the table */
    int day_axis;  /* position of the "day" dimension among the variable's dimensions */
    int sel_axis;  /* position of the other dimension, -1 for a variable over days only */
    uint64_t mask; /* bit i: coordinate i of the other dimension is summed */
};

struct mdl_quantity {
    struct mdl_sum num;
    bool ratio;
    struct mdl_sum den; /* used when ratio */
};

/* Resolves `var` ("group/name") and the labels to sum (NULL or nlabels 0: all coordinates) in `t`.
 * The variable must have a "day" dimension and at most one other. Returns SIM_ENOENT when the
 * variable or a label does not exist, SIM_EINVAL when the variable has no day dimension, more than
 * one other dimension, labels but no other dimension, or more than MDL_TARGET_MAX_LABELS
 * coordinates; the reason goes to why[whylen] (listing the valid names where it helps). */
sim_status mdl_sum_resolve(const struct sim_out_table *t, const char *var, const char *const *labels,
                           unsigned nlabels, struct mdl_sum *out, char *why, size_t whylen);

/* The sum over days whose start lies in [from, to) (days since the scenario's start date) of the
 * selected coordinates, from one replication's values (t->rep_values doubles). Pure. */
double mdl_sum_value(const struct sim_out_table *t, const double *values, const struct mdl_sum *s,
                     double from, double to);

/* True when every day of [from, to) lies inside the analysis window of the table's day dimension. */
bool mdl_sum_covers(const struct sim_out_table *t, const struct mdl_sum *s, double from, double to);

/* The quantity over [from, to): the sum, or numerator / denominator (NaN when the denominator is 0). */
double mdl_quantity_value(const struct sim_out_table *t, const double *values, const struct mdl_quantity *q,
                          double from, double to);

#endif
