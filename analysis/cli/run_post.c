/* run_post.c: the posterior draws of a run under parameter uncertainty (see run_post.h). */
#define _GNU_SOURCE /* strdup */
#include "run_post.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../models/mdl_scenario.h"
#include "../../sim/sim_rng.h"
#include "cli_common.h"

void run_post_fini(struct run_post *rp)
{
    res_posterior_free(&rp->p);
    free(rp->theta);
    free(rp->particle);
    free(rp->rep_draw);
    if (rp->labels != NULL)
        for (size_t i = 0; rp->labels[i] != NULL; i++)
            free(rp->labels[i]);
    free(rp->labels);
    *rp = (struct run_post){0};
}

/* FNV-1a of the file's bytes; false when it cannot be read. */
static bool file_fnv64(const char *path, uint64_t *out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    unsigned char buf[65536];
    uint64_t h = 14695981039346656037ull;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * 1099511628211ull;
    bool ok = !ferror(f);
    fclose(f);
    *out = h;
    return ok;
}

/* Systematic resampling: draw i is the particle whose cumulative weight first exceeds (i + u) / n,
 * with one keyed uniform u, so a particle of weight w is drawn floor or ceil of n w times. */
static void resample(struct run_post *rp, uint64_t seed)
{
    double u = (double)(sim_seed_mix(seed, SIM_RNG_MAX_REP, SIM_RNG_MAX_STREAM) >> 11) * 0x1p-53;
    double cum = rp->p.weights[0];
    size_t j = 0;
    for (size_t i = 0; i < rp->ndraws; i++) {
        double target = ((double)i + u) / (double)rp->ndraws;
        while (cum <= target && j + 1 < rp->p.n)
            cum += rp->p.weights[++j];
        rp->particle[i] = (double)j;
        memcpy(rp->theta + i * rp->d, rp->p.particles + j * rp->d, rp->d * sizeof *rp->theta);
    }
}

/* The reference row of a parameter path: list entries ("ports.calais", "ports[0]") become "[]";
 * which segments are entries is found by trying each choice against the reference. */
static const struct mdl_field *field_of(const char *path)
{
    char segs[16][64], pat[1024];
    size_t k = 0;
    const char *p = path;
    while (*p != '\0' && k < 16) {
        size_t n = strcspn(p, ".[");
        snprintf(segs[k++], sizeof segs[0], "%.*s", (int)(n < 63 ? n : 63), p);
        p += n;
        while (*p == '[') { /* "[i]": an entry by index */
            p += strcspn(p, "]");
            if (*p == ']')
                p++;
            if (k < 16)
                snprintf(segs[k++], sizeof segs[0], "[]");
        }
        if (*p == '.')
            p++;
    }
    for (unsigned long mask = 0; k > 0 && mask < (1ul << (k - 1)); mask++) {
        size_t len = (size_t)snprintf(pat, sizeof pat, "%s", segs[0]);
        for (size_t i = 1; i < k && len < sizeof pat; i++)
            len += (size_t)snprintf(pat + len, sizeof pat - len, "%s%s",
                                    (mask >> (i - 1)) & 1 || strcmp(segs[i], "[]") == 0 ? "" : ".",
                                    (mask >> (i - 1)) & 1 ? "[]" : segs[i]);
        const struct mdl_field *f = mdl_scenario_field(pat);
        if (f != NULL)
            return f;
    }
    return NULL;
}

/* Whether v lies in the range of field f (true when f has no numeric range). */
static bool in_range(const struct mdl_field *f, double v)
{
    if (f->type == MDL_FIELD_COUNT)
        return v >= (double)f->ulo - 0.5 && v < (double)f->uhi + 0.5;
    if (f->type != MDL_FIELD_REAL && f->type != MDL_FIELD_WHOLE)
        return true;
    bool lo = f->open & MDL_FIELD_LO_OPEN ? v > f->lo : v >= f->lo;
    bool hi = f->open & MDL_FIELD_HI_OPEN ? v < f->hi : v <= f->hi;
    return lo && hi;
}

/* Whether an intervention (op: set) or the sweep of `s` replaces the field `path` (as written): a
 * draw would undo it or be undone by it. A scale or an add acts on the drawn value (the variant
 * boat_supply scales the fitted seizure share), as calibration and sensitivity allow. */
static bool changed_by_study(const struct mdl_scenario *s, const char *path)
{
    for (unsigned i = 0; i < s->interventions_count; i++)
        if (s->interventions[i].op == MDL_IV_SET && strcmp(s->interventions[i].path, path) == 0)
            return true;
    for (unsigned v = 0; v < s->variants_count; v++)
        for (unsigned i = 0; i < s->variants[v].interventions_count; i++)
            if (s->variants[v].interventions[i].op == MDL_IV_SET &&
                strcmp(s->variants[v].interventions[i].path, path) == 0)
                return true;
    return s->sweep != NULL && (strcmp(s->sweep->path, path) == 0 ||
                                (s->sweep->path2 != NULL && strcmp(s->sweep->path2, path) == 0));
}

/* Checks each parameter's path in the scenario and each draw's value against its field's range. */
static int check_params(struct run_post *rp, const struct mdl_world *w, const struct mdl_scenario *s)
{
    const char *scenario = s->path;
    char err[512];
    struct mdl_world_ws *ws = NULL;
    sim_status st =
        mdl_world_ws_create_params(w, (const char *const *)rp->p.paths, rp->d, &ws, err, sizeof err);
    mdl_world_ws_destroy(ws);
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim run: %s: a parameter does not resolve in scenario %s: %s\n", rp->path,
                scenario, err);
        return st == SIM_ENOMEM ? CLI_SOFTWARE : CLI_DATAERR;
    }
    for (size_t j = 0; j < rp->d; j++) {
        if (changed_by_study(s, rp->p.paths[j])) {
            fprintf(stderr,
                    "dispsim run: %s: parameter %s (%s) is set by an intervention (op: set) or the sweep of "
                    "scenario %s\n",
                    rp->path, rp->p.names[j], rp->p.paths[j], scenario);
            return CLI_DATAERR;
        }
        const struct mdl_field *f = field_of(rp->p.paths[j]);
        rp->units[j] = f != NULL && f->unit != NULL ? f->unit : "";
        rp->descs[j] = f != NULL && f->desc != NULL ? f->desc : "";
        for (size_t i = 0; f != NULL && i < rp->ndraws; i++) {
            double v = rp->theta[i * rp->d + j];
            if (in_range(f, v))
                continue;
            char range[64];
            mdl_field_range_text(f, range, sizeof range);
            fprintf(stderr,
                    "dispsim run: %s: parameter %s (%s): expected a value in %s for scenario %s, got %.17g "
                    "(particle %.0f)\n",
                    rp->path, rp->p.names[j], rp->p.paths[j], range, scenario, v, rp->particle[i]);
            return CLI_DATAERR;
        }
    }
    return CLI_OK;
}

int run_post_load(struct run_post *rp, const char *path, size_t ndraws, uint64_t seed,
                  const struct mdl_world *w, const struct mdl_scenario *s)
{
    char err[1024];
    *rp = (struct run_post){.path = path, .ndraws = ndraws};
    sim_status st = res_posterior_read(path, &rp->p, err, sizeof err);
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim run: --posterior %s\n", err);
        return st == SIM_ENOENT ? CLI_NOINPUT : st == SIM_ENOMEM ? CLI_SOFTWARE : CLI_DATAERR;
    }
    rp->d = rp->p.d;
    if (rp->d == 0 || rp->d > 64 || rp->p.n == 0) {
        fprintf(stderr,
                "dispsim run: %s: expected a posterior of 1 to 64 parameters and some particles, got %zu and "
                "%zu\n",
                path, rp->d, rp->p.n);
        return CLI_DATAERR;
    }
    if (!file_fnv64(path, &rp->fnv64)) {
        fprintf(stderr, "dispsim run: %s: cannot read\n", path);
        return CLI_NOINPUT;
    }
    snprintf(rp->fnv_text, sizeof rp->fnv_text, "%016llx", (unsigned long long)rp->fnv64);
    rp->theta = malloc(ndraws * rp->d * sizeof *rp->theta);
    rp->particle = malloc(ndraws * sizeof *rp->particle);
    if (rp->theta == NULL || rp->particle == NULL) {
        fprintf(stderr, "dispsim run: out of memory for %zu posterior draws\n", ndraws);
        return CLI_SOFTWARE;
    }
    resample(rp, seed);
    int rc = check_params(rp, w, s);
    size_t distinct = 0; /* the draws are in particle order: count the changes */
    for (size_t i = 0; i < ndraws; i++)
        distinct += i == 0 || rp->particle[i] != rp->particle[i - 1];
    if (rc == CLI_OK && res_posterior_thin(&rp->p))
        fprintf(stderr,
                "dispsim run: warning: %s rests on an effective sample of %.1f particles (%zu distinct among "
                "the %zu draws): the parameter part of every interval is only as sound as that\n",
                path, res_posterior_ess(&rp->p), distinct, ndraws);
    return rc;
}

const struct res_extra *run_post_extra(struct run_post *rp, size_t reps)
{
    size_t n = rp->ndraws * reps, nl = n > rp->ndraws ? n : rp->ndraws;
    rp->rep_draw = malloc(n * sizeof *rp->rep_draw);
    rp->labels = calloc(nl + 1, sizeof *rp->labels);
    if (rp->rep_draw == NULL || rp->labels == NULL)
        return NULL;
    for (size_t i = 0; i < nl; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%zu", i);
        if ((rp->labels[i] = strdup(buf)) == NULL)
            return NULL;
    }
    for (size_t j = 0; j < n; j++)
        rp->rep_draw[j] = (double)(j / reps);
    rp->reps_per_draw = (double)reps;
    rp->file_labels[0] = rp->path;
    rp->hash_labels[0] = rp->fnv_text;
    const char *const *lab = (const char *const *)rp->labels;
    rp->dims[0] = (struct res_extra_dim){"draw", rp->ndraws, lab, "posterior draw (resampled particle)"};
    rp->dims[1] = (struct res_extra_dim){"parameter", rp->d, (const char *const *)rp->p.names,
                                         "calibrated parameter of the posterior"};
    rp->dims[2] = (struct res_extra_dim){"posterior_replication", n, lab,
                                         "replication index of the run (draw-major: draw * reps + rep)"};
    rp->dims[3] = (struct res_extra_dim){"posterior_file", 1, rp->file_labels, "the posterior file"};
    struct res_extra_var *v = rp->vars;
    v[0] = (struct res_extra_var){
        "draw",       "1", "the posterior draw each replication ran at", 1, {"posterior_replication"},
        rp->rep_draw, NULL};
    v[1] = (struct res_extra_var){
        "particle", "1", "the posterior particle (0-based) each draw is", 1, {"draw"}, rp->particle, NULL};
    v[2] =
        (struct res_extra_var){"values",
                               "see parameter_units",
                               "the parameter values of each draw (whole-number fields are rounded when run)",
                               2,
                               {"draw", "parameter"},
                               rp->theta,
                               NULL};
    v[3] = (struct res_extra_var){"parameter_path", "",   "scenario field path of each parameter", 1,
                                  {"parameter"},    NULL, (const char *const *)rp->p.paths};
    v[4] = (struct res_extra_var){
        "parameter_units", "", "unit of each parameter's field", 1, {"parameter"}, NULL, rp->units};
    v[5] = (struct res_extra_var){
        "parameter_description", "", "what each parameter's field means", 1, {"parameter"}, NULL, rp->descs};
    v[6] = (struct res_extra_var){
        "file",         "", "the posterior file, as given to --posterior", 1, {"posterior_file"}, NULL,
        rp->file_labels};
    v[7] = (struct res_extra_var){"file_fnv64",
                                  "",
                                  "64-bit FNV-1a hash of the posterior file's bytes (hex)",
                                  1,
                                  {"posterior_file"},
                                  NULL,
                                  rp->hash_labels};
    v[8] = (struct res_extra_var){"replications_per_draw", "1", "replications run at each draw", 0, {NULL},
                                  &rp->reps_per_draw,      NULL};
    rp->extra = (struct res_extra){"posterior_draws", 4, rp->dims, 9, rp->vars};
    return &rp->extra;
}
