/* mdl_scenario_priv.h: internals shared by the files of the scenario loader.
 *
 * mdl_scenario.c reads the file and parses it with libyaml; mdl_scenario_schema.c holds the
 * libcyaml schema; mdl_scenario_diag.c turns positions and library errors into report lines (path
 * index, labels, libcyaml log translation); mdl_scenario_fields.c is the reference table (one row
 * per numeric field: range, default, unit) and mdl_scenario_walk.c applies it to a loaded
 * scenario; mdl_scenario_check.c, mdl_scenario_check_pop.c and mdl_scenario_check_iv.c keep the
 * rules between fields; mdl_scenario_path.c finds a parameter by field path. Nothing outside these
 * files includes this header (it pulls in <yaml.h> and <cyaml/cyaml.h>). */
#ifndef MDL_SCENARIO_PRIV_H
#define MDL_SCENARIO_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "mdl_scenario.h"

/* Longest field path the loader builds or indexes, including the NUL. */
#define MDL__SCN_PATH_MAX 512

/* Most problem lines reported before the rest are only counted. */
#define MDL__SCN_MAX_LINES 20

/* Collects problem lines into the caller's err buffer. `buf` may be NULL when `cap` is 0. */
struct mdl__scn_diag {
    char *buf;
    size_t cap;
    size_t len;
    const char *file; /* the path as given, prefix of every line */
    unsigned lines;   /* lines written */
    unsigned dropped; /* problems counted but not written (beyond MDL__SCN_MAX_LINES) */
};

/* Starts an empty report in err[errlen] for problems in `file`. */
void mdl__scn_diag_init(struct mdl__scn_diag *d, char *err, size_t errlen, const char *file);

/* Adds one line "FILE:LINE:COL: PATH: message". `mark` may be NULL (no position) and `path` NULL or
 * "" (no path). Truncates rather than overflows; the buffer stays NUL-terminated. */
void mdl__scn_report(struct mdl__scn_diag *d, const yaml_mark_t *mark, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Appends "... and N more problems" when lines were dropped. Call once, after the last report. */
void mdl__scn_diag_finish(struct mdl__scn_diag *d);

/* Returns the name of entry `i` of some sequence described by `ctx`, or NULL when it has none. */
typedef const char *mdl__scn_name_fn(const void *ctx, size_t i);

/* Writes the path suffix naming entry `i` of a sequence: ".NAME" when the entry's name is a short
 * word (letters, digits, '_', '-', '.') not used by an earlier entry, "[i]" otherwise. The loader
 * applies this one rule to the libyaml document and to the loaded structs, so paths agree. */
void mdl__scn_label(mdl__scn_name_fn *name, const void *ctx, size_t i, char *out, size_t outlen);

/* mdl__scn_label for entry `i` of the libyaml sequence node `seq`. */
void mdl__scn_item_label(const yaml_document_t *doc, const yaml_node_t *seq, size_t i, char *out,
                         size_t outlen);

/* Returns node `id` of `doc`, or NULL when out of range. */
yaml_node_t *mdl__scn_node(const yaml_document_t *doc, yaml_node_item_t id);

/* Returns the value of key `key` in mapping `map`, or NULL (also when `map` is not a mapping). */
yaml_node_t *mdl__scn_map_get(const yaml_document_t *doc, const yaml_node_t *map, const char *key);

/* Every node of a libyaml document by field path ("ports.calais.hour_profile[3]"), sorted for
 * binary search. Borrows the document, which must outlive the index. */
struct mdl__scn_index {
    yaml_document_t *doc;
    struct mdl__scn_entry {
        const char *path; /* into `pool`, set once the pool stops growing */
        size_t path_off;
        size_t order; /* document order: the first of equal paths wins */
        const yaml_node_t *node;
    } * v;
    size_t n, cap;
    char *pool;
    size_t pool_len, pool_cap;
};

/* Most nodes indexed (aliases expanded); a larger document is refused as malformed. */
#define MDL__SCN_MAX_NODES 200000

/* Builds the index of `doc`. Returns SIM_OK, SIM_ENOMEM, or SIM_EFORMAT when the document has more
 * than MDL__SCN_MAX_NODES nodes; call mdl__scn_index_fini in every case. */
sim_status mdl__scn_index_build(struct mdl__scn_index *idx, yaml_document_t *doc);
void mdl__scn_index_fini(struct mdl__scn_index *idx);

/* Returns the node at `path` ("" is the root), or NULL when the file has no such field. */
const yaml_node_t *mdl__scn_index_find(const struct mdl__scn_index *idx, const char *path);

/* Describes what a schema value expects ("a number", "one of: random, targeted") and a node as
 * found ("'abc'", "a mapping", "nothing"), for "expected X, got Y" messages. */
void mdl__scn_want_text(const cyaml_schema_value_t *v, char *out, size_t outlen);
void mdl__scn_got_text(const yaml_node_t *n, char *out, size_t outlen);

/* Checks the shape of `doc` against the schema before libcyaml loads it, reporting every problem
 * (unknown, repeated or missing keys; a mapping, list or value where another is expected; a name
 * outside an enumeration) rather than libcyaml's first. Returns SIM_OK, SIM_EFORMAT, or SIM_EINVAL
 * when the only problems are enumeration values. */
sim_status mdl__scn_check_shape(const yaml_document_t *doc, struct mdl__scn_diag *d);

/* The libcyaml schema of a scenario file, and the configuration used to free what it loads. */
extern const cyaml_schema_value_t mdl__scn_schema;
extern const cyaml_config_t mdl__scn_free_config;

/* Loads `text` with libcyaml into a new struct (free with cyaml_free and mdl__scn_free_config). On
 * failure reports libcyaml's complaint as one line, positioned through `doc`, and returns
 * SIM_EFORMAT (unknown key, wrong type, missing key), SIM_EINVAL (a number out of range, a value
 * outside an enumeration) or SIM_ENOMEM. */
sim_status mdl__scn_load_struct(const char *text, size_t len, const yaml_document_t *doc,
                                struct mdl_scenario **out, struct mdl__scn_diag *d);

/* True when `s` is 1..maxlen letters, digits, '_', '-' or '.'. */
bool mdl__scn_is_word(const char *s, size_t maxlen);

/* Returns the allowed range of the unsigned field whose path ends in `key` (from the reference
 * table) through *lo and *hi; false when no count has that key. For the libcyaml error translation,
 * which knows a field by its key only. */
bool mdl__scn_uint_range(const char *key, unsigned long long *lo, unsigned long long *hi);

/* Checks every value of `s` (loaded by libcyaml from the document behind `idx`), reporting every
 * problem to `d`; fills the derived fields (start_weekday, start_yday) and the default of
 * selection.lift. Returns SIM_OK or SIM_EINVAL. */
sim_status mdl__scn_validate(struct mdl_scenario *s, const struct mdl__scn_index *idx,
                             struct mdl__scn_diag *d);

/* mdl__scn_validate without the study sections (interventions, variants, sweep). With
 * `keep_absent`, absent optional fields keep their values instead of getting their defaults (to
 * judge a change written to one of them, after a first pass has set the defaults). */
sim_status mdl__scn_validate_model(struct mdl_scenario *s, const struct mdl__scn_index *idx,
                                   struct mdl__scn_diag *d, bool keep_absent);

/* ---- Validation helpers (mdl_scenario_check.c), shared with mdl_scenario_check_pop.c ---- */

/* The state of a validation pass: the current field path and whether anything failed. */
struct mdl__ck {
    const struct mdl__scn_index *idx;
    struct mdl__scn_diag *d;
    char path[MDL__SCN_PATH_MAX];
    size_t len;
    bool bad;
    bool model_bad;   /* the model sections failed: changes cannot be judged at their full effect */
    bool keep_absent; /* the walker leaves absent optional fields as they are */
};

/* Appends a path segment ("key" or "[i]"); returns the length to restore with mdl__ck_leave. */
size_t mdl__ck_enter(struct mdl__ck *c, const char *seg);
void mdl__ck_leave(struct mdl__ck *c, size_t old);

/* The node at the current path, or NULL when the file has none (an absent optional field). */
const yaml_node_t *mdl__ck_here(const struct mdl__ck *c);

/* Reports a problem at the current path and marks the pass failed. */
void mdl__ck_fail(struct mdl__ck *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Checks a real at the current path against [lo, hi], ends excluded per `open` (MDL_FIELD_LO_OPEN,
 * MDL_FIELD_HI_OPEN), and that the file writes it as a plain number; reports and returns false
 * when not. */
bool mdl__ck_real_here(struct mdl__ck *c, double v, double lo, double hi, unsigned open);

/* Checks an unsigned value at the current path: written as a whole number, in [lo, hi]. */
bool mdl__ck_uint_here(struct mdl__ck *c, unsigned long long v, unsigned long long lo, unsigned long long hi);

/* Checks the list of `n` numbers at the current path against its reference row `f` (type
 * MDL_FIELD_LIST or MDL_FIELD_WEIGHTS): count in [nmin, nmax], each in [lo, hi], and for weights a
 * positive sum. */
void mdl__ck_list_here(struct mdl__ck *c, const double *v, unsigned n, const struct mdl_field *f);

/* Checks that the entries of a sequence have names, unique within it. */
void mdl__ck_names(struct mdl__ck *c, mdl__scn_name_fn *name, const void *ctx, size_t n, const char *what);

/* Checks a count of entries at the current path. */
void mdl__ck_count(struct mdl__ck *c, unsigned n, unsigned lo, unsigned hi);

/* Checks the distribution at the current path: the parameters its kind uses are present and in
 * the range of its reference row `f`, the others absent. */
void mdl__ck_dist(struct mdl__ck *c, const struct mdl_dist *t, const struct mdl_field *f);

/* ---- The generic walker (mdl_scenario_walk.c) ---- */

/* Walks the mapping `data` whose reference pattern is `pattern` ("" for the whole scenario, which
 * skips the study sections; "interventions[]"; "sweep"), at the current path of `c`: applies the
 * default of every absent field that has one and checks every present number, list and
 * distribution against its row of mdl_scenario_fields(). */
void mdl__ck_walk(struct mdl__ck *c, const char *pattern, void *data);

/* True when `v` is valid for the real field `pattern` (finite, in range, whole if it must be). For
 * rules between fields, which only apply once each field is valid on its own. */
bool mdl__field_ok(const char *pattern, double v);

/* Writes the reference pattern of field path `path` ("ports.calais.staffing.shifts[0].officers"
 * gives "ports[].staffing.shifts[].officers") to out[outlen]; false when the schema has no such
 * path or it does not fit. */
bool mdl__scn_pattern(const char *path, char *out, size_t outlen);

/* The field `key` (`len` bytes) of the schema mapping `map`, or NULL. */
const cyaml_schema_field_t *mdl__scn_field_of(const cyaml_schema_value_t *map, const char *key, size_t len);

/* The entry count of sequence field `f` of the struct at `base`. */
unsigned long long mdl__scn_count(const void *base, const cyaml_schema_field_t *f);

/* The `name` of the loaded mapping `e` described by `entry`, or NULL when it has none. */
const char *mdl__scn_entry_name(const cyaml_schema_value_t *entry, const char *e);

/* A loaded sequence, for naming its entries with mdl__scn_label and mdl__scn_seq_name. */
struct mdl__scn_seq {
    const cyaml_schema_value_t *entry;
    const char *arr;
};
const char *mdl__scn_seq_name(const void *ctx, size_t i); /* ctx: a struct mdl__scn_seq */

/* Parses a strict YYYY-MM-DD date (as calendar.start_date) into days since 1970-01-01. */
bool mdl__ck_date(const char *s, long *epoch_days);

/* Validates the interventions, variants and sweep (mdl_scenario_check_iv.c): paths name numeric
 * parameters, dates and costs make sense, and every parameter stays valid at the full effect of
 * each change. Fills from_day and to_day. Reports through `c`. */
void mdl__ck_study(struct mdl__ck *c, struct mdl_scenario *s);

/* Validates the population, choice and modes sections (mdl_scenario_check_pop.c) and fills their
 * defaults. Reports through `c`. */
void mdl__ck_population(struct mdl__ck *c, struct mdl_scenario *s);

#endif
