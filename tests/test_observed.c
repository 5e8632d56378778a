/* The observed-CSV reader, the period parser and simulated quantities on a hand-made table. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../models/mdl_observed.h"
#include "../models/mdl_target.h"

static long day(const char *s)
{
    long d = 0;
    cr_assert(mdl_date_parse(s, &d), "%s", s);
    return d;
}

static void period_is(const char *p, const char *first, const char *last)
{
    long f, l;
    cr_assert(mdl_period_parse(p, &f, &l), "'%s' refused", p);
    cr_assert_eq(f, first ? day(first) : MDL_PERIOD_NO_START, "%s starts wrong", p);
    cr_assert_eq(l, last ? day(last) : MDL_PERIOD_NO_END, "%s ends wrong", p);
}

Test(observed, periods_become_inclusive_day_ranges)
{
    cr_assert_eq(day("1970-01-01"), 0);
    cr_assert_eq(day("2000-03-01") - day("2000-02-28"), 2); /* 2000 is a leap year */
    cr_assert_eq(day("1900-03-01") - day("1900-02-28"), 1); /* 1900 is not */
    period_is("2021", "2021-01-01", "2021-12-31");
    period_is("2021-Q3", "2021-07-01", "2021-09-30");
    period_is("2024-Q1", "2024-01-01", "2024-03-31");
    period_is("2024-02", "2024-02-01", "2024-02-29");
    period_is("2023-02-13", "2023-02-13", "2023-02-13");
    period_is("FY2020/21", "2020-04-01", "2021-03-31");
    period_is("FY1999/00", "1999-04-01", "2000-03-31");
    period_is("2022-01..2022-08", "2022-01-01", "2022-08-31");
    period_is("2002..2023-02-12", "2002-01-01", "2023-02-12");
    period_is("2023-02-13..", "2023-02-13", NULL);
    period_is("..2019-Q2", NULL, "2019-06-30");
    const char *bad[] = {"",           "21", "2021-Q5", "2021-13",     "2021-02-30", "FY2020/22",
                         "2023..2022", "..", "2021-7",  "2021-07-01x", "x2021"};
    long f, l;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert(!mdl_period_parse(bad[i], &f, &l), "'%s' accepted", bad[i]);
    double from, to;
    cr_assert(mdl_period_relative("2023-Q1", "2022-10-03", &from, &to));
    cr_assert_eq(from, 90.0);
    cr_assert_eq(to, 180.0);
    cr_assert(mdl_period_relative("2023-02-13..", "2022-10-03", &from, &to) && isinf(to));
    cr_assert(!mdl_period_relative("2023", "2022-10-32", &from, &to));
}

static const char GOOD[] =
    "series,period,value,unit,source\r\n"
    "small_boats_people_per_boat,2022,41.7,people per boat,\"Home Office, \"\"Irregular migration\"\"\"\r\n"
    "small_boats_arrivals_quarterly,2022-Q3,22670.5,people,\"multi\nline source\"\n"
    "\n"
    "french_prevented_migrants,2022-01..2022-08,-0,people,Prefecture\n";

Test(observed, rfc4180_quoting_and_line_ends_are_read)
{
    struct mdl_observed *o = NULL;
    char err[512];
    cr_assert_eq(mdl_observed_parse(GOOD, strlen(GOOD), "obs.csv", &o, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(o->nrows, 3);
    cr_assert_str_eq(o->rows[0].source, "Home Office, \"Irregular migration\"");
    cr_assert_eq(o->rows[0].value, 41.7);
    cr_assert_str_eq(o->rows[1].source, "multi\nline source");
    cr_assert_eq(o->rows[2].line, 6); /* after the line break inside the quoted field and a blank line */
    const struct mdl_obs_row *r = mdl_observed_find(o, "small_boats_arrivals_quarterly", "2022-Q3");
    cr_assert_not_null(r);
    cr_assert_eq(r->value, 22670.5);
    cr_assert_null(mdl_observed_find(o, "small_boats_arrivals_quarterly", "2022-Q4"));
    cr_assert_eq(mdl_observed_count(o, "small_boats_people_per_boat"), 1);
    mdl_observed_destroy(o);
    mdl_observed_destroy(NULL);
}

static void refused(const char *text, sim_status want, const char *where, const char *what)
{
    struct mdl_observed *o = NULL;
    char err[1024];
    cr_assert_eq(mdl_observed_parse(text, strlen(text), "obs.csv", &o, err, sizeof err), want, "%s", err);
    cr_assert_null(o);
    cr_assert(strstr(err, where) != NULL, "expected '%s' in: %s", where, err);
    cr_assert(strstr(err, what) != NULL, "expected '%s' in: %s", what, err);
}

Test(observed, bad_files_are_refused_with_file_line_col)
{
    const char *h = "series,period,value,unit,source\n";
    char buf[512];
    refused("series,period,value,unit\n", SIM_EFORMAT, "obs.csv:1:1:", "expected the header");
    snprintf(buf, sizeof buf, "%sa,2021,1,u\n", h);
    refused(buf, SIM_EFORMAT, "obs.csv:2:1:", "expected 5 fields");
    snprintf(buf, sizeof buf, "%sa,2021,1,u,\"open\n", h);
    refused(buf, SIM_EFORMAT, "obs.csv:2:12:", "must end with '\"'");
    snprintf(buf, sizeof buf, "%sa,2021,1,u,\"x\"y\n", h);
    refused(buf, SIM_EFORMAT, "obs.csv:2:15:", "after a closing quote");
    snprintf(buf, sizeof buf, "%sa,2021,1,u,s\"x\n", h);
    refused(buf, SIM_EFORMAT, "obs.csv:2:13:", "a quote inside an unquoted field");
    snprintf(buf, sizeof buf, "%sa,2021,1,u,s\nb,2021-Q7,2,u,s\nc,2021,1e999,u,s\n", h);
    refused(buf, SIM_EINVAL, "obs.csv:3:3: period:", "got '2021-Q7'");
    refused(buf, SIM_EINVAL, "obs.csv:4:8: value:", "got '1e999'");
    snprintf(buf, sizeof buf, "%sa,2021,1,u,s\na,2021,2,u,s\n", h);
    refused(buf, SIM_EINVAL, "obs.csv:3:1: series:", "already given on line 2");
    snprintf(buf, sizeof buf, "%sa b,2021,1,u,s\n", h);
    refused(buf, SIM_EINVAL, "obs.csv:2:1: series:", "got 'a b'");
    refused(h, SIM_EFORMAT, "obs.csv:", "no observations");
    struct mdl_observed *o = NULL;
    char err[256];
    cr_assert_eq(mdl_observed_load("/nonexistent/obs.csv", &o, err, sizeof err), SIM_ENOENT);
    cr_assert(strstr(err, "/nonexistent/obs.csv: cannot read") != NULL, "%s", err);
}

Test(observed, the_shipped_observed_file_loads)
{
    const char *src = getenv("DISPSIM_SOURCE_DIR");
    char path[1024], err[2048];
    snprintf(path, sizeof path, "%s/scenarios/data/observed.csv", src ? src : ".");
    struct mdl_observed *o = NULL;
    cr_assert_eq(mdl_observed_load(path, &o, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(mdl_observed_count(o, "small_boats_arrivals_quarterly"), 24);
    const struct mdl_obs_row *r = mdl_observed_find(o, "irregular_arrivals_small_boat", "2022");
    cr_assert_not_null(r);
    cr_assert_eq(r->value, 45774.0);
    mdl_observed_destroy(o);
}

/* A table of 6 days (origin 90: days 90..95 since the start) by 3 modes, plus a day-only variable
 * and a scalar. Values: arrivals[day][mode] = 10 * day index + mode + 0.5. */
static const char *const MODES[] = {"small_boat", "lorry", "air"};

static void make_table(struct sim_out_table *t, double *values)
{
    memset(t, 0, sizeof *t);
    int dd, md, v;
    struct sim_out_dim day = {.name = "day", .size = 6, .origin = 90.0, .step = 1.0};
    struct sim_out_dim mode = {.name = "mode", .size = 3, .labels = MODES};
    cr_assert_eq(sim_out_add_dim(t, &day, &dd), SIM_OK);
    cr_assert_eq(sim_out_add_dim(t, &mode, &md), SIM_OK);
    struct sim_out_var total = {.group = "totals", .name = "cost", .rank = 0};
    struct sim_out_var arr = {.group = "daily", .name = "arrivals", .rank = 2, .dims = {dd, md}};
    struct sim_out_var boats = {.group = "daily", .name = "boats_launched", .rank = 1, .dims = {dd}};
    cr_assert_eq(sim_out_add_var(t, &total, &v), SIM_OK);
    cr_assert_eq(sim_out_add_var(t, &arr, &v), SIM_OK);
    cr_assert_eq(sim_out_add_var(t, &boats, &v), SIM_OK);
    sim_out_finalize(t);
    cr_assert_eq(t->rep_values, 1 + 18 + 6);
    values[0] = 1e6;
    for (int i = 0; i < 6; i++) {
        for (int m = 0; m < 3; m++)
            values[1 + i * 3 + m] = 10.0 * i + m + 0.5;
        values[19 + i] = 2.0 + i;
    }
}

Test(observed, sums_and_ratios_over_periods_and_labels)
{
    struct sim_out_table t;
    double values[25];
    make_table(&t, values);
    struct mdl_quantity q = {.ratio = false};
    char why[256];
    const char *boat[] = {"small_boat"}, *two[] = {"air", "lorry"};
    cr_assert_eq(mdl_sum_resolve(&t, "daily/arrivals", boat, 1, &q.num, why, sizeof why), SIM_OK, "%s", why);
    /* Days 91..93: small_boat = 10.5 + 20.5 + 30.5. */
    cr_assert_eq(mdl_quantity_value(&t, values, &q, 91.0, 94.0), 61.5);
    cr_assert_eq(mdl_sum_resolve(&t, "daily/arrivals", two, 2, &q.num, why, sizeof why), SIM_OK);
    cr_assert_eq(mdl_quantity_value(&t, values, &q, 90.0, 92.0), (1.5 + 2.5) + (11.5 + 12.5));
    /* All modes over all days: 3 * sum(10 i) + 6 * (0.5 + 1.5 + 2.5). */
    cr_assert_eq(mdl_sum_resolve(&t, "daily/arrivals", NULL, 0, &q.num, why, sizeof why), SIM_OK);
    cr_assert_eq(mdl_quantity_value(&t, values, &q, -INFINITY, INFINITY), 3 * 150.0 + 6 * 4.5);
    /* The boat share on days 94..95 and people per boat. */
    q.ratio = true;
    cr_assert_eq(mdl_sum_resolve(&t, "daily/arrivals", boat, 1, &q.num, why, sizeof why), SIM_OK);
    cr_assert_eq(mdl_sum_resolve(&t, "daily/arrivals", NULL, 0, &q.den, why, sizeof why), SIM_OK);
    cr_assert_float_eq(mdl_quantity_value(&t, values, &q, 94.0, 96.0), (40.5 + 50.5) / (124.5 + 154.5),
                       1e-15);
    cr_assert_eq(mdl_sum_resolve(&t, "daily/boats_launched", NULL, 0, &q.den, why, sizeof why), SIM_OK);
    cr_assert_eq(mdl_quantity_value(&t, values, &q, 90.0, 91.0), 0.5 / 2.0);
    cr_assert(isnan(mdl_quantity_value(&t, values, &q, 200.0, 300.0))); /* no days: 0 / 0 */
    cr_assert(mdl_sum_covers(&t, &q.num, 90.0, 96.0));
    cr_assert(!mdl_sum_covers(&t, &q.num, 89.0, 96.0) && !mdl_sum_covers(&t, &q.num, 90.0, 96.5));
}

Test(observed, unknown_variables_labels_and_shapes_are_refused)
{
    struct sim_out_table t;
    double values[25];
    make_table(&t, values);
    struct mdl_sum s;
    char why[256];
    const char *ferry[] = {"ferry"};
    cr_assert_eq(mdl_sum_resolve(&t, "daily/arrival", NULL, 0, &s, why, sizeof why), SIM_ENOENT);
    cr_assert(strstr(why, "no output variable 'daily/arrival'") != NULL, "%s", why);
    cr_assert_eq(mdl_sum_resolve(&t, "arrivals", NULL, 0, &s, why, sizeof why), SIM_ENOENT);
    cr_assert_eq(mdl_sum_resolve(&t, "daily/arrivals", ferry, 1, &s, why, sizeof why), SIM_ENOENT);
    cr_assert(strstr(why, "expected one of: small_boat, lorry, air") != NULL, "%s", why);
    cr_assert_eq(mdl_sum_resolve(&t, "totals/cost", NULL, 0, &s, why, sizeof why), SIM_EINVAL);
    cr_assert(strstr(why, "no day dimension") != NULL, "%s", why);
    cr_assert_eq(mdl_sum_resolve(&t, "daily/boats_launched", ferry, 1, &s, why, sizeof why), SIM_EINVAL);
}

Test(observed, written_rows_read_back_identically)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    const double v = 22670.123456789012;
    cr_assert_eq(mdl_observed_write_row(f, true, "a_series", "2023-Q2", v, "people, approx", "plain"),
                 SIM_OK);
    cr_assert_eq(mdl_observed_write_row(f, false, "b", "FY2020/21", -0.1, "x", "say \"hi\"\nthere"), SIM_OK);
    fclose(f);
    struct mdl_observed *o = NULL;
    char err[512];
    cr_assert_eq(mdl_observed_parse(buf, len, "mem", &o, err, sizeof err), SIM_OK, "%s\n%s", err, buf);
    cr_assert_eq(o->nrows, 2);
    cr_assert_eq(o->rows[0].value, v);
    cr_assert_str_eq(o->rows[0].unit, "people, approx");
    cr_assert_str_eq(o->rows[1].source, "say \"hi\"\nthere");
    cr_assert_eq(o->rows[1].value, -0.1);
    mdl_observed_destroy(o);
    free(buf);
    /* A stream that cannot be written reports it. */
    FILE *ro = fopen("/dev/full", "w");
    if (ro != NULL) {
        setvbuf(ro, NULL, _IONBF, 0);
        cr_assert_eq(mdl_observed_write_row(ro, true, "a", "2021", 1.0, "u", "s"), SIM_EIO);
        fclose(ro);
    }
}
