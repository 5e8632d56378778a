/* mdl_calib_shared.h: what the calibration loader (mdl_calib*.c) and the sensitivity loader
 * (mdl_sens*.c) share: their files are read the same way and differ only in their schema
 * (mdl_calib_read.c). It reuses the scenario loader's report and index helpers
 * (mdl_scenario_priv.h). Nothing outside these loaders includes this header. */
#ifndef MDL_CALIB_SHARED_H
#define MDL_CALIB_SHARED_H

#include "mdl_scenario_priv.h"

/* What tells one kind of file from the other: its libcyaml schema, the configuration that frees
 * what the schema loads, and the keys named when the document is not a mapping ("study,
 * parameters, ..."). */
struct mdl__cal_format {
    const cyaml_schema_value_t *schema;
    const cyaml_config_t *free_config;
    const char *root_want;
};

/* A file being read: its text, libyaml document, index of the document's nodes by path and the
 * directory its relative paths start from ("" for the current directory). All owned. */
struct mdl__cal_file {
    char *text;
    size_t len;
    yaml_document_t doc;
    bool have_doc;
    struct mdl__scn_index idx;
    char *dir;
};

/* Reads `path` into `f`, then loads it with libcyaml through `fmt` into a new struct returned in
 * *out (free with cyaml_free and fmt->free_config; *out is untouched on failure). Reports each
 * problem to `d`. Returns SIM_OK, SIM_ENOENT (cannot read), SIM_EFORMAT (too large, bad YAML, not
 * a mapping, unknown key, wrong type, missing key), SIM_EINVAL (a value out of range) or
 * SIM_ENOMEM. f->dir is NULL after SIM_OK only when out of memory. Call mdl__cal_file_close on
 * `f` in every case. */
sim_status mdl__cal_file_open(struct mdl__cal_file *f, const char *path, const struct mdl__cal_format *fmt,
                              void **out, struct mdl__scn_diag *d);

/* Frees what `f` holds (not the struct loaded from it). */
void mdl__cal_file_close(struct mdl__cal_file *f);

#endif
