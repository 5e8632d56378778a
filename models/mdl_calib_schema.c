/* mdl_calib_schema.c: the libcyaml schema of a calibration file. YAML keys equal the C field names
 * of mdl_calib.h; this table is the single place that says which keys a file may hold. */
#include <stdint.h>

#include <cyaml/cyaml.h>

#include "mdl_calib_priv.h"

/* Offset of member `m` of the anonymous struct `sub` inside `outer`, relative to `sub`. */
#define SUB_OFF(outer, sub, m) ((uint32_t)(offsetof(outer, sub.m) - offsetof(outer, sub)))

static const cyaml_strval_t prior_kinds[] = {
    {"uniform", SIM_PRIOR_UNIFORM},
    {"loguniform", SIM_PRIOR_LOGUNIFORM},
    {"normal", SIM_PRIOR_NORMAL},
    {"truncnormal", SIM_PRIOR_TRUNCNORMAL},
};

static const cyaml_strval_t samplers[] = {
    {"pmc", SIM_ABC_PMC},
    {"resample-move", SIM_ABC_RESAMPLE_MOVE},
};

static const cyaml_schema_field_t prior_fields[] = {
    CYAML_FIELD_ENUM("dist", CYAML_FLAG_STRICT, struct mdl_calib_prior, dist, prior_kinds,
                     CYAML_ARRAY_LEN(prior_kinds)),
    CYAML_FIELD_FLOAT("min", CYAML_FLAG_OPTIONAL, struct mdl_calib_prior, min),
    CYAML_FIELD_FLOAT("max", CYAML_FLAG_OPTIONAL, struct mdl_calib_prior, max),
    CYAML_FIELD_FLOAT("mean", CYAML_FLAG_OPTIONAL, struct mdl_calib_prior, mean),
    CYAML_FIELD_FLOAT("sd", CYAML_FLAG_OPTIONAL, struct mdl_calib_prior, sd),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t param_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct mdl_calib_param, name, 1,
                           CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("path", CYAML_FLAG_POINTER, struct mdl_calib_param, path, 1, CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING("prior", CYAML_FLAG_DEFAULT, struct mdl_calib_param, prior, prior_fields),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED)};

#define T struct mdl_calib_target
static const cyaml_schema_field_t target_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, T, name, 1, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("series", CYAML_FLAG_POINTER, T, series, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("periods", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, T, periods, &string_entry, 1,
                         CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("quantity", CYAML_FLAG_POINTER, T, quantity, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("select", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, T, select, &string_entry, 1,
                         CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("per", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, T, per, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("per_select", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, T, per_select, &string_entry,
                         1, CYAML_UNLIMITED),
    CYAML_FIELD_FLOAT("sd", CYAML_FLAG_OPTIONAL, T, sd),
    CYAML_FIELD_FLOAT("weight", CYAML_FLAG_OPTIONAL, T, weight),
    CYAML_FIELD_END,
};
#undef T

#define C struct mdl_calib
static const cyaml_schema_field_t algorithm_fields[] = {
    {.key = "particles",
     .data_offset = SUB_OFF(C, algorithm, particles),
     .value = {CYAML_VALUE_UINT(CYAML_FLAG_DEFAULT, unsigned)}},
    {.key = "generations",
     .data_offset = SUB_OFF(C, algorithm, generations),
     .value = {CYAML_VALUE_UINT(CYAML_FLAG_OPTIONAL, unsigned)}},
    {.key = "replications",
     .data_offset = SUB_OFF(C, algorithm, replications),
     .value = {CYAML_VALUE_UINT(CYAML_FLAG_OPTIONAL, unsigned)}},
    {.key = "final_tolerance",
     .data_offset = SUB_OFF(C, algorithm, final_tolerance),
     .value = {CYAML_VALUE_FLOAT(CYAML_FLAG_OPTIONAL, double)}},
    {.key = "min_acceptance",
     .data_offset = SUB_OFF(C, algorithm, min_acceptance),
     .value = {CYAML_VALUE_FLOAT(CYAML_FLAG_OPTIONAL, double)}},
    {.key = "sampler",
     .data_offset = SUB_OFF(C, algorithm, sampler),
     .value = {CYAML_VALUE_ENUM(CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT, enum sim_abc_method, samplers,
                                CYAML_ARRAY_LEN(samplers))}},
    {.key = "moves",
     .data_offset = SUB_OFF(C, algorithm, moves),
     .value = {CYAML_VALUE_UINT(CYAML_FLAG_OPTIONAL, unsigned)}},
    {.key = "alpha",
     .data_offset = SUB_OFF(C, algorithm, alpha),
     .value = {CYAML_VALUE_FLOAT(CYAML_FLAG_OPTIONAL, double)}},
    {.key = "seed",
     .data_offset = SUB_OFF(C, algorithm, seed),
     .value = {CYAML_VALUE_UINT(CYAML_FLAG_OPTIONAL, uint64_t)}},
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t param_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_calib_param, param_fields)};
static const cyaml_schema_value_t target_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_calib_target, target_fields)};

static const cyaml_schema_field_t calib_fields[] = {
    CYAML_FIELD_STRING_PTR("description", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, C, description, 0,
                           CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("scenario", CYAML_FLAG_POINTER, C, scenario, 1, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("observed", CYAML_FLAG_POINTER, C, observed, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("parameters", CYAML_FLAG_POINTER, C, parameters, &param_entry, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("targets", CYAML_FLAG_POINTER, C, targets, &target_entry, 1, CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING("algorithm", CYAML_FLAG_DEFAULT, C, algorithm, algorithm_fields),
    CYAML_FIELD_END,
};
#undef C

const cyaml_schema_value_t mdl__cal_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct mdl_calib, calib_fields)};

const cyaml_config_t mdl__cal_free_config = {.mem_fn = cyaml_mem, .log_level = CYAML_LOG_ERROR};
