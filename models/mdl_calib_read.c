/* mdl_calib_read.c: reading a calibration or sensitivity file (both are read alike): libyaml
 * document and index, libcyaml load with its errors translated to "FILE:LINE:COL: path: ..." lines.
 * The loaders (mdl_calib.c, mdl_sens.c) then validate what was read. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_calib_shared.h"

#define MAX_FILE_BYTES (4u << 20)

static sim_status read_text(const char *path, char **text, size_t *len, struct mdl__scn_diag *d)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        mdl__scn_report(d, NULL, NULL, "cannot read: %s", strerror(errno));
        return SIM_ENOENT;
    }
    char *buf = malloc(MAX_FILE_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_FILE_BYTES + 1, f) : 0;
    bool bad = buf != NULL && ferror(f);
    fclose(f);
    if (buf == NULL)
        return SIM_ENOMEM;
    if (bad || n > MAX_FILE_BYTES) {
        free(buf);
        mdl__scn_report(d, NULL, NULL, bad ? "cannot read the file" : "larger than %u bytes", MAX_FILE_BYTES);
        return bad ? SIM_ENOENT : SIM_EFORMAT;
    }
    buf[n] = '\0';
    *text = buf, *len = n;
    return SIM_OK;
}

static sim_status parse_doc(const char *text, size_t len, const char *root_want, yaml_document_t *doc,
                            bool *have, struct mdl__scn_diag *d)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return SIM_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    sim_status st = SIM_OK;
    if (!yaml_parser_load(&p, doc)) {
        st = p.error == YAML_MEMORY_ERROR ? SIM_ENOMEM : SIM_EFORMAT;
        mdl__scn_report(d, &p.problem_mark, NULL, "YAML syntax error: %s",
                        p.problem ? p.problem : "malformed");
    } else {
        *have = true;
        const yaml_node_t *root = yaml_document_get_root_node(doc);
        if (root == NULL || root->type != YAML_MAPPING_NODE) {
            mdl__scn_report(d, root ? &root->start_mark : NULL, NULL, "expected a mapping of %s", root_want);
            st = SIM_EFORMAT;
        }
    }
    yaml_parser_delete(&p);
    return st;
}

/* ---- libcyaml's complaints ------------------------------------------------------------------ */

struct frame {
    int kind; /* 0 field, 1 sequence entry, 2 mapping */
    char key[64];
    unsigned entry;
};

struct capture {
    char msg[512];
    bool have_msg;
    struct frame fr[32];
    unsigned nfr;
};

static void capture_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
    struct capture *c = ctx;
    char line[512];
    if (level < CYAML_LOG_ERROR)
        return;
    vsnprintf(line, sizeof line, fmt, args);
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "  in ", 5) == 0) {
        struct frame f = {0};
        const char *s = line + 5;
        if (sscanf(s, "mapping field '%63[^']'", f.key) == 1 || sscanf(s, "mapping field: %63s", f.key) == 1)
            f.kind = 0;
        else if (sscanf(s, "sequence entry '%u'", &f.entry) == 1 ||
                 sscanf(s, "sequence entry: %u", &f.entry) == 1)
            f.kind = 1;
        else
            f.kind = 2;
        if (c->nfr < sizeof c->fr / sizeof c->fr[0])
            c->fr[c->nfr++] = f;
    } else if (!c->have_msg && strncmp(line, "Load: Backtrace", 15) != 0) {
        snprintf(c->msg, sizeof c->msg, "%s", strncmp(line, "Load: ", 6) == 0 ? line + 6 : line);
        c->have_msg = true;
    }
}

static bool starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* What a schema value expects, in words. */
static void want_text(const cyaml_schema_value_t *v, char *out, size_t cap)
{
    size_t n = 0;
    switch (v->type) {
    case CYAML_FLOAT: snprintf(out, cap, "a number"); return;
    case CYAML_UINT: snprintf(out, cap, "a whole number >= 0"); return;
    case CYAML_STRING: snprintf(out, cap, "a text"); return;
    case CYAML_SEQUENCE: snprintf(out, cap, "a list"); return;
    case CYAML_MAPPING: snprintf(out, cap, "a mapping"); return;
    case CYAML_ENUM:
        n = (size_t)snprintf(out, cap, "one of:");
        for (uint32_t i = 0; i < v->enumeration.count && n < cap; i++)
            n += (size_t)snprintf(out + n, cap - n, "%s %s", i ? "," : "", v->enumeration.strings[i].str);
        return;
    default: snprintf(out, cap, "a value of another type"); return;
    }
}

static const cyaml_schema_value_t *field_schema(const cyaml_schema_value_t *v, const char *key)
{
    if (v == NULL || v->type != CYAML_MAPPING)
        return NULL;
    for (const cyaml_schema_field_t *f = v->mapping.fields; f->key; f++)
        if (strcmp(f->key, key) == 0)
            return &f->value;
    return NULL;
}

struct walk {
    const yaml_node_t *node;
    const cyaml_schema_value_t *schema;
    char path[MDL__SCN_PATH_MAX];
};

/* Follows the backtrace (outermost frame last) from the root of the document and the schema. */
static void walk(const yaml_document_t *doc, const cyaml_schema_value_t *schema, const struct capture *c,
                 unsigned skip, struct walk *w)
{
    w->node = yaml_document_get_root_node((yaml_document_t *)doc);
    w->schema = schema;
    w->path[0] = '\0';
    for (unsigned i = c->nfr; i-- > skip && w->node != NULL;) {
        const struct frame *f = &c->fr[i];
        size_t n = strlen(w->path);
        if (f->kind == 0) {
            const yaml_node_t *next = mdl__scn_map_get(doc, w->node, f->key);
            if (next == NULL)
                return;
            snprintf(w->path + n, sizeof w->path - n, "%s%s", n ? "." : "", f->key);
            w->node = next, w->schema = field_schema(w->schema, f->key);
        } else if (f->kind == 1 && w->node->type == YAML_SEQUENCE_NODE && f->entry >= 1) {
            size_t k = f->entry - 1,
                   len = (size_t)(w->node->data.sequence.items.top - w->node->data.sequence.items.start);
            if (k >= len)
                return;
            char label[80];
            mdl__scn_item_label(doc, w->node, k, label, sizeof label);
            snprintf(w->path + n, sizeof w->path - n, "%s", label);
            w->node = mdl__scn_node(doc, w->node->data.sequence.items.start[k]);
            w->schema = w->schema && w->schema->type == CYAML_SEQUENCE ? w->schema->sequence.entry : NULL;
        }
    }
}

static sim_status unknown_key(struct mdl__scn_diag *d, const yaml_document_t *doc, const struct walk *w)
{
    const yaml_node_t *m = w->node;
    for (const yaml_node_pair_t *q = m->data.mapping.pairs.start; q < m->data.mapping.pairs.top; q++) {
        const yaml_node_t *k = mdl__scn_node(doc, q->key);
        if (k == NULL || k->type != YAML_SCALAR_NODE ||
            field_schema(w->schema, (const char *)k->data.scalar.value))
            continue;
        char allowed[512];
        size_t n = 0;
        allowed[0] = '\0';
        for (const cyaml_schema_field_t *f = w->schema->mapping.fields; f->key && n < sizeof allowed; f++)
            n += (size_t)snprintf(allowed + n, sizeof allowed - n, "%s%s", n ? ", " : "", f->key);
        char path[MDL__SCN_PATH_MAX];
        snprintf(path, sizeof path, "%s%s%s", w->path, w->path[0] ? "." : "",
                 (const char *)k->data.scalar.value);
        mdl__scn_report(d, &k->start_mark, path, "unknown key (expected one of: %s)", allowed);
        return SIM_EFORMAT;
    }
    return SIM_OK;
}

static sim_status translate(const struct capture *c, cyaml_err_t e, const yaml_document_t *doc,
                            const cyaml_schema_value_t *schema, struct mdl__scn_diag *d)
{
    if (e == CYAML_ERR_OOM)
        return SIM_ENOMEM;
    const char *m = c->have_msg ? c->msg : cyaml_strerror(e);
    const char *arg = strstr(m, ": ") ? strstr(m, ": ") + 2 : "";
    bool at_map = starts(m, "Missing required mapping field") || starts(m, "Mapping field already seen");
    struct walk w;
    walk(doc, schema, c, at_map && c->nfr > 0 && c->fr[0].kind == 0, &w);
    const yaml_mark_t *at = w.node ? &w.node->start_mark : NULL;
    char want[256], got[160];
    snprintf(got, sizeof got, "%s",
             w.node && w.node->type == YAML_SCALAR_NODE     ? (const char *)w.node->data.scalar.value
             : w.node && w.node->type == YAML_SEQUENCE_NODE ? "a list"
                                                            : "a mapping");
    if (starts(m, "Unexpected key") && w.node && w.node->type == YAML_MAPPING_NODE && w.schema &&
        w.schema->type == CYAML_MAPPING && unknown_key(d, doc, &w) != SIM_OK)
        return SIM_EFORMAT;
    if (starts(m, "Insufficient entries") || starts(m, "Excessive entries")) {
        mdl__scn_report(d, at, w.path, "expected %s entry, got %zu",
                        starts(m, "Insufficient") ? "at least one" : "fewer",
                        w.node && w.node->type == YAML_SEQUENCE_NODE
                            ? (size_t)(w.node->data.sequence.items.top - w.node->data.sequence.items.start)
                            : (size_t)0);
        return SIM_EINVAL;
    }
    if (starts(m, "Missing required mapping field")) {
        mdl__scn_report(d, at, w.path, "missing required key '%s'", arg);
        return SIM_EFORMAT;
    }
    if (w.schema && (starts(m, "Invalid") || starts(m, "Expecting"))) {
        want_text(w.schema, want, sizeof want);
        mdl__scn_report(d, at, w.path, "expected %s, got '%s'", want, got);
        return starts(m, "Expecting") ? SIM_EFORMAT : SIM_EINVAL;
    }
    mdl__scn_report(d, at, w.path, "%s", m);
    return SIM_EFORMAT;
}

static sim_status load_struct(const char *text, size_t len, const yaml_document_t *doc,
                              const struct mdl__cal_format *fmt, void **out, struct mdl__scn_diag *d)
{
    struct capture cap = {.have_msg = false};
    cyaml_config_t cfg = {.log_fn = capture_log,
                          .log_ctx = &cap,
                          .mem_fn = cyaml_mem,
                          .log_level = CYAML_LOG_ERROR,
                          .flags = CYAML_CFG_DEFAULT};
    cyaml_data_t *data = NULL;
    cyaml_err_t e = cyaml_load_data((const uint8_t *)text, len, &cfg, fmt->schema, &data, NULL);
    if (e == CYAML_OK && data) {
        *out = data;
        return SIM_OK;
    }
    if (data)
        cyaml_free(fmt->free_config, fmt->schema, data, 0);
    return translate(&cap, e, doc, fmt->schema, d);
}

/* ---- Opening a file -------------------------------------------------------------------------- */

sim_status mdl__cal_file_open(struct mdl__cal_file *f, const char *path, const struct mdl__cal_format *fmt,
                              void **out, struct mdl__scn_diag *d)
{
    *f = (struct mdl__cal_file){.have_doc = false};
    void *data = NULL;
    sim_status st = read_text(path, &f->text, &f->len, d);
    if (st == SIM_OK)
        st = parse_doc(f->text, f->len, fmt->root_want, &f->doc, &f->have_doc, d);
    if (st == SIM_OK && (st = mdl__scn_index_build(&f->idx, &f->doc)) != SIM_OK)
        mdl__scn_report(d, NULL, NULL, "too large or out of memory");
    if (st == SIM_OK)
        st = load_struct(f->text, f->len, &f->doc, fmt, &data, d);
    if (st == SIM_OK) {
        const char *slash = strrchr(path, '/');
        f->dir = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup("");
        *out = data;
    }
    return st;
}

void mdl__cal_file_close(struct mdl__cal_file *f)
{
    mdl__scn_index_fini(&f->idx);
    if (f->have_doc)
        yaml_document_delete(&f->doc);
    free(f->text), free(f->dir);
    f->text = f->dir = NULL, f->have_doc = false;
}
