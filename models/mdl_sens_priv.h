/* mdl_sens_priv.h: internals shared by the files of the sensitivity loader (mdl_sens.c reads and
 * parses, mdl_sens_schema.c holds the libcyaml schema, mdl_sens_check.c validates). It reuses the
 * scenario loader's report and index helpers (mdl_scenario_priv.h), as the calibration loader does,
 * so all three give the same messages. Nothing outside these files includes this header. */
#ifndef MDL_SENS_PRIV_H
#define MDL_SENS_PRIV_H

#include "mdl_calib_shared.h"
#include "mdl_sens.h"

/* The libcyaml schema of a sensitivity file, and the configuration used to free what it loads. */
extern const cyaml_schema_value_t mdl__sens_schema;
extern const cyaml_config_t mdl__sens_free_config;

/* Validates `s` (loaded by libcyaml from the document behind `idx`): loads its study (path relative
 * to `dir`), builds the world, fills every derived field and reports each problem to `d`. Returns
 * SIM_OK, SIM_EINVAL, SIM_ENOENT, SIM_EFORMAT or SIM_ENOMEM. */
sim_status mdl__sens_validate(struct mdl_sens *s, const struct mdl__scn_index *idx, struct mdl__scn_diag *d,
                              const char *dir);

#endif
