/* mdl_scenario_walk.c: the generic half of the validation, driven by the reference table.
 *
 * The walker follows the libcyaml schema over a loaded scenario, building for every value both its
 * field path as messages print it ("ports.calais.staffing.shifts[0].officers") and its reference
 * pattern ("ports[].staffing.shifts[].officers"). Every number, list of numbers and distribution
 * it meets is looked up in mdl_scenario_fields(): an absent optional field gets the row's default,
 * a present one is checked against the row's range. A numeric field without a row is our bug and
 * asserts, so the table cannot miss a field of the schema. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mdl_scenario_priv.h"

/* Top-level sections checked by mdl_scenario_check_iv.c, one intervention at a time. */
static const char *const study_keys[] = {"interventions", "variants", "sweep"};

struct walk {
    struct mdl__ck *c;
    char pat[MDL__SCN_PATH_MAX];
    size_t plen;
};

const cyaml_schema_field_t *mdl__scn_field_of(const cyaml_schema_value_t *map, const char *key, size_t len)
{
    for (const cyaml_schema_field_t *f = map->mapping.fields; f->key != NULL; f++)
        if (strlen(f->key) == len && strncmp(f->key, key, len) == 0)
            return f;
    return NULL;
}

unsigned long long mdl__scn_count(const void *base, const cyaml_schema_field_t *f)
{
    const char *p = (const char *)base + f->count_offset;
    switch (f->count_size) {
    case 1: return *(const uint8_t *)p;
    case 2: return *(const uint16_t *)p;
    case 4: return *(const uint32_t *)p;
    default: return *(const uint64_t *)p;
    }
}

const char *mdl__scn_entry_name(const cyaml_schema_value_t *entry, const char *e)
{
    if (entry->type != CYAML_MAPPING)
        return NULL;
    const cyaml_schema_field_t *f = mdl__scn_field_of(entry, "name", 4);
    if (f == NULL || f->value.type != CYAML_STRING)
        return NULL;
    return *(char *const *)(e + f->data_offset);
}

static size_t pat_enter(struct walk *w, const char *seg)
{
    size_t old = w->plen;
    const char *dot = (w->plen > 0 && seg[0] != '[') ? "." : "";
    int n = snprintf(w->pat + w->plen, sizeof w->pat - w->plen, "%s%s", dot, seg);
    if (n > 0)
        w->plen += (size_t)n < sizeof w->pat - w->plen ? (size_t)n : sizeof w->pat - w->plen - 1;
    return old;
}

static void pat_leave(struct walk *w, size_t old)
{
    w->plen = old;
    w->pat[old] = '\0';
}

bool mdl__field_ok(const char *pattern, double v)
{
    const struct mdl_field *f = mdl_scenario_field(pattern);
    assert(f != NULL && (f->type == MDL_FIELD_REAL || f->type == MDL_FIELD_WHOLE));
    bool below = (f->open & MDL_FIELD_LO_OPEN) ? v <= f->lo : v < f->lo;
    bool above = (f->open & MDL_FIELD_HI_OPEN) ? v >= f->hi : v > f->hi;
    return isfinite(v) && !below && !above && (f->type != MDL_FIELD_WHOLE || v == floor(v));
}

/* A number or a boolean at the current path, stored at `data` as `v` describes. */
static void leaf(struct walk *w, const struct mdl_field *f, const cyaml_schema_value_t *v, char *data)
{
    struct mdl__ck *c = w->c;
    bool present = mdl__ck_here(c) != NULL;
    if (!present) {
        if (!f->has_default || c->keep_absent)
            return; /* optional without a default: a rule between fields decides */
        if (v->type == CYAML_FLOAT)
            *(double *)data = f->def;
        else if (v->type == CYAML_BOOL)
            *(bool *)data = f->def != 0;
        else
            *(unsigned *)data = (unsigned)f->def;
        return;
    }
    if (v->type == CYAML_FLOAT) {
        double x = *(double *)data;
        if (mdl__ck_real_here(c, x, f->lo, f->hi, f->open) && f->type == MDL_FIELD_WHOLE && x != floor(x))
            mdl__ck_fail(c, "must be a whole number of %s, got %.15g", f->unit, x);
    } else if (v->type == CYAML_UINT) {
        unsigned long long x = v->data_size == 8 ? *(uint64_t *)data : *(unsigned *)data;
        mdl__ck_uint_here(c, x, f->ulo, f->uhi);
    }
}

static void walk_mapping(struct walk *w, const cyaml_schema_value_t *v, char *base, bool top);

/* A sequence at the current path whose field `f` sits in `base`. */
static void walk_sequence(struct walk *w, const struct mdl_field *row, const cyaml_schema_field_t *f,
                          char *base)
{
    const cyaml_schema_value_t *entry = f->value.sequence.entry;
    char *arr = (f->value.flags & CYAML_FLAG_POINTER) ? *(char **)(base + f->data_offset)
                                                      : base + f->data_offset; /* in-line (cecps.steps) */
    unsigned n = (unsigned)mdl__scn_count(base, f);
    if (entry->type == CYAML_FLOAT) {
        assert(row != NULL); /* every list of numbers has a reference row */
        if (mdl__ck_here(w->c) != NULL)
            mdl__ck_list_here(w->c, (const double *)arr, n, row);
        return;
    }
    if (entry->type != CYAML_MAPPING)
        return; /* names (nest members): checked by hand */
    size_t po = pat_enter(w, "[]");
    for (unsigned i = 0; i < n; i++) {
        char label[80];
        struct mdl__scn_seq seq = {entry, arr};
        mdl__scn_label(mdl__scn_seq_name, &seq, i, label, sizeof label);
        size_t o = mdl__ck_enter(w->c, label);
        char *e = arr + (size_t)i * entry->data_size;
        walk_mapping(w, entry, (entry->flags & CYAML_FLAG_POINTER) ? *(char **)e : e, false);
        mdl__ck_leave(w->c, o);
    }
    pat_leave(w, po);
}

static void walk_field(struct walk *w, const cyaml_schema_field_t *f, char *base)
{
    size_t o = mdl__ck_enter(w->c, f->key);
    size_t po = pat_enter(w, f->key);
    const struct mdl_field *row = mdl_scenario_field(w->pat);
    const cyaml_schema_value_t *v = &f->value;
    char *data = base + f->data_offset;
    switch (v->type) {
    case CYAML_FLOAT:
    case CYAML_UINT:
    case CYAML_BOOL:
        assert(row != NULL); /* every number has a reference row */
        leaf(w, row, v, data);
        break;
    case CYAML_MAPPING:
        if (v->flags & CYAML_FLAG_POINTER)
            data = *(char **)data;
        if (data != NULL && row != NULL && row->type == MDL_FIELD_DIST)
            mdl__ck_dist(w->c, (const struct mdl_dist *)data, row);
        else if (data != NULL)
            walk_mapping(w, v, data, false);
        break;
    case CYAML_SEQUENCE: walk_sequence(w, row, f, base); break;
    default: break; /* names, dates and choices: checked by hand */
    }
    pat_leave(w, po);
    mdl__ck_leave(w->c, o);
}

static void walk_mapping(struct walk *w, const cyaml_schema_value_t *v, char *base, bool top)
{
    for (const cyaml_schema_field_t *f = v->mapping.fields; f->key != NULL; f++) {
        bool skip = false;
        for (size_t i = 0; top && i < sizeof study_keys / sizeof *study_keys; i++)
            skip |= strcmp(f->key, study_keys[i]) == 0;
        if (!skip)
            walk_field(w, f, base);
    }
}

const char *mdl__scn_seq_name(const void *ctx, size_t i)
{
    const struct mdl__scn_seq *q = ctx;
    const char *e = q->arr + i * q->entry->data_size;
    if (q->entry->flags & CYAML_FLAG_POINTER)
        e = *(char *const *)e;
    return mdl__scn_entry_name(q->entry, e);
}

/* The schema of the mapping at `pattern` ("" is the top, "sweep", "interventions[]"). */
static const cyaml_schema_value_t *schema_at(const char *pattern)
{
    const cyaml_schema_value_t *v = &mdl__scn_schema;
    for (const char *p = pattern; *p != '\0';) {
        if (*p == '.')
            p++;
        if (strncmp(p, "[]", 2) == 0) {
            assert(v->type == CYAML_SEQUENCE);
            v = v->sequence.entry;
            p += 2;
            continue;
        }
        size_t len = strcspn(p, ".[");
        const cyaml_schema_field_t *f = mdl__scn_field_of(v, p, len);
        assert(f != NULL);
        v = &f->value;
        p += len;
    }
    assert(v->type == CYAML_MAPPING);
    return v;
}

bool mdl__scn_pattern(const char *path, char *out, size_t outlen)
{
    const cyaml_schema_value_t *v = &mdl__scn_schema;
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = path; *p != '\0';) {
        if (*p == '.')
            p++;
        const char *seg;
        size_t n;
        if (v->type == CYAML_SEQUENCE) { /* an entry, by "[i]" or by name */
            p += *p == '[' ? strcspn(p, "]") + (p[strcspn(p, "]")] == ']') : strcspn(p, ".[");
            seg = "[]";
            n = 2;
            v = v->sequence.entry;
        } else if (v->type == CYAML_MAPPING && *p != '[') {
            n = strcspn(p, ".[");
            const cyaml_schema_field_t *f = mdl__scn_field_of(v, p, n);
            if (f == NULL)
                return false;
            seg = p;
            p += n;
            v = &f->value;
        } else
            return false;
        const char *dot = (len > 0 && seg[0] != '[') ? "." : "";
        int w = snprintf(out + len, outlen - len, "%s%.*s", dot, (int)n, seg);
        if (w < 0 || (size_t)w >= outlen - len)
            return false;
        len += (size_t)w;
    }
    return true;
}

void mdl__ck_walk(struct mdl__ck *c, const char *pattern, void *data)
{
    struct walk *w = &(struct walk){.c = c};
    snprintf(w->pat, sizeof w->pat, "%s", pattern);
    w->plen = strlen(w->pat);
    walk_mapping(w, schema_at(pattern), data, pattern[0] == '\0');
}
