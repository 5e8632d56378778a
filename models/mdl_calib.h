/* mdl_calib.h: calibration files (scenarios/CALIBRATION.md describes the format).
 *
 * A calibration names a scenario to fit, an observed-CSV file, the parameters to fit (scenario field
 * paths, as in interventions, each with a prior), the targets (observed series and periods, each
 * mapped to a simulated quantity) and the ABC-SMC settings. Loading validates all of it against
 * the scenario, its output table and the observed file, and reports every problem as
 * "FILE:LINE:COL: field.path: what was expected, got X". The loaded object is read-only and may be
 * shared by threads. */
#ifndef MDL_CALIB_H
#define MDL_CALIB_H

#include <stdint.h>

#include "../sim/sim_abc.h"
#include "../sim/sim_out.h"
#include "../sim/sim_prior.h"
#include "mdl_observed.h"
#include "mdl_scenario.h"
#include "mdl_target.h"
#include "mdl_world.h"

/* A prior as written: `dist` selects which of the numbers are used (CALIBRATION.md). */
struct mdl_calib_prior {
    enum sim_prior_kind dist;
    double min, max, mean, sd;
};

struct mdl_calib_param {
    char *name; /* optional label; default: the path */
    char *path; /* scenario field path */
    struct mdl_calib_prior prior;
    struct sim_prior p; /* filled by the loader */
};

/* One observed point of a target, filled by the loader. */
struct mdl_calib_point {
    const char *period; /* borrowed from the observed file */
    double from, to;    /* days since the scenario's start date, [from, to) */
    double observed;
    double scale;  /* the target's sd, or |observed| */
    double weight; /* the target's weight shared equally by its points */
};

struct mdl_calib_target {
    char *name;     /* optional label; default: the series */
    char *series;   /* observed series */
    char **periods; /* optional: default every period of the series */
    unsigned periods_count;
    char *quantity; /* output variable "group/name" summed over the period */
    char **select;  /* optional: labels of its other dimension to sum (default all) */
    unsigned select_count;
    char *per; /* optional: a second variable; the target is then quantity / per */
    char **per_select;
    unsigned per_select_count;
    double sd;     /* optional: the scale of a difference; 0 = the observed value */
    double weight; /* optional, default 1 */
    /* Filled by the loader. */
    struct mdl_quantity q;
    struct mdl_calib_point *points;
    unsigned npoints;
};

struct mdl_calib {
    char *description; /* optional */
    char *scenario;    /* path relative to the calibration file */
    char *observed;    /* path relative to the calibration file */
    struct mdl_calib_param *parameters;
    unsigned parameters_count;
    struct mdl_calib_target *targets;
    unsigned targets_count;
    struct mdl_calib_algorithm {
        unsigned particles, generations, replications;
        enum sim_abc_method sampler; /* optional: default pmc */
        unsigned moves;              /* optional, resample-move only: default 1 */
        double final_tolerance, min_acceptance, alpha;
        uint64_t seed; /* optional: default the scenario's run.master_seed */
    } algorithm;
    /* Filled by the loader, not read from YAML. */
    char *path;               /* the calibration file as given */
    char *text;               /* its full contents, for provenance */
    struct mdl_scenario *scn; /* the scenario, loaded and validated */
    struct mdl_observed *obs; /* the observed file */
    struct mdl_world *world;  /* the scenario's world, for its output table */
    struct sim_prior *priors; /* parameters_count priors, in order */
    struct sim_abc_opts opts; /* the ABC-SMC options */
    unsigned npoints;         /* observed points over all targets */
};

/* Loads and validates the calibration file `path`, its scenario and its observed file. On success
 * *out owns a new calibration (free with mdl_calib_destroy). On failure writes one line per problem
 * to err[errlen] and returns SIM_ENOENT (a file is missing), SIM_EFORMAT (YAML syntax, unknown key,
 * wrong type, a scenario or observed file that does not load) or SIM_EINVAL (values: unknown
 * parameter paths, priors leaving a parameter's valid range, series or periods absent from the
 * observed file, unknown output variables or labels, periods outside the analysis window, bad
 * algorithm settings). Thread-safe: no shared state. */
sim_status mdl_calib_load(const char *path, struct mdl_calib **out, char *err, size_t errlen);

void mdl_calib_destroy(struct mdl_calib *c); /* accepts NULL */

/* Writes the parameter values theta[parameters_count] into `s` (a scenario loaded from the same
 * file as c->scn; whole-number parameters are rounded). SIM_EINVAL when a path does not resolve. */
sim_status mdl_calib_apply(const struct mdl_calib *c, struct mdl_scenario *s, const double *theta);

/* The simulated value of every observed point, in target order, into sim[c->npoints], from one
 * replication's values (the world's table). Pure. */
void mdl_calib_simulated(const struct mdl_calib *c, const double *values, double *sim);

/* The distance of simulated points from the observations: the root of the weighted mean of
 * ((sim - observed) / scale)^2 over all points (weights as in CALIBRATION.md). NaN (counted as
 * beyond every tolerance) when a point is NaN, e.g. a ratio over a period without boats. Pure. */
double mdl_calib_distance(const struct mdl_calib *c, const double *sim);

#endif
