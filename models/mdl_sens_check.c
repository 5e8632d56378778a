/* Validation of a sensitivity file against its study: parameters (paths resolved as the
 * calibration loader does, both ends of each range checked with the scenario loader's own rules),
 * metrics, variants and method settings; the outputs (metric x variant) they expand to. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/sim_sens.h"
#include "mdl_sens_priv.h"

enum { MAX_PARAMS = 64, MAX_METRICS = 64, MAX_OUTPUTS = 512, MAX_REPS = 1000, MAX_BASE = 1u << 20 };

static bool present(struct mdl__ck *c, const char *key)
{
    size_t o = mdl__ck_enter(c, key);
    bool here = mdl__ck_here(c) != NULL;
    mdl__ck_leave(c, o);
    return here;
}

static void fail_at(struct mdl__ck *c, const char *key, const char *msg)
{
    size_t o = mdl__ck_enter(c, key);
    mdl__ck_fail(c, "%s", msg);
    mdl__ck_leave(c, o);
}

static sim_status load_study(struct mdl_sens *s, struct mdl__ck *ck, const char *dir)
{
    size_t n = strlen(dir) + strlen(s->study) + 1;
    char *sp = malloc(n), *err = malloc(8192);
    sim_status st = sp && err ? SIM_OK : SIM_ENOMEM, r;
    if (st == SIM_OK)
        snprintf(sp, n, "%s%s", s->study[0] == '/' ? "" : dir, s->study);
    if (st == SIM_OK && (r = mdl_scenario_load(sp, &s->scn, err, 8192)) != SIM_OK) {
        size_t o = mdl__ck_enter(ck, "study");
        mdl__ck_fail(ck, "the study '%s' does not load:\n%s", sp, err);
        mdl__ck_leave(ck, o);
        st = r == SIM_ENOENT ? SIM_ENOENT : SIM_EFORMAT;
    }
    if (st == SIM_OK && mdl_world_create(s->scn, &s->world) != SIM_OK)
        st = SIM_ENOMEM;
    free(sp), free(err);
    return st;
}

static const char *param_name(const void *ctx, size_t i)
{
    const struct mdl_sens_param *p = (const struct mdl_sens_param *)ctx + i;
    return p->name ? p->name : p->path;
}

/* One parameter: its path (or dummy), its range and both ends against the study's rules. */
static void ck_param(struct mdl_sens *s, struct mdl__ck *ck, unsigned i, const struct mdl__scn_index *sidx)
{
    struct mdl_sens_param *p = &s->parameters[i];
    char why[256], msg[512];
    struct mdl_param mp;
    const char *iv;
    if (p->dummy && p->path != NULL)
        fail_at(ck, "path", "a dummy parameter has no path (it is sampled and never applied)");
    else if (!p->dummy && p->path == NULL)
        mdl__ck_fail(ck, "missing required key 'path' (or 'dummy: true')");
    if (!(isfinite(p->min) && isfinite(p->max) && p->min < p->max)) {
        snprintf(msg, sizeof msg, "expected min < max, both finite, got min %g, max %g", p->min, p->max);
        fail_at(ck, "max", msg);
        return;
    }
    if (p->scale == MDL_SENS_LOG && !(p->min > 0.0)) {
        snprintf(msg, sizeof msg, "a log scale needs min > 0, got %g", p->min);
        fail_at(ck, "min", msg);
        return;
    }
    if (p->dummy || p->path == NULL)
        return;
    size_t op = mdl__ck_enter(ck, "path");
    bool ok = mdl_scenario_param(s->scn, p->path, &mp, why, sizeof why) == SIM_OK;
    if (!ok)
        mdl__ck_fail(ck, "%s", why);
    else if ((iv = mdl__cal_set_by(s->scn, p->path)) != NULL)
        mdl__ck_fail(
            ck,
            "'%s' is set over the whole analysis window by the study's intervention or variant '%s' "
            "(op: scale or add would act on it; a set with from/to dates leaves it in force outside them)",
            p->path, iv);
    for (unsigned j = 0; j < i; j++)
        if (s->parameters[j].path && strcmp(s->parameters[j].path, p->path) == 0)
            mdl__ck_fail(ck, "'%s' is varied twice (also parameter %u)", p->path, j);
    mdl__ck_leave(ck, op);
    for (int e = 0; ok && sidx != NULL && e < 2; e++) {
        double v = e ? p->max : p->min;
        if (!mdl__cal_valid_at(s->scn, sidx, &mp, v, msg, sizeof msg)) {
            size_t o = mdl__ck_enter(ck, e ? "max" : "min");
            mdl__ck_fail(ck, "the range reaches %g, where the parameter is invalid: %s", v, msg);
            mdl__ck_leave(ck, o);
            break;
        }
    }
}

static void ck_params(struct mdl_sens *s, struct mdl__ck *ck, const struct mdl__scn_index *sidx)
{
    size_t old = mdl__ck_enter(ck, "parameters");
    mdl__ck_count(ck, s->parameters_count, 1, MAX_PARAMS);
    for (unsigned i = 0; i < s->parameters_count && i < MAX_PARAMS; i++) {
        char label[80];
        mdl__scn_label(param_name, s->parameters, i, label, sizeof label);
        size_t o = mdl__ck_enter(ck, label);
        ck_param(s, ck, i, sidx);
        mdl__ck_leave(ck, o);
    }
    mdl__ck_leave(ck, old);
}

static const char *const metric_units[MDL_SENS_NMETRICS] = {"1", "people", "EUR per person", "people"};

/* Appends the output (metric m, variant v); false when there are too many. */
static bool add_output(struct mdl_sens *s, const struct mdl_sens_metric *m, size_t v, size_t mode,
                       const char *mode_name)
{
    if (s->noutputs == MAX_OUTPUTS)
        return false;
    struct mdl_sens_output *o = &s->outputs[s->noutputs++];
    const char *vn = mdl_world_variant_names(s->world)[v];
    *o = (struct mdl_sens_output){
        .metric = m->metric, .variant = v, .mode = mode, .units = metric_units[m->metric]};
    if (m->metric == MDL_SENS_ARRIVALS_CHANGE)
        snprintf(o->label, sizeof o->label, "%s[%s,%s]", mdl_sens_metric_str(m->metric), vn, mode_name);
    else
        snprintf(o->label, sizeof o->label, "%s[%s]", mdl_sens_metric_str(m->metric), vn);
    return true;
}

/* A metric's mode (arrivals_change only): index into the modes, nmodes for "total". */
static bool ck_mode(struct mdl_sens *s, struct mdl__ck *ck, const struct mdl_sens_metric *m, size_t *mode)
{
    *mode = s->scn->modes_count;
    if (m->metric != MDL_SENS_ARRIVALS_CHANGE) {
        if (m->mode != NULL)
            fail_at(ck, "mode", "only arrivals_change takes a mode");
        return m->mode == NULL;
    }
    if (m->mode == NULL) {
        mdl__ck_fail(ck, "arrivals_change needs 'mode' (an entry mode of the study, or total)");
        return false;
    }
    if (strcmp(m->mode, "total") == 0)
        return true;
    for (unsigned i = 0; i < s->scn->modes_count; i++)
        if (strcmp(s->scn->modes[i].name, m->mode) == 0)
            return *mode = i, true;
    char msg[256];
    snprintf(msg, sizeof msg, "expected an entry mode of the study or total, got '%s'", m->mode);
    fail_at(ck, "mode", msg);
    return false;
}

static void ck_metric(struct mdl_sens *s, struct mdl__ck *ck, const struct mdl_sens_metric *m)
{
    size_t mode, nv = s->nvariants;
    bool ok = ck_mode(s, ck, m, &mode);
    const char *mode_name = mode < s->scn->modes_count ? s->scn->modes[mode].name : "total";
    if (m->variants_count == 0) {
        for (size_t v = 1; ok && v < nv; v++)
            if (!add_output(s, m, v, mode, mode_name)) {
                mdl__ck_fail(ck, "more than %d metric x variant outputs", MAX_OUTPUTS);
                break;
            }
        return;
    }
    size_t old = mdl__ck_enter(ck, "variants");
    for (unsigned k = 0; k < m->variants_count; k++) {
        size_t v = 1;
        while (v < nv && strcmp(mdl_world_variant_names(s->world)[v], m->variants[k]) != 0)
            v++;
        char seg[32], msg[256];
        snprintf(seg, sizeof seg, "[%u]", k);
        if (v == nv) {
            snprintf(msg, sizeof msg, "expected a variant of the study (not the baseline), got '%s'",
                     m->variants[k]);
            fail_at(ck, seg, msg);
        } else if (ok && !add_output(s, m, v, mode, mode_name)) {
            mdl__ck_fail(ck, "more than %d metric x variant outputs", MAX_OUTPUTS);
            break;
        }
    }
    mdl__ck_leave(ck, old);
}

static void ck_metrics(struct mdl_sens *s, struct mdl__ck *ck)
{
    size_t old = mdl__ck_enter(ck, "metrics");
    mdl__ck_count(ck, s->metrics_count, 1, MAX_METRICS);
    if (s->nvariants < 2)
        mdl__ck_fail(ck, "the study '%s' has no variant: the metrics compare variants with the baseline",
                     s->study);
    for (unsigned i = 0; i < s->metrics_count && i < MAX_METRICS && s->nvariants >= 2; i++) {
        char seg[32];
        snprintf(seg, sizeof seg, "[%u]", i);
        size_t o = mdl__ck_enter(ck, seg);
        ck_metric(s, ck, &s->metrics[i]);
        mdl__ck_leave(ck, o);
    }
    mdl__ck_leave(ck, old);
}

/* Checks the unsigned `v` of `key` (at the current path) against [lo, hi]. */
static void ck_uint(struct mdl__ck *ck, const char *key, unsigned v, unsigned lo, unsigned hi)
{
    if (v >= lo && v <= hi)
        return;
    char msg[128];
    snprintf(msg, sizeof msg, "must be in [%u, %u], got %u", lo, hi, v);
    fail_at(ck, key, msg);
}

static void ck_method(struct mdl_sens *s, struct mdl__ck *ck)
{
    size_t old = mdl__ck_enter(ck, "method"), o;
    struct mdl_sens_method *m = &s->method;
    if (m->sobol == NULL && m->morris == NULL)
        mdl__ck_fail(ck, "give sobol, morris or both");
    if (m->sobol != NULL) {
        o = mdl__ck_enter(ck, "sobol");
        if (!present(ck, "bootstrap"))
            m->sobol->bootstrap = 200;
        ck_uint(ck, "base_samples", m->sobol->base_samples, 2, MAX_BASE);
        ck_uint(ck, "bootstrap", m->sobol->bootstrap, 0, 100000);
        if (s->parameters_count > SIM_SENS_MAX_SOBOL_DIM)
            mdl__ck_fail(ck,
                         "Sobol indices take at most %d parameters (GSL's Sobol sequence), got %u: screen "
                         "with morris first",
                         SIM_SENS_MAX_SOBOL_DIM, s->parameters_count);
        mdl__ck_leave(ck, o);
    }
    if (m->morris != NULL) {
        o = mdl__ck_enter(ck, "morris");
        if (!present(ck, "levels"))
            m->morris->levels = 4;
        ck_uint(ck, "trajectories", m->morris->trajectories, 1, 100000);
        if (m->morris->levels < 2 || m->morris->levels % 2 != 0 || m->morris->levels > 1000) {
            char msg[128];
            snprintf(msg, sizeof msg, "must be an even number in [2, 1000], got %u", m->morris->levels);
            fail_at(ck, "levels", msg);
        }
        mdl__ck_leave(ck, o);
    }
    mdl__ck_leave(ck, old);
}

sim_status mdl__sens_validate(struct mdl_sens *s, const struct mdl__scn_index *idx, struct mdl__scn_diag *d,
                              const char *dir)
{
    struct mdl__ck ck = {.idx = idx, .d = d};
    sim_status st = load_study(s, &ck, dir);
    if (st != SIM_OK)
        return st;
    s->nvariants = mdl_world_nvariants(s->world);
    if (!present(&ck, "seed"))
        s->seed = s->scn->run.master_seed;
    ck_uint(&ck, "replications", s->replications, 1, MAX_REPS);
    s->outputs = calloc(MAX_OUTPUTS, sizeof *s->outputs);
    s->paths = calloc(s->parameters_count + 1, sizeof *s->paths);
    if (s->outputs == NULL || s->paths == NULL)
        return SIM_ENOMEM;
    yaml_document_t doc;
    struct mdl__scn_index sidx = {0};
    bool have = mdl__cal_index_scenario(s->scn, &doc, &sidx);
    if (!have)
        return SIM_ENOMEM;
    ck_params(s, &ck, &sidx);
    mdl__scn_index_fini(&sidx);
    yaml_document_delete(&doc);
    ck_metrics(s, &ck);
    ck_method(s, &ck);
    for (unsigned i = 0; i < s->parameters_count; i++)
        if (!s->parameters[i].dummy && s->parameters[i].path != NULL)
            s->paths[s->npaths++] = s->parameters[i].path;
    return ck.bad ? SIM_EINVAL : SIM_OK;
}

double mdl_sens_value(const struct mdl_sens *s, unsigned i, double u)
{
    const struct mdl_sens_param *p = &s->parameters[i];
    if (p->scale == MDL_SENS_LOG)
        return p->min * pow(p->max / p->min, u);
    return p->min + (p->max - p->min) * u;
}
