/* mdl_scenario_schema.c: the libcyaml schema of a scenario file. YAML keys equal the C field names
 * of mdl_scenario.h; this table is the single place that says which keys a file may hold. */
#include <stdint.h>
#include <string.h>

#include "mdl_scenario_priv.h"

/* ---- Schema: YAML keys equal the C field names ------------------------------------------------ */

/* Offset of member `m` of the anonymous struct `sub` inside `outer`, relative to `sub`. */
#define SUB_OFF(outer, sub, m) ((uint32_t)(offsetof(outer, sub.m) - offsetof(outer, sub)))

#define VAL_DOUBLE(flags)                                                                                    \
    {                                                                                                        \
        CYAML_VALUE_FLOAT((flags), double)                                                                   \
    }
#define VAL_UINT(flags)                                                                                      \
    {                                                                                                        \
        CYAML_VALUE_UINT((flags), unsigned)                                                                  \
    }

static const cyaml_strval_t dist_kinds[] = {
    {"fixed", MDL_DIST_FIXED},     {"exponential", MDL_DIST_EXPONENTIAL},
    {"uniform", MDL_DIST_UNIFORM}, {"lognormal", MDL_DIST_LOGNORMAL},
    {"gamma", MDL_DIST_GAMMA},
};
static const cyaml_strval_t policies[] = {
    {"random", MDL_SELECT_RANDOM}, {"targeted", MDL_SELECT_TARGETED}, {"capacity", MDL_SELECT_CAPACITY}};

static const cyaml_schema_field_t dist_fields[] = {
    CYAML_FIELD_ENUM("dist", CYAML_FLAG_STRICT, struct mdl_dist, kind, dist_kinds,
                     CYAML_ARRAY_LEN(dist_kinds)),
    CYAML_FIELD_FLOAT("mean", CYAML_FLAG_OPTIONAL, struct mdl_dist, mean),
    CYAML_FIELD_FLOAT("sd", CYAML_FLAG_OPTIONAL, struct mdl_dist, sd),
    CYAML_FIELD_FLOAT("min", CYAML_FLAG_OPTIONAL, struct mdl_dist, min),
    CYAML_FIELD_FLOAT("max", CYAML_FLAG_OPTIONAL, struct mdl_dist, max),
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t shift_fields[] = {
    CYAML_FIELD_FLOAT("start_hour", CYAML_FLAG_DEFAULT, struct mdl_shift, start_hour),
    CYAML_FIELD_FLOAT("hours", CYAML_FLAG_DEFAULT, struct mdl_shift, hours),
    CYAML_FIELD_UINT("officers", CYAML_FLAG_DEFAULT, struct mdl_shift, officers),
    CYAML_FIELD_END,
};
static const cyaml_strval_t quals[] = {{"ifc1", MDL_QUAL_IFC1}, {"ifc2", MDL_QUAL_IFC2}};
static const cyaml_schema_field_t method_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct mdl_method, name, 0, CYAML_UNLIMITED),
    CYAML_FIELD_FLOAT("share", CYAML_FLAG_DEFAULT, struct mdl_method, share),
    CYAML_FIELD_MAPPING("time_min", CYAML_FLAG_DEFAULT, struct mdl_method, time_min, dist_fields),
    CYAML_FIELD_FLOAT("detection", CYAML_FLAG_DEFAULT, struct mdl_method, detection),
    CYAML_FIELD_ENUM("requires", CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT, struct mdl_method, requires, quals,
                     CYAML_ARRAY_LEN(quals)),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t double_entry = VAL_DOUBLE(CYAML_FLAG_DEFAULT);
static const cyaml_schema_value_t shift_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_shift, shift_fields)};
static const cyaml_schema_value_t method_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_method, method_fields)};

#define P struct mdl_port
static const cyaml_schema_field_t staffing_fields[] = {
    {.key = "team_size", .data_offset = SUB_OFF(P, staffing, team_size), .value = VAL_UINT(0)},
    {.key = "absence_share", .data_offset = SUB_OFF(P, staffing, absence_share), .value = VAL_DOUBLE(0)},
    {.key = "shifts",
     .data_offset = SUB_OFF(P, staffing, shifts),
     .count_offset = SUB_OFF(P, staffing, shifts_count),
     .count_size = sizeof(unsigned),
     .value = {CYAML_VALUE_SEQUENCE(CYAML_FLAG_POINTER, struct mdl_shift, &shift_entry, 0, CYAML_UNLIMITED)}},
    {.key = "ifc2_share",
     .data_offset = SUB_OFF(P, staffing, ifc2_share),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "ticket_validity_days",
     .data_offset = SUB_OFF(P, staffing, ticket_validity_days),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "refresher_per_month",
     .data_offset = SUB_OFF(P, staffing, refresher_per_month),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "ifc2_throughput_per_month",
     .data_offset = SUB_OFF(P, staffing, ifc2_throughput_per_month),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "ifc2_delay_days",
     .data_offset = SUB_OFF(P, staffing, ifc2_delay_days),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "referral_trained_share",
     .data_offset = SUB_OFF(P, staffing, referral_trained_share),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t selection_fields[] = {
    {.key = "policy",
     .data_offset = SUB_OFF(P, selection, policy),
     .value = {CYAML_VALUE_ENUM(CYAML_FLAG_STRICT, enum mdl_selection_policy, policies,
                                CYAML_ARRAY_LEN(policies))}},
    {.key = "share", .data_offset = SUB_OFF(P, selection, share), .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "lift", .data_offset = SUB_OFF(P, selection, lift), .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "max_queue", .data_offset = SUB_OFF(P, selection, max_queue), .value = VAL_UINT(0)},
    {.key = "false_flag_share",
     .data_offset = SUB_OFF(P, selection, false_flag_share),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "hit_share",
     .data_offset = SUB_OFF(P, selection, hit_share),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "tolerance_min",
     .data_offset = SUB_OFF(P, selection, tolerance_min),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "handling_min",
     .data_offset = SUB_OFF(P, selection, handling_min),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t clandestine_fields[] = {
    {.key = "groups_per_day", .data_offset = SUB_OFF(P, clandestine, groups_per_day), .value = VAL_DOUBLE(0)},
    {.key = "group_size_weights",
     .data_offset = SUB_OFF(P, clandestine, group_size_weights),
     .count_offset = SUB_OFF(P, clandestine, group_size_weights_count),
     .count_size = sizeof(unsigned),
     .value = {CYAML_VALUE_SEQUENCE(CYAML_FLAG_POINTER, double, &double_entry, 0, CYAML_UNLIMITED)}},
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t recording_fields[] = {
    {.key = "at_port_share", .data_offset = SUB_OFF(P, recording, at_port_share), .value = VAL_DOUBLE(0)},
    {.key = "within_72h_share",
     .data_offset = SUB_OFF(P, recording, within_72h_share),
     .value = VAL_DOUBLE(0)},
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t port_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, P, name, 0, CYAML_UNLIMITED),
    CYAML_FIELD_FLOAT("lorries_per_year", CYAML_FLAG_DEFAULT, P, lorries_per_year),
    CYAML_FIELD_SEQUENCE("hour_profile", CYAML_FLAG_POINTER, P, hour_profile, &double_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("weekday_profile", CYAML_FLAG_POINTER, P, weekday_profile, &double_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING("staffing", CYAML_FLAG_DEFAULT, P, staffing, staffing_fields),
    CYAML_FIELD_MAPPING("selection", CYAML_FLAG_DEFAULT, P, selection, selection_fields),
    CYAML_FIELD_SEQUENCE("methods", CYAML_FLAG_POINTER, P, methods, &method_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING("clandestine", CYAML_FLAG_DEFAULT, P, clandestine, clandestine_fields),
    CYAML_FIELD_MAPPING("recording", CYAML_FLAG_DEFAULT, P, recording, recording_fields),
    CYAML_FIELD_FLOAT("perimeter_security", CYAML_FLAG_OPTIONAL, P, perimeter_security),
    CYAML_FIELD_FLOAT("open_share", CYAML_FLAG_OPTIONAL, P, open_share),
    CYAML_FIELD_FLOAT("diversion_weight", CYAML_FLAG_OPTIONAL, P, diversion_weight),
    CYAML_FIELD_END,
};
#undef P
static const cyaml_schema_value_t port_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_port, port_fields)};

/* ---- The population, the choice rule and the modes ---- */

static const cyaml_schema_value_t string_ptr_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED)};

#define PO struct mdl_population
static const cyaml_schema_field_t inflow_fields[] = {
    {.key = "level_per_day",
     .data_offset = SUB_OFF(PO, inflow, level_per_day),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    {.key = "monthly_profile",
     .data_offset = SUB_OFF(PO, inflow, monthly_profile),
     .count_offset = SUB_OFF(PO, inflow, monthly_profile_count),
     .count_size = sizeof(unsigned),
     .value = {CYAML_VALUE_SEQUENCE(CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, double, &double_entry, 0,
                                    CYAML_UNLIMITED)}},
    {.key = "monthly_per_day",
     .data_offset = SUB_OFF(PO, inflow, monthly_per_day),
     .count_offset = SUB_OFF(PO, inflow, monthly_per_day_count),
     .count_size = sizeof(unsigned),
     .value = {CYAML_VALUE_SEQUENCE(CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, double, &double_entry, 0,
                                    CYAML_UNLIMITED)}},
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t population_fields[] = {
    CYAML_FIELD_FLOAT("initial_stock", CYAML_FLAG_DEFAULT, PO, initial_stock),
    CYAML_FIELD_MAPPING("inflow", CYAML_FLAG_DEFAULT, PO, inflow, inflow_fields),
    CYAML_FIELD_MAPPING("preparation_days", CYAML_FLAG_DEFAULT, PO, preparation_days, dist_fields),
    CYAML_FIELD_MAPPING("return_days", CYAML_FLAG_DEFAULT, PO, return_days, dist_fields),
    CYAML_FIELD_MAPPING("wait_days", CYAML_FLAG_DEFAULT, PO, wait_days, dist_fields),
    CYAML_FIELD_MAPPING("budget_eur", CYAML_FLAG_DEFAULT, PO, budget_eur, dist_fields),
    CYAML_FIELD_FLOAT("documents_share", CYAML_FLAG_DEFAULT, PO, documents_share),
    CYAML_FIELD_MAPPING("risk_tolerance", CYAML_FLAG_DEFAULT, PO, risk_tolerance, dist_fields),
    CYAML_FIELD_MAPPING("patience_days", CYAML_FLAG_DEFAULT, PO, patience_days, dist_fields),
    CYAML_FIELD_END,
};
#undef PO

static const cyaml_strval_t choice_models[] = {{"mnl", MDL_CHOICE_MNL}, {"nested", MDL_CHOICE_NESTED}};
static const cyaml_strval_t mode_kinds[] = {
    {"boat", MDL_MODE_BOAT}, {"lorry", MDL_MODE_LORRY}, {"generic", MDL_MODE_GENERIC}};

static const cyaml_schema_field_t nest_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct mdl_nest, name, 0, CYAML_UNLIMITED),
    CYAML_FIELD_FLOAT("lambda", CYAML_FLAG_DEFAULT, struct mdl_nest, lambda),
    CYAML_FIELD_SEQUENCE("members", CYAML_FLAG_POINTER, struct mdl_nest, members, &string_ptr_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t nest_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_nest, nest_fields)};

#define C struct mdl_choice
static const cyaml_schema_field_t leave_fields[] = {
    {.key = "asc", .data_offset = SUB_OFF(C, leave, asc), .value = VAL_DOUBLE(0)},
    {.key = "per_failure", .data_offset = SUB_OFF(C, leave, per_failure), .value = VAL_DOUBLE(0)},
    {.key = "per_patience", .data_offset = SUB_OFF(C, leave, per_patience), .value = VAL_DOUBLE(0)},
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t beliefs_fields[] = {
    {.key = "learning",
     .data_offset = SUB_OFF(C, beliefs, learning),
     .value = {CYAML_VALUE_BOOL(CYAML_FLAG_DEFAULT, bool)}},
    {.key = "time_constant_days",
     .data_offset = SUB_OFF(C, beliefs, time_constant_days),
     .value = VAL_DOUBLE(0)},
    {.key = "delay_days", .data_offset = SUB_OFF(C, beliefs, delay_days), .value = VAL_DOUBLE(0)},
    {.key = "own_weight", .data_offset = SUB_OFF(C, beliefs, own_weight), .value = VAL_DOUBLE(0)},
    {.key = "floor", .data_offset = SUB_OFF(C, beliefs, floor), .value = VAL_DOUBLE(0)},
    {.key = "reversion_days",
     .data_offset = SUB_OFF(C, beliefs, reversion_days),
     .value = VAL_DOUBLE(CYAML_FLAG_OPTIONAL)},
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t choice_fields[] = {
    CYAML_FIELD_ENUM("model", CYAML_FLAG_STRICT, C, model, choice_models, CYAML_ARRAY_LEN(choice_models)),
    CYAML_FIELD_FLOAT("b_success", CYAML_FLAG_DEFAULT, C, b_success),
    CYAML_FIELD_FLOAT("b_price", CYAML_FLAG_DEFAULT, C, b_price),
    CYAML_FIELD_FLOAT("b_risk", CYAML_FLAG_DEFAULT, C, b_risk),
    CYAML_FIELD_FLOAT("b_wait", CYAML_FLAG_DEFAULT, C, b_wait),
    CYAML_FIELD_FLOAT("wait_asc", CYAML_FLAG_DEFAULT, C, wait_asc),
    CYAML_FIELD_MAPPING("leave", CYAML_FLAG_DEFAULT, C, leave, leave_fields),
    CYAML_FIELD_SEQUENCE("nests", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, C, nests, &nest_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING("beliefs", CYAML_FLAG_DEFAULT, C, beliefs, beliefs_fields),
    CYAML_FIELD_END,
};
#undef C

#define B struct mdl_boat
static const cyaml_schema_field_t boat_fields[] = {
    CYAML_FIELD_SEQUENCE("good_weather_share", CYAML_FLAG_POINTER, B, good_weather_share, &double_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_FLOAT("weather_persistence", CYAML_FLAG_DEFAULT, B, weather_persistence),
    CYAML_FIELD_FLOAT("initial_boats", CYAML_FLAG_DEFAULT, B, initial_boats),
    CYAML_FIELD_FLOAT("replenish_per_day", CYAML_FLAG_DEFAULT, B, replenish_per_day),
    CYAML_FIELD_FLOAT("seizure_share_per_day", CYAML_FLAG_DEFAULT, B, seizure_share_per_day),
    CYAML_FIELD_FLOAT("launch_capacity_per_day", CYAML_FLAG_DEFAULT, B, launch_capacity_per_day),
    CYAML_FIELD_FLOAT("launch_hour", CYAML_FLAG_DEFAULT, B, launch_hour),
    CYAML_FIELD_FLOAT("occupancy_mean", CYAML_FLAG_DEFAULT, B, occupancy_mean),
    CYAML_FIELD_FLOAT("occupancy_max", CYAML_FLAG_DEFAULT, B, occupancy_max),
    CYAML_FIELD_FLOAT("occupancy_adaptation", CYAML_FLAG_DEFAULT, B, occupancy_adaptation),
    CYAML_FIELD_FLOAT("patrol_effort", CYAML_FLAG_DEFAULT, B, patrol_effort),
    CYAML_FIELD_FLOAT("prevention_per_effort", CYAML_FLAG_DEFAULT, B, prevention_per_effort),
    CYAML_FIELD_FLOAT("death_base", CYAML_FLAG_DEFAULT, B, death_base),
    CYAML_FIELD_FLOAT("death_reference_occupancy", CYAML_FLAG_DEFAULT, B, death_reference_occupancy),
    CYAML_FIELD_FLOAT("death_crowding", CYAML_FLAG_DEFAULT, B, death_crowding),
    CYAML_FIELD_FLOAT("death_max", CYAML_FLAG_DEFAULT, B, death_max),
    CYAML_FIELD_FLOAT("price_elasticity", CYAML_FLAG_DEFAULT, B, price_elasticity),
    CYAML_FIELD_FLOAT("price_min_factor", CYAML_FLAG_DEFAULT, B, price_min_factor),
    CYAML_FIELD_FLOAT("price_max_factor", CYAML_FLAG_DEFAULT, B, price_max_factor),
    CYAML_FIELD_END,
};
#undef B
#define F struct mdl_fleet
static const cyaml_schema_field_t fleet_fields[] = {
    CYAML_FIELD_UINT("hauliers", CYAML_FLAG_DEFAULT, F, hauliers),
    CYAML_FIELD_FLOAT("fleet_size_alpha", CYAML_FLAG_DEFAULT, F, fleet_size_alpha),
    CYAML_FIELD_UINT("fleet_size_max", CYAML_FLAG_DEFAULT, F, fleet_size_max),
    CYAML_FIELD_FLOAT("secured_concentration", CYAML_FLAG_DEFAULT, F, secured_concentration),
    CYAML_FIELD_FLOAT("reuse_probability", CYAML_FLAG_DEFAULT, F, reuse_probability),
    CYAML_FIELD_FLOAT("reuse_other_port_share", CYAML_FLAG_DEFAULT, F, reuse_other_port_share),
    CYAML_FIELD_UINT("reuse_set_size", CYAML_FLAG_DEFAULT, F, reuse_set_size),
    CYAML_FIELD_FLOAT("trace_probability", CYAML_FLAG_DEFAULT, F, trace_probability),
    CYAML_FIELD_FLOAT("trace_delay_days", CYAML_FLAG_DEFAULT, F, trace_delay_days),
    CYAML_FIELD_FLOAT("watchlist_days", CYAML_FLAG_DEFAULT, F, watchlist_days),
    CYAML_FIELD_BOOL("haulier_listing", CYAML_FLAG_DEFAULT, F, haulier_listing),
    CYAML_FIELD_UINT("anpr_integration", CYAML_FLAG_DEFAULT, F, anpr_integration),
    CYAML_FIELD_FLOAT("sharing_lag_days", CYAML_FLAG_DEFAULT, F, sharing_lag_days),
    CYAML_FIELD_UINT("watchlist_capacity", CYAML_FLAG_DEFAULT, F, watchlist_capacity),
    CYAML_FIELD_FLOAT("group_formation_days", CYAML_FLAG_DEFAULT, F, group_formation_days),
    CYAML_FIELD_END,
};
#undef F
#define L struct mdl_lorry
static const cyaml_schema_field_t lorry_fields[] = {
    CYAML_FIELD_MAPPING("attempt_days", CYAML_FLAG_DEFAULT, L, attempt_days, dist_fields),
    CYAML_FIELD_FLOAT("self_success", CYAML_FLAG_DEFAULT, L, self_success),
    CYAML_FIELD_FLOAT("facilitated_success", CYAML_FLAG_DEFAULT, L, facilitated_success),
    CYAML_FIELD_FLOAT("facilitated_price_eur", CYAML_FLAG_DEFAULT, L, facilitated_price_eur),
    CYAML_FIELD_FLOAT("facilitated_share", CYAML_FLAG_DEFAULT, L, facilitated_share),
    CYAML_FIELD_FLOAT("hauliers_secured_share", CYAML_FLAG_DEFAULT, L, hauliers_secured_share),
    CYAML_FIELD_FLOAT("secured_block", CYAML_FLAG_DEFAULT, L, secured_block),
    CYAML_FIELD_FLOAT("death_risk", CYAML_FLAG_DEFAULT, L, death_risk),
    CYAML_FIELD_MAPPING_PTR("fleet", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, L, fleet, fleet_fields),
    CYAML_FIELD_END,
};
#undef L
#define G struct mdl_generic
static const cyaml_schema_field_t generic_fields[] = {
    CYAML_FIELD_MAPPING("attempt_days", CYAML_FLAG_DEFAULT, G, attempt_days, dist_fields),
    CYAML_FIELD_FLOAT("detection", CYAML_FLAG_DEFAULT, G, detection),
    CYAML_FIELD_FLOAT("officers", CYAML_FLAG_OPTIONAL, G, officers),
    CYAML_FIELD_FLOAT("reference_officers", CYAML_FLAG_OPTIONAL, G, reference_officers),
    CYAML_FIELD_FLOAT("capacity_per_day", CYAML_FLAG_OPTIONAL, G, capacity_per_day),
    CYAML_FIELD_FLOAT("death_risk", CYAML_FLAG_DEFAULT, G, death_risk),
    CYAML_FIELD_END,
};
#undef G
#define M struct mdl_mode
static const cyaml_schema_field_t mode_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, M, name, 0, CYAML_UNLIMITED),
    CYAML_FIELD_ENUM("kind", CYAML_FLAG_STRICT, M, kind, mode_kinds, CYAML_ARRAY_LEN(mode_kinds)),
    CYAML_FIELD_FLOAT("asc", CYAML_FLAG_DEFAULT, M, asc),
    CYAML_FIELD_FLOAT("price_eur", CYAML_FLAG_DEFAULT, M, price_eur),
    CYAML_FIELD_FLOAT("risk", CYAML_FLAG_DEFAULT, M, risk),
    CYAML_FIELD_FLOAT("belief", CYAML_FLAG_DEFAULT, M, belief),
    CYAML_FIELD_FLOAT("expected_wait_days", CYAML_FLAG_DEFAULT, M, expected_wait_days),
    CYAML_FIELD_BOOL("needs_documents", CYAML_FLAG_OPTIONAL, M, needs_documents),
    CYAML_FIELD_FLOAT("eligible_share", CYAML_FLAG_OPTIONAL, M, eligible_share),
    CYAML_FIELD_MAPPING_PTR("boat", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, M, boat, boat_fields),
    CYAML_FIELD_MAPPING_PTR("lorry", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, M, lorry, lorry_fields),
    CYAML_FIELD_MAPPING_PTR("generic", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, M, generic, generic_fields),
    CYAML_FIELD_END,
};
#undef M
static const cyaml_schema_value_t mode_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_mode, mode_fields)};

/* The civil-penalty scheme (mdl_cecps.h): keys equal the fields of struct mdl_cecps_params. */
#define T struct mdl_cecps_team
static const cyaml_schema_field_t cecps_team_fields[] = {
    CYAML_FIELD_UINT("staff", CYAML_FLAG_OPTIONAL, T, staff),
    CYAML_FIELD_FLOAT("start_hour", CYAML_FLAG_OPTIONAL, T, start_hour),
    CYAML_FIELD_FLOAT("hours_per_day", CYAML_FLAG_OPTIONAL, T, hours_per_day),
    CYAML_FIELD_UINT("working_days_per_week", CYAML_FLAG_OPTIONAL, T, working_days_per_week),
    CYAML_FIELD_FLOAT("absence_share", CYAML_FLAG_OPTIONAL, T, absence_share),
    CYAML_FIELD_END,
};
#undef T
/* work_hours is an array indexed by case type, written as a mapping keyed by the type. */
static const cyaml_schema_field_t cecps_work_fields[] = {
    {.key = "referral",
     .data_offset = MDL_CECPS_REFERRAL * sizeof(struct mdl_dist),
     .value = {CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_dist, dist_fields)}},
    {.key = "new_info",
     .data_offset = MDL_CECPS_NEW_INFO * sizeof(struct mdl_dist),
     .value = {CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_dist, dist_fields)}},
    {.key = "challenge",
     .data_offset = MDL_CECPS_CHALLENGE * sizeof(struct mdl_dist),
     .value = {CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_dist, dist_fields)}},
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t cecps_step_fields[] = {
    CYAML_FIELD_UINT("from_date", CYAML_FLAG_DEFAULT, struct mdl_cecps_step, from_date),
    CYAML_FIELD_FLOAT("per_entrant_gbp", CYAML_FLAG_DEFAULT, struct mdl_cecps_step, per_entrant_gbp),
    CYAML_FIELD_FLOAT("failure_to_secure_gbp", CYAML_FLAG_DEFAULT, struct mdl_cecps_step,
                      failure_to_secure_gbp),
    CYAML_FIELD_END,
};
static const cyaml_schema_value_t cecps_step_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_cecps_step, cecps_step_fields)};
#define C          struct mdl_cecps_params
#define CREAL(key) CYAML_FIELD_FLOAT(#key, CYAML_FLAG_OPTIONAL, C, key)
static const cyaml_schema_field_t cecps_fields[] = {
    CYAML_FIELD_UINT("enabled", CYAML_FLAG_OPTIONAL, C, enabled),
    CREAL(unqualified_referral_share),
    CYAML_FIELD_MAPPING("team", CYAML_FLAG_OPTIONAL, C, team, cecps_team_fields),
    {.key = "work_hours",
     .data_offset = offsetof(C, work_hours),
     .value = {CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_dist[MDL_CECPS_NCASES],
                                   cecps_work_fields)}},
    CREAL(statutory_days),
    CYAML_FIELD_UINT("ipm_date", CYAML_FLAG_OPTIONAL, C, ipm_date),
    CREAL(ipm_ramp_days),
    CREAL(ipm_factor),
    {.key = "steps",
     .data_offset = offsetof(C, steps),
     .count_offset = offsetof(C, nsteps),
     .count_size = sizeof(unsigned),
     .value = {CYAML_VALUE_SEQUENCE(CYAML_FLAG_DEFAULT, struct mdl_cecps_step, &cecps_step_entry, 1,
                                    MDL_CECPS_MAX_STEPS)}},
    CYAML_FIELD_UINT("responsible_persons", CYAML_FLAG_OPTIONAL, C, responsible_persons),
    CREAL(penalty_level_share),
    CREAL(accredited_factor),
    CREAL(impose_share),
    CREAL(new_info_share),
    CREAL(new_info_delay_days),
    CREAL(challenge_share),
    CREAL(challenge_delay_days),
    CREAL(challenge_success_share),
    CREAL(challenge_reduce_share),
    CREAL(reduction_share),
    CREAL(collect_share),
    CREAL(collection_mean_days),
    CREAL(write_off_days),
    CREAL(cpas_apply_per_year),
    CYAML_FIELD_MAPPING("cpas_team", CYAML_FLAG_OPTIONAL, C, cpas_team, cecps_team_fields),
    CYAML_FIELD_MAPPING("cpas_work_hours", CYAML_FLAG_DEFAULT, C, cpas_work_hours, dist_fields),
    CREAL(cpas_approve_share),
    CREAL(accredited_initial_share),
    CREAL(perception_lag_days),
    CREAL(own_weight),
    CREAL(engagement_factor),
    CREAL(initial_risk_gbp_per_day),
    CREAL(security_cost_gbp_per_day),
    CREAL(logit_scale_gbp_per_day),
    CREAL(review_days),
    CREAL(secured_when_securing),
    CYAML_FIELD_END,
};
#undef CREAL
#undef C

static const cyaml_strval_t iv_ops[] = {{"set", MDL_IV_SET}, {"scale", MDL_IV_SCALE}, {"add", MDL_IV_ADD}};

#define I struct mdl_intervention
static const cyaml_schema_field_t intervention_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, I, name, 0, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("path", CYAML_FLAG_POINTER, I, path, 1, CYAML_UNLIMITED),
    CYAML_FIELD_ENUM("op", CYAML_FLAG_STRICT, I, op, iv_ops, CYAML_ARRAY_LEN(iv_ops)),
    CYAML_FIELD_FLOAT("value", CYAML_FLAG_DEFAULT, I, value),
    CYAML_FIELD_STRING_PTR("from", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, I, from, 0, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("to", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, I, to, 0, CYAML_UNLIMITED),
    CYAML_FIELD_FLOAT("ramp_days", CYAML_FLAG_OPTIONAL, I, ramp_days),
    CYAML_FIELD_FLOAT("cost_per_day", CYAML_FLAG_OPTIONAL, I, cost_per_day),
    CYAML_FIELD_FLOAT("cost_per_unit_day", CYAML_FLAG_OPTIONAL, I, cost_per_unit_day),
    CYAML_FIELD_END,
};
#undef I
static const cyaml_schema_value_t intervention_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_intervention, intervention_fields)};

#define V struct mdl_variant
static const cyaml_schema_field_t variant_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, V, name, 0, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("description", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, V, description, 0,
                           CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("interventions", CYAML_FLAG_POINTER, V, interventions, &intervention_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_END,
};
#undef V
static const cyaml_schema_value_t variant_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_variant, variant_fields)};

#define W struct mdl_sweep
static const cyaml_schema_field_t sweep_fields[] = {
    CYAML_FIELD_STRING_PTR("path", CYAML_FLAG_POINTER, W, path, 1, CYAML_UNLIMITED),
    CYAML_FIELD_ENUM("op", CYAML_FLAG_STRICT, W, op, iv_ops, CYAML_ARRAY_LEN(iv_ops)),
    CYAML_FIELD_SEQUENCE("values", CYAML_FLAG_POINTER, W, values, &double_entry, 1, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("path2", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, W, path2, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("values2", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, W, values2, &double_entry, 1,
                         CYAML_UNLIMITED),
    CYAML_FIELD_FLOAT("cost_per_unit_day", CYAML_FLAG_OPTIONAL, W, cost_per_unit_day),
    CYAML_FIELD_END,
};
#undef W

#define S struct mdl_scenario
static const cyaml_schema_field_t calendar_fields[] = {
    {.key = "start_date",
     .data_offset = SUB_OFF(S, calendar, start_date),
     .value = {CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED)}},
    {.key = "horizon_days", .data_offset = SUB_OFF(S, calendar, horizon_days), .value = VAL_DOUBLE(0)},
    {.key = "warmup_days", .data_offset = SUB_OFF(S, calendar, warmup_days), .value = VAL_DOUBLE(0)},
    CYAML_FIELD_END,
};
static const cyaml_schema_field_t run_fields[] = {
    {.key = "replications", .data_offset = SUB_OFF(S, run, replications), .value = VAL_UINT(0)},
    {.key = "master_seed",
     .data_offset = SUB_OFF(S, run, master_seed),
     .value = {CYAML_VALUE_UINT(CYAML_FLAG_DEFAULT, uint64_t)}},
    CYAML_FIELD_END,
};
static const cyaml_strval_t pool_rules[] = {{"longest_queue", MDL_POOL_LONGEST_QUEUE},
                                            {"most_expected_groups", MDL_POOL_MOST_GROUPS}};
static const cyaml_schema_field_t pool_fields[] = {
    CYAML_FIELD_UINT("officers", CYAML_FLAG_DEFAULT, struct mdl_pool, officers),
    CYAML_FIELD_ENUM("rule", CYAML_FLAG_STRICT, struct mdl_pool, rule, pool_rules,
                     CYAML_ARRAY_LEN(pool_rules)),
    CYAML_FIELD_FLOAT("travel_min", CYAML_FLAG_DEFAULT, struct mdl_pool, travel_min),
    CYAML_FIELD_FLOAT("shift_hours", CYAML_FLAG_DEFAULT, struct mdl_pool, shift_hours),
    CYAML_FIELD_FLOAT("start_hour", CYAML_FLAG_DEFAULT, struct mdl_pool, start_hour),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t top_fields[] = {
    CYAML_FIELD_UINT("dispsim", CYAML_FLAG_DEFAULT, S, dispsim),
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, S, name, 0, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("description", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, description, 0,
                           CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING("calendar", CYAML_FLAG_DEFAULT, S, calendar, calendar_fields),
    CYAML_FIELD_MAPPING("run", CYAML_FLAG_DEFAULT, S, run, run_fields),
    CYAML_FIELD_SEQUENCE("ports", CYAML_FLAG_POINTER, S, ports, &port_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING_PTR("flexible_pool", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, flexible_pool,
                            pool_fields),
    CYAML_FIELD_MAPPING_PTR("population", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, population,
                            population_fields),
    CYAML_FIELD_MAPPING_PTR("choice", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, choice, choice_fields),
    CYAML_FIELD_SEQUENCE("modes", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, modes, &mode_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING_PTR("cecps", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, cecps, cecps_fields),
    CYAML_FIELD_SEQUENCE("interventions", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, interventions,
                         &intervention_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("variants", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, variants, &variant_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING_PTR("sweep", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, sweep, sweep_fields),
    CYAML_FIELD_END,
};
#undef S
const cyaml_schema_value_t mdl__scn_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct mdl_scenario, top_fields)};

/* Used by mdl_scenario_destroy, which has nothing to log. */
const cyaml_config_t mdl__scn_free_config = {.mem_fn = cyaml_mem, .log_level = CYAML_LOG_ERROR};
