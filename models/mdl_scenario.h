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

#include <stdbool.h>
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

/* The qualification a search method needs (IFC2 officers hold IFC1 too). */
enum mdl_qual { MDL_QUAL_IFC1, MDL_QUAL_IFC2 };

/* A search method used by a search team. */
struct mdl_method {
    char *name;
    double share;             /* share of searches using this method; shares of a port sum to 1 */
    struct mdl_dist time_min; /* search duration, minutes */
    double detection;         /* probability of detecting each hidden group on the lorry */
    enum mdl_qual requires;   /* a team may use it if one member holds this qualification */
};

/* random and targeted search a fixed share of lorries (the fixed-share policies); capacity
 * searches as many as the teams can (mdl_ports.h). */
enum mdl_selection_policy { MDL_SELECT_RANDOM, MDL_SELECT_TARGETED, MDL_SELECT_CAPACITY };

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
        double ifc2_share;                /* share of the roster holding IFC2 at the start */
        double ticket_validity_days;      /* a personal-safety ticket expires this long after renewal */
        double refresher_per_month;       /* tickets renewed per month, soonest expiry first */
        double ifc2_throughput_per_month; /* IFC1 officers entering IFC2 training per month */
        double ifc2_delay_days;           /* from entering IFC2 training to holding IFC2 */
        double referral_trained_share;    /* share of the initial IFC2 holders trained to refer penalties */
    } staffing;
    struct {
        enum mdl_selection_policy policy;
        double share;            /* probability a lorry is selected (random policy, and clean lorries) */
        double lift;             /* targeted policy: selection probability of carrying lorries / share */
        unsigned max_queue;      /* selection is suspended while this many selected lorries wait */
        double false_flag_share; /* capacity: chance risk targeting flags a clean lorry */
        double hit_share;        /* capacity: chance risk targeting flags a lorry carrying groups */
        double tolerance_min;    /* capacity: a flagged lorry leaves unsearched after this wait */
        double handling_min;     /* team and lorry time per search besides the method's duration */
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
    double perimeter_security; /* optional, default 0: share of boarding attempts the perimeter stops */
    double open_share;         /* optional, default 1: 1 open, 0 closed, between: capacity cut */
    double diversion_weight;   /* optional, default 1: weight as a target of diverted freight */
};

/* How the flexible pool picks its port for a shift. */
enum mdl_pool_rule { MDL_POOL_LONGEST_QUEUE, MDL_POOL_MOST_GROUPS };

/* Officers deployable across the ports shift by shift (optional). */
struct mdl_pool {
    unsigned officers;       /* pool officers on each pool shift (they hold IFC2 and a ticket) */
    enum mdl_pool_rule rule; /* longest_queue, or most_expected_groups (carried last shift) */
    double travel_min;       /* minutes between ports before they can search */
    double shift_hours;      /* length of a pool shift; shifts follow each other from start_hour */
    double start_hour;       /* hour of day of the first pool shift */
};

/* ---- The staging population and its entry modes (optional: without `population`, only the port
 * model runs, fed by each port's exogenous clandestine groups). ---- */

/* The staging population in northern France. */
struct mdl_population {
    double initial_stock; /* people present at time 0 (whole number) */
    struct {
        double level_per_day;    /* mean inflow, people per day (with monthly_profile) */
        double *monthly_profile; /* optional: 12 relative weights, January first, mean-normalised */
        unsigned monthly_profile_count;
        double *monthly_per_day; /* alternative: 12 absolute rates, people per day */
        unsigned monthly_per_day_count;
    } inflow;
    struct mdl_dist preparation_days; /* arrival to first decision */
    struct mdl_dist return_days;      /* back in the camps after a failed attempt to next decision */
    struct mdl_dist wait_days;        /* after choosing to wait, until the next decision */
    struct mdl_dist budget_eur;       /* money available per attempt */
    double documents_share;           /* share holding documents usable on an air route */
    struct mdl_dist risk_tolerance;   /* divides the risk term of utility (mean 1 is neutral) */
    struct mdl_dist patience_days;    /* time scale over which the wish to leave grows */
};

enum mdl_choice_model { MDL_CHOICE_MNL, MDL_CHOICE_NESTED };

/* A nest of the nested logit: alternatives (mode names, "wait", "leave") sharing a scale. */
struct mdl_nest {
    char *name;
    double lambda; /* dissimilarity parameter in (0, 1]; 1 is no correlation */
    char **members;
    unsigned members_count;
};

/* The random-utility choice rule. V_m = asc_m + b_success ln(belief_m) - b_price price_m / budget
 * - b_risk risk_m / risk_tolerance - b_wait expected_wait_m for a mode; V_wait = wait_asc;
 * V_leave = leave.asc + leave.per_failure failures + leave.per_patience days_in_staging/patience. */
struct mdl_choice {
    enum mdl_choice_model model;
    double b_success, b_price, b_risk, b_wait;
    double wait_asc;
    struct {
        double asc, per_failure, per_patience;
    } leave;
    struct mdl_nest *nests; /* nested model only; unlisted alternatives are nests of their own */
    unsigned nests_count;
    struct {
        bool learning;             /* false: beliefs stay at each mode's initial belief */
        double time_constant_days; /* exponential smoothing of daily outcomes */
        double delay_days;         /* outcomes of day d are known from day d + 1 + delay */
        double own_weight;         /* own failures discount the community belief by 1/(1+w f) */
        double floor;              /* beliefs never fall below this (ln 0 is -inf) */
        double reversion_days;     /* a day without outcomes moves beliefs back towards the mode's
                                    * belief and expected wait with this time constant; 0: never */
    } beliefs;
};

enum mdl_mode_kind { MDL_MODE_BOAT, MDL_MODE_LORRY, MDL_MODE_GENERIC };

/* Small boats: weather, supply, launches, prevention, the sea. */
struct mdl_boat {
    double *good_weather_share; /* 12 stationary probabilities a day is fit to launch, by month */
    unsigned good_weather_share_count;
    double weather_persistence;     /* lag-1 autocorrelation of the weather chain, [0, 1) */
    double initial_boats;           /* boats and engines held by the networks at time 0 */
    double replenish_per_day;       /* Poisson rate of new boats */
    double seizure_share_per_day;   /* share of the stock seized each day */
    double launch_capacity_per_day; /* most launches per suitable day */
    double launch_hour;             /* launches happen at this hour of suitable days */
    double occupancy_mean;          /* people per boat when boats are not scarce */
    double occupancy_max;
    double occupancy_adaptation;  /* elasticity of occupancy to demand/supply; 0 switches it off */
    double patrol_effort;         /* French beach patrol effort (1 = reference) */
    double prevention_per_effort; /* P(prevented) = 1 - exp(-prevention_per_effort * effort) */
    double death_base;            /* per-person death probability at reference occupancy */
    double death_reference_occupancy;
    double death_crowding; /* P(death) = base * (occupancy / reference)^crowding, capped */
    double death_max;
    double price_elasticity; /* price = price_eur * (demand / supply)^elasticity, clamped */
    double price_min_factor, price_max_factor;
};

/* Hauliers, vehicles, watch-lists and ANPR (optional `fleet:` of the lorry mode; mdl_fleet.h). */
struct mdl_fleet {
    unsigned hauliers;             /* hauliers whose vehicles cross the juxtaposed controls */
    double fleet_size_alpha;       /* fleet sizes: discrete Pareto, P(size >= n) = n^-alpha */
    unsigned fleet_size_max;       /* the largest fleet (the tail is truncated there) */
    double secured_concentration;  /* hauliers' secured shares ~ Beta with this m + (1 - m) */
    double reuse_probability;      /* P(a facilitated attempt reuses a recently used vehicle) */
    double reuse_other_port_share; /* share of reuses of a vehicle last used at another port */
    unsigned reuse_set_size;       /* recently used vehicles the facilitators of a port keep */
    double trace_probability;      /* P(a group found within 72 h is traced to its vehicle) */
    double trace_delay_days;       /* find to listing of a traced vehicle */
    double watchlist_days;         /* a listing's validity */
    bool haulier_listing;          /* a listing also lists the vehicle's haulier */
    unsigned anpr_integration;     /* 0: local ANPR, 1: integrated (shared lists) */
    double sharing_lag_days;       /* integrated: listing to visibility at the other ports */
    unsigned watchlist_capacity;   /* vehicles (and hauliers) a list holds at once */
    double group_formation_days;   /* a forming group boards when full or after this long */
};

/* Lorries: boarding before the juxtaposed controls. */
struct mdl_lorry {
    struct mdl_dist attempt_days;  /* choice to boarding attempt */
    double self_success;           /* P(boarding) of a self-organised attempt */
    double facilitated_success;    /* P(boarding) of a smuggler-facilitated attempt */
    double facilitated_price_eur;  /* price of a facilitated attempt (price_eur is self-organised) */
    double facilitated_share;      /* share of those who can afford it who pay a facilitator */
    double hauliers_secured_share; /* share of lorries whose hauliers secure them */
    double secured_block;          /* P(a secured lorry defeats a boarding attempt) */
    double death_risk;             /* per boarding attempt */
    struct mdl_fleet *fleet;       /* optional: vehicles with identities (NULL: mode-wide shares) */
};

/* Any other mode: air, non-juxtaposed ports, cars and rail, ... */
struct mdl_generic {
    struct mdl_dist attempt_days; /* choice to outcome */
    double detection;             /* P(detected and returned) at reference staffing */
    double officers;              /* optional staffing: detection = 1 - (1 - d)^(officers/ref) */
    double reference_officers;
    double capacity_per_day; /* attempts per day before the mode is unavailable; 0 = unlimited */
    double death_risk;       /* per attempt */
};

/* An entry mode, one alternative of the choice. */
struct mdl_mode {
    char *name;
    enum mdl_mode_kind kind;
    double asc;
    double price_eur;
    double risk;               /* perceived death risk per attempt */
    double belief;             /* initial (and, without learning, fixed) belief of success */
    double expected_wait_days; /* initial (fixed without learning) belief of the wait */
    bool needs_documents;
    double eligible_share; /* optional, default 1: share of arrivals able to use the mode at all */
    struct mdl_boat *boat;
    struct mdl_lorry *lorry;
    struct mdl_generic *generic;
};

/* A time-bounded change to one numeric parameter, named by its field path as error messages print
 * it ("ports.calais.selection.share", "modes.small_boat.boat.patrol_effort",
 * "ports.calais.staffing.shifts[0].officers"). From `from` (default: day 0) the parameter moves
 * to op(original, value), linearly over `ramp_days` when given (in daily steps), and returns to
 * its original value at `to` (default: never). Whole-number parameters are rounded. */
enum mdl_iv_op { MDL_IV_SET, MDL_IV_SCALE, MDL_IV_ADD };

struct mdl_intervention {
    char *name; /* optional label */
    char *path;
    enum mdl_iv_op op;
    double value;
    char *from, *to;          /* ISO dates, optional */
    double ramp_days;         /* optional, default 0: a step */
    double cost_per_day;      /* optional, EUR per day in effect */
    double cost_per_unit_day; /* optional, EUR per unit of change per day (e.g. per officer-day) */
    /* Filled by the loader. */
    double from_day, to_day; /* days since start_date; to_day is +infinity when open-ended */
};

/* ---- The Clandestine Entrant Civil Penalty Scheme (optional `cecps:` section; mdl_cecps.h) ---- */

enum { MDL_CECPS_MAX_STEPS = 4, MDL_CECPS_MAX_STAFF = 256 };

/* The case types of the caseworker team. */
enum mdl_cecps_case { MDL_CECPS_REFERRAL, MDL_CECPS_NEW_INFO, MDL_CECPS_CHALLENGE, MDL_CECPS_NCASES };

/* The maximum penalties in force from `from_date` (YYYYMMDD) until the next step. */
struct mdl_cecps_step {
    unsigned from_date;           /* YYYYMMDD */
    double per_entrant_gbp;       /* per entrant per responsible person */
    double failure_to_secure_gbp; /* per vehicle not adequately secured */
};

/* A team of servers working a daily shift. */
struct mdl_cecps_team {
    unsigned staff;                 /* headcount, [0, MDL_CECPS_MAX_STAFF] */
    double start_hour;              /* shift start, [0, 24) */
    double hours_per_day;           /* shift length, (0, 24 - start_hour] */
    unsigned working_days_per_week; /* days Monday first worked, [1, 7] */
    double absence_share;           /* probability a caseworker is absent on a working day, [0, 1) */
};

/* Every parameter of the scheme. mdl_cecps_params_default gives the documented defaults
 * (scenarios/README.md, "Civil penalties (CECPS)"); mdl_cecps_params_check the ranges. */
struct mdl_cecps_params {
    unsigned enabled;                  /* 0: the scheme is off (no referral, nobody secures for it) */
    double unqualified_referral_share; /* referral probability with no qualified officer on duty */
    struct mdl_cecps_team team;        /* the caseworkers (CECPT) */
    struct mdl_dist work_hours[MDL_CECPS_NCASES]; /* work per case, hours, by case type */
    double statutory_days;                        /* a case not started within this lapses; 0 = no limit */
    unsigned ipm_date;                            /* case-management system (IPM) go-live, YYYYMMDD */
    double ipm_ramp_days;                         /* days from go-live to the full effect, >= 0 */
    double ipm_factor;                            /* work-time multiplier at full effect, (0, 1] */
    struct mdl_cecps_step steps[MDL_CECPS_MAX_STEPS]; /* dated penalty schedule, dates increasing */
    unsigned nsteps;                                  /* [1, MDL_CECPS_MAX_STEPS] */
    unsigned responsible_persons;   /* penalties per decided case (driver, owner, hirer), [1, 5] */
    double penalty_level_share;     /* imposed penalty as a share of the maximum, (0, 1] */
    double accredited_factor;       /* multiplier for accredited hauliers, [0, 1] */
    double impose_share;            /* share of decided referrals with a penalty, [0, 1] */
    double new_info_share;          /* share of penalties followed by a new-information case, [0, 1] */
    double new_info_delay_days;     /* mean delay of new information, > 0 */
    double challenge_share;         /* share of penalties challenged, [0, 1] */
    double challenge_delay_days;    /* mean delay from penalty to challenge, > 0 */
    double challenge_success_share; /* share of decided challenges that cancel the penalty */
    double challenge_reduce_share;  /* share of decided challenges that reduce it (with the above <= 1) */
    double reduction_share;         /* share of the penalty taken off by a reduction, (0, 1] */
    double collect_share;           /* share of debts collected (the rest is written off), [0, 1] */
    double collection_mean_days;    /* mean delay to collection, > 0 */
    double write_off_days;          /* delay to writing a debt off, > 0 */
    double cpas_apply_per_year;     /* applications per non-accredited haulier per year, >= 0 */
    struct mdl_cecps_team cpas_team;
    struct mdl_dist cpas_work_hours;  /* work per application, hours */
    double cpas_approve_share;        /* share of applications approved, [0, 1] */
    double accredited_initial_share;  /* hauliers accredited at the start, [0, 1] */
    double perception_lag_days;       /* time constant of the perceived risk, > 0 */
    double own_weight;                /* weight of a haulier's own penalties against the industry's */
    double engagement_factor;         /* multiplies perceived risk (toolkit, leaflets), >= 0 */
    double initial_risk_gbp_per_day;  /* perceived risk at the start, >= 0 */
    double security_cost_gbp_per_day; /* cost of securing a haulier's vehicles, >= 0 */
    double logit_scale_gbp_per_day;   /* spread of the secure/not decision, > 0 */
    double review_days;               /* mean days between a haulier's reviews, > 0 */
    double secured_when_securing;     /* share of a securing haulier's vehicles secured (the fleet), [0, 1] */
};

/* A variant of a study: the scenario (the baseline) plus its own interventions. */
struct mdl_variant {
    char *name;
    char *description;
    struct mdl_intervention *interventions;
    unsigned interventions_count;
};

/* A grid of variants over one or two parameters: every combination of values becomes a variant
 * whose interventions `op` the parameter to that value from day 0. */
struct mdl_sweep {
    char *path;
    enum mdl_iv_op op;
    double *values;
    unsigned values_count;
    char *path2; /* optional second axis */
    double *values2;
    unsigned values2_count;
    double cost_per_unit_day; /* optional, as in an intervention */
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
    struct mdl_pool *flexible_pool;    /* NULL: no flexible pool */
    struct mdl_population *population; /* NULL: no population model */
    struct mdl_choice *choice;         /* present with population */
    struct mdl_mode *modes;            /* present with population */
    unsigned modes_count;
    struct mdl_intervention *interventions; /* optional: applied in every variant, baseline too */
    unsigned interventions_count;
    struct mdl_variant *variants; /* optional: a study against the scenario as written */
    unsigned variants_count;
    struct mdl_sweep *sweep;        /* optional: more variants, on a grid */
    struct mdl_cecps_params *cecps; /* optional: the civil-penalty scheme (NULL: absent, no scheme) */
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

/* Loads a scenario from text already in memory; `label` names it in messages (and becomes
 * s->path). Otherwise as mdl_scenario_load. */
sim_status mdl_scenario_load_text(const char *text, size_t len, const char *label, struct mdl_scenario **out,
                                  char *err, size_t errlen);

/* A numeric parameter of a loaded scenario: exactly one of the pointers is set. */
struct mdl_param {
    double *real;
    unsigned *count; /* a whole-number parameter (officers, max_queue, ...) */
};

/* Finds the parameter at field `path` of `s` ("ports.calais.selection.share", entries by name or
 * "[i]"); only the ports, population, choice and modes sections qualify. SIM_EINVAL with the
 * reason in why[whylen] when the path names no numeric field. */
sim_status mdl_scenario_param(struct mdl_scenario *s, const char *path, struct mdl_param *out, char *why,
                              size_t whylen);

/* Reads and writes a parameter; whole numbers are rounded to the nearest, at least 0. */
double mdl_param_get(const struct mdl_param *p);
void mdl_param_set(const struct mdl_param *p, double v);

/* ---- The field reference: one descriptor per parameter of a scenario file ---- */

/* What a field holds. */
enum mdl_field_type {
    MDL_FIELD_REAL,    /* a finite real in [lo, hi] (ends excluded per `open`) */
    MDL_FIELD_WHOLE,   /* a real that must be a whole number, in [lo, hi] */
    MDL_FIELD_COUNT,   /* an unsigned integer in [ulo, uhi] */
    MDL_FIELD_BOOL,    /* true or false */
    MDL_FIELD_LIST,    /* nmin..nmax reals, each in [lo, hi] */
    MDL_FIELD_WEIGHTS, /* as MDL_FIELD_LIST, with a positive sum (relative weights) */
    MDL_FIELD_DIST,    /* a distribution (struct mdl_dist); its parameters in [lo, hi], lo excluded
                        * except for `min` */
    MDL_FIELD_TEXT,    /* a name, a path or free text, as `values` says */
    MDL_FIELD_DATE,    /* a date YYYY-MM-DD, as `values` says */
    MDL_FIELD_CHOICE   /* one of the words in `values` */
};

enum { MDL_FIELD_LO_OPEN = 1, MDL_FIELD_HI_OPEN = 2 }; /* range ends excluded */

/* One row of the reference: a field path with "[]" for every list entry
 * ("ports[].staffing.shifts[].officers"), its type, range, default, unit and meaning. The loader
 * checks ranges and applies defaults from these rows; rules between fields stay in code. */
struct mdl_field {
    const char *path;
    enum mdl_field_type type;
    double lo, hi;               /* reals, list values, distribution parameters */
    unsigned open;               /* MDL_FIELD_LO_OPEN | MDL_FIELD_HI_OPEN */
    unsigned long long ulo, uhi; /* counts */
    unsigned nmin, nmax;         /* lists: how many values */
    const char *values;          /* text, dates and choices: what is allowed, as printed */
    bool has_default;            /* the loader sets `def` when the field is absent */
    double def;
    const char *def_text; /* the default as printed: "required", "1", "absent: ..." */
    const char *unit;
    const char *desc; /* one line */
};

/* Returns the reference table (static storage, never freed) and its length through *n. The rows
 * follow the order of the file's keys. Thread-safe. */
const struct mdl_field *mdl_scenario_fields(size_t *n);

/* Returns the row for `pattern` ("ports[].selection.lift"), or NULL when no field has that path. */
const struct mdl_field *mdl_scenario_field(const char *pattern);

/* Writes the range of `f` as the reference prints it ("[0, 1]", "(0, 36500]", "any") to out. */
void mdl_field_range_text(const struct mdl_field *f, char *out, size_t outlen);

#endif
