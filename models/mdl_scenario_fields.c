/* mdl_scenario_fields.c: the reference table, one row per field of a scenario file.
 *
 * Each field is described once, here: path, type, range, default, unit and meaning. The
 * loader's walker (mdl_scenario_walk.c) checks ranges and applies defaults from these rows,
 * `dispsim validate --reference` prints them, and a test compares that print with the reference
 * section of scenarios/README.md. Rules that relate several fields stay in the check files. Units
 * and meanings follow scenarios/README.md; ranges are the loader's plausibility bounds. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mdl_scenario_priv.h"

#define LO MDL_FIELD_LO_OPEN
#define HI MDL_FIELD_HI_OPEN

/* A required real, an optional real with a default, a count, a list, a distribution. */
#define REAL(p, l, h, o, u, d)                                                                               \
    {                                                                                                        \
        .path = p, .type = MDL_FIELD_REAL, .lo = l, .hi = h, .open = o, .def_text = "required", .unit = u,   \
        .desc = d                                                                                            \
    }
#define OPT(p, l, h, o, dv, dt, u, d)                                                                        \
    {                                                                                                        \
        .path = p, .type = MDL_FIELD_REAL, .lo = l, .hi = h, .open = o, .has_default = true, .def = dv,      \
        .def_text = dt, .unit = u, .desc = d                                                                 \
    }
#define WHOLE(p, l, h, u, d)                                                                                 \
    {                                                                                                        \
        .path = p, .type = MDL_FIELD_WHOLE, .lo = l, .hi = h, .def_text = "required", .unit = u, .desc = d   \
    }
#define COUNT(p, l, h, u, d)                                                                                 \
    {                                                                                                        \
        .path = p, .type = MDL_FIELD_COUNT, .ulo = l, .uhi = h, .def_text = "required", .unit = u, .desc = d \
    }
#define LIST(t, p, n0, n1, l, h, dt, u, d)                                                                   \
    {                                                                                                        \
        .path = p, .type = t, .lo = l, .hi = h, .nmin = n0, .nmax = n1, .def_text = dt, .unit = u, .desc = d \
    }
#define TEXT(t, p, v, dt, d)                                                                                 \
    {                                                                                                        \
        .path = p, .type = t, .values = v, .def_text = dt, .unit = "", .desc = d                             \
    }
/* A count with a default. */
#define CDEF(p, l, h, dv, dt, u, d)                                                                          \
    {                                                                                                        \
        .path = p, .type = MDL_FIELD_COUNT, .ulo = l, .uhi = h, .has_default = true, .def = dv,              \
        .def_text = dt, .unit = u, .desc = d                                                                 \
    }
#define WORD "a word of letters, digits, _, - and ."
#define NAME "a name (a word names the entry in paths)"
#define DIST(p, u, d)                                                                                        \
    {                                                                                                        \
        .path = p, .type = MDL_FIELD_DIST, .lo = 0, .hi = 10000, .open = LO, .def_text = "required",         \
        .unit = u, .desc = d                                                                                 \
    }

static const struct mdl_field fields[] = {
    COUNT("dispsim", MDL_SCENARIO_SCHEMA, MDL_SCENARIO_SCHEMA, "schema version",
          "version of the scenario schema the file is written for"),
    TEXT(MDL_FIELD_TEXT, "name", WORD, "required", "the scenario's name"),
    TEXT(MDL_FIELD_TEXT, "description", "text", "none", "what the scenario is for"),
    TEXT(MDL_FIELD_DATE, "calendar.start_date", "1900-01-01 to 2199-12-31", "required", "date of day 0"),
    REAL("calendar.horizon_days", 0, 36500, LO, "days",
         "simulated days after the warm-up (the analysis window)"),
    REAL("calendar.warmup_days", 0, 36500, 0, "days", "simulated days discarded before the analysis window"),
    COUNT("run.replications", 1, 1000000, "replications", "independent replications of every variant"),
    COUNT("run.master_seed", 0, UINT64_MAX, "", "seed every random stream is derived from"),

    TEXT(MDL_FIELD_TEXT, "ports[].name", NAME, "required", "the control's name, unique among ports"),
    REAL("ports[].lorries_per_year", 0, 1e8, 0, "lorries per year",
         "freight vehicles heading to the UK through this control"),
    LIST(MDL_FIELD_WEIGHTS, "ports[].hour_profile", 24, 24, 0, 1e6, "required", "relative",
         "traffic weight of each hour, 00:00-01:00 first"),
    LIST(MDL_FIELD_WEIGHTS, "ports[].weekday_profile", 7, 7, 0, 1e6, "required", "relative",
         "traffic weight of each weekday, Monday first"),
    COUNT("ports[].staffing.team_size", 1, 20, "officers per team", "officers per search team"),
    REAL("ports[].staffing.absence_share", 0, 1, 0, "probability per officer per shift",
         "chance a rostered officer is absent for a shift"),
    REAL("ports[].staffing.shifts[].start_hour", 0, 24, HI, "hour of day", "start of the daily shift"),
    REAL("ports[].staffing.shifts[].hours", 0, 24, LO, "hours",
         "length of the shift (may run past midnight)"),
    COUNT("ports[].staffing.shifts[].officers", 0, 10000, "officers rostered",
          "officers rostered on the shift"),
    OPT("ports[].staffing.ifc2_share", 0, 1, 0, 1, "1", "share of the roster",
        "officers holding IFC2 (all methods) at the start; the others hold IFC1"),
    OPT("ports[].staffing.ticket_validity_days", 0, 36500, LO, 365, "365", "days",
        "a personal-safety ticket expires this long after its renewal"),
    OPT("ports[].staffing.refresher_per_month", 0, 100000, 0, 100000, "100000", "officers per month",
        "tickets renewed each month, soonest expiry first (fractions carry over)"),
    OPT("ports[].staffing.ifc2_throughput_per_month", 0, 10000, 0, 0, "0", "officers per month",
        "IFC1 officers entering IFC2 training each month (fractions carry over)"),
    OPT("ports[].staffing.ifc2_delay_days", 0, 3650, 0, 120, "120", "days",
        "from entering IFC2 training to holding IFC2"),
    OPT("ports[].staffing.referral_trained_share", 0, 1, 0, 1, "1", "share of IFC2 holders",
        "initial IFC2 holders also trained to refer civil penalties (officers trained later are)"),
    TEXT(MDL_FIELD_CHOICE, "ports[].selection.policy", "random, targeted, capacity", "required",
         "how lorries are selected: a fixed share (random, targeted) or as teams can (capacity)"),
    OPT("ports[].selection.share", 0, 1, 0, 0, "0", "probability",
        "fixed-share policies: chance a (clean) lorry is selected for a search"),
    OPT("ports[].selection.lift", 1, 1000, 0, 1, "1", "ratio",
        "targeted policy: selection chance of carrying lorries over share"),
    COUNT("ports[].selection.max_queue", 1, 1000000, "lorries waiting",
          "selection is suspended while this many selected lorries wait"),
    OPT("ports[].selection.false_flag_share", 0, 1, 0, 0, "0", "probability",
        "capacity policy: chance risk targeting flags a clean lorry"),
    OPT("ports[].selection.hit_share", 0, 1, 0, 0, "0", "probability",
        "capacity policy: chance risk targeting flags a lorry carrying hidden groups"),
    OPT("ports[].selection.tolerance_min", 0, 10000, 0, 30, "30", "minutes",
        "capacity policy: a flagged lorry leaves unsearched after waiting this long"),
    OPT("ports[].selection.handling_min", 0, 1000, 0, 0, "0", "minutes",
        "team and lorry time per search besides the method's duration"),
    TEXT(MDL_FIELD_TEXT, "ports[].methods[].name", NAME, "required",
         "the search method's name, unique in the port"),
    REAL("ports[].methods[].share", 0, 1, 0, "share of searches",
         "share of searches using the method (a port's shares sum to 1)"),
    DIST("ports[].methods[].time_min", "minutes", "duration of one search"),
    REAL("ports[].methods[].detection", 0, 1, 0, "probability per hidden group",
         "chance the search finds each hidden group"),
    TEXT(MDL_FIELD_CHOICE, "ports[].methods[].requires", "ifc1, ifc2", "ifc1",
         "qualification a team member needs for the method"),
    REAL("ports[].clandestine.groups_per_day", 0, 1e5, 0, "groups per day",
         "exogenous hidden groups trying to board (ports-only studies)"),
    LIST(MDL_FIELD_WEIGHTS, "ports[].clandestine.group_size_weights", 1, 20, 0, 1e6, "required", "relative",
         "weights of group sizes 1, 2, ..."),
    REAL("ports[].recording.at_port_share", 0, 1, 0, "share of those who pass",
         "passed groups recorded on arrival at a UK port"),
    REAL("ports[].recording.within_72h_share", 0, 1, 0, "share of those who pass",
         "passed groups found in the UK within 72 hours"),
    OPT("ports[].perimeter_security", 0, 1, 0, 0, "0", "share of boarding attempts",
        "boarding attempts stopped by fences and patrols"),
    OPT("ports[].open_share", 0, 1, 0, 1, "1 (open)", "share of own traffic",
        "1 open, 0 closed (freight diverts to the other ports), between: a capacity cut"),
    OPT("ports[].diversion_weight", 0, 1e6, 0, 1, "1", "relative",
        "diverted freight goes to open ports by weight x open_share x lorries_per_year"),

    COUNT("flexible_pool.officers", 0, 10000, "officers per pool shift",
          "officers deployable across the ports, each pool shift (IFC2, in ticket)"),
    TEXT(MDL_FIELD_CHOICE, "flexible_pool.rule", "longest_queue, most_expected_groups", "required",
         "where the pool goes: longest search queue, or most groups carried last shift"),
    REAL("flexible_pool.travel_min", 0, 1440, 0, "minutes", "travel between ports before searching"),
    REAL("flexible_pool.shift_hours", 0, 24, LO, "hours", "length of a pool shift; shifts follow each other"),
    REAL("flexible_pool.start_hour", 0, 24, HI, "hour of day", "start of the first pool shift"),
    WHOLE("population.initial_stock", 0, 1e7, "people", "people in the staging area at time 0"),
    {.path = "population.inflow.level_per_day",
     .type = MDL_FIELD_REAL,
     .lo = 0,
     .hi = 1e6,
     .def_text = "absent: monthly_per_day",
     .unit = "people per day",
     .desc = "mean inflow (shaped by monthly_profile)"},
    LIST(MDL_FIELD_WEIGHTS, "population.inflow.monthly_profile", 12, 12, 0, 1e6, "absent: flat",
         "relative, mean-normalised", "inflow weight of each month, January first"),
    LIST(MDL_FIELD_LIST, "population.inflow.monthly_per_day", 12, 12, 0, 1e6, "absent: level_per_day",
         "people per day", "inflow of each month, January first (instead of level_per_day)"),
    DIST("population.preparation_days", "days", "arrival to the first decision"),
    DIST("population.return_days", "days", "failed attempt to the next decision"),
    DIST("population.wait_days", "days", "choosing to wait to the next decision"),
    DIST("population.budget_eur", "EUR", "money available per attempt"),
    REAL("population.documents_share", 0, 1, 0, "share of arrivals",
         "arrivals holding documents usable on an air route"),
    DIST("population.risk_tolerance", "divides the risk term", "risk attitude (mean 1 is neutral)"),
    DIST("population.patience_days", "days", "time scale over which the wish to leave grows"),

    TEXT(MDL_FIELD_CHOICE, "choice.model", "mnl, nested", "required", "multinomial or nested logit"),
    REAL("choice.b_success", 0, 100, 0, "utility per ln(belief)", "weight of the believed success chance"),
    REAL("choice.b_price", 0, 100, 0, "utility per price/budget",
         "weight of the price relative to the budget"),
    REAL("choice.b_risk", 0, 1e6, 0, "utility per unit of risk", "weight of the perceived death risk"),
    REAL("choice.b_wait", 0, 100, 0, "utility per day", "weight of the expected wait"),
    REAL("choice.wait_asc", -100, 100, 0, "utility", "utility of waiting"),
    REAL("choice.leave.asc", -100, 100, 0, "utility", "constant of the utility of leaving"),
    REAL("choice.leave.per_failure", 0, 100, 0, "utility per failure",
         "wish to leave added by each failed attempt"),
    REAL("choice.leave.per_patience", 0, 100, 0, "utility per patience span",
         "wish to leave added per patience span in staging"),
    TEXT(MDL_FIELD_TEXT, "choice.nests[].name", NAME, "required", "the nest's name"),
    REAL("choice.nests[].lambda", 0, 1, LO, "", "nested logit dissimilarity (1: no correlation)"),
    TEXT(MDL_FIELD_TEXT, "choice.nests[].members", "mode names, wait, leave", "required",
         "alternatives in the nest, each in one nest at most"),
    {.path = "choice.beliefs.learning",
     .type = MDL_FIELD_BOOL,
     .def_text = "required",
     .unit = "",
     .desc = "false: beliefs stay at each mode's initial values"},
    REAL("choice.beliefs.time_constant_days", 0, 3650, LO, "days", "exponential smoothing of daily outcomes"),
    WHOLE("choice.beliefs.delay_days", 0, 365, "days", "outcomes of day d are known from day d + 1 + delay"),
    REAL("choice.beliefs.own_weight", 0, 100, 0, "per own failure",
         "own failures divide the belief by 1 + own_weight x failures"),
    REAL("choice.beliefs.floor", 0, 1, LO | HI, "probability", "beliefs never fall below this"),
    OPT("choice.beliefs.reversion_days", 0, 36500, 0, 0, "0 (never)", "days",
        "without outcomes of a day, beliefs return towards the mode's belief and expected wait"),

    TEXT(MDL_FIELD_TEXT, "modes[].name", NAME ", not wait, leave or total", "required", "the mode's name"),
    TEXT(MDL_FIELD_CHOICE, "modes[].kind", "boat, lorry, generic", "required",
         "which model runs the mode (one boat and one lorry mode at most)"),
    REAL("modes[].asc", -100, 100, 0, "utility", "alternative-specific constant"),
    REAL("modes[].price_eur", 0, 1e6, 0, "EUR", "price of an attempt (lorry: self-organised)"),
    REAL("modes[].risk", 0, 1, 0, "probability per attempt", "perceived death risk"),
    REAL("modes[].belief", 0, 1, LO, "probability", "initial (without learning, fixed) belief of success"),
    REAL("modes[].expected_wait_days", 0, 3650, 0, "days",
         "initial (without learning, fixed) belief of the wait"),
    {.path = "modes[].needs_documents",
     .type = MDL_FIELD_BOOL,
     .has_default = true,
     .def = 0,
     .def_text = "false",
     .unit = "",
     .desc = "only people holding documents can use the mode"},
    OPT("modes[].eligible_share", 0, 1, 0, 1, "1", "share of arrivals",
        "arrivals able to use the mode at all (drawn once)"),
    LIST(MDL_FIELD_LIST, "modes[].boat.good_weather_share", 12, 12, 0, 1, "required", "probability",
         "chance a day is fit to launch, by month, January first"),
    REAL("modes[].boat.weather_persistence", 0, 1, HI, "autocorrelation",
         "lag-1 autocorrelation of the weather chain"),
    REAL("modes[].boat.initial_boats", 0, 1e6, 0, "boats",
         "boats and engines held by the networks at time 0"),
    REAL("modes[].boat.replenish_per_day", 0, 1e5, 0, "boats per day", "Poisson rate of new boats"),
    REAL("modes[].boat.seizure_share_per_day", 0, 1, 0, "share of the stock per day",
         "boats seized each day"),
    REAL("modes[].boat.launch_capacity_per_day", 0, 1e5, 0, "launches per day",
         "most launches on a suitable day"),
    REAL("modes[].boat.launch_hour", 0, 24, HI, "hour of day", "when launches happen on suitable days"),
    REAL("modes[].boat.occupancy_mean", 1, 1000, 0, "people per boat", "occupancy when boats are not scarce"),
    REAL("modes[].boat.occupancy_max", 1, 1000, 0, "people per boat",
         "largest occupancy (at least occupancy_mean)"),
    REAL("modes[].boat.occupancy_adaptation", 0, 10, 0, "elasticity",
         "occupancy response to demand over supply (0: off)"),
    REAL("modes[].boat.patrol_effort", 0, 1000, 0, "effort (1 = reference)", "French beach patrol effort"),
    REAL("modes[].boat.prevention_per_effort", 0, 100, 0, "per unit of effort",
         "P(prevented) = 1 - exp(-prevention_per_effort x effort)"),
    REAL("modes[].boat.death_base", 0, 1, 0, "probability per person",
         "death probability at the reference occupancy"),
    REAL("modes[].boat.death_reference_occupancy", 0, 1000, LO, "people per boat",
         "occupancy at which death_base applies"),
    REAL("modes[].boat.death_crowding", 0, 20, 0, "exponent",
         "P(death) = base x (occupancy / reference)^crowding"),
    REAL("modes[].boat.death_max", 0, 1, 0, "probability per person", "cap of the death probability"),
    REAL("modes[].boat.price_elasticity", 0, 10, 0, "elasticity",
         "price = price_eur x (demand / supply)^elasticity"),
    REAL("modes[].boat.price_min_factor", 0, 1, LO, "factor of price_eur", "lowest price"),
    REAL("modes[].boat.price_max_factor", 1, 100, 0, "factor of price_eur",
         "highest price (at least price_min_factor)"),
    DIST("modes[].lorry.attempt_days", "days", "choice to boarding attempt"),
    REAL("modes[].lorry.self_success", 0, 1, 0, "probability", "boarding chance of a self-organised attempt"),
    REAL("modes[].lorry.facilitated_success", 0, 1, 0, "probability",
         "boarding chance of a smuggler-facilitated attempt"),
    REAL("modes[].lorry.facilitated_price_eur", 0, 1e6, 0, "EUR",
         "price of a facilitated attempt (at least price_eur)"),
    REAL("modes[].lorry.facilitated_share", 0, 1, 0, "share",
         "those who can afford it who pay a facilitator"),
    REAL("modes[].lorry.hauliers_secured_share", 0, 1, 0, "share of lorries",
         "lorries whose hauliers secure them"),
    REAL("modes[].lorry.secured_block", 0, 1, 0, "probability",
         "chance a secured lorry defeats a boarding attempt"),
    REAL("modes[].lorry.death_risk", 0, 1, 0, "probability per attempt", "death risk of a boarding attempt"),
    COUNT("modes[].lorry.fleet.hauliers", 1, 100000, "hauliers",
          "hauliers whose vehicles cross the controls (a fleet per haulier)"),
    REAL("modes[].lorry.fleet.fleet_size_alpha", 0, 10, LO, "tail index",
         "fleet sizes: discrete Pareto, P(size >= n) = n^-alpha"),
    COUNT("modes[].lorry.fleet.fleet_size_max", 1, 10000, "vehicles",
          "largest fleet (the tail is cut there)"),
    REAL("modes[].lorry.fleet.secured_concentration", 0, 1e4, LO, "Beta a + b",
         "hauliers' secured shares ~ Beta, mean hauliers_secured_share"),
    REAL("modes[].lorry.fleet.reuse_probability", 0, 1, 0, "probability",
         "a facilitated attempt reuses a recently used (complicit) vehicle"),
    REAL("modes[].lorry.fleet.reuse_other_port_share", 0, 1, 0, "share of reuses",
         "reuses of a vehicle last used at another port"),
    COUNT("modes[].lorry.fleet.reuse_set_size", 1, 100000, "vehicles",
          "recently used vehicles the facilitators of a port keep"),
    REAL("modes[].lorry.fleet.trace_probability", 0, 1, 0, "probability",
         "a group found in the UK within 72 h is traced to its vehicle"),
    REAL("modes[].lorry.fleet.trace_delay_days", 0, 365, 0, "days",
         "find in the UK to listing of the vehicle"),
    REAL("modes[].lorry.fleet.watchlist_days", 0, 3650, LO, "days", "validity of a watch-list entry"),
    {.path = "modes[].lorry.fleet.haulier_listing",
     .type = MDL_FIELD_BOOL,
     .def_text = "required",
     .unit = "",
     .desc = "a listing also lists the vehicle's haulier (all its fleet hits)"},
    COUNT("modes[].lorry.fleet.anpr_integration", 0, 1, "0 or 1",
          "0: each port checks its own list; 1: lists and UK traces shared"),
    REAL("modes[].lorry.fleet.sharing_lag_days", 0, 365, 0, "days",
         "integrated ANPR: listing to visibility at the other ports"),
    COUNT("modes[].lorry.fleet.watchlist_capacity", 16, 10000000, "entries",
          "vehicles (and hauliers) a port's list holds at once"),
    REAL("modes[].lorry.fleet.group_formation_days", 0, 365, LO, "days",
         "a group forming at a port boards when full (size from group_size_weights) or after this long"),
    DIST("modes[].generic.attempt_days", "days", "choice to outcome"),
    REAL("modes[].generic.detection", 0, 1, 0, "probability", "chance of detection at reference staffing"),
    OPT("modes[].generic.officers", 0, 1e6, 0, 1, "1", "officers",
        "staffing (with reference_officers): detection 1 - (1 - d)^(officers/ref)"),
    OPT("modes[].generic.reference_officers", 0, 1e6, LO, 1, "1", "officers",
        "staffing at which detection applies (with officers)"),
    OPT("modes[].generic.capacity_per_day", 0, 1e7, 0, 0, "0 (unlimited)", "attempts per day",
        "attempts a day before the mode is unavailable"),
    REAL("modes[].generic.death_risk", 0, 1, 0, "probability per attempt", "death risk of an attempt"),

    CDEF("cecps.enabled", 0, 1, 1, "1", "0 or 1",
         "0 turns the civil-penalty scheme off (the study's scheme_off)"),
    OPT("cecps.unqualified_referral_share", 0, 1, 0, 0.25, "0.25", "probability",
        "an incident is referred with no referral-trained officer on duty"),
    CDEF("cecps.team.staff", 0, 256, 12, "12", "caseworkers", "headcount of the caseworker team (CECPT)"),
    OPT("cecps.team.start_hour", 0, 24, HI, 9, "9", "hour of day", "start of the team's working day"),
    OPT("cecps.team.hours_per_day", 0, 24, LO, 7.4, "7.4", "hours", "working hours a day (ends by midnight)"),
    CDEF("cecps.team.working_days_per_week", 1, 7, 5, "5", "days, Monday first", "working days a week"),
    OPT("cecps.team.absence_share", 0, 1, HI, 0.15, "0.15", "probability per caseworker per day",
        "chance a caseworker is absent on a working day"),
    DIST("cecps.work_hours.referral", "hours", "caseworker time to decide a new referral"),
    DIST("cecps.work_hours.new_info", "hours", "caseworker time for new information on a penalty"),
    DIST("cecps.work_hours.challenge", "hours", "caseworker time to decide a challenge"),
    OPT("cecps.statutory_days", 0, 3650, 0, 365, "365", "days",
        "a case no caseworker started this long after arrival lapses (0: never)"),
    CDEF("cecps.ipm_date", 19000101, 21991231, 20250201, "20250201", "YYYYMMDD",
         "go-live of the case-management system (IPM)"),
    OPT("cecps.ipm_ramp_days", 0, 3650, 0, 365, "365", "days", "from go-live to the full effect of the IPM"),
    OPT("cecps.ipm_factor", 0, 1, LO, 0.75, "0.75", "multiplier", "work times at the IPM's full effect"),
    COUNT("cecps.steps[].from_date", 19000101, 21991231, "YYYYMMDD",
          "the maximum penalties below apply to incidents from this date (dates increasing)"),
    REAL("cecps.steps[].per_entrant_gbp", 0, 1e6, 0, "GBP",
         "maximum penalty per entrant per responsible person"),
    REAL("cecps.steps[].failure_to_secure_gbp", 0, 1e6, 0, "GBP",
         "maximum failure-to-secure penalty per vehicle not adequately secured"),
    CDEF("cecps.responsible_persons", 1, 5, 2, "2", "persons",
         "penalties per decided case (driver, owner, hirer)"),
    OPT("cecps.penalty_level_share", 0, 1, LO, 0.4, "0.4", "share of the maximum", "penalty imposed"),
    OPT("cecps.accredited_factor", 0, 1, 0, 0.5, "0.5", "multiplier", "penalties on accredited hauliers"),
    OPT("cecps.impose_share", 0, 1, 0, 0.8, "0.8", "share of decided referrals", "referrals with a penalty"),
    OPT("cecps.new_info_share", 0, 1, 0, 0.3, "0.3", "share of penalties",
        "penalties followed by a new-information case"),
    OPT("cecps.new_info_delay_days", 0, 3650, LO, 21, "21", "days", "mean delay of new information"),
    OPT("cecps.challenge_share", 0, 1, 0, 0.35, "0.35", "share of penalties", "penalties challenged"),
    OPT("cecps.challenge_delay_days", 0, 3650, LO, 28, "28", "days", "mean delay from penalty to challenge"),
    OPT("cecps.challenge_success_share", 0, 1, 0, 0.2, "0.2", "share of decided challenges",
        "challenges that cancel the penalty"),
    OPT("cecps.challenge_reduce_share", 0, 1, 0, 0.3, "0.3", "share of decided challenges",
        "challenges that reduce it (with the above at most 1)"),
    OPT("cecps.reduction_share", 0, 1, LO, 0.5, "0.5", "share of the penalty", "taken off by a reduction"),
    OPT("cecps.collect_share", 0, 1, 0, 0.6, "0.6", "share of debts",
        "debts collected (the rest written off)"),
    OPT("cecps.collection_mean_days", 0, 3650, LO, 120, "120", "days", "mean delay to collection"),
    OPT("cecps.write_off_days", 0, 3650, LO, 730, "730", "days", "delay to writing a debt off"),
    OPT("cecps.cpas_apply_per_year", 0, 365, 0, 0.05, "0.05", "applications per haulier per year",
        "CPAS applications of each haulier not accredited nor waiting"),
    CDEF("cecps.cpas_team.staff", 0, 256, 2, "2", "officers", "headcount of the CPAS team"),
    OPT("cecps.cpas_team.start_hour", 0, 24, HI, 9, "9", "hour of day", "start of the CPAS team's day"),
    OPT("cecps.cpas_team.hours_per_day", 0, 24, LO, 7.4, "7.4", "hours",
        "working hours a day (ends by midnight)"),
    CDEF("cecps.cpas_team.working_days_per_week", 1, 7, 5, "5", "days, Monday first", "working days a week"),
    OPT("cecps.cpas_team.absence_share", 0, 1, HI, 0.15, "0.15", "probability per officer per day",
        "chance a CPAS officer is absent on a working day"),
    DIST("cecps.cpas_work_hours", "hours", "CPAS team time to decide an application"),
    OPT("cecps.cpas_approve_share", 0, 1, 0, 0.8, "0.8", "share of applications", "applications approved"),
    OPT("cecps.accredited_initial_share", 0, 1, 0, 0.1, "0.1", "share of hauliers",
        "accredited at the start"),
    OPT("cecps.perception_lag_days", 0, 3650, LO, 90, "90", "days", "time constant of the perceived risk"),
    OPT("cecps.own_weight", 0, 1, 0, 0.5, "0.5", "weight",
        "of a haulier's own penalties against the industry's per haulier"),
    OPT("cecps.engagement_factor", 0, 100, 0, 1, "1", "multiplier",
        "perceived risk (toolkit, notification leaflets: recommendation 6)"),
    OPT("cecps.initial_risk_gbp_per_day", 0, 1e6, 0, 20, "20", "GBP per day", "perceived risk at the start"),
    OPT("cecps.security_cost_gbp_per_day", 0, 1e6, 0, 15, "15", "GBP per day",
        "cost to a haulier of securing its vehicles"),
    OPT("cecps.logit_scale_gbp_per_day", 0, 1e6, LO, 10, "10", "GBP per day",
        "spread of the secure/not decision"),
    OPT("cecps.review_days", 0, 3650, LO, 60, "60", "days", "mean days between a haulier's reviews"),
    OPT("cecps.secured_when_securing", 0, 1, 0, 0.9, "0.9", "share of vehicles",
        "secured vehicles of a haulier that secures (at least its base share)"),

    TEXT(MDL_FIELD_TEXT, "interventions[].name", "text", "none",
         "a label (also in variants[].interventions[])"),
    TEXT(MDL_FIELD_TEXT, "interventions[].path",
         "a numeric field under ports, population, choice, modes or cecps", "required",
         "the parameter changed"),
    TEXT(MDL_FIELD_CHOICE, "interventions[].op", "set, scale, add", "required",
         "new value = value, original x value or original + value"),
    REAL("interventions[].value", -INFINITY, INFINITY, 0, "unit of the parameter",
         "operand of op (also in variants[].interventions[])"),
    TEXT(MDL_FIELD_DATE, "interventions[].from", "a date before the end of the run", "the start",
         "first day in force"),
    TEXT(MDL_FIELD_DATE, "interventions[].to", "a date after from and after the warm-up", "never",
         "first day back at the original value"),
    OPT("interventions[].ramp_days", 0, 36500, 0, 0, "0 (a step)", "days",
        "reach the full change in daily steps over this time"),
    OPT("interventions[].cost_per_day", 0, 1e15, 0, 0, "0", "EUR per day", "cost of each day in force"),
    OPT("interventions[].cost_per_unit_day", 0, 1e15, 0, 0, "0", "EUR per unit of change per day",
        "cost per unit of change (e.g. per officer-day)"),
    TEXT(MDL_FIELD_TEXT, "variants[].name", WORD " other than baseline", "required",
         "the variant's name, unique"),
    TEXT(MDL_FIELD_TEXT, "variants[].description", "text", "none", "what the variant changes"),
    TEXT(MDL_FIELD_TEXT, "sweep.path", "as interventions[].path", "required",
         "the parameter of the first axis"),
    TEXT(MDL_FIELD_CHOICE, "sweep.op", "set, scale, add", "required", "as interventions[].op, from day 0"),
    LIST(MDL_FIELD_LIST, "sweep.values", 1, 1000, -INFINITY, INFINITY, "required", "unit of the parameter",
         "grid values of path"),
    TEXT(MDL_FIELD_TEXT, "sweep.path2", "as interventions[].path", "none (one axis)",
         "the parameter of the second axis"),
    LIST(MDL_FIELD_LIST, "sweep.values2", 1, 1000, -INFINITY, INFINITY, "absent: one axis",
         "unit of the parameter", "grid values of path2"),
    OPT("sweep.cost_per_unit_day", 0, 1e15, 0, 0, "0", "EUR per unit of change per day",
        "as in an intervention"),
};

const struct mdl_field *mdl_scenario_fields(size_t *n)
{
    *n = sizeof fields / sizeof fields[0];
    return fields;
}

const struct mdl_field *mdl_scenario_field(const char *pattern)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].path, pattern) == 0)
            return &fields[i];
    return NULL;
}

void mdl_field_range_text(const struct mdl_field *f, char *out, size_t outlen)
{
    if (f->values != NULL)
        snprintf(out, outlen, "%s", f->values);
    else if (f->type == MDL_FIELD_BOOL)
        snprintf(out, outlen, "true, false");
    else if (f->type == MDL_FIELD_COUNT)
        snprintf(out, outlen, "[%llu, %llu]", f->ulo, f->uhi);
    else if (isinf(f->lo) && isinf(f->hi))
        snprintf(out, outlen, "any finite number");
    else
        snprintf(out, outlen, "%c%.15g, %.15g%c", (f->open & LO) ? '(' : '[', f->lo, f->hi,
                 (f->open & HI) ? ')' : ']');
}

/* The counts are the only unsigned fields; libcyaml's error translation knows a field by its key. */
bool mdl__scn_uint_range(const char *key, unsigned long long *lo, unsigned long long *hi)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *p = fields[i].path;
        size_t plen = strlen(p);
        if (fields[i].type != MDL_FIELD_COUNT || plen < klen || strcmp(p + plen - klen, key) != 0 ||
            (plen > klen && p[plen - klen - 1] != '.'))
            continue;
        *lo = fields[i].ulo;
        *hi = fields[i].uhi;
        return true;
    }
    return false;
}
