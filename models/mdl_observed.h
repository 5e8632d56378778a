/* mdl_observed.h: observed data (the observed-CSV format) and calendar periods.
 *
 * An observed file is RFC-4180 CSV with the header `series,period,value,unit,source` and one row per
 * observation: a series name (a word of letters, digits, '_', '-', '.'), a period, a finite number,
 * a unit and a source (free text, quoted when it holds commas, quotes or line breaks). A series
 * appears at most once per period. Periods are written
 *
 *     2021            the calendar year
 *     2021-Q3         a quarter
 *     2021-07         a month
 *     2021-07-14      a day
 *     FY2020/21       a UK financial year, 1 April 2020 to 31 March 2021
 *     A..B            from the first day of A to the last day of B (A and B any of the above);
 *                     "A.." has no end, "..B" no beginning
 *
 * and become an inclusive range of days [first, last] since 1970-01-01 (the proleptic Gregorian
 * calendar), or since a scenario's start date through mdl_period_relative. */
#ifndef MDL_OBSERVED_H
#define MDL_OBSERVED_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../sim/sim_status.h"

/* The first and last day of an open-ended range. */
#define MDL_PERIOD_NO_START LONG_MIN
#define MDL_PERIOD_NO_END   LONG_MAX

/* Parses `s` into its inclusive range of days since 1970-01-01. False when `s` is not a period
 * (or is a range whose end precedes its start). Pure function. */
bool mdl_period_parse(const char *s, long *first, long *last);

/* Parses a strict date YYYY-MM-DD into days since 1970-01-01; false when not a real date. */
bool mdl_date_parse(const char *s, long *epoch_days);

/* The range of `period` in days since the date `start` (YYYY-MM-DD): [*from, *to) half-open, so a
 * day d (the simulation time interval [d, d + 1)) belongs to the period when from <= d < to. Open
 * ends become -/+infinity. False when either string does not parse. */
bool mdl_period_relative(const char *period, const char *start, double *from, double *to);

/* One observation. */
struct mdl_obs_row {
    char *series, *period, *unit, *source;
    double value;
    long first, last; /* the period in days since 1970-01-01, inclusive */
    unsigned line;    /* line of the file where the row starts */
};

struct mdl_observed {
    struct mdl_obs_row *rows;
    size_t nrows;
    char *path; /* the path or label the file was read from */
};

/* Reads the observed file `path`. On success *out owns a new table (free with
 * mdl_observed_destroy). On failure writes one line per problem ("FILE:LINE:COL: column: what was
 * expected, got X"; at most 20, then a count) to err[errlen] and returns SIM_ENOENT (cannot read),
 * SIM_EFORMAT (not CSV of the five columns: bad quoting, wrong header, wrong number of fields) or
 * SIM_EINVAL (a value that does not parse, an unknown period, a duplicate row), SIM_ENOMEM.
 * Thread-safe. */
sim_status mdl_observed_load(const char *path, struct mdl_observed **out, char *err, size_t errlen);

/* mdl_observed_load on text in memory; `label` names it in messages. */
sim_status mdl_observed_parse(const char *text, size_t len, const char *label, struct mdl_observed **out,
                              char *err, size_t errlen);

void mdl_observed_destroy(struct mdl_observed *o); /* accepts NULL */

/* The row of `series` for `period` (compared as written), or NULL. */
const struct mdl_obs_row *mdl_observed_find(const struct mdl_observed *o, const char *series,
                                            const char *period);

/* Writes one row in the observed-CSV format to `f` (the header first when `header` is set),
 * quoting the text fields that need it (RFC 4180) and the value with 17 significant digits, so
 * mdl_observed_parse reads back the same row. Returns SIM_EIO when writing fails. Not thread-safe on
 * a shared stream. */
sim_status mdl_observed_write_row(FILE *f, bool header, const char *series, const char *period, double value,
                                  const char *unit, const char *source);

/* The number of rows of `series` (0 when the file has none). */
size_t mdl_observed_count(const struct mdl_observed *o, const char *series);

#endif
