/* Resolving and evaluating simulated quantities over an output table. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mdl_target.h"

static void say(char *why, size_t whylen, const char *msg, const char *a, const char *b)
{
    if (why != NULL && whylen > 0)
        snprintf(why, whylen, msg, a, b);
}

/* Lists the labels of dimension `dim` into buf, comma-separated. */
static void list_labels(const struct sim_out_dim *dim, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < dim->size && dim->labels != NULL && n + 1 < cap; i++) {
        int k = snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", dim->labels[i]);
        n = k < 0 ? n : n + (size_t)k < cap ? n + (size_t)k : cap - 1;
    }
}

static sim_status find_var(const struct sim_out_table *t, const char *var, int *id, char *why, size_t whylen)
{
    const char *slash = strchr(var, '/');
    char group[64];
    size_t gl = slash ? (size_t)(slash - var) : 0;
    if (slash == NULL || gl == 0 || gl >= sizeof group) {
        say(why, whylen, "expected an output variable 'group/name' (e.g. daily/arrivals), got '%s'%s", var,
            "");
        return SIM_ENOENT;
    }
    memcpy(group, var, gl);
    group[gl] = '\0';
    *id = sim_out_find(t, group, slash + 1);
    if (*id < 0) {
        say(why, whylen, "no output variable '%s'%s (see the results file's variables)", var, "");
        return SIM_ENOENT;
    }
    return SIM_OK;
}

static sim_status find_axes(const struct sim_out_table *t, const struct sim_out_var *v, struct mdl_sum *s,
                            const char *var, char *why, size_t whylen)
{
    s->day_axis = s->sel_axis = -1;
    for (int a = 0; a < v->rank; a++) {
        if (strcmp(t->dims[v->dims[a]].name, "day") == 0)
            s->day_axis = a;
        else if (s->sel_axis < 0)
            s->sel_axis = a;
        else {
            say(why, whylen, "'%s' has more than one dimension besides the day%s", var, "");
            return SIM_EINVAL;
        }
    }
    if (s->day_axis < 0) {
        say(why, whylen, "'%s' has no day dimension: use a daily/ variable%s", var, "");
        return SIM_EINVAL;
    }
    if (s->sel_axis >= 0 && t->dims[v->dims[s->sel_axis]].size > MDL_TARGET_MAX_LABELS) {
        say(why, whylen, "'%s' has too many coordinates to select among%s", var, "");
        return SIM_EINVAL;
    }
    return SIM_OK;
}

sim_status mdl_sum_resolve(const struct sim_out_table *t, const char *var, const char *const *labels,
                           unsigned nlabels, struct mdl_sum *out, char *why, size_t whylen)
{
    struct mdl_sum s = {0};
    sim_status st = find_var(t, var, &s.var, why, whylen);
    const struct sim_out_var *v = st == SIM_OK ? &t->vars[s.var] : NULL;
    if (st == SIM_OK)
        st = find_axes(t, v, &s, var, why, whylen);
    if (st != SIM_OK)
        return st;
    if (s.sel_axis < 0) {
        if (labels != NULL && nlabels > 0) {
            say(why, whylen, "'%s' has no dimension besides the day to select '%s' in", var, labels[0]);
            return SIM_EINVAL;
        }
        *out = s;
        return SIM_OK;
    }
    const struct sim_out_dim *dim = &t->dims[v->dims[s.sel_axis]];
    if (labels == NULL || nlabels == 0) {
        s.mask = dim->size == 64 ? UINT64_MAX : (UINT64_C(1) << dim->size) - 1;
    }
    for (unsigned k = 0; labels != NULL && k < nlabels; k++) {
        size_t i = 0;
        while (i < dim->size && (dim->labels == NULL || strcmp(dim->labels[i], labels[k]) != 0))
            i++;
        if (i == dim->size) {
            char list[512], head[160];
            list_labels(dim, list, sizeof list);
            snprintf(head, sizeof head, "'%s' is not a %s of '%s'", labels[k], dim->name, var);
            say(why, whylen, "%s; expected one of: %s", head, list);
            return SIM_ENOENT;
        }
        s.mask |= UINT64_C(1) << i;
    }
    *out = s;
    return SIM_OK;
}

/* Days i of the day dimension with from <= origin + i * step < to. */
static void day_range(const struct sim_out_dim *day, double from, double to, size_t *i0, size_t *i1)
{
    double a = ceil((from - day->origin) / day->step), b = ceil((to - day->origin) / day->step);
    a = a < 0.0 ? 0.0 : a > (double)day->size ? (double)day->size : a;
    b = b < a ? a : b > (double)day->size ? (double)day->size : b;
    *i0 = (size_t)a, *i1 = (size_t)b;
}

double mdl_sum_value(const struct sim_out_table *t, const double *values, const struct mdl_sum *s,
                     double from, double to)
{
    const struct sim_out_var *v = &t->vars[s->var];
    const struct sim_out_dim *day = &t->dims[v->dims[s->day_axis]];
    size_t nsel = s->sel_axis < 0 ? 1 : t->dims[v->dims[s->sel_axis]].size;
    const double *x = values + t->offset[s->var];
    size_t i0, i1;
    day_range(day, from, to, &i0, &i1);
    double sum = 0.0;
    for (size_t i = i0; i < i1; i++)
        for (size_t j = 0; j < nsel; j++) {
            if (s->sel_axis >= 0 && !(s->mask >> j & 1u))
                continue;
            /* Row-major: [day, sel] when the day comes first, [sel, day] otherwise. */
            size_t k = s->sel_axis < 0 ? i : s->day_axis == 0 ? i * nsel + j : j * day->size + i;
            sum += x[k];
        }
    return sum;
}

bool mdl_sum_covers(const struct sim_out_table *t, const struct mdl_sum *s, double from, double to)
{
    const struct sim_out_dim *day = &t->dims[t->vars[s->var].dims[s->day_axis]];
    return from >= day->origin && to <= day->origin + (double)day->size * day->step && from < to;
}

double mdl_quantity_value(const struct sim_out_table *t, const double *values, const struct mdl_quantity *q,
                          double from, double to)
{
    double n = mdl_sum_value(t, values, &q->num, from, to);
    if (!q->ratio)
        return n;
    double d = mdl_sum_value(t, values, &q->den, from, to);
    return d != 0.0 ? n / d : NAN;
}
