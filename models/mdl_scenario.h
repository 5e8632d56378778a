/* mdl_scenario.h: a scenario file in memory, and the loader that reads and validates it.
 *
 * A scenario fully determines a run. The loader (mdl_scenario.c) is the only code in dispsim that
 * includes the YAML libraries: it reads the file with libcyaml against a schema, then runs a
 * validation pass of its own. Every error a user can fix is reported as
 * "FILE:LINE:COL: FIELD.PATH: what was expected, got what" (for example
 * "scenarios/x.yaml:14:9: ports.calais.staffing.absence_share: must be in [0, 1], got 1.5").
 * Field paths name sequence entries that carry a `name` by that name, others by [index]. */
#ifndef MDL_SCENARIO_H
#define MDL_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_status.h"

/* Version of the scenario schema this build reads (the file's top-level `dispsim:` key). */
#define MDL_SCENARIO_SCHEMA 1

/* A parametric distribution of a positive quantity. Which fields are used depends on `kind`:
 * fixed: mean; exponential: mean; uniform: min, max; lognormal and gamma: mean, sd. */
enum mdl_dist_kind {
    MDL_DIST_FIXED,
    MDL_DIST_EXPONENTIAL,
    MDL_DIST_UNIFORM,
    MDL_DIST_LOGNORMAL,
    MDL_DIST_GAMMA
};
struct mdl_dist {
    enum mdl_dist_kind kind;
    double mean, sd, min, max;
};

/* A shift: officers on duty from start_hour for `hours` hours, every day. */
struct mdl_shift {
    double start_hour;
    double hours;
    unsigned officers;
};

/* A search method used by a search team. */
struct mdl_method {
    char *name;
    double share;             /* share of searches using this method; shares of a port sum to 1 */
    struct mdl_dist time_min; /* search duration, minutes */
    double detection;         /* probability of detecting each hidden group on the lorry */
};

enum mdl_selection_policy { MDL_SELECT_RANDOM, MDL_SELECT_TARGETED };

struct mdl_port {
    char *name;
    double lorries_per_year; /* freight vehicles heading to the UK through this control */
    double *hour_profile;    /* 24 relative weights, hour 0 = 00:00-01:00 local time */
    unsigned hour_profile_count;
    double *weekday_profile; /* 7 relative weights, Monday first */
    unsigned weekday_profile_count;
    struct {
        unsigned team_size;   /* officers per search team */
        double absence_share; /* probability an officer on the roster is absent for a shift */
        struct mdl_shift *shifts;
        unsigned shifts_count;
    } staffing;
    struct {
        enum mdl_selection_policy policy;
        double share;       /* probability a lorry is selected (random policy, and clean lorries) */
        double lift;        /* targeted policy: selection probability of carrying lorries / share */
        unsigned max_queue; /* selection is suspended while this many selected lorries wait */
    } selection;
    struct mdl_method *methods;
    unsigned methods_count;
    struct {
        double groups_per_day;      /* exogenous rate of hidden groups trying to board at this port */
        double *group_size_weights; /* relative weights of group sizes 1, 2, ... */
        unsigned group_size_weights_count;
    } clandestine;
    struct {
        double at_port_share;    /* passed groups recorded on arrival at a UK port */
        double within_72h_share; /* passed groups found in the UK within 72 hours */
    } recording;
};

struct mdl_scenario {
    unsigned dispsim; /* schema version, must equal MDL_SCENARIO_SCHEMA */
    char *name;
    char *description;
    struct {
        char *start_date;    /* ISO date YYYY-MM-DD of day 0 */
        double horizon_days; /* simulated days after warm-up */
        double warmup_days;  /* simulated days discarded before the analysis window */
    } calendar;
    struct {
        unsigned replications;
        uint64_t master_seed;
    } run;
    struct mdl_port *ports;
    unsigned ports_count;
    /* Filled by the loader, not read from YAML. */
    int start_weekday; /* 0 = Monday, weekday of start_date */
    int start_yday;    /* 0-based day of year of start_date */
    char *path;        /* file the scenario was loaded from */
    char *text;        /* full file contents, for provenance */
};

/* Loads and validates `path`. On success *out owns a new scenario (free with
 * mdl_scenario_destroy). On failure writes one line per problem, each "FILE:LINE:COL: PATH: message"
 * (or "FILE: message" when no position applies), to err (errlen bytes, always NUL-terminated) and
 * returns SIM_ENOENT (missing, unreadable or a directory), SIM_EFORMAT (YAML syntax, unknown key,
 * wrong type) or SIM_EINVAL (values out of range or inconsistent). Thread-safe: no shared state. */
sim_status mdl_scenario_load(const char *path, struct mdl_scenario **out, char *err, size_t errlen);

/* Frees a scenario from mdl_scenario_load; accepts NULL. */
void mdl_scenario_destroy(struct mdl_scenario *s);

#endif
