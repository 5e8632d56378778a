/* mdl_scenario_path.c: numeric parameters of a loaded scenario found by field path.
 *
 * The path is walked through the libcyaml schema, which knows the offset, type and count of every
 * field, so any numeric field of the file is reachable without a hand-written table that could
 * drift from the schema. Paths use the spelling of error messages: keys joined by '.', sequence
 * entries by name (".calais") or by index ("[0]"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_scenario_priv.h"

/* Sections whose parameters the models read during a run; the rest (schema version, calendar,
 * run settings, the study itself) cannot change in the middle of one. */
static const char *const changeable[] = {"ports", "flexible_pool", "population", "choice", "modes", "cecps"};

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), SIM_EINVAL)

sim_status mdl_scenario_param(struct mdl_scenario *s, const char *path, struct mdl_param *out, char *why,
                              size_t whylen)
{
    if (s == NULL || path == NULL || out == NULL)
        return WHY("no scenario or path");
    size_t first = strcspn(path, ".[");
    bool allowed = false;
    for (size_t i = 0; i < sizeof changeable / sizeof *changeable; i++)
        allowed |= strlen(changeable[i]) == first && strncmp(changeable[i], path, first) == 0;
    if (!allowed)
        return WHY(
            "'%s' is not a model parameter: paths start with ports, flexible_pool, population, choice, "
            "modes or cecps",
            path);
    const cyaml_schema_value_t *v = &mdl__scn_schema;
    char *data = (char *)s;                    /* the value described by v (after dereferencing) */
    const cyaml_schema_field_t *holder = NULL; /* field whose value v is, for sequence counts */
    char *holder_base = NULL;
    const char *p = path;
    while (*p != '\0') {
        if (*p == '.')
            p++;
        if (v->type == CYAML_SEQUENCE) {
            unsigned long long n = (unsigned long long)mdl__scn_count(holder_base, holder);
            size_t esize = v->sequence.entry->data_size;
            char *arr = data;
            size_t idx = n;
            if (*p == '[') {
                char *end;
                unsigned long long i = strtoull(p + 1, &end, 10);
                if (end == p + 1 || *end != ']')
                    return WHY("'%s': bad index at '%s'", path, p);
                idx = (size_t)i;
                p = end + 1;
                if (idx >= n)
                    return WHY("'%s': index %zu out of range (%llu entries)", path, idx, n);
            } else {
                size_t len = strcspn(p, ".[");
                for (size_t i = 0; i < n && idx == n; i++) {
                    const char *name = mdl__scn_entry_name(v->sequence.entry, arr + i * esize);
                    if (name != NULL && strlen(name) == len && strncmp(name, p, len) == 0)
                        idx = i;
                }
                if (idx == n)
                    return WHY("'%s': no entry named '%.*s'", path, (int)len, p);
                p += len;
            }
            data = arr + idx * esize;
            v = v->sequence.entry;
            if (v->flags & CYAML_FLAG_POINTER)
                data = *(char **)data;
            continue;
        }
        if (v->type != CYAML_MAPPING)
            return WHY("'%s': '%s' goes below a value that has no fields", path, p);
        if (*p == '[')
            return WHY("'%s': an index where a key was expected", path);
        size_t len = strcspn(p, ".[");
        const cyaml_schema_field_t *f = mdl__scn_field_of(v, p, len);
        if (f == NULL)
            return WHY("'%s': no field '%.*s' here", path, (int)len, p);
        holder = f;
        holder_base = data;
        data += f->data_offset;
        v = &f->value;
        if (v->flags & CYAML_FLAG_POINTER) {
            data = *(char **)data;
            if (data == NULL)
                return WHY("'%s': the scenario has no '%.*s'", path, (int)len, p);
        }
        p += len;
    }
    *out = (struct mdl_param){0};
    if (v->type == CYAML_FLOAT && v->data_size == sizeof(double))
        out->real = (double *)data;
    else if (v->type == CYAML_UINT && v->data_size == sizeof(unsigned))
        out->count = (unsigned *)data;
    else
        return WHY("'%s' is not a number (a list, a section, a name or a choice)", path);
    return SIM_OK;
}

double mdl_param_get(const struct mdl_param *p)
{
    return p->real != NULL ? *p->real : (double)*p->count;
}

void mdl_param_set(const struct mdl_param *p, double v)
{
    if (p->real != NULL)
        *p->real = v;
    else /* whole numbers: nearest, never below 0 (the validation bounds them above) */
        *p->count = v <= 0.0 ? 0u : v >= 4294967295.0 ? 4294967295u : (unsigned)(v + 0.5);
}
