/* The observed-CSV reader and the period parser. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_observed.h"

enum { NCOLS = 5, MAX_LINES = 20, MAX_FIELD = 4096 };
static const char *const COLS[NCOLS] = {"series", "period", "value", "unit", "source"};

/* ---- Dates and periods ---------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static unsigned days_in_month(long y, unsigned m)
{
    static const unsigned n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : n[m - 1];
}

/* Reads exactly `n` digits from *s. */
static bool digits(const char **s, int n, long *v)
{
    long x = 0;
    for (int i = 0; i < n; i++) {
        if ((*s)[i] < '0' || (*s)[i] > '9')
            return false;
        x = x * 10 + ((*s)[i] - '0');
    }
    *s += n, *v = x;
    return true;
}

/* One period without "..", spanning [s, end). */
static bool single(const char *s, const char *end, long *first, long *last)
{
    long y, a, b;
    size_t n = (size_t)(end - s);
    const char *p = s;
    if (n == 9 && strncmp(s, "FY", 2) == 0) {
        p += 2;
        if (!digits(&p, 4, &y) || *p++ != '/' || !digits(&p, 2, &a) || a != (y + 1) % 100)
            return false;
        *first = days_from_civil(y, 4, 1), *last = days_from_civil(y + 1, 3, 31);
        return true;
    }
    if (n < 4 || !digits(&p, 4, &y))
        return false;
    if (n == 4) {
        *first = days_from_civil(y, 1, 1), *last = days_from_civil(y, 12, 31);
        return true;
    }
    if (n == 7 && p[0] == '-' && p[1] == 'Q' && p[2] >= '1' && p[2] <= '4') {
        unsigned m = 3u * (unsigned)(p[2] - '1') + 1u;
        *first = days_from_civil(y, m, 1), *last = days_from_civil(y, m + 2, days_in_month(y, m + 2));
        return true;
    }
    if ((n != 7 && n != 10) || *p++ != '-' || !digits(&p, 2, &a) || a < 1 || a > 12)
        return false;
    if (n == 7) {
        *first = days_from_civil(y, (unsigned)a, 1);
        *last = days_from_civil(y, (unsigned)a, days_in_month(y, (unsigned)a));
        return true;
    }
    if (*p++ != '-' || !digits(&p, 2, &b) || b < 1 || b > days_in_month(y, (unsigned)a))
        return false;
    *first = *last = days_from_civil(y, (unsigned)a, (unsigned)b);
    return true;
}

bool mdl_date_parse(const char *s, long *epoch_days)
{
    long f, l;
    if (s == NULL || strlen(s) != 10 || !single(s, s + 10, &f, &l))
        return false;
    *epoch_days = f;
    return true;
}

bool mdl_period_parse(const char *s, long *first, long *last)
{
    if (s == NULL)
        return false;
    const char *dots = strstr(s, ".."), *end = s + strlen(s);
    long f, l, f2, l2;
    if (dots == NULL) {
        if (!single(s, end, &f, &l))
            return false;
    } else {
        if (dots == s && dots + 2 == end)
            return false; /* ".." alone */
        if (dots == s)
            f = MDL_PERIOD_NO_START;
        else if (!single(s, dots, &f, &l2))
            return false;
        if (dots + 2 == end)
            l = MDL_PERIOD_NO_END;
        else if (!single(dots + 2, end, &f2, &l))
            return false;
        if (l < f)
            return false;
    }
    *first = f, *last = l;
    return true;
}

bool mdl_period_relative(const char *period, const char *start, double *from, double *to)
{
    long f, l, s0;
    if (!mdl_period_parse(period, &f, &l) || !mdl_date_parse(start, &s0))
        return false;
    *from = f == MDL_PERIOD_NO_START ? -INFINITY : (double)(f - s0);
    *to = l == MDL_PERIOD_NO_END ? INFINITY : (double)(l - s0 + 1);
    return true;
}

/* ---- CSV ------------------------------------------------------------------------------------ */

struct diag {
    char *buf;
    size_t cap, len;
    const char *file;
    unsigned lines, dropped;
};

static void report(struct diag *d, unsigned line, unsigned col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void report(struct diag *d, unsigned line, unsigned col, const char *fmt, ...)
{
    if (d->lines >= MAX_LINES) {
        d->dropped++;
        return;
    }
    d->lines++;
    if (d->cap == 0 || d->len + 1 >= d->cap)
        return;
    int k = line ? snprintf(d->buf + d->len, d->cap - d->len, "%s:%u:%u: ", d->file, line, col)
                 : snprintf(d->buf + d->len, d->cap - d->len, "%s: ", d->file);
    d->len = k < 0 ? d->len : d->len + (size_t)k < d->cap ? d->len + (size_t)k : d->cap - 1;
    va_list ap;
    va_start(ap, fmt);
    k = vsnprintf(d->buf + d->len, d->cap - d->len, fmt, ap);
    va_end(ap);
    d->len = k < 0 ? d->len : d->len + (size_t)k < d->cap ? d->len + (size_t)k : d->cap - 1;
    if (d->len + 1 < d->cap)
        d->buf[d->len++] = '\n', d->buf[d->len] = '\0';
}

/* A cursor over the text: position, line and column (1-based) of the next character. */
struct cur {
    const char *p, *end;
    unsigned line, col;
};

static void advance(struct cur *c)
{
    if (*c->p == '\n')
        c->line++, c->col = 1;
    else
        c->col++;
    c->p++;
}

/* Reads one field into out[MAX_FIELD]; stops before the ',' or line end that follows it. Returns
 * false (reported) on bad quoting or an overlong field. */
static bool field(struct cur *c, char *out, struct diag *d)
{
    size_t n = 0;
    unsigned line = c->line, col = c->col;
    bool quoted = c->p < c->end && *c->p == '"';
    if (quoted)
        advance(c);
    for (;;) {
        if (c->p >= c->end) {
            if (quoted) {
                report(d, line, col, "a quoted field must end with '\"', got the end of the file");
                return false;
            }
            break;
        }
        char ch = *c->p;
        if (quoted && ch == '"') {
            advance(c);
            if (c->p < c->end && *c->p == '"') {
                ch = '"';
            } else {
                if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                    report(d, c->line, c->col, "expected ',' or a line end after a closing quote, got '%c'",
                           *c->p);
                    return false;
                }
                break;
            }
        } else if (!quoted && (ch == ',' || ch == '\n' || ch == '\r')) {
            break;
        } else if (!quoted && ch == '"') {
            report(d, c->line, c->col,
                   "a quote inside an unquoted field; quote the whole field and double it");
            return false;
        }
        if (n + 1 >= MAX_FIELD) {
            report(d, line, col, "a field of more than %d bytes", MAX_FIELD - 1);
            return false;
        }
        out[n++] = ch;
        advance(c);
    }
    out[n] = '\0';
    return true;
}

/* Reads one record into f[NCOLS] (positions in at[]); *nf gets the number of fields. Consumes the
 * line end. Returns false on a CSV error (reported). */
static bool record(struct cur *c, char f[][MAX_FIELD], unsigned at[][2], unsigned *nf, struct diag *d)
{
    char spill[MAX_FIELD];
    *nf = 0;
    for (;;) {
        char *dst = *nf < NCOLS ? f[*nf] : spill;
        if (*nf < NCOLS)
            at[*nf][0] = c->line, at[*nf][1] = c->col;
        if (!field(c, dst, d))
            return false;
        (*nf)++;
        if (c->p < c->end && *c->p == ',') {
            advance(c);
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            advance(c);
        if (c->p < c->end && *c->p == '\n')
            advance(c);
        return true;
    }
}

/* ---- Rows ----------------------------------------------------------------------------------- */

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    return p ? memcpy(p, s, n) : NULL;
}

static bool is_word(const char *s)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9') ||
              s[n] == '_' || s[n] == '-' || s[n] == '.'))
            return false;
    return n > 0 && n <= 200;
}

void mdl_observed_destroy(struct mdl_observed *o)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < o->nrows; i++) {
        struct mdl_obs_row *r = &o->rows[i];
        free(r->series), free(r->period), free(r->unit), free(r->source);
    }
    free(o->rows);
    free(o->path);
    free(o);
}

/* Checks one data record's values and appends it; false when a value is bad (reported). */
static bool check_row(struct mdl_observed *o, char f[][MAX_FIELD], unsigned at[][2], struct diag *d,
                      sim_status *st)
{
    struct mdl_obs_row r = {.line = at[0][0]};
    bool ok = true;
    if (!is_word(f[0])) {
        report(d, at[0][0], at[0][1], "series: expected a name of letters, digits, '_', '-' or '.', got '%s'",
               f[0]);
        ok = false;
    }
    if (!mdl_period_parse(f[1], &r.first, &r.last)) {
        report(d, at[1][0], at[1][1],
               "period: expected YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD, FYyyyy/yy or a range A..B, got '%s'",
               f[1]);
        ok = false;
    }
    char *e;
    errno = 0;
    r.value = strtod(f[2], &e);
    if (f[2][0] == '\0' || *e != '\0' || errno == ERANGE || !isfinite(r.value)) {
        report(d, at[2][0], at[2][1], "value: expected a finite number, got '%s'", f[2]);
        ok = false;
    }
    if (ok) {
        const struct mdl_obs_row *prev = mdl_observed_find(o, f[0], f[1]);
        if (prev != NULL) {
            report(d, at[0][0], at[0][1], "series: %s for %s already given on line %u", f[0], f[1],
                   prev->line);
            ok = false;
        }
    }
    if (!ok) {
        *st = *st == SIM_OK ? SIM_EINVAL : *st;
        return false;
    }
    r.series = dup(f[0]), r.period = dup(f[1]), r.unit = dup(f[3]), r.source = dup(f[4]);
    struct mdl_obs_row *more = realloc(o->rows, (o->nrows + 1) * sizeof *more);
    if (!r.series || !r.period || !r.unit || !r.source || !more) {
        free(r.series), free(r.period), free(r.unit), free(r.source);
        if (more)
            o->rows = more;
        *st = SIM_ENOMEM;
        return false;
    }
    o->rows = more;
    o->rows[o->nrows++] = r;
    return true;
}

static bool header_ok(char f[][MAX_FIELD], unsigned nf)
{
    if (nf != NCOLS)
        return false;
    for (int i = 0; i < NCOLS; i++)
        if (strcmp(f[i], COLS[i]) != 0)
            return false;
    return true;
}

/* Reads every record; returns the first status met, having reported every problem it could. */
static sim_status parse_rows(struct cur *c, struct mdl_observed *o, struct diag *d)
{
    char(*fl)[MAX_FIELD] = malloc(NCOLS * sizeof *fl); /* 20 KiB: off the stack */
    if (fl == NULL)
        return SIM_ENOMEM;
    unsigned at[NCOLS][2], nf;
    sim_status st = SIM_OK;
    if (!record(c, fl, at, &nf, d)) {
        st = SIM_EFORMAT;
    } else if (!header_ok(fl, nf)) {
        report(d, 1, 1, "expected the header 'series,period,value,unit,source', got %u fields starting '%s'",
               nf, fl[0]);
        st = SIM_EFORMAT;
    }
    while (st != SIM_EFORMAT && st != SIM_ENOMEM && c->p < c->end) {
        unsigned line = c->line;
        if (!record(c, fl, at, &nf, d)) {
            st = SIM_EFORMAT;
            break;
        }
        if (nf == 1 && fl[0][0] == '\0')
            continue; /* a blank line */
        if (nf != NCOLS) {
            report(d, line, 1, "expected 5 fields (series,period,value,unit,source), got %u", nf);
            st = st == SIM_OK ? SIM_EFORMAT : st;
            continue;
        }
        check_row(o, fl, at, d, &st);
    }
    free(fl);
    return st;
}

sim_status mdl_observed_parse(const char *text, size_t len, const char *label, struct mdl_observed **out,
                              char *err, size_t errlen)
{
    struct diag d = {.buf = err, .cap = errlen, .file = label};
    if (errlen > 0)
        err[0] = '\0';
    struct mdl_observed *o = calloc(1, sizeof *o);
    if (o == NULL || (o->path = dup(label)) == NULL) {
        mdl_observed_destroy(o);
        return SIM_ENOMEM;
    }
    struct cur c = {.p = text, .end = text + len, .line = 1, .col = 1};
    sim_status st = parse_rows(&c, o, &d);
    if (st == SIM_OK && o->nrows == 0) {
        report(&d, 0, 0, "no observations after the header");
        st = SIM_EFORMAT;
    }
    if (d.dropped > 0 && d.len + 1 < d.cap)
        snprintf(d.buf + d.len, d.cap - d.len, "... and %u more problems\n", d.dropped);
    if (st != SIM_OK) {
        mdl_observed_destroy(o);
        return st;
    }
    *out = o;
    return SIM_OK;
}

sim_status mdl_observed_load(const char *path, struct mdl_observed **out, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    struct diag d = {.buf = err, .cap = errlen, .file = path};
    if (errlen > 0)
        err[0] = '\0';
    if (fp == NULL) {
        report(&d, 0, 0, "cannot read: %s", strerror(errno));
        return SIM_ENOENT;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    sim_status st = buf ? SIM_OK : SIM_ENOMEM;
    while (st == SIM_OK) {
        if (n == cap) {
            char *more = cap < (64u << 20) ? realloc(buf, 2 * cap) : NULL;
            if (more == NULL) {
                st = cap < (64u << 20) ? SIM_ENOMEM : SIM_EFORMAT;
                break;
            }
            buf = more, cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp)) {
                report(&d, 0, 0, "cannot read: %s", strerror(errno));
                st = SIM_ENOENT;
            }
            break;
        }
    }
    fclose(fp);
    if (st == SIM_EFORMAT)
        report(&d, 0, 0, "larger than 64 MiB: not an observed file");
    if (st == SIM_OK)
        st = mdl_observed_parse(buf, n, path, out, err, errlen);
    free(buf);
    return st;
}

const struct mdl_obs_row *mdl_observed_find(const struct mdl_observed *o, const char *series,
                                            const char *period)
{
    for (size_t i = 0; i < o->nrows; i++)
        if (strcmp(o->rows[i].series, series) == 0 && strcmp(o->rows[i].period, period) == 0)
            return &o->rows[i];
    return NULL;
}

size_t mdl_observed_count(const struct mdl_observed *o, const char *series)
{
    size_t n = 0;
    for (size_t i = 0; i < o->nrows; i++)
        n += strcmp(o->rows[i].series, series) == 0;
    return n;
}

/* Writes a text field, quoted (with doubled quotes) when it holds a comma, quote or line break. */
static bool put_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL)
        return fputs(s, f) >= 0;
    bool ok = fputc('"', f) != EOF;
    for (; *s != '\0' && ok; s++)
        ok = (*s != '"' || fputc('"', f) != EOF) && fputc(*s, f) != EOF;
    return ok && fputc('"', f) != EOF;
}

sim_status mdl_observed_write_row(FILE *f, bool header, const char *series, const char *period, double value,
                                  const char *unit, const char *source)
{
    bool ok = !header || fputs("series,period,value,unit,source\n", f) >= 0;
    ok = ok && put_field(f, series) && fputc(',', f) != EOF && put_field(f, period) &&
         fprintf(f, ",%.17g,", value) > 0 && put_field(f, unit) && fputc(',', f) != EOF &&
         put_field(f, source) && fputc('\n', f) != EOF;
    return ok ? SIM_OK : SIM_EIO;
}
