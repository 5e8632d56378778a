/* mdl_scenario_check.c: the validation half of the scenario loader.
 *
 * libcyaml has already checked the shape of the file (keys, types) and filled a struct
 * mdl_scenario. This pass checks the values: ranges, counts, sums, dates, which parameters a
 * distribution uses. Each problem is reported with the position of the offending token, found
 * through an index from field path to libyaml node, and the pass carries on so that the user sees
 * every problem at once. It also re-reads numbers from the source text, because libcyaml 1.3.1
 * accepts trailing garbage ("7x" loads as 7, "1.5" as the unsigned 1). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_cecps.h"
#include "mdl_scenario_priv.h"

/* Appends `seg` to the current path ("." first unless at the root or `seg` is an index label) and
 * returns the length to restore with mdl__ck_leave(). Paths that would not fit are cut; they then match
 * nothing in the index, which only costs the position of a message. */
size_t mdl__ck_enter(struct mdl__ck *c, const char *seg)
{
    size_t old = c->len;
    const char *dot = (c->len > 0 && seg[0] != '.' && seg[0] != '[') ? "." : "";
    int n = snprintf(c->path + c->len, sizeof c->path - c->len, "%s%s", dot, seg);
    if (n > 0)
        c->len += (size_t)n < sizeof c->path - c->len ? (size_t)n : sizeof c->path - c->len - 1;
    return old;
}

void mdl__ck_leave(struct mdl__ck *c, size_t old)
{
    c->len = old;
    c->path[old] = '\0';
}

const yaml_node_t *mdl__ck_here(const struct mdl__ck *c)
{
    return mdl__scn_index_find(c->idx, c->path);
}

static const char *scalar_text(const yaml_node_t *n)
{
    return (n && n->type == YAML_SCALAR_NODE) ? (const char *)n->data.scalar.value : NULL;
}

/* Reports a problem at the current path, positioned at its node when the file has one. */
void mdl__ck_fail(struct mdl__ck *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const yaml_node_t *n = mdl__ck_here(c);
    mdl__scn_report(c->d, n ? &n->start_mark : NULL, c->path, "%s", msg);
    c->bad = true;
}

/* True when `s` is entirely a number strtod accepts (leading and trailing blanks allowed). */
static bool full_number(const char *s)
{
    char *end;
    (void)strtod(s, &end);
    if (end == s)
        return false;
    while (*end == ' ' || *end == '\t')
        end++;
    return *end == '\0';
}

/* True when `s` is an unsigned integer literal as libcyaml reads it: decimal or 0x hex. */
static bool full_uint(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '+')
        s++;
    const char *digits = "0123456789";
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        digits = "0123456789abcdefABCDEF";
    }
    size_t n = strspn(s, digits);
    if (n == 0)
        return false;
    s += n;
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

/* Checks a real value at the current path against [lo, hi] (ends excluded per `open`). */
bool mdl__ck_real_here(struct mdl__ck *c, double v, double lo, double hi, unsigned open)
{
    const char *txt = scalar_text(mdl__ck_here(c));
    char got[64];
    snprintf(got, sizeof got, "%.15g", v);
    if (txt && !full_number(txt)) {
        mdl__ck_fail(c, "expected a number, got '%s'", txt);
        return false;
    }
    if (!isfinite(v)) {
        mdl__ck_fail(c, "must be a finite number, got %s", txt ? txt : got);
        return false;
    }
    bool below = (open & MDL_FIELD_LO_OPEN) ? v <= lo : v < lo;
    bool above = (open & MDL_FIELD_HI_OPEN) ? v >= hi : v > hi;
    if (below || above) {
        mdl__ck_fail(c, "must be in %c%.15g, %.15g%c, got %s", (open & MDL_FIELD_LO_OPEN) ? '(' : '[', lo, hi,
                     (open & MDL_FIELD_HI_OPEN) ? ')' : ']', txt ? txt : got);
        return false;
    }
    return true;
}

/* Checks an unsigned value at the current path; "must be N" when the range is one value. */
bool mdl__ck_uint_here(struct mdl__ck *c, unsigned long long v, unsigned long long lo, unsigned long long hi)
{
    const char *txt = scalar_text(mdl__ck_here(c));
    if (txt && !full_uint(txt)) {
        mdl__ck_fail(c, "expected a whole number, got '%s'", txt);
        return false;
    }
    if (v >= lo && v <= hi)
        return true;
    if (lo == hi)
        mdl__ck_fail(c, "must be %llu, got %llu", lo, v);
    else
        mdl__ck_fail(c, "must be in [%llu, %llu], got %llu", lo, hi, v);
    return false;
}

/* Checks a list of numbers at the current path against its reference row. */
void mdl__ck_list_here(struct mdl__ck *c, const double *v, unsigned n, const struct mdl_field *f)
{
    if (n < f->nmin || n > f->nmax) {
        if (f->nmin == f->nmax)
            mdl__ck_fail(c, "must have exactly %u values, got %u", f->nmin, n);
        else
            mdl__ck_fail(c, "must have %u to %u values, got %u", f->nmin, f->nmax, n);
    }
    bool finite = true;
    double sum = 0;
    for (unsigned i = 0; i < n; i++) {
        char label[32];
        snprintf(label, sizeof label, "[%u]", i);
        size_t o = mdl__ck_enter(c, label);
        finite = mdl__ck_real_here(c, v[i], f->lo, f->hi, f->open) && finite;
        sum += v[i];
        mdl__ck_leave(c, o);
    }
    if (f->type == MDL_FIELD_WEIGHTS && n > 0 && finite && !(sum > 0))
        mdl__ck_fail(c, "values must have a positive sum, got %.15g", sum);
}

/* Reports the name of the current entry as a duplicate of entry `first` of the same sequence, whose
 * path is the current one cut at `seq_len` followed by its label (the name itself). */
static void duplicate(struct mdl__ck *c, mdl__scn_name_fn *name, const void *ctx, size_t first,
                      size_t seq_len, const char *what)
{
    char label[80], path[MDL__SCN_PATH_MAX + 80];
    mdl__scn_label(name, ctx, first, label, sizeof label);
    snprintf(path, sizeof path, "%.*s%s.name", (int)seq_len, c->path, label);
    const yaml_node_t *at = mdl__scn_index_find(c->idx, path);
    if (at)
        mdl__ck_fail(c, "duplicate %s name '%s' (first used at line %zu)", what, name(ctx, first),
                     at->start_mark.line + 1);
    else
        mdl__ck_fail(c, "duplicate %s name '%s'", what, name(ctx, first));
}

/* Checks that the entries of a sequence have names, unique within it. */
void mdl__ck_names(struct mdl__ck *c, mdl__scn_name_fn *name, const void *ctx, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        char label[80];
        mdl__scn_label(name, ctx, i, label, sizeof label);
        size_t o = mdl__ck_enter(c, label);
        size_t o2 = mdl__ck_enter(c, "name");
        const char *nm = name(ctx, i);
        if (!nm || !nm[0])
            mdl__ck_fail(c, "must not be empty");
        for (size_t j = 0; nm && nm[0] && j < i; j++) {
            const char *other = name(ctx, j);
            if (other && strcmp(other, nm) == 0) {
                duplicate(c, name, ctx, j, o, what);
                break;
            }
        }
        mdl__ck_leave(c, o2);
        mdl__ck_leave(c, o);
    }
}

/* Checks a count at the current path. */
void mdl__ck_count(struct mdl__ck *c, unsigned n, unsigned lo, unsigned hi)
{
    if (n < lo || n > hi)
        mdl__ck_fail(c, "must have %u to %u entries, got %u", lo, hi, n);
}

static const char *const dist_names[] = {"fixed", "exponential", "uniform", "lognormal", "gamma"};

/* Checks a distribution: the parameters its kind needs are present and in range, the others absent.
 * Presence comes from the index, since libcyaml leaves an absent optional field at 0. */
void mdl__ck_dist(struct mdl__ck *c, const struct mdl_dist *t, const struct mdl_field *f)
{
    static const char *const params[4] = {"mean", "sd", "min", "max"};
    /* bit p set: kind uses params[p] */
    static const unsigned uses[5] = {1u, 1u, 4u | 8u, 1u | 2u, 1u | 2u};
    double vals[4] = {t->mean, t->sd, t->min, t->max};
    unsigned kind = (unsigned)t->kind < 5 ? (unsigned)t->kind : 0;
    bool ok = true;
    for (unsigned p = 0; p < 4; p++) {
        size_t o = mdl__ck_enter(c, params[p]);
        bool present = mdl__ck_here(c) != NULL;
        bool used = (uses[kind] >> p) & 1u;
        if (used && present) /* min may be 0: the other parameters are positive */
            ok = mdl__ck_real_here(c, vals[p], f->lo, f->hi,
                                   p == 2 ? f->open & (unsigned)MDL_FIELD_HI_OPEN : f->open) &&
                 ok;
        else if (present)
            mdl__ck_fail(c, "%s is not used by dist: %s", params[p], dist_names[kind]);
        mdl__ck_leave(c, o);
        if (used && !present) {
            mdl__ck_fail(c, "dist: %s needs %s", dist_names[kind], params[p]);
            ok = false;
        }
    }
    if (ok && kind == MDL_DIST_UNIFORM && !(t->min < t->max)) {
        size_t o = mdl__ck_enter(c, "max");
        mdl__ck_fail(c, "must be greater than min (%.15g), got %.15g", t->min, t->max);
        mdl__ck_leave(c, o);
    }
}

static const char *method_name(const void *ctx, size_t i)
{
    return ((const struct mdl_method *)ctx)[i].name;
}

/* The rules between a port's fields: entry counts, method names and shares, recording shares. */
static void ck_port(struct mdl__ck *c, const struct mdl_port *p)
{
    size_t old = mdl__ck_enter(c, "staffing.shifts");
    mdl__ck_count(c, p->staffing.shifts_count, 1, 24);
    mdl__ck_leave(c, old);

    old = mdl__ck_enter(c, "methods");
    mdl__ck_count(c, p->methods_count, 1, 16);
    mdl__ck_names(c, method_name, p->methods, p->methods_count, "method");
    bool valid = true;
    double sum = 0;
    for (unsigned i = 0; i < p->methods_count; i++) {
        valid = mdl__field_ok("ports[].methods[].share", p->methods[i].share) && valid;
        sum += p->methods[i].share;
    }
    if (p->methods_count > 0 && valid && fabs(sum - 1) > 1e-6)
        mdl__ck_fail(c, "shares must sum to 1 (within 1e-6), got %.10g", sum);
    double basic = 0;
    for (unsigned i = 0; i < p->methods_count; i++)
    basic += p->methods[i].requires == MDL_QUAL_IFC1 ? p->methods[i].share : 0.0;
    if (p->methods_count > 0 && valid && !(basic > 0))
        mdl__ck_fail(c,
                     "some method with a positive share must require only ifc1 (IFC1 teams search with it)");
    mdl__ck_leave(c, old);

    old = mdl__ck_enter(c, "selection.hit_share");
    if (p->selection.policy == MDL_SELECT_CAPACITY &&
        mdl__field_ok("ports[].selection.hit_share", p->selection.hit_share) &&
        mdl__field_ok("ports[].selection.false_flag_share", p->selection.false_flag_share) &&
        p->selection.hit_share < p->selection.false_flag_share)
        mdl__ck_fail(c,
                     "must be at least false_flag_share (%.15g): targeting flags carriers no less often "
                     "than clean lorries, got %.15g",
                     p->selection.false_flag_share, p->selection.hit_share);
    mdl__ck_leave(c, old);

    old = mdl__ck_enter(c, "recording");
    sum = p->recording.at_port_share + p->recording.within_72h_share;
    if (mdl__field_ok("ports[].recording.at_port_share", p->recording.at_port_share) &&
        mdl__field_ok("ports[].recording.within_72h_share", p->recording.within_72h_share) && sum > 1 + 1e-12)
        mdl__ck_fail(c, "at_port_share + within_72h_share must be <= 1, got %.15g", sum);
    mdl__ck_leave(c, old);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Parses a strict YYYY-MM-DD date in [1900-01-01, 2199-12-31] into weekday (0 = Monday) and
 * 0-based day of year. Returns false when `s` is not such a date. */
static bool parse_date(const char *s, int *weekday, int *yday, long *epoch_days)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int i = 0; i < 10; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
            return false;
    if (s[10] != '\0')
        return false;
    long y = strtol(s, NULL, 10), m = strtol(s + 5, NULL, 10), d = strtol(s + 8, NULL, 10);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
        return false;
    long days = days_from_civil(y, m, d);
    *weekday = (int)(((days % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
    *yday = (int)(days - days_from_civil(y, 1, 1));
    *epoch_days = days;
    return true;
}

bool mdl__ck_date(const char *s, long *epoch_days)
{
    int wd, yd;
    return s != NULL && parse_date(s, &wd, &yd, epoch_days);
}

static void ck_header(struct mdl__ck *c, struct mdl_scenario *s)
{
    size_t old;
    old = mdl__ck_enter(c, "name");
    if (!s->name || !mdl__scn_is_word(s->name, 200))
        mdl__ck_fail(c, "must be a non-empty word of letters, digits, '_', '-' and '.', got '%s'",
                     s->name ? s->name : "");
    mdl__ck_leave(c, old);

    old = mdl__ck_enter(c, "calendar");
    size_t o = mdl__ck_enter(c, "start_date");
    if (!s->calendar.start_date ||
        !parse_date(s->calendar.start_date, &s->start_weekday, &s->start_yday, &(long){0}))
        mdl__ck_fail(c, "must be a real date YYYY-MM-DD between 1900-01-01 and 2199-12-31, got '%s'",
                     s->calendar.start_date ? s->calendar.start_date : "");
    mdl__ck_leave(c, o);
    mdl__ck_leave(c, old);
}

/* The civil-penalty section: the rules between its fields (mdl_cecps_params_check, which names
 * the field first), positioned at that field when the file writes it, else at the section. */
static void ck_cecps(struct mdl__ck *c, const struct mdl_scenario *s)
{
    if (s->cecps == NULL || c->bad)
        return; /* absent, or ranges failed: the rules judge fields valid on their own */
    size_t old = mdl__ck_enter(c, "cecps");
    bool fleet = false;
    for (unsigned i = 0; i < s->modes_count; i++)
        fleet |= s->modes[i].lorry != NULL && s->modes[i].lorry->fleet != NULL;
    char err[256];
    if (!fleet || s->population == NULL)
        mdl__ck_fail(c, "the scheme needs a population and a lorry mode with a fleet section (its hauliers)");
    else if (mdl_cecps_params_check(s->cecps, err, sizeof err) != SIM_OK) {
        char *sep = strstr(err, ": ");
        size_t o = c->len;
        if (sep != NULL) {
            *sep = '\0';
            o = mdl__ck_enter(c, err);
            if (mdl__ck_here(c) == NULL) { /* a default, or a rule between fields: the section */
                mdl__ck_leave(c, o);
                *sep = ':';
            } else
                memmove(err, sep + 2, strlen(sep + 2) + 1);
        }
        mdl__ck_fail(c, "%s", err);
        mdl__ck_leave(c, o);
    }
    mdl__ck_leave(c, old);
}

static const char *port_name(const void *ctx, size_t i)
{
    return ((const struct mdl_port *)ctx)[i].name;
}

sim_status mdl__scn_validate(struct mdl_scenario *s, const struct mdl__scn_index *idx,
                             struct mdl__scn_diag *d)
{
    /* The study's own fields are checked whatever the model's state, so one pass reports every
     * independent problem; only the full effects of changes need a valid model. */
    bool model_bad = mdl__scn_validate_model(s, idx, d, false) != SIM_OK;
    struct mdl__ck *c = &(struct mdl__ck){.idx = idx, .d = d, .len = 0, .bad = false, .model_bad = model_bad};
    c->path[0] = '\0';
    mdl__ck_study(c, s);
    return c->bad || model_bad ? SIM_EINVAL : SIM_OK;
}

sim_status mdl__scn_validate_model(struct mdl_scenario *s, const struct mdl__scn_index *idx,
                                   struct mdl__scn_diag *d, bool keep_absent)
{
    struct mdl__ck *c =
        &(struct mdl__ck){.idx = idx, .d = d, .len = 0, .bad = false, .keep_absent = keep_absent};
    c->path[0] = '\0';

    /* Ranges and defaults from the reference table first: rules between fields read the defaults
     * and only judge fields valid on their own. */
    mdl__ck_walk(c, "", s);
    ck_header(c, s);
    size_t old = mdl__ck_enter(c, "ports");
    mdl__ck_count(c, s->ports_count, 1, 16);
    mdl__ck_names(c, port_name, s->ports, s->ports_count, "port");
    for (unsigned i = 0; i < s->ports_count; i++) {
        char label[80];
        mdl__scn_label(port_name, s->ports, i, label, sizeof label);
        size_t o = mdl__ck_enter(c, label);
        ck_port(c, &s->ports[i]);
        mdl__ck_leave(c, o);
    }
    mdl__ck_leave(c, old);
    mdl__ck_population(c, s);
    ck_cecps(c, s);
    return c->bad ? SIM_EINVAL : SIM_OK;
}
