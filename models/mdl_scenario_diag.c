/* mdl_scenario_diag.c: positions and messages for the scenario loader.
 *
 * Three things a user-facing error needs: a report buffer that never overflows, an index from field
 * path to the libyaml node (hence LINE:COL of any value), and a translation of libcyaml's log and
 * backtrace ("Load: Invalid FLOAT value: abc", "  in mapping field 'officers' (line: 3, column:
 * 15)", ...) into one line in our own words. Positions always come from the libyaml document;
 * libcyaml's numbers are only a fallback when its backtrace and the document disagree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_scenario_priv.h"

static const char *scalar_text(const yaml_node_t *n)
{
    return (n && n->type == YAML_SCALAR_NODE) ? (const char *)n->data.scalar.value : NULL;
}

/* ---- Path labels ------------------------------------------------------------------------------ */

static bool word_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '-' || ch == '.';
}

bool mdl__scn_is_word(const char *s, size_t maxlen)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= maxlen || !word_char(s[n]))
            return false;
    return n > 0;
}

void mdl__scn_label(mdl__scn_name_fn *name, const void *ctx, size_t i, char *out, size_t outlen)
{
    const char *nm = name(ctx, i);
    /* The quadratic duplicate scan is bounded: long sequences are named by index. */
    bool use = i < 256 && nm && mdl__scn_is_word(nm, 64);
    for (size_t j = 0; use && j < i; j++) {
        const char *other = name(ctx, j);
        use = !(other && strcmp(other, nm) == 0);
    }
    if (use)
        snprintf(out, outlen, ".%s", nm);
    else
        snprintf(out, outlen, "[%zu]", i);
}

/* ---- Problem reports ---------------------------------------------------------------------- */

void mdl__scn_diag_init(struct mdl__scn_diag *d, char *err, size_t errlen, const char *file)
{
    *d = (struct mdl__scn_diag){.buf = err, .cap = err ? errlen : 0, .file = file};
    if (d->cap > 0)
        d->buf[0] = '\0';
}

/* Appends `s` to the report, cut to fit; the buffer stays NUL-terminated. */
static void diag_put(struct mdl__scn_diag *d, const char *s)
{
    if (d->cap == 0)
        return;
    size_t room = d->cap - 1 - d->len, n = strlen(s);
    if (n > room)
        n = room;
    memcpy(d->buf + d->len, s, n);
    d->len += n;
    d->buf[d->len] = '\0';
}

void mdl__scn_report(struct mdl__scn_diag *d, const yaml_mark_t *mark, const char *path, const char *fmt, ...)
{
    if (d->lines >= MDL__SCN_MAX_LINES) {
        d->dropped++;
        return;
    }
    char line[1024];
    int n = mark ? snprintf(line, sizeof line, "%s:%zu:%zu: ", d->file, mark->line + 1, mark->column + 1)
                 : snprintf(line, sizeof line, "%s: ", d->file);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    if (path && path[0]) {
        n = snprintf(line + len, sizeof line - len, "%s: ", path);
        len += n < 0 ? 0 : (size_t)n < sizeof line - len ? (size_t)n : sizeof line - len - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + len, sizeof line - len, fmt, ap);
    va_end(ap);
    if (d->lines > 0)
        diag_put(d, "\n");
    diag_put(d, line);
    d->lines++;
}

void mdl__scn_diag_finish(struct mdl__scn_diag *d)
{
    if (d->dropped > 0) {
        char line[128];
        snprintf(line, sizeof line, "\n%s: ... and %u more problem%s", d->file, d->dropped,
                 d->dropped == 1 ? "" : "s");
        diag_put(d, line);
    }
}

/* ---- The libyaml document by field path ------------------------------------------------------ */

yaml_node_t *mdl__scn_node(const yaml_document_t *doc, yaml_node_item_t id)
{
    if (id < 1 || id > doc->nodes.top - doc->nodes.start)
        return NULL;
    return doc->nodes.start + id - 1;
}

yaml_node_t *mdl__scn_map_get(const yaml_document_t *doc, const yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = scalar_text(mdl__scn_node(doc, p->key));
        if (k && strcmp(k, key) == 0)
            return mdl__scn_node(doc, p->value);
    }
    return NULL;
}

struct seq_ctx {
    const yaml_document_t *doc;
    const yaml_node_t *seq;
};

static const char *yaml_item_name(const void *ctx, size_t i)
{
    const struct seq_ctx *s = ctx;
    const yaml_node_t *item = mdl__scn_node(s->doc, s->seq->data.sequence.items.start[i]);
    return scalar_text(mdl__scn_map_get(s->doc, item, "name"));
}

void mdl__scn_item_label(const yaml_document_t *doc, const yaml_node_t *seq, size_t i, char *out,
                         size_t outlen)
{
    struct seq_ctx ctx = {doc, seq};
    mdl__scn_label(yaml_item_name, &ctx, i, out, outlen);
}

/* Adds (path, node); returns false on allocation failure. */
static bool index_add(struct mdl__scn_index *idx, const char *path, const yaml_node_t *node)
{
    size_t need = strlen(path) + 1;
    if (idx->n == idx->cap) {
        size_t cap = idx->cap ? 2 * idx->cap : 256;
        void *v = realloc(idx->v, cap * sizeof *idx->v);
        if (!v)
            return false;
        idx->v = v;
        idx->cap = cap;
    }
    if (idx->pool_cap - idx->pool_len < need) {
        size_t cap = idx->pool_cap ? 2 * idx->pool_cap : 8192;
        while (cap - idx->pool_len < need)
            cap *= 2;
        char *pool = realloc(idx->pool, cap);
        if (!pool)
            return false;
        idx->pool = pool;
        idx->pool_cap = cap;
    }
    memcpy(idx->pool + idx->pool_len, path, need);
    idx->v[idx->n] = (struct mdl__scn_entry){.path_off = idx->pool_len, .order = idx->n, .node = node};
    idx->pool_len += need;
    idx->n++;
    return true;
}

/* Indexes `node` at path[0..len) and, recursively, its children. Nesting deeper than the schema
 * and over-long paths are skipped: no lookup can ask for them. */
static sim_status index_node(struct mdl__scn_index *idx, const yaml_node_t *node, char *path, size_t len,
                             int depth)
{
    if (idx->n >= MDL__SCN_MAX_NODES)
        return SIM_EFORMAT;
    if (!index_add(idx, path, node))
        return SIM_ENOMEM;
    if (depth >= 16)
        return SIM_OK;
    size_t nkids = node->type == YAML_MAPPING_NODE
                       ? (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start)
                   : node->type == YAML_SEQUENCE_NODE
                       ? (size_t)(node->data.sequence.items.top - node->data.sequence.items.start)
                       : 0;
    for (size_t i = 0; i < nkids; i++) {
        const yaml_node_t *kid;
        char seg[MDL__SCN_PATH_MAX];
        if (node->type == YAML_MAPPING_NODE) {
            const yaml_node_pair_t *p = &node->data.mapping.pairs.start[i];
            const char *key = scalar_text(mdl__scn_node(idx->doc, p->key));
            kid = mdl__scn_node(idx->doc, p->value);
            if (!key || !kid)
                continue;
            snprintf(seg, sizeof seg, "%s%s", len ? "." : "", key);
        } else {
            kid = mdl__scn_node(idx->doc, node->data.sequence.items.start[i]);
            mdl__scn_item_label(idx->doc, node, i, seg, sizeof seg);
        }
        size_t sl = strlen(seg);
        if (!kid || len + sl >= MDL__SCN_PATH_MAX)
            continue;
        memcpy(path + len, seg, sl + 1);
        sim_status st = index_node(idx, kid, path, len + sl, depth + 1);
        path[len] = '\0';
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

static int entry_cmp(const void *a, const void *b)
{
    const struct mdl__scn_entry *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

sim_status mdl__scn_index_build(struct mdl__scn_index *idx, yaml_document_t *doc)
{
    *idx = (struct mdl__scn_index){.doc = doc};
    const yaml_node_t *root = yaml_document_get_root_node(doc);
    char path[MDL__SCN_PATH_MAX] = "";
    sim_status st = root ? index_node(idx, root, path, 0, 0) : SIM_OK;
    if (st != SIM_OK)
        return st;
    for (size_t i = 0; i < idx->n; i++)
        idx->v[i].path = idx->pool + idx->v[i].path_off;
    if (idx->n > 0)
        qsort(idx->v, idx->n, sizeof *idx->v, entry_cmp);
    return SIM_OK;
}

void mdl__scn_index_fini(struct mdl__scn_index *idx)
{
    free(idx->v);
    free(idx->pool);
    *idx = (struct mdl__scn_index){0};
}

const yaml_node_t *mdl__scn_index_find(const struct mdl__scn_index *idx, const char *path)
{
    size_t lo = 0, hi = idx->n; /* first entry with path >= `path` */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(idx->v[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < idx->n && strcmp(idx->v[lo].path, path) == 0) ? idx->v[lo].node : NULL;
}

/* ---- libcyaml's messages --------------------------------------------------------------------- */

/* One line of libcyaml's backtrace, innermost first: "in mapping field 'officers' (line: 3,
 * column: 15)", "in sequence entry '2' (...)" (numbered from 1 while the entry is being read) or
 * "in mapping (...)" (a mapping between keys). */
struct frame {
    enum { FR_FIELD, FR_ENTRY, FR_MAPPING } kind;
    char key[64];
    unsigned entry;
    size_t line, col; /* 1-based, 0 when not given */
};

/* What libcyaml logged during one load: its first error message and the backtrace after it. */
struct capture {
    char msg[512];
    bool have_msg;
    struct frame fr[32];
    unsigned nfr;
};

static bool parse_frame(const char *s, struct frame *f)
{
    *f = (struct frame){.kind = FR_FIELD};
    if (sscanf(s, "mapping field '%63[^']' (line: %zu, column: %zu)", f->key, &f->line, &f->col) == 3 ||
        sscanf(s, "mapping field: %63s", f->key) == 1)
        return true;
    f->kind = FR_ENTRY;
    if (sscanf(s, "sequence entry '%u' (line: %zu, column: %zu)", &f->entry, &f->line, &f->col) == 3 ||
        sscanf(s, "sequence entry: %u", &f->entry) == 1)
        return true;
    f->kind = FR_MAPPING;
    return sscanf(s, "mapping (line: %zu, column: %zu)", &f->line, &f->col) == 2 ||
           strncmp(s, "mapping", 7) == 0;
}

/* libcyaml log function: keeps the messages instead of printing them. */
static void capture_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
    struct capture *c = ctx;
    char line[512];
    if (level < CYAML_LOG_ERROR)
        return;
    vsnprintf(line, sizeof line, fmt, args);
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "  in ", 5) == 0) {
        if (c->nfr < sizeof c->fr / sizeof c->fr[0] && parse_frame(line + 5, &c->fr[c->nfr]))
            c->nfr++;
    } else if (!c->have_msg && strncmp(line, "Load: Backtrace", 15) != 0) {
        snprintf(c->msg, sizeof c->msg, "%s", strncmp(line, "Load: ", 6) == 0 ? line + 6 : line);
        c->have_msg = true;
    }
}

/* Where a backtrace leads in the libyaml document and the schema. */
struct walk {
    const yaml_node_t *node;
    const cyaml_schema_value_t *schema;
    const char *key; /* last mapping key on the way, "" at the root */
    char path[MDL__SCN_PATH_MAX];
};

static const cyaml_schema_field_t *schema_field(const cyaml_schema_value_t *v, const char *key)
{
    if (v->type != CYAML_MAPPING)
        return NULL;
    for (const cyaml_schema_field_t *f = v->mapping.fields; f->key; f++)
        if (strcmp(f->key, key) == 0)
            return f;
    return NULL;
}

/* Follows frames fr[nfr-1] .. fr[skip] from the root. False when the document and the backtrace
 * disagree; w->path then names the deepest point reached. */
static bool walk(const yaml_document_t *doc, const struct capture *c, unsigned skip, struct walk *w)
{
    *w = (struct walk){
        .node = yaml_document_get_root_node((yaml_document_t *)doc), .schema = &mdl__scn_schema, .key = ""};
    for (unsigned i = c->nfr; i-- > skip;) {
        const struct frame *f = &c->fr[i];
        char seg[MDL__SCN_PATH_MAX];
        const yaml_node_t *next;
        if (f->kind == FR_MAPPING)
            continue;
        if (f->kind == FR_FIELD) {
            const cyaml_schema_field_t *fs = schema_field(w->schema, f->key);
            if (!fs || !(next = mdl__scn_map_get(doc, w->node, f->key)))
                return false;
            w->schema = &fs->value;
            w->key = fs->key;
            snprintf(seg, sizeof seg, "%s%s", w->path[0] ? "." : "", f->key);
        } else {
            if (w->schema->type != CYAML_SEQUENCE || w->node->type != YAML_SEQUENCE_NODE || f->entry < 1 ||
                f->entry > w->node->data.sequence.items.top - w->node->data.sequence.items.start)
                return false;
            mdl__scn_item_label(doc, w->node, f->entry - 1, seg, sizeof seg);
            next = mdl__scn_node(doc, w->node->data.sequence.items.start[f->entry - 1]);
            w->schema = w->schema->sequence.entry;
        }
        size_t len = strlen(w->path);
        if (!next || len + strlen(seg) >= sizeof w->path)
            return false;
        strcpy(w->path + len, seg);
        w->node = next;
    }
    return true;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Describes what a schema value expects ("a number", "one of: random, targeted"). */
void mdl__scn_want_text(const cyaml_schema_value_t *v, char *out, size_t outlen)
{
    switch (v->type) {
    case CYAML_FLOAT: snprintf(out, outlen, "a number"); return;
    case CYAML_INT:
    case CYAML_UINT: snprintf(out, outlen, "a whole number"); return;
    case CYAML_STRING: snprintf(out, outlen, "a text value"); return;
    case CYAML_MAPPING: snprintf(out, outlen, "a mapping of keys (key: value)"); return;
    case CYAML_SEQUENCE: snprintf(out, outlen, "a list ([a, b] or lines starting with '- ')"); return;
    case CYAML_ENUM: {
        size_t len = (size_t)snprintf(out, outlen, "one of:");
        for (uint32_t i = 0; i < v->enumeration.count && len < outlen; i++)
            len += (size_t)snprintf(out + len, outlen - len, "%s %s", i ? "," : "",
                                    v->enumeration.strings[i].str);
        return;
    }
    default: snprintf(out, outlen, "a different kind of value"); return;
    }
}

/* Describes a node as found ("'abc'", "a mapping"). */
void mdl__scn_got_text(const yaml_node_t *n, char *out, size_t outlen)
{
    if (n->type == YAML_MAPPING_NODE)
        snprintf(out, outlen, "a mapping");
    else if (n->type == YAML_SEQUENCE_NODE)
        snprintf(out, outlen, "a list");
    else if (n->data.scalar.length == 0)
        snprintf(out, outlen, "nothing");
    else
        snprintf(out, outlen, "'%.200s'", (const char *)n->data.scalar.value);
}

/* A scalar libcyaml could not read as a number: a YAML infinity or NaN, an unsigned out of
 * range, or not a number at all. */
static sim_status bad_number(struct mdl__scn_diag *d, const yaml_mark_t *at, const struct walk *w,
                             const char *text)
{
    while (*text == ' ')
        text++;
    const char *t = (*text == '+' || *text == '-') ? text + 1 : text;
    if (w->schema->type == CYAML_FLOAT &&
        (strcmp(t, ".nan") == 0 || strcmp(t, ".NaN") == 0 || strcmp(t, ".NAN") == 0 ||
         strcmp(t, ".inf") == 0 || strcmp(t, ".Inf") == 0 || strcmp(t, ".INF") == 0)) {
        mdl__scn_report(d, at, w->path, "must be a finite number, got %s", text);
        return SIM_EINVAL;
    }
    unsigned long long lo = 0, hi = w->schema->data_size == 8 ? UINT64_MAX : UINT32_MAX;
    (void)mdl__scn_uint_range(w->key, &lo, &hi);
    if (w->schema->type == CYAML_UINT && t[0] && strspn(t, "0123456789") == strlen(t)) {
        mdl__scn_report(d, at, w->path, "must be in [%llu, %llu], got %s", lo, hi, text);
        return SIM_EINVAL;
    }
    char want[160];
    mdl__scn_want_text(w->schema, want, sizeof want);
    mdl__scn_report(d, at, w->path, "expected %s, got %s%.200s%s", want, text[0] ? "'" : "",
                    text[0] ? text : "nothing", text[0] ? "'" : "");
    return SIM_EFORMAT;
}

/* A key libcyaml refused in the mapping `w->node`: unknown (`dup` NULL) or given twice (`dup` is the
 * key). Points at the key itself and, for an unknown key, lists the keys allowed there. */
static sim_status bad_key(struct mdl__scn_diag *d, const yaml_document_t *doc, const struct walk *w,
                          const char *dup)
{
    const yaml_node_t *first = NULL;
    for (const yaml_node_pair_t *q = w->node->data.mapping.pairs.start; q < w->node->data.mapping.pairs.top;
         q++) {
        const yaml_node_t *k = mdl__scn_node(doc, q->key);
        const char *key = (const char *)k->data.scalar.value;
        if (dup ? strcmp(key, dup) != 0 : schema_field(w->schema, key) != NULL)
            continue;
        if (dup && !first) {
            first = k;
            continue;
        }
        char path[MDL__SCN_PATH_MAX + 80];
        snprintf(path, sizeof path, "%s%s%.64s", w->path, w->path[0] ? "." : "", key[0] ? key : "\"\"");
        if (dup) {
            mdl__scn_report(d, &k->start_mark, path, "duplicate key (already given at line %zu)",
                            first->start_mark.line + 1);
            return SIM_EFORMAT;
        }
        char allowed[512];
        size_t len = 0;
        allowed[0] = '\0';
        for (const cyaml_schema_field_t *f = w->schema->mapping.fields; f->key && len < sizeof allowed; f++)
            len += (size_t)snprintf(allowed + len, sizeof allowed - len, "%s%s", len ? ", " : "", f->key);
        mdl__scn_report(d, &k->start_mark, path, "unknown key (expected one of: %s)", allowed);
        return SIM_EFORMAT;
    }
    return SIM_OK; /* not found: the caller falls back to libcyaml's own words */
}

/* Turns what libcyaml logged about a failed load into one report line. */
static sim_status translate(const struct capture *c, cyaml_err_t e, const yaml_document_t *doc,
                            struct mdl__scn_diag *d)
{
    if (e == CYAML_ERR_OOM) {
        mdl__scn_report(d, NULL, NULL, "out of memory loading the scenario");
        return SIM_ENOMEM;
    }
    const char *m = c->have_msg ? c->msg : cyaml_strerror(e);
    const char *arg = strstr(m, ": ") ? strstr(m, ": ") + 2 : "";
    bool at_mapping = starts(m, "Missing required mapping field") || starts(m, "Mapping field already seen");
    /* For these two the innermost frame is a key of the mapping (the last read, or the missing one). */
    unsigned skip = at_mapping && c->nfr > 0 && c->fr[0].kind == FR_FIELD;
    struct walk w;
    bool found = walk(doc, c, skip, &w);
    yaml_mark_t fallback = {0};
    const yaml_mark_t *at = found ? &w.node->start_mark : NULL;
    if (!found && c->nfr > skip && c->fr[skip].line > 0) {
        fallback.line = c->fr[skip].line - 1;
        fallback.column = c->fr[skip].col - 1;
        at = &fallback;
    }
    if (found && w.node->type == YAML_SCALAR_NODE &&
        (starts(m, "Invalid FLOAT") || starts(m, "Invalid UINT") || starts(m, "Invalid uint") ||
         starts(m, "Invalid INT")))
        return bad_number(d, at, &w, (const char *)w.node->data.scalar.value);
    if (found && starts(m, "Invalid ENUM value")) {
        char want[160], got[256];
        mdl__scn_want_text(w.schema, want, sizeof want);
        mdl__scn_got_text(w.node, got, sizeof got);
        mdl__scn_report(d, at, w.path, "expected %s; got %s", want, got);
        return SIM_EINVAL;
    }
    if (found && starts(m, "Expecting ")) {
        char want[160], got[256];
        mdl__scn_want_text(w.schema, want, sizeof want);
        mdl__scn_got_text(w.node, got, sizeof got);
        mdl__scn_report(d, at, w.path, "expected %s, got %s", want, got);
        return SIM_EFORMAT;
    }
    if (found && w.node->type == YAML_MAPPING_NODE &&
        (starts(m, "Unexpected key") || starts(m, "Mapping field already"))) {
        sim_status st = bad_key(d, doc, &w, starts(m, "Unexpected key") ? NULL : arg);
        if (st != SIM_OK)
            return st;
    }
    if (starts(m, "Missing required mapping field")) {
        mdl__scn_report(d, at, w.path, "missing required key '%s'", arg);
        return SIM_EFORMAT;
    }
    mdl__scn_report(d, at, w.path, "%s", m); /* a message this translation does not know */
    return SIM_EFORMAT;
}

/* Loads the text with libcyaml into a new struct (freed with cyaml_free), or reports why not. */
sim_status mdl__scn_load_struct(const char *text, size_t len, const yaml_document_t *doc,
                                struct mdl_scenario **out, struct mdl__scn_diag *d)
{
    struct capture cap = {.have_msg = false};
    cyaml_config_t cfg = {.log_fn = capture_log,
                          .log_ctx = &cap,
                          .mem_fn = cyaml_mem,
                          .log_level = CYAML_LOG_ERROR,
                          .flags = CYAML_CFG_DEFAULT};
    cyaml_data_t *data = NULL;
    cyaml_err_t e = cyaml_load_data((const uint8_t *)text, len, &cfg, &mdl__scn_schema, &data, NULL);
    if (e == CYAML_OK && data) {
        *out = data;
        return SIM_OK;
    }
    if (data) /* libcyaml frees partial data itself; be safe if a version does not */
        cyaml_free(&mdl__scn_free_config, &mdl__scn_schema, data, 0);
    return translate(&cap, e, doc, d);
}
