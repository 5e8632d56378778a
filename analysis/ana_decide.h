/* ana_decide.h: what a decision-maker reads first about a study, from a results file.
 *
 * The decision table has one row per variant against the baseline, from the /study group the run
 * wrote (see ana_study.h for the definitions and results/README.md for the layout): net arrivals
 * prevented, cost, cost per net arrival prevented, displacement ratio and targeted mode, freight
 * delay added, and a rank by cost per net arrival prevented.
 *
 * A comparison puts any variant against any other (a combination against one of its parts), paired
 * by replication like the study: every variant of replication r ran on the same random streams, so
 * d_r = x_r(b) - x_r(a) is summarised with a Student-t interval at 95% (one comparison chosen by the
 * reader: no Bonferroni adjustment). The definitions are those of the study with `a` in place of
 * the baseline. */
#ifndef ANA_DECIDE_H
#define ANA_DECIDE_H

#include <stddef.h>

#include "../results/res.h"
#include "ana_summary.h"

enum { ANA_DECIDE_NAME = 64, ANA_DECIDE_MAXMODES = 16 };

/* One variant against a reference (the baseline, or `a` of a comparison). Undefined values are
 * NaN; a struct ana_ci has NaN bounds with fewer than two replications. */
struct ana_decision {
    char variant[ANA_DECIDE_NAME];
    struct ana_ci prevented;      /* net arrivals prevented: fall in total arrivals (people) */
    double cost_eur;              /* cost of the interventions over the window (a comparison: b - a) */
    struct ana_ci cost_per;       /* EUR per net arrival prevented; NaN unless prevented > 0 surely */
    struct ana_ci ratio;          /* displacement ratio; NaN when no mode falls significantly */
    char target[ANA_DECIDE_NAME]; /* the targeted mode; "" when no mode falls significantly */
    struct ana_ci freight;        /* freight delay added, minutes per lorry (NaN: no lorries) */
    size_t rank;                  /* 1 = lowest cost per net arrival prevented; 0 = not ranked */
};

/* Reads the decision table of the study in `f`: *rows (malloc'd, free with free()) holds *n rows,
 * one per variant but the baseline, in the file's order; *level is the intervals' confidence level.
 * Variants whose net deterrence is not significantly positive are not ranked. SIM_ENOENT when the
 * file has no study with modes, SIM_ENOMEM, or the reader's status; outputs untouched on failure. */
sim_status ana_decide_table(struct res_file *f, struct ana_decision **rows, size_t *n, double *level);

/* Variant b against variant a, paired by replication. */
struct ana_comparison {
    char a[ANA_DECIDE_NAME];
    size_t nm, nr;                                       /* modes, replications */
    char mode[ANA_DECIDE_MAXMODES + 1][ANA_DECIDE_NAME]; /* the modes, then "total" */
    struct ana_ci arrivals[ANA_DECIDE_MAXMODES + 1];     /* change b - a by mode, then the total */
    struct ana_ci deaths;                                /* change in total deaths */
    struct ana_decision b;                               /* b against a */
    double level;
};

/* Compares variants named `a` and `b` of the results file `f` (from totals/: arrivals, deaths,
 * intervention_cost_eur, freight_delay_mean_min, lorries_arrived). SIM_EINVAL with a message in
 * err when a name is not a variant of the file (the message lists them) or the file has no mode
 * table; SIM_ENOMEM; *out untouched on failure. */
sim_status ana_decide_compare(struct res_file *f, const char *a, const char *b, struct ana_comparison *out,
                              char *err, size_t errlen);

#endif
