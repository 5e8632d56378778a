/* Validation of a scenario's study sections: interventions, variants and the sweep. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mdl_scenario_priv.h"

enum { MAX_VARIANTS = 1000 };

/* The value `op` gives from `orig`, rounded like the parameter it will be written to. */
static double full_effect(enum mdl_iv_op op, double orig, double value)
{
    return op == MDL_IV_SET ? value : op == MDL_IV_SCALE ? orig * value : orig + value;
}

static const char *op_name(enum mdl_iv_op op)
{
    return op == MDL_IV_SET ? "set" : op == MDL_IV_SCALE ? "scale" : "add";
}

/* Writes `target` to the parameter, validates the whole model, restores the parameter. Reports at
 * the current path (the change's) when the model would be invalid, quoting the first problem. */
static void ck_effect(struct mdl__ck *c, struct mdl_scenario *s, const char *path, enum mdl_iv_op op,
                      double value)
{
    struct mdl_param p;
    char why[256];
    if (mdl_scenario_param(s, path, &p, why, sizeof why) != SIM_OK)
        return; /* reported by the caller */
    double orig = mdl_param_get(&p), target = full_effect(op, orig, value);
    if (!isfinite(target)) {
        mdl__ck_fail(c, "%s %g of %s gives %g, not a finite number", op_name(op), value, path, target);
        return;
    }
    char buf[1024];
    struct mdl__scn_diag scratch;
    mdl__scn_diag_init(&scratch, buf, sizeof buf, "");
    mdl_param_set(&p, target);
    sim_status st = mdl__scn_validate_model(s, c->idx, &scratch);
    mdl_param_set(&p, orig); /* the derived fields validation fills do not depend on it */
    if (st != SIM_OK) {
        /* The scratch line reads ":LINE:COL: PATH: message": keep from PATH on. */
        const char *m = buf;
        for (int colons = 0; *m != '\0' && colons < 3; m++)
            colons += *m == ':';
        while (*m == ' ')
            m++;
        char *nl = strchr(buf, '\n');
        if (nl != NULL)
            *nl = '\0';
        mdl__ck_fail(c, "%s %s %g would make the scenario invalid (%g -> %g): %s", path, op_name(op), value,
                     orig, target, m);
    }
}

static long start_day(const struct mdl_scenario *s)
{
    long d = 0;
    mdl__ck_date(s->calendar.start_date, &d);
    return d;
}

static void ck_date(struct mdl__ck *c, const char *key, const char *value, long start, double *day)
{
    size_t o = mdl__ck_enter(c, key);
    long d;
    if (!mdl__ck_date(value, &d))
        mdl__ck_fail(c, "must be a real date YYYY-MM-DD, got '%s'", value);
    else
        *day = (double)(d - start);
    mdl__ck_leave(c, o);
}

static void ck_path(struct mdl__ck *c, struct mdl_scenario *s, const char *path)
{
    struct mdl_param p;
    char why[256];
    size_t o = mdl__ck_enter(c, "path");
    if (mdl_scenario_param(s, path, &p, why, sizeof why) != SIM_OK)
        mdl__ck_fail(c, "%s", why);
    mdl__ck_leave(c, o);
}

static void ck_intervention(struct mdl__ck *c, struct mdl_scenario *s, struct mdl_intervention *iv)
{
    mdl__ck_walk(c, "interventions[]", iv); /* value, ramp and costs; also in variants */
    ck_path(c, s, iv->path);
    size_t o;
    long start = start_day(s);
    iv->from_day = 0.0;
    iv->to_day = INFINITY;
    if (iv->from != NULL)
        ck_date(c, "from", iv->from, start, &iv->from_day);
    if (iv->to != NULL)
        ck_date(c, "to", iv->to, start, &iv->to_day);
    if (iv->from_day < 0.0)
        iv->from_day = 0.0; /* a change made before the run is in force from its start */
    if (iv->to != NULL && !(iv->to_day > iv->from_day)) {
        o = mdl__ck_enter(c, "to");
        mdl__ck_fail(c, "must be after 'from' and after the start date, got %s", iv->to);
        mdl__ck_leave(c, o);
    }
}

static const char *iv_name(const void *ctx, size_t i)
{
    return ((const struct mdl_intervention *)ctx)[i].name;
}

static const char *variant_name(const void *ctx, size_t i)
{
    return ((const struct mdl_variant *)ctx)[i].name;
}

/* Checks a list of interventions at the current path; full effects only once the rest is valid. */
static void ck_list(struct mdl__ck *c, struct mdl_scenario *s, struct mdl_intervention *ivs, unsigned n)
{
    mdl__ck_count(c, n, 0, 1000);
    for (unsigned i = 0; i < n && i < 1000; i++) {
        char label[80];
        mdl__scn_label(iv_name, ivs, i, label, sizeof label);
        size_t o = mdl__ck_enter(c, label);
        bool was_bad = c->bad;
        c->bad = false;
        ck_intervention(c, s, &ivs[i]);
        if (!c->bad)
            ck_effect(c, s, ivs[i].path, ivs[i].op, ivs[i].value);
        c->bad |= was_bad;
        mdl__ck_leave(c, o);
    }
}

static void ck_sweep(struct mdl__ck *c, struct mdl_scenario *s, const struct mdl_sweep *w)
{
    size_t old = mdl__ck_enter(c, "sweep");
    mdl__ck_walk(c, "sweep", s->sweep); /* values, values2 and the cost */
    ck_path(c, s, w->path);
    size_t o;
    if ((w->path2 == NULL) != (w->values2 == NULL))
        mdl__ck_fail(c, "path2 and values2 go together: give both or neither");
    if (w->path2 != NULL) {
        o = mdl__ck_enter(c, "path2");
        struct mdl_param p;
        char why[256];
        if (mdl_scenario_param(s, w->path2, &p, why, sizeof why) != SIM_OK)
            mdl__ck_fail(c, "%s", why);
        mdl__ck_leave(c, o);
    }
    unsigned long long grid = (unsigned long long)w->values_count * (w->path2 ? w->values2_count : 1);
    if (grid > MAX_VARIANTS)
        mdl__ck_fail(c, "a grid of %llu points; at most %d variants", grid, MAX_VARIANTS);
    if (!c->bad) {
        for (unsigned i = 0; i < w->values_count; i++) {
            o = mdl__ck_enter(c, "values");
            ck_effect(c, s, w->path, w->op, w->values[i]);
            mdl__ck_leave(c, o);
        }
        for (unsigned i = 0; w->path2 != NULL && i < w->values2_count; i++) {
            o = mdl__ck_enter(c, "values2");
            ck_effect(c, s, w->path2, w->op, w->values2[i]);
            mdl__ck_leave(c, o);
        }
    }
    mdl__ck_leave(c, old);
}

void mdl__ck_study(struct mdl__ck *c, struct mdl_scenario *s)
{
    size_t old = mdl__ck_enter(c, "interventions");
    ck_list(c, s, s->interventions, s->interventions_count);
    mdl__ck_leave(c, old);

    old = mdl__ck_enter(c, "variants");
    mdl__ck_count(c, s->variants_count, 0, MAX_VARIANTS);
    mdl__ck_names(c, variant_name, s->variants, s->variants_count, "variant");
    for (unsigned i = 0; i < s->variants_count && i < MAX_VARIANTS; i++) {
        char label[80];
        mdl__scn_label(variant_name, s->variants, i, label, sizeof label);
        size_t o = mdl__ck_enter(c, label);
        struct mdl_variant *v = &s->variants[i];
        size_t on = mdl__ck_enter(c, "name");
        if (v->name == NULL || !mdl__scn_is_word(v->name, 100) || strcmp(v->name, "baseline") == 0)
            mdl__ck_fail(
                c, "must be a word of letters, digits, '_', '-' and '.', other than 'baseline', got '%s'",
                v->name ? v->name : "");
        mdl__ck_leave(c, on);
        size_t oi = mdl__ck_enter(c, "interventions");
        ck_list(c, s, v->interventions, v->interventions_count);
        mdl__ck_leave(c, oi);
        mdl__ck_leave(c, o);
    }
    mdl__ck_leave(c, old);
    if (s->sweep != NULL)
        ck_sweep(c, s, s->sweep);
    unsigned long long total = s->variants_count;
    if (s->sweep != NULL)
        total += (unsigned long long)s->sweep->values_count * (s->sweep->path2 ? s->sweep->values2_count : 1);
    if (total > MAX_VARIANTS)
        mdl__ck_fail(c, "%llu variants in all (variants and sweep); at most %d", total, MAX_VARIANTS);
}
