/* mdl_sens.h: sensitivity files (scenarios/SENSITIVITY.md describes the format).
 *
 * A sensitivity file names a study scenario, the parameters to vary (scenario field paths, as in
 * interventions and calibrations, each over [min, max], optionally on a log scale, or a dummy that
 * changes nothing and measures the estimators' noise), the study metrics of interest (per variant
 * or a named subset), the methods (Sobol indices on a Saltelli design, Morris elementary effects),
 * the replications per point and the seed. Loading validates all of it against the scenario, and
 * reports every problem as "FILE:LINE:COL: field.path: what was expected, got X". The loaded object
 * is read-only and may be shared by threads. */
#ifndef MDL_SENS_H
#define MDL_SENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mdl_scenario.h"
#include "mdl_world.h"

enum mdl_sens_scale { MDL_SENS_LINEAR, MDL_SENS_LOG };

/* The study metrics a sensitivity can follow (ana_study.h defines them). */
enum mdl_sens_metric_kind {
    MDL_SENS_DISPLACEMENT_RATIO,
    MDL_SENS_NET_DETERRENCE,
    MDL_SENS_COST_PER_NET_ARRIVAL,
    MDL_SENS_ARRIVALS_CHANGE,
    MDL_SENS_NMETRICS
};

struct mdl_sens_param {
    char *name; /* optional label; default: the path */
    char *path; /* scenario field path; absent for a dummy */
    double min, max;
    enum mdl_sens_scale scale; /* optional, default linear */
    bool dummy;                /* optional: sampled, never applied */
};

struct mdl_sens_metric {
    enum mdl_sens_metric_kind metric;
    char *mode;      /* arrivals_change only: the entry mode, or "total" */
    char **variants; /* optional: default every variant but the baseline */
    unsigned variants_count;
};

/* One followed quantity: a metric of one variant. Filled by the loader. */
struct mdl_sens_output {
    enum mdl_sens_metric_kind metric;
    size_t variant;  /* index into the study's variants (>= 1) */
    size_t mode;     /* arrivals_change: index into the modes, nmodes for the total */
    char label[160]; /* e.g. "displacement_ratio[anpr]" */
    const char *units;
};

struct mdl_sens {
    char *description; /* optional */
    char *study;       /* path relative to the sensitivity file */
    struct mdl_sens_param *parameters;
    unsigned parameters_count;
    struct mdl_sens_metric *metrics;
    unsigned metrics_count;
    struct mdl_sens_method {
        struct mdl_sens_sobol {
            unsigned base_samples, bootstrap;
        } * sobol; /* optional */
        struct mdl_sens_morris {
            unsigned trajectories, levels;
        } * morris; /* optional; at least one of the two */
    } method;
    unsigned replications;
    uint64_t seed; /* optional: default the scenario's run.master_seed */
    /* Filled by the loader, not read from YAML. */
    char *path;               /* the sensitivity file as given */
    char *text;               /* its full contents, for provenance */
    struct mdl_scenario *scn; /* the study, loaded and validated */
    struct mdl_world *world;  /* its world */
    size_t nvariants;         /* the study's variants, the baseline included */
    struct mdl_sens_output *outputs;
    size_t noutputs;
    const char **paths; /* [npaths] the non-dummy parameters' paths, in order */
    size_t npaths;
};

/* Loads and validates the sensitivity file `path` and its study. On success *out owns a new
 * object (free with mdl_sens_destroy). On failure writes one line per problem to err[errlen] and
 * returns SIM_ENOENT (a file is missing), SIM_EFORMAT (YAML syntax, unknown key, wrong type, a study
 * that does not load) or SIM_EINVAL (values: unknown parameter paths, ranges whose ends leave the
 * parameter's valid range, parameters a variant changes, unknown metrics, modes or variants, bad
 * method settings). Thread-safe: no shared state. */
sim_status mdl_sens_load(const char *path, struct mdl_sens **out, char *err, size_t errlen);

void mdl_sens_destroy(struct mdl_sens *s); /* accepts NULL */

/* The value of parameter i at unit-cube coordinate u in [0, 1]: min + (max - min) u, or on a log
 * scale min (max / min)^u. Pure. */
double mdl_sens_value(const struct mdl_sens *s, unsigned i, double u);

/* The name of a metric kind ("displacement_ratio", ...). */
const char *mdl_sens_metric_str(enum mdl_sens_metric_kind k);

#endif
