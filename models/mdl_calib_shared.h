/* mdl_calib_shared.h: what the calibration loader (mdl_calib*.c) and the sensitivity loader
 * (mdl_sens*.c) share: their files are read the same way and differ only in their schema
 * (mdl_calib_read.c), and their parameters are scenario paths checked the same way
 * (mdl_calib_range.c). It reuses the scenario loader's report and index helpers
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

/* ---- Parameters (mdl_calib_range.c) ---------------------------------------------------------- */

/* The name of an intervention of `s` that sets `path` (op: set) over the whole analysis window,
 * alone or with other sets of it, or of a variant whose sets (with the scenario's) do so; NULL
 * when the value a calibration or a sensitivity analysis gives `path` is in force on some day of
 * the window. The name is borrowed from `s`. A set replaces that value while at full effect; a
 * scale or an add acts on it (a fitted base level that yearly factors scale), and a set limited
 * by from/to leaves it in force outside its dates (the soft years of a history before a fitted
 * 2023 level), so those are not reported. */
const char *mdl__cal_set_by(const struct mdl_scenario *s, const char *path);

/* Parses and indexes the scenario's text (s->text) into `doc` and `idx`, so that the scenario's
 * rules can run again with a parameter changed. False when out of memory or the text does not
 * parse (nothing is then held); on true, free with mdl__scn_index_fini and yaml_document_delete. */
bool mdl__cal_index_scenario(const struct mdl_scenario *s, yaml_document_t *doc, struct mdl__scn_index *idx);

/* Validates `s` (indexed by `idx`) with the parameter `p` set to `v`, then restores p's value.
 * True when valid; else writes the first problem to msg as "PATH: message", without the ", got X"
 * that quotes the value written in the scenario file rather than v. */
bool mdl__cal_valid_at(struct mdl_scenario *s, const struct mdl__scn_index *idx, const struct mdl_param *p,
                       double v, char *msg, size_t cap);

#endif
