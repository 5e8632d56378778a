/* Whether a parameter's values stay inside its valid range: the scenario is validated with the
 * parameter at each end of a prior's support (calibration) or of a range (sensitivity, through the
 * helpers shared in mdl_calib_shared.h), as interventions are checked at their full effect
 * (mdl_scenario_check_iv.c), so all use the scenario loader's own ranges. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_calib_priv.h"

/* Number of prior sds at which an unbounded end is checked: a normal draw goes beyond it with
 * probability 6e-16. */
#define FAR_SDS 8.0

bool mdl__cal_index_scenario(const struct mdl_scenario *s, yaml_document_t *doc, struct mdl__scn_index *idx)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return false;
    yaml_parser_set_input_string(&p, (const unsigned char *)s->text, strlen(s->text));
    bool ok = yaml_parser_load(&p, doc) != 0;
    yaml_parser_delete(&p);
    if (ok && mdl__scn_index_build(idx, doc) != SIM_OK) {
        mdl__scn_index_fini(idx);
        yaml_document_delete(doc);
        ok = false;
    }
    return ok;
}

bool mdl__cal_valid_at(struct mdl_scenario *s, const struct mdl__scn_index *idx, const struct mdl_param *p,
                       double v, char *msg, size_t cap)
{
    char buf[1024];
    struct mdl__scn_diag scratch;
    mdl__scn_diag_init(&scratch, buf, sizeof buf, "");
    double orig = mdl_param_get(p);
    mdl_param_set(p, v);
    sim_status st = mdl__scn_validate_model(s, idx, &scratch, true);
    mdl_param_set(p, orig);
    if (st == SIM_OK)
        return true;
    /* The scratch line reads ":LINE:COL: PATH: message": keep from PATH on. */
    const char *m = buf;
    for (int colons = 0; *m != '\0' && colons < 3; m++)
        colons += *m == ':';
    while (*m == ' ')
        m++;
    snprintf(msg, cap, "%.*s", (int)strcspn(m, "\n"), m);
    /* The scenario's check quotes the value written in the scenario file, not v: drop it. */
    char *got = strstr(msg, ", got ");
    if (got != NULL)
        *got = '\0';
    return false;
}

/* Appends to `cut` (from index k) the part of the analysis window [w0, w1) over which each op: set
 * change of `path` among iv[0..n) is at full effect (a ramp reaches it after ramp_days), as
 * [start, end) pairs; returns the new count. *first, if NULL, becomes the first such change's
 * name (its path when unnamed). */
static size_t full_sets(const struct mdl_intervention *iv, unsigned n, const char *path, double w0, double w1,
                        double (*cut)[2], size_t k, const char **first)
{
    for (unsigned i = 0; i < n; i++) {
        if (iv[i].op != MDL_IV_SET || strcmp(iv[i].path, path) != 0)
            continue;
        double a = fmax(iv[i].from_day + iv[i].ramp_days, w0), b = fmin(iv[i].to_day, w1);
        if (a < b) {
            cut[k][0] = a;
            cut[k][1] = b;
            k++;
        }
        if (*first == NULL)
            *first = iv[i].name != NULL ? iv[i].name : path;
    }
    return k;
}

/* Whether the intervals cut[0..k) together cover [w0, w1) (k is a handful: no sorting, so the
 * array is left as it was). */
static bool covered(const double (*cut)[2], size_t k, double w0, double w1)
{
    double reach = w0;
    for (bool grew = true; grew && reach < w1;) {
        grew = false;
        for (size_t i = 0; i < k; i++)
            if (cut[i][0] <= reach && cut[i][1] > reach) {
                reach = cut[i][1];
                grew = true;
            }
    }
    return reach >= w1;
}

const char *mdl__cal_set_by(const struct mdl_scenario *s, const char *path)
{
    double w0 = s->calendar.warmup_days, w1 = w0 + s->calendar.horizon_days;
    size_t cap = s->interventions_count;
    for (unsigned v = 0; v < s->variants_count; v++)
        cap += s->variants[v].interventions_count;
    double(*cut)[2] = malloc((cap + 1) * sizeof *cut);
    if (cut == NULL)
        return path; /* cannot tell: refuse rather than fit a value that may never apply */
    /* The scenario's own sets, then each variant's after them (cut[0..k0) is every variant's). */
    const char *first = NULL, *found = NULL;
    size_t k0 = full_sets(s->interventions, s->interventions_count, path, w0, w1, cut, 0, &first);
    if (first != NULL && covered((const double(*)[2])cut, k0, w0, w1))
        found = first;
    for (unsigned v = 0; found == NULL && v < s->variants_count; v++) {
        const char *vfirst = NULL;
        size_t k = full_sets(s->variants[v].interventions, s->variants[v].interventions_count, path, w0, w1,
                             cut, k0, &vfirst);
        if (vfirst != NULL && covered((const double(*)[2])cut, k, w0, w1))
            found = s->variants[v].name;
    }
    free(cut);
    return found;
}

static const char *param_name(const void *ctx, size_t i)
{
    return ((const struct mdl_calib_param *)ctx)[i].name;
}

void mdl__cal_check_ranges(struct mdl_calib *c, struct mdl__ck *ck)
{
    yaml_document_t doc;
    struct mdl__scn_index idx = {0};
    if (!mdl__cal_index_scenario(c->scn, &doc, &idx)) {
        mdl__ck_fail(ck, "out of memory checking the parameters' ranges");
        return;
    }
    size_t old = mdl__ck_enter(ck, "parameters");
    for (unsigned i = 0; i < c->parameters_count; i++) {
        struct mdl_calib_param *cp = &c->parameters[i];
        struct mdl_param p;
        char why[256], label[80], msg[512];
        if (mdl_scenario_param(c->scn, cp->path, &p, why, sizeof why) != SIM_OK ||
            sim_prior_check(&cp->p, NULL, 0) != SIM_OK)
            continue; /* reported already */
        double lo, hi, m = sim_prior_mean(&cp->p), sd = sim_prior_sd(&cp->p);
        sim_prior_support(&cp->p, &lo, &hi);
        double ends[2] = {isinf(lo) ? m - FAR_SDS * sd : lo, isinf(hi) ? m + FAR_SDS * sd : hi};
        mdl__scn_label(param_name, c->parameters, i, label, sizeof label);
        size_t o = mdl__ck_enter(ck, label), op = mdl__ck_enter(ck, "prior");
        for (int e = 0; e < 2; e++)
            if (!mdl__cal_valid_at(c->scn, &idx, &p, ends[e], msg, sizeof msg)) {
                mdl__ck_fail(ck, "the prior reaches %g (%s end%s), where the parameter is invalid: %s",
                             ends[e], e ? "upper" : "lower", isinf(e ? hi : lo) ? ", taken at 8 sd" : "",
                             msg);
                break;
            }
        mdl__ck_leave(ck, op);
        mdl__ck_leave(ck, o);
    }
    mdl__ck_leave(ck, old);
    mdl__scn_index_fini(&idx);
    yaml_document_delete(&doc);
}
