/* mdl_calib_priv.h: internals shared by the files of the calibration loader (mdl_calib.c reads and
 * parses, mdl_calib_schema.c holds the libcyaml schema, mdl_calib_check.c validates). It reuses the
 * scenario loader's report and index helpers (mdl_scenario_priv.h) so both give the same messages.
 * Nothing outside these files includes this header. */
#ifndef MDL_CALIB_PRIV_H
#define MDL_CALIB_PRIV_H

#include "mdl_calib.h"
#include "mdl_calib_shared.h"

/* The libcyaml schema of a calibration file, and the configuration used to free what it loads. */
extern const cyaml_schema_value_t mdl__cal_schema;
extern const cyaml_config_t mdl__cal_free_config;

/* Validates `c` (loaded by libcyaml from the document behind `idx`): loads its scenario and observed
 * file (paths relative to `dir`, "" for the current directory), builds the world, fills every
 * derived field and reports each problem to `d`. Returns SIM_OK, SIM_EINVAL, SIM_ENOENT (a file is
 * missing), SIM_EFORMAT (a file does not load) or SIM_ENOMEM. */
sim_status mdl__cal_validate(struct mdl_calib *c, const struct mdl__scn_index *idx, struct mdl__scn_diag *d,
                             const char *dir);

/* Checks that every value of each prior's support (infinite ends taken at mean +- 8 sd) leaves the
 * scenario valid, reporting at the parameter's `prior` (mdl_calib_range.c). Skips parameters whose
 * path or prior is invalid (reported by then). */
void mdl__cal_check_ranges(struct mdl_calib *c, struct mdl__ck *ck);

#endif
