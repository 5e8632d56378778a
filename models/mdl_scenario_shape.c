/* mdl_scenario_shape.c: every problem with the shape of a scenario file, in one pass.
 *
 * libcyaml stops at the first unknown key, wrong kind of value or missing key, so a file with
 * three typos needed three runs of `dispsim validate`. This pass follows the schema over the
 * libyaml document first and reports each such problem with its position, in document order, in
 * the words the libcyaml translation (mdl_scenario_diag.c) uses. Numbers are left to libcyaml and
 * the validation, which read them. The recursion follows the schema, so its depth is the schema's. */
#include <stdio.h>
#include <string.h>

#include "mdl_scenario_priv.h"

struct shape {
    const yaml_document_t *doc;
    struct mdl__scn_diag *d;
    bool format; /* a problem other than an enumeration value */
    bool bad;
};

static void check(struct shape *sh, const yaml_node_t *n, const cyaml_schema_value_t *v, const char *path);

/* Joins `path` and `seg` ("." between keys; labels bring their own "." or "["). */
static void join(char *out, size_t outlen, const char *path, const char *seg)
{
    snprintf(out, outlen, "%s%s%s", path, (path[0] && seg[0] != '.' && seg[0] != '[') ? "." : "", seg);
}

static void mismatch(struct shape *sh, const yaml_node_t *n, const cyaml_schema_value_t *v, const char *path)
{
    char want[160], got[256];
    mdl__scn_want_text(v, want, sizeof want);
    mdl__scn_got_text(n, got, sizeof got);
    bool is_enum = v->type == CYAML_ENUM && n->type == YAML_SCALAR_NODE;
    mdl__scn_report(sh->d, &n->start_mark, path, is_enum ? "expected %s; got %s" : "expected %s, got %s",
                    want, got);
    sh->bad = true;
    sh->format |= !is_enum;
}

/* A key of mapping `n` not in the schema `v`, or given twice. */
static bool bad_key(struct shape *sh, const yaml_node_t *n, const cyaml_schema_value_t *v,
                    const yaml_node_pair_t *q, const char *path)
{
    const yaml_node_t *k = mdl__scn_node(sh->doc, q->key);
    const char *key = (const char *)k->data.scalar.value;
    char at[MDL__SCN_PATH_MAX + 80];
    join(at, sizeof at, path, key[0] ? key : "\"\"");
    for (const yaml_node_pair_t *p = n->data.mapping.pairs.start; p < q; p++) {
        const yaml_node_t *pk = mdl__scn_node(sh->doc, p->key);
        if (strcmp((const char *)pk->data.scalar.value, key) == 0) {
            mdl__scn_report(sh->d, &k->start_mark, at, "duplicate key (already given at line %zu)",
                            pk->start_mark.line + 1);
            return sh->bad = sh->format = true;
        }
    }
    if (mdl__scn_field_of(v, key, strlen(key)) != NULL)
        return false;
    char allowed[512];
    size_t len = 0;
    allowed[0] = '\0';
    for (const cyaml_schema_field_t *f = v->mapping.fields; f->key && len < sizeof allowed; f++)
        len += (size_t)snprintf(allowed + len, sizeof allowed - len, "%s%s", len ? ", " : "", f->key);
    mdl__scn_report(sh->d, &k->start_mark, at, "unknown key (expected one of: %s)", allowed);
    return sh->bad = sh->format = true;
}

static void check_mapping(struct shape *sh, const yaml_node_t *n, const cyaml_schema_value_t *v,
                          const char *path)
{
    for (const yaml_node_pair_t *q = n->data.mapping.pairs.start; q < n->data.mapping.pairs.top; q++) {
        if (bad_key(sh, n, v, q, path))
            continue;
        const char *key = (const char *)mdl__scn_node(sh->doc, q->key)->data.scalar.value;
        const yaml_node_t *child = mdl__scn_node(sh->doc, q->value);
        char at[MDL__SCN_PATH_MAX];
        join(at, sizeof at, path, key);
        if (child != NULL)
            check(sh, child, &mdl__scn_field_of(v, key, strlen(key))->value, at);
    }
    for (const cyaml_schema_field_t *f = v->mapping.fields; f->key; f++)
        if (!(f->value.flags & CYAML_FLAG_OPTIONAL) && !mdl__scn_map_get(sh->doc, n, f->key)) {
            mdl__scn_report(sh->d, &n->start_mark, path, "missing required key '%s'", f->key);
            sh->bad = sh->format = true;
        }
}

static void check(struct shape *sh, const yaml_node_t *n, const cyaml_schema_value_t *v, const char *path)
{
    switch (v->type) {
    case CYAML_MAPPING:
        if (n->type != YAML_MAPPING_NODE)
            mismatch(sh, n, v, path);
        else
            check_mapping(sh, n, v, path);
        return;
    case CYAML_SEQUENCE:
        if (n->type != YAML_SEQUENCE_NODE) {
            mismatch(sh, n, v, path);
            return;
        }
        for (size_t i = 0; i < (size_t)(n->data.sequence.items.top - n->data.sequence.items.start); i++) {
            char label[80], at[MDL__SCN_PATH_MAX];
            mdl__scn_item_label(sh->doc, n, i, label, sizeof label);
            join(at, sizeof at, path, label);
            const yaml_node_t *item = mdl__scn_node(sh->doc, n->data.sequence.items.start[i]);
            if (item != NULL)
                check(sh, item, v->sequence.entry, at);
        }
        return;
    case CYAML_ENUM:
        if (n->type == YAML_SCALAR_NODE) {
            for (uint32_t i = 0; i < v->enumeration.count; i++)
                if (strcmp(v->enumeration.strings[i].str, (const char *)n->data.scalar.value) == 0)
                    return;
        }
        mismatch(sh, n, v, path);
        return;
    default:
        if (n->type != YAML_SCALAR_NODE)
            mismatch(sh, n, v, path);
        return;
    }
}

sim_status mdl__scn_check_shape(const yaml_document_t *doc, struct mdl__scn_diag *d)
{
    struct shape sh = {.doc = doc, .d = d};
    const yaml_node_t *root = yaml_document_get_root_node((yaml_document_t *)doc);
    if (root != NULL)
        check(&sh, root, &mdl__scn_schema, "");
    return !sh.bad ? SIM_OK : sh.format ? SIM_EFORMAT : SIM_EINVAL;
}
