/* Validation of a calibration file against its scenario, output table and observed data; the
 * target values and the distance. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_calib_priv.h"

enum { MAX_PARAMS = 64, MAX_TARGETS = 1000, MAX_PARTICLES = 1000000, MAX_REPS = 1000 };

/* `file` relative to the calibration's directory unless absolute. */

/* Checks the real `v` of key `key` at the current path against [lo, hi] (ends excluded per
 * `open`, MDL_FIELD_LO_OPEN | MDL_FIELD_HI_OPEN), reporting at the key's position. */
static bool ck_real(struct mdl__ck *c, const char *key, double v, double lo, double hi, unsigned open)
{
    size_t old = mdl__ck_enter(c, key);
    bool ok = mdl__ck_real_here(c, v, lo, hi, open);
    mdl__ck_leave(c, old);
    return ok;
}

static char *join(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 1;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s%s", file[0] == '/' ? "" : dir, file);
    return p;
}

static bool present(struct mdl__ck *c, const char *key)
{
    size_t o = mdl__ck_enter(c, key);
    bool here = mdl__ck_here(c) != NULL;
    mdl__ck_leave(c, o);
    return here;
}

/* Reports `what` failing to load at the calibration's key, quoting that file's own report. */
static void file_fails(struct mdl__ck *c, const char *key, const char *what, const char *file,
                       const char *err)
{
    size_t o = mdl__ck_enter(c, key);
    mdl__ck_fail(c, "the %s '%s' does not load:\n%s", what, file, err);
    mdl__ck_leave(c, o);
}

static sim_status load_inputs(struct mdl_calib *c, struct mdl__ck *ck, const char *dir)
{
    char *sp = join(dir, c->scenario), *op = join(dir, c->observed);
    char *err = malloc(8192);
    sim_status st = sp && op && err ? SIM_OK : SIM_ENOMEM, s;
    if (st == SIM_OK && (s = mdl_scenario_load(sp, &c->scn, err, 8192)) != SIM_OK) {
        file_fails(ck, "scenario", "scenario", sp, err);
        st = s == SIM_ENOENT ? SIM_ENOENT : SIM_EFORMAT;
    }
    if (st != SIM_ENOMEM && (s = mdl_observed_load(op, &c->obs, err, 8192)) != SIM_OK) {
        file_fails(ck, "observed", "observed file", op, err);
        st = st != SIM_OK ? st : s == SIM_ENOENT ? SIM_ENOENT : SIM_EFORMAT;
    }
    if (st == SIM_OK && mdl_world_create(c->scn, &c->world) != SIM_OK)
        st = SIM_ENOMEM;
    free(sp), free(op), free(err);
    return st;
}

static void ck_algorithm(struct mdl_calib *c, struct mdl__ck *ck)
{
    size_t old = mdl__ck_enter(ck, "algorithm"), o;
    struct mdl_calib_algorithm *a = &c->algorithm;
    bool gens = present(ck, "generations"), tol = present(ck, "final_tolerance");
    if (!present(ck, "replications"))
        a->replications = 1;
    if (!present(ck, "alpha"))
        a->alpha = 0.5;
    if (!present(ck, "seed"))
        a->seed = c->scn ? c->scn->run.master_seed : 0;
    if (!gens && !tol)
        mdl__ck_fail(ck, "give generations, final_tolerance or both: the calibration needs a stopping rule");
    if (!gens)
        a->generations = SIM_ABC_MAX_GENERATIONS;
    struct {
        const char *key;
        unsigned v, lo, hi;
    } u[] = {{"particles", a->particles, 2, MAX_PARTICLES},
             {"generations", a->generations, 1, SIM_ABC_MAX_GENERATIONS},
             {"replications", a->replications, 1, MAX_REPS}};
    for (size_t i = 0; i < 3; i++)
        if (u[i].v < u[i].lo || u[i].v > u[i].hi) {
            o = mdl__ck_enter(ck, u[i].key);
            mdl__ck_fail(ck, "must be in [%u, %u], got %u", u[i].lo, u[i].hi, u[i].v);
            mdl__ck_leave(ck, o);
        }
    if (!present(ck, "moves"))
        a->moves = 1;
    o = mdl__ck_enter(ck, "moves");
    if (a->sampler == SIM_ABC_PMC && a->moves != 1)
        mdl__ck_fail(
            ck, "only the resample-move sampler has move steps; give sampler: resample-move or drop moves");
    else if (a->moves < 1 || a->moves > SIM_ABC_MAX_GENERATIONS)
        mdl__ck_fail(ck, "must be in [1, %u], got %u", SIM_ABC_MAX_GENERATIONS, a->moves);
    mdl__ck_leave(ck, o);
    ck_real(ck, "alpha", a->alpha, 0.0, 1.0, MDL_FIELD_LO_OPEN | MDL_FIELD_HI_OPEN);
    ck_real(ck, "final_tolerance", a->final_tolerance, 0.0, 1e300, 0);
    ck_real(ck, "min_acceptance", a->min_acceptance, 0.0, 1.0, MDL_FIELD_HI_OPEN);
    c->opts = (struct sim_abc_opts){.method = a->sampler,
                                    .moves = a->moves,
                                    .nparticles = a->particles,
                                    .reps = a->replications,
                                    .seed = a->seed,
                                    .alpha = a->alpha,
                                    .generations = a->generations,
                                    .final_tolerance = a->final_tolerance,
                                    .min_acceptance = a->min_acceptance};
    mdl__ck_leave(ck, old);
}

static const char *param_name(const void *ctx, size_t i)
{
    return ((const struct mdl_calib_param *)ctx)[i].name;
}

static const char *target_name(const void *ctx, size_t i)
{
    return ((const struct mdl_calib_target *)ctx)[i].name;
}

/* Builds the sim_prior of a parameter from the keys given for its kind. */
static void ck_prior(struct mdl__ck *ck, struct mdl_calib_param *p)
{
    static const char *const keys[4] = {"min", "max", "mean", "sd"};
    /* Keys each kind needs (bit k: keys[k]) and may use. */
    static const unsigned need[4] = {3, 3, 12, 12}, may[4] = {3, 3, 12, 15};
    size_t old = mdl__ck_enter(ck, "prior");
    const struct mdl_calib_prior *q = &p->prior;
    unsigned k = (unsigned)q->dist, given = 0;
    for (unsigned i = 0; i < 4; i++)
        given |= (unsigned)present(ck, keys[i]) << i;
    for (unsigned i = 0; i < 4; i++) {
        if ((need[k] >> i & 1u) && !(given >> i & 1u))
            mdl__ck_fail(ck, "a %s prior needs '%s'", sim_prior_kind_str(q->dist), keys[i]);
        if (!(may[k] >> i & 1u) && (given >> i & 1u)) {
            size_t o = mdl__ck_enter(ck, keys[i]);
            mdl__ck_fail(ck, "not used by a %s prior", sim_prior_kind_str(q->dist));
            mdl__ck_leave(ck, o);
        }
    }
    if (k == SIM_PRIOR_TRUNCNORMAL && !(given & 3u))
        mdl__ck_fail(ck, "a truncnormal prior needs 'min', 'max' or both");
    bool normal = k == SIM_PRIOR_NORMAL || k == SIM_PRIOR_TRUNCNORMAL;
    p->p = (struct sim_prior){.kind = q->dist,
                              .a = normal ? q->mean : q->min,
                              .b = normal ? q->sd : q->max,
                              .lo = given & 1u ? q->min : -INFINITY,
                              .hi = given & 2u ? q->max : INFINITY};
    char why[160];
    if (!ck->bad && sim_prior_check(&p->p, why, sizeof why) != SIM_OK)
        mdl__ck_fail(ck, "%s, got min %g, max %g, mean %g, sd %g", why, q->min, q->max, q->mean, q->sd);
    mdl__ck_leave(ck, old);
}

static void ck_params(struct mdl_calib *c, struct mdl__ck *ck)
{
    size_t old = mdl__ck_enter(ck, "parameters");
    mdl__ck_count(ck, c->parameters_count, 1, MAX_PARAMS);
    for (unsigned i = 0; i < c->parameters_count && i < MAX_PARAMS; i++) {
        struct mdl_calib_param *p = &c->parameters[i];
        char label[80], why[256];
        mdl__scn_label(param_name, c->parameters, i, label, sizeof label);
        size_t o = mdl__ck_enter(ck, label), op = mdl__ck_enter(ck, "path");
        struct mdl_param mp;
        const char *iv;
        if (mdl_scenario_param(c->scn, p->path, &mp, why, sizeof why) != SIM_OK)
            mdl__ck_fail(ck, "%s", why);
        else if ((iv = mdl__cal_set_by(c->scn, p->path)) != NULL)
            mdl__ck_fail(ck,
                         "'%s' is set over the whole analysis window by the scenario's intervention or "
                         "variant '%s', which would override the calibrated value (op: scale or add would "
                         "act on it; a set with from/to dates leaves it in force outside them)",
                         p->path, iv);
        for (unsigned j = 0; j < i; j++)
            if (strcmp(c->parameters[j].path, p->path) == 0)
                mdl__ck_fail(ck, "'%s' is calibrated twice (also parameter %u)", p->path, j);
        mdl__ck_leave(ck, op);
        bool was = ck->bad;
        ck->bad = false;
        ck_prior(ck, p);
        ck->bad |= was;
        mdl__ck_leave(ck, o);
    }
    mdl__ck_leave(ck, old);
}

/* Resolves one sum at key `key` (its labels at `sel_key`). */
static void ck_sum(struct mdl_calib *c, struct mdl__ck *ck, const char *key, const char *var,
                   const char *sel_key, char **labels, unsigned nlabels, struct mdl_sum *out)
{
    const struct sim_out_table *t = mdl_world_table(c->world);
    char why[768];
    size_t o = mdl__ck_enter(ck, key);
    sim_status st = mdl_sum_resolve(t, var, NULL, 0, out, why, sizeof why);
    if (st != SIM_OK)
        mdl__ck_fail(ck, "%s", why);
    mdl__ck_leave(ck, o);
    if (st != SIM_OK || nlabels == 0)
        return;
    o = mdl__ck_enter(ck, sel_key);
    if (mdl_sum_resolve(t, var, (const char *const *)labels, nlabels, out, why, sizeof why) != SIM_OK)
        mdl__ck_fail(ck, "%s", why);
    mdl__ck_leave(ck, o);
}

/* Day range of the analysis window of the table's day dimension. */
static void window(const struct mdl_calib *c, const struct mdl_sum *s, double *lo, double *hi)
{
    const struct sim_out_table *t = mdl_world_table(c->world);
    const struct sim_out_dim *day = &t->dims[t->vars[s->var].dims[s->day_axis]];
    *lo = day->origin, *hi = day->origin + (double)day->size * day->step;
}

/* Fills one point from observed row `r`; reports at the current path when it cannot be used. */
static void ck_point(struct mdl_calib *c, struct mdl__ck *ck, struct mdl_calib_target *t,
                     const struct mdl_obs_row *r, struct mdl_calib_point *pt)
{
    double from = 0, to = 0, lo, hi;
    mdl_period_relative(r->period, c->scn->calendar.start_date, &from, &to);
    window(c, &t->q.num, &lo, &hi);
    if (!mdl_sum_covers(mdl_world_table(c->world), &t->q.num, from, to))
        mdl__ck_fail(ck,
                     "period %s of %s covers days [%g, %g) since the start date %s, outside the analysis "
                     "window [%g, %g)",
                     r->period, t->series, from, to, c->scn->calendar.start_date, lo, hi);
    if (t->sd == 0.0 && r->value == 0.0)
        mdl__ck_fail(ck, "%s is 0 for %s: give the target an 'sd' to scale its differences by", t->series,
                     r->period);
    *pt = (struct mdl_calib_point){.period = r->period,
                                   .from = from,
                                   .to = to,
                                   .observed = r->value,
                                   .scale = t->sd > 0.0 ? t->sd : fabs(r->value)};
}

static sim_status ck_points(struct mdl_calib *c, struct mdl__ck *ck, struct mdl_calib_target *t)
{
    size_t n = t->periods_count ? t->periods_count : mdl_observed_count(c->obs, t->series);
    if (mdl_observed_count(c->obs, t->series) == 0) {
        size_t o = mdl__ck_enter(ck, "series");
        mdl__ck_fail(ck, "no series '%s' in the observed file %s", t->series, c->obs->path);
        mdl__ck_leave(ck, o);
        return SIM_OK;
    }
    if ((t->points = calloc(n, sizeof *t->points)) == NULL)
        return SIM_ENOMEM;
    if (t->periods_count > 0) {
        size_t old = mdl__ck_enter(ck, "periods");
        for (unsigned i = 0; i < t->periods_count; i++) {
            char seg[32];
            snprintf(seg, sizeof seg, "[%u]", i);
            size_t o = mdl__ck_enter(ck, seg);
            const struct mdl_obs_row *r = mdl_observed_find(c->obs, t->series, t->periods[i]);
            if (r == NULL)
                mdl__ck_fail(ck, "the observed file has no %s for period '%s' (%zu periods of it are given)",
                             t->series, t->periods[i], mdl_observed_count(c->obs, t->series));
            else
                ck_point(c, ck, t, r, &t->points[t->npoints++]);
            mdl__ck_leave(ck, o);
        }
        mdl__ck_leave(ck, old);
    } else {
        size_t o = mdl__ck_enter(ck, "series");
        for (size_t i = 0; i < c->obs->nrows; i++)
            if (strcmp(c->obs->rows[i].series, t->series) == 0)
                ck_point(c, ck, t, &c->obs->rows[i], &t->points[t->npoints++]);
        mdl__ck_leave(ck, o);
    }
    for (unsigned i = 0; i < t->npoints; i++)
        t->points[i].weight = t->weight / t->npoints;
    return SIM_OK;
}

static sim_status ck_target(struct mdl_calib *c, struct mdl__ck *ck, struct mdl_calib_target *t)
{
    if (!present(ck, "weight"))
        t->weight = 1.0;
    ck_real(ck, "weight", t->weight, 0.0, 1e6, MDL_FIELD_LO_OPEN);
    ck_real(ck, "sd", t->sd, 0.0, 1e300, 0);
    bool was = ck->bad;
    ck->bad = false;
    ck_sum(c, ck, "quantity", t->quantity, "select", t->select, t->select_count, &t->q.num);
    if (t->per != NULL) {
        t->q.ratio = true;
        ck_sum(c, ck, "per", t->per, "per_select", t->per_select, t->per_select_count, &t->q.den);
    } else if (t->per_select_count > 0) {
        size_t o = mdl__ck_enter(ck, "per_select");
        mdl__ck_fail(ck, "needs 'per', the variable to select in");
        mdl__ck_leave(ck, o);
    }
    sim_status st = ck->bad ? SIM_OK : ck_points(c, ck, t);
    ck->bad |= was;
    return st;
}

static sim_status ck_targets(struct mdl_calib *c, struct mdl__ck *ck)
{
    size_t old = mdl__ck_enter(ck, "targets");
    mdl__ck_count(ck, c->targets_count, 1, MAX_TARGETS);
    sim_status st = SIM_OK;
    for (unsigned i = 0; i < c->targets_count && i < MAX_TARGETS && st == SIM_OK; i++) {
        char label[80];
        mdl__scn_label(target_name, c->targets, i, label, sizeof label);
        size_t o = mdl__ck_enter(ck, label);
        st = ck_target(c, ck, &c->targets[i]);
        c->npoints += c->targets[i].npoints;
        mdl__ck_leave(ck, o);
    }
    mdl__ck_leave(ck, old);
    return st;
}

sim_status mdl__cal_validate(struct mdl_calib *c, const struct mdl__scn_index *idx, struct mdl__scn_diag *d,
                             const char *dir)
{
    struct mdl__ck ck = {.idx = idx, .d = d};
    sim_status st = load_inputs(c, &ck, dir);
    if (st != SIM_OK)
        return st;
    ck_algorithm(c, &ck);
    ck_params(c, &ck);
    mdl__cal_check_ranges(c, &ck);
    st = ck_targets(c, &ck);
    if (st == SIM_OK && !ck.bad) {
        c->priors = malloc(c->parameters_count * sizeof *c->priors);
        if (c->priors == NULL)
            return SIM_ENOMEM;
        for (unsigned i = 0; i < c->parameters_count; i++)
            c->priors[i] = c->parameters[i].p;
    }
    return st != SIM_OK ? st : ck.bad ? SIM_EINVAL : SIM_OK;
}

/* ---- Using a loaded calibration -------------------------------------------------------------- */

sim_status mdl_calib_apply(const struct mdl_calib *c, struct mdl_scenario *s, const double *theta)
{
    struct mdl_param p[MAX_PARAMS];
    char why[256];
    for (unsigned i = 0; i < c->parameters_count; i++)
        if (mdl_scenario_param(s, c->parameters[i].path, &p[i], why, sizeof why) != SIM_OK)
            return SIM_EINVAL;
    for (unsigned i = 0; i < c->parameters_count; i++)
        mdl_param_set(&p[i], theta[i]);
    return SIM_OK;
}

void mdl_calib_simulated(const struct mdl_calib *c, const double *values, double *sim)
{
    const struct sim_out_table *t = mdl_world_table(c->world);
    size_t k = 0;
    for (unsigned i = 0; i < c->targets_count; i++)
        for (unsigned j = 0; j < c->targets[i].npoints; j++) {
            const struct mdl_calib_point *p = &c->targets[i].points[j];
            sim[k++] = mdl_quantity_value(t, values, &c->targets[i].q, p->from, p->to);
        }
}

double mdl_calib_distance(const struct mdl_calib *c, const double *sim)
{
    double s = 0.0, w = 0.0;
    size_t k = 0;
    for (unsigned i = 0; i < c->targets_count; i++)
        for (unsigned j = 0; j < c->targets[i].npoints; j++, k++) {
            const struct mdl_calib_point *p = &c->targets[i].points[j];
            double e = (sim[k] - p->observed) / p->scale;
            s += p->weight * e * e;
            w += p->weight;
        }
    return sqrt(s / w); /* NaN propagates */
}
