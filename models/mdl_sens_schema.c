/* mdl_sens_schema.c: the libcyaml schema of a sensitivity file. YAML keys equal the C field names
 * of mdl_sens.h; this table is the single place that says which keys a file may hold. */
#include <stdint.h>

#include <cyaml/cyaml.h>

#include "mdl_sens_priv.h"

static const cyaml_strval_t scales[] = {{"linear", MDL_SENS_LINEAR}, {"log", MDL_SENS_LOG}};

static const cyaml_strval_t metric_kinds[] = {
    {"displacement_ratio", MDL_SENS_DISPLACEMENT_RATIO},
    {"net_deterrence", MDL_SENS_NET_DETERRENCE},
    {"cost_per_net_arrival_prevented", MDL_SENS_COST_PER_NET_ARRIVAL},
    {"arrivals_change", MDL_SENS_ARRIVALS_CHANGE},
};

const char *mdl_sens_metric_str(enum mdl_sens_metric_kind k)
{
    return (unsigned)k < MDL_SENS_NMETRICS ? metric_kinds[k].str : "?";
}

#define P struct mdl_sens_param
static const cyaml_schema_field_t param_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, P, name, 1, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("path", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, P, path, 1, CYAML_UNLIMITED),
    CYAML_FIELD_FLOAT("min", CYAML_FLAG_DEFAULT, P, min),
    CYAML_FIELD_FLOAT("max", CYAML_FLAG_DEFAULT, P, max),
    CYAML_FIELD_ENUM("scale", CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT, P, scale, scales,
                     CYAML_ARRAY_LEN(scales)),
    CYAML_FIELD_BOOL("dummy", CYAML_FLAG_OPTIONAL, P, dummy),
    CYAML_FIELD_END,
};
#undef P

static const cyaml_schema_value_t string_entry = {
    CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED)};

#define M struct mdl_sens_metric
static const cyaml_schema_field_t metric_fields[] = {
    CYAML_FIELD_ENUM("metric", CYAML_FLAG_STRICT, M, metric, metric_kinds, CYAML_ARRAY_LEN(metric_kinds)),
    CYAML_FIELD_STRING_PTR("mode", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, M, mode, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("variants", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, M, variants, &string_entry, 1,
                         CYAML_UNLIMITED),
    CYAML_FIELD_END,
};
#undef M

static const cyaml_schema_field_t sobol_fields[] = {
    CYAML_FIELD_UINT("base_samples", CYAML_FLAG_DEFAULT, struct mdl_sens_sobol, base_samples),
    CYAML_FIELD_UINT("bootstrap", CYAML_FLAG_OPTIONAL, struct mdl_sens_sobol, bootstrap),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t morris_fields[] = {
    CYAML_FIELD_UINT("trajectories", CYAML_FLAG_DEFAULT, struct mdl_sens_morris, trajectories),
    CYAML_FIELD_UINT("levels", CYAML_FLAG_OPTIONAL, struct mdl_sens_morris, levels),
    CYAML_FIELD_END,
};

static const cyaml_schema_field_t method_fields[] = {
    CYAML_FIELD_MAPPING_PTR("sobol", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct mdl_sens_method, sobol,
                            sobol_fields),
    CYAML_FIELD_MAPPING_PTR("morris", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct mdl_sens_method,
                            morris, morris_fields),
    CYAML_FIELD_END,
};

static const cyaml_schema_value_t param_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_sens_param, param_fields)};
static const cyaml_schema_value_t metric_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mdl_sens_metric, metric_fields)};

#define S struct mdl_sens
static const cyaml_schema_field_t sens_fields[] = {
    CYAML_FIELD_STRING_PTR("description", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, S, description, 0,
                           CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("study", CYAML_FLAG_POINTER, S, study, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("parameters", CYAML_FLAG_POINTER, S, parameters, &param_entry, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("metrics", CYAML_FLAG_POINTER, S, metrics, &metric_entry, 1, CYAML_UNLIMITED),
    CYAML_FIELD_MAPPING("method", CYAML_FLAG_DEFAULT, S, method, method_fields),
    CYAML_FIELD_UINT("replications", CYAML_FLAG_DEFAULT, S, replications),
    CYAML_FIELD_UINT("seed", CYAML_FLAG_OPTIONAL, S, seed),
    CYAML_FIELD_END,
};
#undef S

const cyaml_schema_value_t mdl__sens_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct mdl_sens, sens_fields)};

const cyaml_config_t mdl__sens_free_config = {.mem_fn = cyaml_mem, .log_level = CYAML_LOG_ERROR};
