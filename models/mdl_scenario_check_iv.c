/* Validation of a scenario's study sections: interventions, variants and the sweep. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mdl_scenario_priv.h"

enum { MAX_VARIANTS = 1000 };

/* The value `op` gives from `orig`, before the rounding of whole-number parameters (stored()). */
static double full_effect(enum mdl_iv_op op, double orig, double value)
{
    return op == MDL_IV_SET ? value : op == MDL_IV_SCALE ? orig * value : orig + value;
}

static const char *op_name(enum mdl_iv_op op)
{
    return op == MDL_IV_SET ? "set" : op == MDL_IV_SCALE ? "scale" : "add";
}

/* The value a parameter holds after mdl_param_set(target): whole numbers are rounded (not clamped,
 * so that a negative count is seen as one). */
static double stored(const struct mdl_param *p, double target)
{
    return p->count != NULL ? floor(target + 0.5) : target;
}

/* Reports when `v` is outside the reference range of the parameter at `path`. */
static bool in_range(struct mdl__ck *c, const char *path, const char *what, double orig, double v)
{
    char pat[MDL__SCN_PATH_MAX], range[96];
    const struct mdl_field *f = mdl__scn_pattern(path, pat, sizeof pat) ? mdl_scenario_field(pat) : NULL;
    if (f == NULL)
        return true; /* a number without a row cannot be a model parameter: mdl__ck_walk asserts */
    bool ok;
    if (f->type == MDL_FIELD_COUNT)
        ok = v >= (double)f->ulo && v <= (double)f->uhi;
    else {
        bool below = (f->open & MDL_FIELD_LO_OPEN) ? v <= f->lo : v < f->lo;
        bool above = (f->open & MDL_FIELD_HI_OPEN) ? v >= f->hi : v > f->hi;
        ok = !below && !above;
    }
    if (!ok) {
        mdl_field_range_text(f, range, sizeof range);
        mdl__ck_fail(c, "%s would make the scenario invalid (%.15g -> %.15g): %s: must be in %s, got %.15g",
                     what, orig, v, path, range, v);
    }
    return ok;
}

/* Applies to `v` (the value of parameter `p`) the full effect of each of list[0..n) that changes
 * `p` while [from, to) is in force, in order, as the runtime composes changes. */
static double compose(struct mdl_scenario *s, const struct mdl_param *p, const struct mdl_intervention *list,
                      unsigned n, double from, double to, double v)
{
    for (unsigned j = 0; j < n; j++) {
        struct mdl_param q;
        char why[256];
        if (mdl_scenario_param(s, list[j].path, &q, why, sizeof why) != SIM_OK || q.real != p->real ||
            q.count != p->count || !(list[j].from_day < to && from < list[j].to_day))
            continue;
        v = stored(p, full_effect(list[j].op, v, list[j].value));
    }
    return v;
}

/* The changes in force before the one being checked: the scenario's own interventions (all of
 * them for a variant or the sweep; the earlier ones for one of them), then the earlier entries of
 * the variant, over the dates [from, to). */
struct before {
    const struct mdl_intervention *own;
    unsigned n_own;
    double from, to;
};

/* Validates the whole model with the parameter `p` at `target` (rules between fields), then
 * restores it; reports at the current path, quoting the first problem. */
static void ck_rules(struct mdl__ck *c, struct mdl_scenario *s, const struct mdl_param *p, double target,
                     const char *what, double orig)
{
    char buf[1024];
    struct mdl__scn_diag scratch;
    mdl__scn_diag_init(&scratch, buf, sizeof buf, "");
    double file_value = mdl_param_get(p);
    mdl_param_set(p, target);
    sim_status st = mdl__scn_validate_model(s, c->idx, &scratch, true);
    mdl_param_set(p, file_value); /* the derived fields validation fills do not depend on it */
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
        mdl__ck_fail(c, "%s would make the scenario invalid (%.15g -> %.15g): %s", what, orig,
                     stored(p, target), m);
    }
}

/* Checks one change at its full effect, composed with the earlier changes to the same parameter
 * that overlap it in time (`b`): the value it would set lies in the parameter's range, a
 * cut is not billed per unit (window_cost in mdl_study.c bills |change|, which would cost a cut
 * like an addition), and the whole model stays valid with it (rules between fields). Reports at
 * the current path (the change's), quoting the value the change would set. */
static void ck_effect(struct mdl__ck *c, struct mdl_scenario *s, const char *path, enum mdl_iv_op op,
                      double value, double cost_per_unit_day, const struct before *b)
{
    struct mdl_param p;
    char why[256], what[MDL__SCN_PATH_MAX + 64];
    if (mdl_scenario_param(s, path, &p, why, sizeof why) != SIM_OK)
        return; /* reported by the caller */
    double file_value = mdl_param_get(&p), orig = file_value;
    if (b->own != s->interventions)
        orig = compose(s, &p, s->interventions, s->interventions_count, b->from, b->to, orig);
    orig = compose(s, &p, b->own, b->n_own, b->from, b->to, orig);
    double target = full_effect(op, orig, value);
    snprintf(what, sizeof what, "%s %s %.15g", path, op_name(op), value);
    if (!isfinite(target)) {
        mdl__ck_fail(c, "%s gives %g, not a finite number", what, target);
        return;
    }
    if (!in_range(c, path, what, orig, stored(&p, target)))
        return;
    double billed = stored(&p, full_effect(op, file_value, value)); /* window_cost's unit of change */
    if (cost_per_unit_day > 0.0 && billed < file_value) {
        size_t o = mdl__ck_enter(c, "cost_per_unit_day");
        mdl__ck_fail(c,
                     "%s is a cut (%.15g -> %.15g); cuts are not billed per unit (a saving is not modelled): "
                     "remove cost_per_unit_day or give cost_per_day",
                     what, file_value, billed);
        mdl__ck_leave(c, o);
        return;
    }
    ck_rules(c, s, &p, target, what, orig);
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

/* A change must overlap the analysis window: one wholly after the run, or over before the warm-up
 * ends, would change nothing that is reported, and its cost (counted over the window) would
 * silently be 0. */
static void ck_window(struct mdl__ck *c, const struct mdl_scenario *s, const struct mdl_intervention *iv)
{
    double warmup = s->calendar.warmup_days, end = warmup + s->calendar.horizon_days;
    if (iv->from != NULL && iv->from_day >= end) {
        size_t o = mdl__ck_enter(c, "from");
        mdl__ck_fail(
            c, "%s is after the end of the run (day %.15g after the start date); the change would do nothing",
            iv->from, end);
        mdl__ck_leave(c, o);
    } else if (iv->to != NULL && iv->to_day <= warmup) {
        size_t o = mdl__ck_enter(c, "to");
        mdl__ck_fail(
            c,
            "%s ends within the warm-up (the analysis window opens %.15g days after the start date): "
            "neither its effect nor its cost would be counted",
            iv->to, warmup);
        mdl__ck_leave(c, o);
    }
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
    } else
        ck_window(c, s, iv);
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
        if (!c->bad && !c->model_bad)
            ck_effect(c, s, ivs[i].path, ivs[i].op, ivs[i].value, ivs[i].cost_per_unit_day,
                      &(struct before){ivs, i, ivs[i].from_day, ivs[i].to_day});
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
    if (!c->bad && !c->model_bad) {
        for (unsigned i = 0; i < w->values_count; i++) {
            o = mdl__ck_enter(c, "values");
            ck_effect(c, s, w->path, w->op, w->values[i], w->cost_per_unit_day,
                      &(struct before){NULL, 0, 0.0, INFINITY});
            mdl__ck_leave(c, o);
        }
        for (unsigned i = 0; w->path2 != NULL && i < w->values2_count; i++) {
            o = mdl__ck_enter(c, "values2");
            ck_effect(c, s, w->path2, w->op, w->values2[i], w->cost_per_unit_day,
                      &(struct before){NULL, 0, 0.0, INFINITY});
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
