/* The dispsim command line, end to end. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../analysis/ana_fmt.h"
#include "../analysis/ana_summary.h"
#include "../results/res.h"

#define CLI_HELPERS_TMPDIR "/tmp/dispsim_cli_XXXXXX"
#include "cli_helpers.h"

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 600);

/* Runs `reps` replications of `scenario` (relative to the source directory) into tmpdir/`name`,
 * then `dispsim info OPTS` on it; both must succeed. Returns info's stdout (slurp's buffer). */
static const char *run_then_info(const char *scenario, int reps, const char *name, const char *opts)
{
    char args[1024];
    snprintf(args, sizeof args, "run %s -r %d -q -o '%s/%s'", scenario, reps, tmpdir, name);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "info %s '%s/%s'", opts, tmpdir, name);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    return slurp("stdout");
}

static void assert_same_group(struct res_file *a, struct res_file *b, const char *group)
{
    char **names = NULL;
    size_t n = 0;
    cr_assert_eq(res_list(a, group, &names, &n), SIM_OK);
    cr_assert_gt(n, 0);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], "scenario_text") == 0)
            continue; /* text, compared below */
        char what[256], **la = NULL, **lb = NULL;
        size_t na = 0, nb = 0;
        snprintf(what, sizeof what, "%s/%s", group, names[i]);
        if (res_read_labels(a, what, &la, &na) == SIM_OK) { /* labels (study/targeted_mode) */
            cr_assert_eq(res_read_labels(b, what, &lb, &nb), SIM_OK, "%s", what);
            cr_assert_eq(na, nb, "%s", what);
            for (size_t k = 0; k < na; k++)
                cr_assert_str_eq(la[k], lb[k], "%s differs", what);
            res_labels_free(la, na);
            res_labels_free(lb, nb);
            continue;
        }
        struct res_array x = {0}, y = {0};
        cr_assert_eq(res_read(a, group, names[i], &x), SIM_OK);
        cr_assert_eq(res_read(b, group, names[i], &y), SIM_OK);
        size_t len = 1;
        for (int k = 0; k < x.rank; k++) {
            cr_assert_eq(x.shape[k], y.shape[k]);
            len *= x.shape[k];
        }
        cr_assert_eq(memcmp(x.data, y.data, len * sizeof *x.data), 0, "%s/%s differs between -j 1 and -j 2",
                     group, names[i]);
        res_array_free(&x);
        res_array_free(&y);
    }
    res_labels_free(names, n);
}

Test(cli, one_and_two_threads_write_bitwise_identical_datasets)
{
    char args[1024];
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -r 4 -j 1 -q -o '%s/j1.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -r 4 -j 2 -q -o '%s/j2.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    char p1[512], p2[512], err[512];
    snprintf(p1, sizeof p1, "%s/j1.h5", tmpdir);
    snprintf(p2, sizeof p2, "%s/j2.h5", tmpdir);
    struct res_file *a = NULL, *b = NULL;
    cr_assert_eq(res_open(p1, &a, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(res_open(p2, &b, err, sizeof err), SIM_OK, "%s", err);
    assert_same_group(a, b, "daily");
    assert_same_group(a, b, "totals");
    assert_same_group(a, b, "provenance");
    char *ta = NULL, *tb = NULL;
    cr_assert_eq(res_read_string(a, "scenario_text", &ta), SIM_OK);
    cr_assert_eq(res_read_string(b, "scenario_text", &tb), SIM_OK);
    cr_assert_str_eq(ta, tb);
    free(ta);
    free(tb);
    res_close(a);
    res_close(b);
}

Test(cli, info_prints_per_port_totals_with_intervals)
{
    char args[1024];
    const char *out = run_then_info("scenarios/baseline.yaml", 3, "r.h5", "");
    cr_assert(strstr(out, "calais") && strstr(out, "coquelles") && strstr(out, "dunkerque"), "%s", out);
    cr_assert(strstr(out, "lorries_arrived") && strstr(out, "search_wait_p95_min"), "%s", out);
    cr_assert(strstr(out, "team_utilisation") != NULL);
    cr_assert(strstr(out, "small_boat") && strstr(out, "arrivals") && strstr(out, "total"), "%s", out);
    snprintf(args, sizeof args, "info --csv --ports '%s/r.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0);
    out = slurp("stdout");
    cr_assert(strncmp(out, "quantity,port,mean,ci95_low,ci95_high,replications\n", 51) == 0, "%s", out);
    cr_assert(strstr(out, "\nlorries_arrived,calais,") != NULL);
}

Test(cli, info_csv_gives_arrivals_by_mode_with_a_total)
{
    const char *out = run_then_info("scenarios/baseline.yaml", 3, "m.h5", "--csv");
    const char *header = "variant,quantity,mode,mean,ci95_low,ci95_high\n";
    cr_assert(strncmp(out, header, strlen(header)) == 0, "%s", out);
    /* total = sum of the modes, row by row, for arrivals */
    double sum = 0, tot = -1, mean, lo, hi;
    char mode[64];
    const char *line = strstr(out, "\nbaseline,arrivals,");
    cr_assert(line != NULL, "%s", out);
    int rows = 0;
    while (line && sscanf(line, "\nbaseline,arrivals,%63[^,],%lf,%lf,%lf", mode, &mean, &lo, &hi) == 4) {
        cr_assert(lo <= mean && mean <= hi, "%s: %g not in [%g, %g]", mode, mean, lo, hi);
        if (strcmp(mode, "total") == 0)
            tot = mean;
        else
            sum += mean;
        rows++;
        line = strchr(line + 1, '\n');
    }
    cr_assert_eq(rows, 6, "five modes and the total: %s", out);
    cr_assert_float_eq(tot, sum, 1e-6 * sum);
    cr_assert(strstr(out, "\nbaseline,deaths,small_boat,") && strstr(out, "\nbaseline,attempts,total,"));
}

Test(cli, exit_codes_follow_sysexits)
{
    char args[1024];
    cr_assert_eq(dispsim(""), 64);
    cr_assert_eq(dispsim("frobnicate"), 64);
    cr_assert_eq(dispsim("run"), 64);
    cr_assert_eq(dispsim("run scenarios/baseline.yaml -r zero"), 64);
    cr_assert_eq(dispsim("run --help"), 0);
    cr_assert(strstr(slurp("stdout"), "--threads") != NULL);
    cr_assert_eq(dispsim("validate scenarios/baseline.yaml"), 0);
    cr_assert_eq(dispsim("info /nonexistent/x.h5"), 66);
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -r 1 -q -o '%s/missing/dir/x.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 73);
    cr_assert(strstr(slurp("stderr"), "does not exist") != NULL);
    /* An existing output is never overwritten without --force. */
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -r 1 -q -o '%s/keep.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0);
    cr_assert_eq(dispsim(args), 73);
    cr_assert(strstr(slurp("stderr"), "--force") != NULL);
    char notes[512];
    snprintf(notes, sizeof notes, "%s/notes.txt", tmpdir);
    FILE *f = fopen(notes, "w");
    fputs("not hdf5\n", f);
    fclose(f);
    snprintf(args, sizeof args, "info '%s'", notes);
    cr_assert_eq(dispsim(args), 65);
}

/* The inspector's study is the default scenario plus variants: the model part must not drift. */
Test(cli, the_default_study_is_the_baseline_plus_variants)
{
    char a[1024], b[1024];
    snprintf(a, sizeof a, "%s/scenarios/baseline.yaml", getenv("DISPSIM_SOURCE_DIR"));
    snprintf(b, sizeof b, "%s/scenarios/inspector-study.yaml", getenv("DISPSIM_SOURCE_DIR"));
    FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
    cr_assert(fa != NULL && fb != NULL);
    char la[4096], lb[4096];
    size_t lines = 0;
    while (fgets(la, sizeof la, fa) != NULL) {
        cr_assert_not_null(fgets(lb, sizeof lb, fb), "inspector-study.yaml ends early");
        if (strcmp(la, "name: baseline\n") == 0)
            cr_assert_str_eq(lb, "name: inspector-study\n");
        else
            cr_assert_str_eq(lb, la, "line %zu differs from baseline.yaml", lines + 1);
        lines++;
    }
    cr_assert_gt(lines, 100);
    fclose(fa);
    fclose(fb);
}

Test(cli, paired_intervals_of_the_default_study_are_narrower_than_unpaired_ones)
{
    /* 8 replications: with 4, the interval widths themselves are too noisy for a variant whose
     * effect varies much between replications (beach patrols: weather), and its paired width came
     * out above the unpaired one once in a while. */
    const char *out = run_then_info("scenarios/inspector-study.yaml", 8, "s.h5", "");
    cr_assert(strstr(out, "paired change [CI]") && strstr(out, "unpaired CI") &&
                  strstr(out, "displacement ratio"),
              "%s", out);
    fprintf(stderr, "%s", strstr(out, "Study:"));
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/s.h5", tmpdir);
    struct res_file *f = NULL;
    cr_assert_eq(res_open(path, &f, err, sizeof err), SIM_OK, "%s", err);
    struct res_array p = {0}, u = {0};
    cr_assert_eq(res_read(f, "study", "arrivals_change", &p), SIM_OK);
    cr_assert_eq(res_read(f, "study", "arrivals_change_unpaired", &u), SIM_OK);
    size_t nv = p.shape[0], nmt = p.shape[1];
    cr_assert_eq(nv, 14, "baseline and thirteen variants");
    for (size_t v = 1; v < nv; v++) {
        const double *x = p.data + (v * nmt + nmt - 1) * 3, *y = u.data + (v * nmt + nmt - 1) * 3;
        fprintf(stderr, "variant %zu, total arrivals: paired width %.1f, unpaired width %.1f\n", v,
                x[2] - x[1], y[2] - y[1]);
        cr_assert_lt(x[2] - x[1], y[2] - y[1], "variant %zu: paired interval not narrower", v);
    }
    res_array_free(&p);
    res_array_free(&u);
    res_close(f);
}

/* --precision stops at a point that depends on the data of completed replications only: the same
 * with one thread or two, and the file equals a plain run of that many replications. */
Test(cli, precision_stops_deterministically_and_matches_a_fixed_run)
{
    char args[2048];
    snprintf(
        args, sizeof args,
        "sed -e 's/horizon_days: 365/horizon_days: 60/' -e 's/warmup_days: 90/warmup_days: 30/' "
        "-e '/^# The Clandestine Entrant/,$d' " /* the stopping rule, not the civil-penalty scheme */
        "'%s/scenarios/baseline.yaml' > '%s/short.yaml' && printf 'variants:\\n  - name: boats\\n"
        "    interventions:\\n      - {path: modes.small_boat.boat.patrol_effort, op: scale, value: 1.5}\\n' "
        ">> '%s/short.yaml'",
        getenv("DISPSIM_SOURCE_DIR"), tmpdir, tmpdir);
    cr_assert_eq(system(args), 0, "%s", args);
    for (int j = 1; j <= 2; j++) {
        snprintf(args, sizeof args,
                 "run '%s/short.yaml' -q --precision 0.25 --batch 3 -r 18 -j %d -o '%s/p%d.h5'", tmpdir, j,
                 tmpdir, j);
        cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    }
    char p1[512], p2[512], p3[512], err[512];
    snprintf(p1, sizeof p1, "%s/p1.h5", tmpdir);
    snprintf(p2, sizeof p2, "%s/p2.h5", tmpdir);
    snprintf(p3, sizeof p3, "%s/p3.h5", tmpdir);
    struct res_file *a = NULL, *b = NULL, *c = NULL;
    cr_assert_eq(res_open(p1, &a, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(res_open(p2, &b, err, sizeof err), SIM_OK, "%s", err);
    uint64_t n1 = 0, n2 = 0;
    cr_assert_eq(res_read_u64(a, "replications", &n1), SIM_OK);
    cr_assert_eq(res_read_u64(b, "replications", &n2), SIM_OK);
    cr_assert_eq(n1, n2, "the stopping point moved with the thread count");
    /* Reached at 9 (half-width 0.246) and confirmed at 12 and 15: it stops before the maximum. */
    cr_assert(n1 >= 9 && n1 < 18 && n1 % 3 == 0, "%llu replications", (unsigned long long)n1);
    snprintf(args, sizeof args, "run '%s/short.yaml' -q -r %llu -o '%s'", tmpdir, (unsigned long long)n1, p3);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    cr_assert_eq(res_open(p3, &c, err, sizeof err), SIM_OK, "%s", err);
    fprintf(stderr, "precision 0.25 in batches of 3: stopped at %llu replications\n", (unsigned long long)n1);
    assert_same_group(a, b, "totals");
    assert_same_group(a, c, "totals");
    assert_same_group(a, c, "daily");
    assert_same_group(a, c, "study");
    res_close(a);
    res_close(b);
    res_close(c);
}

/* Writes tmpdir/study.yaml: the default study cut to 20 days of warm-up and 30 of horizon, its
 * variants from the start date (2023-01-01 would be after the run, which the loader refuses). */
static void short_study(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "sed -e 's/horizon_days: 365/horizon_days: 30/' -e 's/warmup_days: 90/warmup_days: 20/' "
             "-e 's/from: 2023-01-01/from: 2022-10-03/' "
             "-e 's/from: 2023-07-10, to: 2023-07-17/from: 2022-10-24, to: 2022-10-31/' "
             "'%s/scenarios/inspector-study.yaml' > '%s/study.yaml'",
             getenv("DISPSIM_SOURCE_DIR"), tmpdir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* dispsim reproduce: a study file re-run from what it embeds matches bit for bit; a copy whose
 * data were altered (by h5py, as another tool would) fails and names the dataset. */
Test(cli, reproduce_passes_on_a_study_and_names_an_altered_dataset)
{
    char args[2048];
    short_study();
    snprintf(args, sizeof args, "run '%s/study.yaml' -q -r 2 -o '%s/st.h5'", tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "reproduce '%s/st.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s%s", slurp("stdout"), slurp("stderr"));
    cr_assert(strstr(slurp("stdout"), "study/arrivals_change") && strstr(slurp("stdout"), "0 differ"), "%s",
              slurp("stdout"));
    snprintf(
        args, sizeof args,
        "cp '%s/st.h5' '%s/altered.h5' && /usr/bin/python3 -c \"import h5py; f = h5py.File('%s/altered.h5', "
        "'r+'); d = f['totals/deaths']; x = d[...]; x[1, 0, 0] += 1; d[...] = x; f.close()\"",
        tmpdir, tmpdir, tmpdir);
    cr_assert_eq(system(args), 0, "%s", args);
    snprintf(args, sizeof args, "reproduce '%s/altered.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 65, "%s%s", slurp("stdout"), slurp("stderr"));
    cr_assert(strstr(slurp("stdout"), "totals/deaths") && strstr(slurp("stdout"), "DIFFERS") &&
                  strstr(slurp("stdout"), "NOT reproduced"),
              "%s", slurp("stdout"));
}

/* Job arrays: three shards of a study, merged in any order, give the file one run writes (the
 * same bytes); shards of another seed, a missing shard and a shard given twice are refused. */
Test(cli, three_shards_merged_equal_one_run_and_bad_sets_are_refused)
{
    char args[2048];
    short_study();
    for (int i = 1; i <= 3; i++) {
        snprintf(args, sizeof args, "run '%s/study.yaml' -q -r 5 --shard %d/3 -o '%s/s%d.h5'", tmpdir, i,
                 tmpdir, i);
        cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    }
    snprintf(args, sizeof args, "run '%s/study.yaml' -q -r 5 -o '%s/whole.h5'", tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "merge -o '%s/merged.h5' '%s/s3.h5' '%s/s1.h5' '%s/s2.h5'", tmpdir, tmpdir,
             tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "cmp '%s/whole.h5' '%s/merged.h5'", tmpdir, tmpdir);
    cr_assert_eq(system(args), 0, "the merged file differs from the single run's");
    /* A shard of another seed, a missing shard, a shard twice: exit 65, named, nothing written. */
    snprintf(args, sizeof args, "run '%s/study.yaml' -q -r 5 --shard 2/3 --seed 7 -o '%s/other.h5'", tmpdir,
             tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    const char *bad[][2] = {{"s1.h5' '%s/other.h5' '%s/s3.h5", "master seed 7 differs"},
                            {"s1.h5' '%s/s3.h5' '%s/s3.h5", "in two shards"}};
    for (size_t k = 0; k < 2; k++) {
        char files[512];
        snprintf(files, sizeof files, bad[k][0], tmpdir, tmpdir);
        snprintf(args, sizeof args, "merge -o '%s/bad.h5' '%s/%s'", tmpdir, tmpdir, files);
        cr_assert_eq(dispsim(args), 65, "%s", slurp("stderr"));
        cr_assert(strstr(slurp("stderr"), bad[k][1]) != NULL, "%s", slurp("stderr"));
    }
    snprintf(args, sizeof args, "merge -o '%s/bad.h5' '%s/s1.h5' '%s/s3.h5'", tmpdir, tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 65, "%s", slurp("stderr"));
    cr_assert(strstr(slurp("stderr"), "one is missing") != NULL, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "test ! -e '%s/bad.h5'", tmpdir);
    cr_assert_eq(system(args), 0, "a refused merge left a file");
}

/* ---- The front door: readable numbers, the decision table, the tidy CSV, comparisons. ---- */

Test(cli, numbers_for_people_have_three_figures_separators_and_no_exponent)
{
    char b[ANA_FMT_LEN];
    cr_assert_str_eq(ana_fmt_num(b, sizeof b, 1098440.0, "n/a"), "1,100,000");
    cr_assert_str_eq(ana_fmt_num(b, sizeof b, 26120.9, "n/a"), "26,100");
    cr_assert_str_eq(ana_fmt_num(b, sizeof b, 7.25, "n/a"), "7.25");
    cr_assert_str_eq(ana_fmt_num(b, sizeof b, -0.00142, "n/a"), "-0.00142");
    cr_assert_str_eq(ana_fmt_num(b, sizeof b, NAN, "n/a"), "n/a");
    cr_assert_str_eq(ana_fmt_ci(b, sizeof b, 13.0, 6.69609, 19.3039, "n/a"), "13.0 [6.7, 19.3]");
    cr_assert_str_eq(ana_fmt_ci(b, sizeof b, -4.857e-17, -0.4336, 0.4336, "n/a"), "0.000 [-0.434, 0.434]");
    cr_assert_str_eq(ana_fmt_ci(b, sizeof b, 5.0, NAN, NAN, "n/a"), "5.00", "one replication: the mean only");
}

/* The interval of a quantity that cannot be negative is Student-t on the log scale: never below
 * zero, and it still covers the mean of rare counts about 95% of the time. Coverage over 4000
 * samples of 10 Poisson(1.5) draws, within 4 standard errors of a binomial proportion. */
Test(cli, count_intervals_stay_above_zero_and_keep_their_coverage)
{
    double rare[] = {0, 0, 0, 1, 0, 0, 2, 0};
    struct ana_ci t = ana_summarise(rare, 8, 1, 0.95), c = ana_summarise_nonneg(rare, 8, 1, 0.95);
    cr_assert_lt(t.low, 0.0, "the plain interval of this sample goes below zero");
    cr_assert_gt(c.low, 0.0);
    cr_assert_eq(c.mean, t.mean);
    cr_assert_float_eq(log(c.high / c.mean), (t.high - t.mean) / t.mean, 1e-12);
    double zeros[4] = {0};
    c = ana_summarise_nonneg(zeros, 4, 1, 0.95);
    cr_assert(c.low == 0.0 && c.high == 0.0);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20261201);
    const int trials = 4000;
    int covered = 0;
    for (int k = 0; k < trials; k++) {
        double x[10];
        for (int i = 0; i < 10; i++)
            x[i] = gsl_ran_poisson(r, 1.5);
        c = ana_summarise_nonneg(x, 10, 1, 0.95);
        cr_assert_geq(c.low, 0.0);
        covered += c.low <= 1.5 && 1.5 <= c.high;
    }
    gsl_rng_free(r);
    double p = (double)covered / trials, se = sqrt(0.95 * 0.05 / trials);
    fprintf(stderr, "log-scale interval: coverage %.4f over %d samples (4 se = %.4f)\n", p, trials, 4 * se);
    cr_assert_lt(fabs(p - 0.95), 4 * se, "coverage %.4f", p);
}

/* The lower bound of the interval in a "mean [low, high]" cell of info (thousands separators). */
static double lower_bound(const char *bracket)
{
    char num[64];
    size_t k = 0;
    for (const char *p = bracket + 1; *p != '\0' && !(p[0] == ',' && p[1] == ' ') && k + 1 < sizeof num; p++)
        if (*p != ',')
            num[k++] = *p;
    num[k] = '\0';
    return strtod(num, NULL);
}

Test(cli, info_on_a_study_leads_with_the_decision_table_in_readable_numbers)
{
    const char *out = run_then_info("scenarios/inspector-study.yaml", 3, "d.h5", "");
    const char *table = strstr(out, "Decision table"), *detail = strstr(out, "By entry mode");
    const char *study = strstr(out, "Study: the detail");
    cr_assert(table != NULL && detail != NULL && study != NULL && table < detail, "%s", out);
    const char *names[] = {"anpr_integrated", "coquelles_closed", "officers",
                           "beach_patrols",   "boat_supply",      "haulier_penalties"};
    for (size_t i = 0; i < 6; i++) {
        const char *row = strstr(table, names[i]);
        cr_assert(row != NULL && row < detail, "%s is not in the decision table", names[i]);
    }
    cr_assert_null(strstr(out, "e+"), "%s", out);
    cr_assert_null(strcasestr(out, "nan"), "%s", out);
    /* Every absolute total (counts, waits) has a lower bound of at least zero. */
    int rows = 0;
    for (const char *line = detail; line != NULL && line < study; line = strchr(line + 1, '\n')) {
        const char *eol = strchr(line + 1, '\n'), *b = strchr(line + 1, '[');
        if (b != NULL && eol != NULL && b < eol) {
            rows++;
            cr_assert_geq(lower_bound(b), 0.0, "%.*s", (int)(eol - line - 1), line + 1);
        }
    }
    cr_assert_gt(rows, 50, "%d rows with intervals", rows);
}

Test(cli, info_with_one_replication_says_intervals_need_two)
{
    const char *out = run_then_info("scenarios/inspector-study.yaml", 1, "one.h5", "");
    cr_assert(strstr(out, "intervals need at least two") != NULL && strstr(out, "Decision table"), "%s", out);
    cr_assert_null(strcasestr(out, "nan"), "%s", out);
    cr_assert_null(strstr(out, "e+"), "%s", out);
}

/* Reads the CSV that info left in tmpdir/stdout: the mean of (variant, quantity, mode), and checks
 * that every absolute count has a lower bound >= 0. Returns how many rows matched. */
static int csv_rows(const char *variant, const char *quantity, const char *mode, double *mean)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/stdout", tmpdir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    int found = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char v[64] = "", q[64] = "", m[64] = "";
        double x = NAN, lo = NAN;
        if (sscanf(line, "%63[^,],%63[^,],%63[^,],%lf,%lf", v, q, m, &x, &lo) < 3)
            continue;
        if (strcmp(q, "arrivals") == 0 || strcmp(q, "attempts") == 0 || strcmp(q, "deaths") == 0 ||
            strcmp(q, "prevented") == 0 || strcmp(q, "choices") == 0 || strcmp(q, "people_detected") == 0)
            cr_assert(!(lo < 0.0), "negative lower bound on a count: %s", line);
        if (strcmp(v, variant) == 0 && strcmp(q, quantity) == 0 && (mode == NULL || strcmp(m, mode) == 0)) {
            found++;
            if (mean != NULL)
                *mean = x;
        }
    }
    fclose(f);
    return found;
}

/* The number after `label` in info's output, thousands separators removed. */
static double number_after(const char *out, const char *label)
{
    const char *p = strstr(out, label);
    cr_assert_not_null(p, "%s not in %s", label, out);
    p += strlen(label);
    while (*p == ' ')
        p++;
    char num[64];
    size_t k = 0;
    for (; *p != '\0' && *p != ' ' && k + 1 < sizeof num; p++)
        if (*p != ',')
            num[k++] = *p;
    num[k] = '\0';
    return strtod(num, NULL);
}

Test(cli, info_csv_of_a_study_has_every_metric_and_compare_pairs_any_two_variants)
{
    char args[1024];
    snprintf(args, sizeof args, "run scenarios/inspector-study.yaml -r 3 -q -o '%s/c.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "info --csv '%s/c.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    const char *names[] = {"anpr_integrated", "coquelles_closed", "officers",
                           "beach_patrols",   "boat_supply",      "haulier_penalties"};
    const char *metrics[] = {"displacement_ratio", "net_deterrence", "cost_per_net_arrival_prevented",
                             "freight_delay_added_min", "cost_eur"};
    for (size_t v = 0; v < 6; v++) {
        for (size_t q = 0; q < 5; q++)
            cr_assert_eq(csv_rows(names[v], metrics[q], NULL, NULL), 1, "%s %s", names[v], metrics[q]);
        cr_assert_eq(csv_rows(names[v], "lorries_searched_change", NULL, NULL), 3, "one row per port");
        cr_assert_eq(csv_rows(names[v], "arrivals", "total", NULL), 1, "the variant's absolute arrivals");
    }
    double deterrence = NAN;
    cr_assert_eq(csv_rows("anpr_integrated", "net_deterrence", "total", &deterrence), 1);
    /* baseline against anpr_integrated is the study's own comparison; the reverse its mirror. */
    snprintf(args, sizeof args, "info --compare baseline anpr_integrated '%s/c.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    double fwd = number_after(slurp("stdout"), "net arrivals prevented (people)");
    snprintf(args, sizeof args, "info '%s/c.h5' --compare anpr_integrated baseline", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    double back = number_after(slurp("stdout"), "net arrivals prevented (people)");
    /* Three significant figures: a rounding error of at most half a unit of the third; and people
     * print as whole numbers (anpr_integrated changes arrivals by tens: 26.67 prints as 27). */
    double tol = fmax(0.005 * fabs(deterrence), 0.5);
    cr_assert_leq(fabs(fwd - deterrence), tol, "%g against %g", fwd, deterrence);
    cr_assert_leq(fabs(back + deterrence), tol, "%g against %g", back, -deterrence);
    snprintf(args, sizeof args, "info --compare anpr_integrated nosuch '%s/c.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 64);
    cr_assert(strstr(slurp("stderr"), "no variant 'nosuch'") && strstr(slurp("stderr"), "haulier_penalties"),
              "%s", slurp("stderr"));
}

/* The number of lines of `s`. */
static size_t lines_of(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* Asserts that `args` exits with `code` and says `words` on stderr in at most `max_lines` lines. */
static void says(const char *args, int code, const char *words, size_t max_lines)
{
    int rc = dispsim(args);
    const char *err = slurp("stderr");
    cr_assert_eq(rc, code, "dispsim %s: exit %d, not %d: %s", args, rc, code, err);
    cr_assert(strstr(err, words) != NULL, "dispsim %s: no '%s' in: %s", args, words, err);
    cr_assert_leq(lines_of(err), max_lines, "dispsim %s: %zu lines: %s", args, lines_of(err), err);
}

/* A bad command line gets a line or two naming what is wrong and the --help to read, not the whole
 * help; a file of the wrong kind is named with the command that reads it. */
Test(cli, bad_command_lines_get_one_line_and_a_hint)
{
    says("frobnicate", 64, "unknown command 'frobnicate'", 2);
    cr_assert(strstr(slurp("stderr"), "'dispsim --help'") != NULL);
    says("base.h5", 64, "dispsim info base.h5", 3);
    says("--frob", 64, "unknown option '--frob'", 2);
    says("run scenarios/baseline.yaml --frob", 64, "unknown option '--frob'", 2);
    cr_assert(strstr(slurp("stderr"), "'dispsim run --help'") != NULL);
    says("run scenarios/baseline.yaml --frob=3", 64, "unknown option '--frob'", 2);
    says("run scenarios/baseline.yaml -x", 64, "unknown option '-x'", 2);
    says("run scenarios/baseline.yaml -r", 64, "-r needs a value", 2);
    says("run scenarios/baseline.yaml --precision", 64, "--precision needs a value", 2);
    says("run scenarios/baseline.yaml -r 3x", 64, "-r: expected a count in [1, 1000000], got '3x'", 1);
    says("run", 64, "no SCENARIO file given", 1);
    says("run a.yaml b.yaml", 64, "one SCENARIO file at a time", 1);
    says("run scenarios/baseline.yaml -r 1 --precision 0.1", 64, "at least 2 replications", 1);
    says("validate", 64, "no FILE given", 1);
    says("validate --strict scenarios/baseline.yaml", 64, "unknown option '--strict'", 2);
    says("reproduce", 64, "no RESULTS.h5 given", 1);
    says("reproduce -j many x.h5", 64, "-j: expected a thread count", 1);
    says("reproduce --frob x.h5", 64, "'dispsim reproduce --help'", 2);
    says("merge a.h5", 64, "no output given: add -o OUT.h5", 1);
    says("merge -o m.h5", 64, "no SHARD.h5 given", 1);
    says("merge --frob", 64, "'dispsim merge --help'", 2);
    says("bench --frob", 64, "unknown option '--frob'", 2); /* at once, not after the benchmarks */
    says("bench --scaling -r none", 64, "-r: expected a count", 1);
    says("bench --scaling -q", 64, "'dispsim bench --scaling --help'", 2);
}

/* Every command's --help (of those in this file's care) says what it does, its options with their
 * defaults, its exit codes and an example, on stdout with exit 0. */
Test(cli, every_help_gives_options_exit_codes_and_an_example)
{
    const char *cmds[] = {"--help",       "run --help",   "validate --help",       "reproduce --help",
                          "merge --help", "bench --help", "bench --scaling --help"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        cr_assert_eq(dispsim(cmds[i]), 0, "dispsim %s", cmds[i]);
        const char *out = slurp("stdout");
        cr_assert(strstr(out, "usage: dispsim") != NULL, "dispsim %s: %s", cmds[i], out);
        cr_assert(strstr(out, "Exit codes") != NULL, "dispsim %s: no exit codes: %s", cmds[i], out);
        cr_assert(strstr(out, "Example") != NULL, "dispsim %s: no example: %s", cmds[i], out);
        cr_assert(strstr(out, "-h, --help") != NULL, "dispsim %s: -h not listed: %s", cmds[i], out);
    }
}

/* A results file or a checkpoint given as a scenario is named as such, with the command to use. */
Test(cli, a_results_file_given_as_a_scenario_points_to_info)
{
    char args[1024];
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -r 1 -q -o '%s/one.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "run '%s/one.h5'", tmpdir);
    says(args, 65, "is a results file, not a scenario", 1);
    cr_assert(strstr(slurp("stderr"), "'dispsim info ") != NULL, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "validate '%s/one.h5'", tmpdir);
    says(args, 65, "is a results file, not a scenario", 1);
    /* reproduce shows what it does, and -q silences it */
    snprintf(args, sizeof args, "reproduce '%s/one.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    cr_assert(strstr(slurp("stderr"), "re-running 1 replications") != NULL, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "reproduce -q '%s/one.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    cr_assert_str_empty(slurp("stderr"));
}

/* The summary counts replications x variants as -r gave them, says what to do next, and with one
 * replication says that intervals need two instead of printing nan. */
Test(cli, summaries_count_replications_times_variants_and_print_no_nan)
{
    char args[1024];
    short_study();
    snprintf(args, sizeof args, "run '%s/study.yaml' -r 1 -j 2 -o '%s/st1.h5'", tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    const char *err = slurp("stderr");
    cr_assert(strstr(err, "14 simulations (1 replication x 14 variants)") != NULL, "%s", err);
    cr_assert(strstr(err, "need at least two") != NULL, "%s", err);
    cr_assert(strstr(err, "nan") == NULL && strstr(err, "inf ") == NULL && strstr(err, "inf)") == NULL, "%s",
              err);
    snprintf(args, sizeof args, "run '%s/study.yaml' -r 3 -j 2 -o '%s/st3.h5'", tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    err = slurp("stderr");
    cr_assert(strstr(err, "42 simulations (3 replications x 14 variants)") != NULL, "%s", err);
    cr_assert(strstr(err, "next: dispsim info ") != NULL, "%s", err);
}

/* info --scheme: the annual report per variant and year, the deterrent effect against scheme_off
 * in the baseline's years, the same as CSV; a file without the scheme is refused with a reason. */
Test(cli, info_scheme_prints_the_annual_report_and_the_deterrent_effect_as_text_and_csv)
{
    char args[2048];
    short_study();
    snprintf(args, sizeof args, "run '%s/study.yaml' -r 2 -q -o '%s/sch.h5'", tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "info --scheme '%s/sch.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    const char *out = slurp("stdout");
    const char *must[] = {"Civil penalties (CECPS)",
                          "baseline, year 1:",
                          "scheme_off, year 1:",
                          "team_review, year 1:",
                          "vehicles searched",
                          "penalties imposed",
                          "penalty value (GBP)",
                          "challenges succeeded",
                          "debt outstanding",
                          "team backlog, year end",
                          "CPAS days to decide",
                          "deterrent effect, baseline against scheme_off",
                          "displacement ratio (boats per lorry)"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        cr_expect_not_null(strstr(out, must[i]), "no '%s' in:\n%s", must[i], out);
    cr_expect_eq(strstr(strstr(out, "deterrent effect") + 1, "deterrent effect"), NULL,
                 "the deterrent effect is the baseline's only");
    cr_expect_null(strstr(out, "e+"), "%s", out);
    snprintf(args, sizeof args, "info --scheme --csv '%s/sch.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    out = slurp("stdout");
    cr_assert(strncmp(out, "variant,year,quantity,mean,ci95_low,ci95_high\n", 46) == 0, "%s", out);
    size_t rows = 0, base = 0, off = 0;
    for (const char *l = strchr(out, '\n'); l != NULL && l[1] != '\0'; l = strchr(l + 1, '\n')) {
        rows++;
        base += strncmp(l + 1, "baseline,1,", 11) == 0;
        off += strncmp(l + 1, "scheme_off,1,", 13) == 0;
    }
    cr_expect_eq(base, 19u + 3u, "19 report lines and 3 deterrent rows for the baseline");
    cr_expect_eq(off, 19u, "19 report lines for scheme_off");
    cr_expect_eq(rows, 14u * 19u + 3u, "14 variants, one year each");
    cr_expect_not_null(strstr(out, "baseline,1,deterrent_lorry_arrivals_change,"), "%s", out);
    cr_expect_not_null(strstr(out, "scheme_off,1,penalties_imposed,0,0,0\n"), "scheme off: no penalty");
    /* A run without a cecps: section has no report. */
    snprintf(args, sizeof args,
             "sed -n '1,/^# The Clandestine/p' '%s/scenarios/baseline.yaml' | grep -v '^# The Clandestine' "
             "| sed -e 's/horizon_days: 365/horizon_days: 5/' -e 's/warmup_days: 90/warmup_days: 0/' > "
             "'%s/nos.yaml'",
             getenv("DISPSIM_SOURCE_DIR"), tmpdir);
    cr_assert_eq(system(args), 0, "%s", args);
    snprintf(args, sizeof args, "run '%s/nos.yaml' -r 1 -q -o '%s/nos.h5'", tmpdir, tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "info --scheme '%s/nos.h5'", tmpdir);
    cr_expect_eq(dispsim(args), 65);
    cr_expect_not_null(strstr(slurp("stderr"), "has no cecps: section"), "%s", slurp("stderr"));
}

/* Resuming with other options names them as options, as given and as checkpointed. */
Test(cli, resuming_with_other_options_names_them_as_options)
{
    char args[1024];
    /* Killed after 2 s of about 25: the checkpoint is created before the first replication. */
    snprintf(args, sizeof args,
             "run scenarios/baseline.yaml -r 30 -j 1 -q -o '%s/k.h5' & p=$!; sleep 2; "
             "kill -TERM $p; wait $p",
             tmpdir);
    cr_assert_eq(dispsim(args), 75, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -r 8 -q -o '%s/k.h5' --resume", tmpdir);
    says(args, 65, "you ran -r 8, the checkpoint has -r 30", 1);
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -q -o '%s/k.h5' --resume", tmpdir);
    says(args, 65, "you ran without -r (so the scenario's 40), the checkpoint has -r 30", 1);
    cr_assert(strstr(slurp("stderr"), "--force") != NULL, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -r 30 --seed 9 -q -o '%s/k.h5' --resume",
             tmpdir);
    says(args, 65, "you ran --seed 9, the checkpoint has --seed ", 1);
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -r 30 --shard 1/2 -q -o '%s/k.h5' --resume",
             tmpdir);
    says(args, 65, "you ran --shard 1/2, the checkpoint has none", 1);
    snprintf(args, sizeof args, "run scenarios/baseline.yaml -r 30 --precision 0.05 -q -o '%s/k.h5' --resume",
             tmpdir);
    says(args, 65, "you ran --precision 0.05, the checkpoint has none", 1);
    snprintf(args, sizeof args, "run '%s/k.h5.ckpt'", tmpdir);
    says(args, 65, "is the checkpoint of an interrupted run, not a scenario", 1);
}

/* Reads the monthly CSV that info left in tmpdir/stdout: sums the means of (variant, port,
 * quantity, category) over months into *sum and returns the rows matched; checks the header and
 * that no interval of a count lies below zero. */
static int monthly_rows(const char *variant, const char *port, const char *quantity, const char *category,
                        double *sum)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/stdout", tmpdir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert_str_eq(line, "variant,port,month,quantity,category,mean,ci95_low,ci95_high,replications\n");
    int found = 0;
    *sum = 0.0;
    while (fgets(line, sizeof line, f) != NULL) {
        char fld[9][64] = {{0}};
        const char *p = line;
        for (int i = 0; i < 9; i++) { /* empty fields are allowed: no sscanf */
            size_t n = strcspn(p, ",\n");
            cr_assert_lt(n, 64);
            memcpy(fld[i], p, n);
            p += n + (p[n] == ',');
        }
        cr_assert(!(strtod(fld[6], NULL) < 0.0), "a count's interval below zero: %s", line);
        if (strcmp(fld[0], variant) == 0 && strcmp(fld[1], port) == 0 && strcmp(fld[3], quantity) == 0 &&
            strcmp(fld[4], category) == 0) {
            found++;
            *sum += strtod(fld[5], NULL);
        }
    }
    fclose(f);
    return found;
}

Test(cli, info_monthly_prints_the_inspectors_table_and_its_csv_adds_up_to_the_port_totals)
{
    char args[1024];
    const char *out = run_then_info("scenarios/baseline.yaml", 2, "mo.h5", "--monthly");
    cr_assert(strstr(out, "variant 'baseline'") && strstr(out, "\ncoquelles\n"), "%s", out);
    static const char *const heads[] = {"searches and detections",
                                        "groups detected by search method",
                                        "groups detected by selection",
                                        "officers (officer-days)",
                                        "vehicles and failures",
                                        "2023-01     31",
                                        "2023-12     31",
                                        "watchlist",
                                        "IFC2 on duty",
                                        "failures (traces)"};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
        cr_assert(strstr(out, heads[i]) != NULL, "no '%s' in %s", heads[i], out);
    cr_assert_null(strcasestr(out, "nan"), "%s", out);
    /* The totals through info, then the months through info --monthly --csv. */
    snprintf(args, sizeof args, "info --csv '%s/mo.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    static const char *const q[] = {"lorries_searched", "groups_detected", "vehicles_unsecured_found",
                                    "vehicle_traces"};
    double tot[4];
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(csv_rows("baseline", q[i], "dunkerque", &tot[i]), 1, "%s", q[i]);
    snprintf(args, sizeof args, "info --monthly --csv '%s/mo.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    for (size_t i = 0; i < 4; i++) {
        double sum = 0.0;
        cr_assert_eq(monthly_rows("baseline", "dunkerque", q[i], "", &sum), 12, "%s", q[i]);
        /* a mean of sums is the sum of means; the CSV prints ten significant figures */
        cr_assert_leq(fabs(sum - tot[i]), 1e-9 * tot[i] + 1e-6, "%s: months %.10g, total %.10g", q[i], sum,
                      tot[i]);
        cr_assert_gt(tot[i], 0.0, "%s", q[i]);
    }
    double by_sel = 0.0, x = 0.0, groups = 0.0;
    static const char *const kinds[] = {"random", "targeted", "watchlist"};
    for (size_t k = 0; k < 3; k++) {
        cr_assert_eq(monthly_rows("baseline", "calais", "groups_detected_by_selection", kinds[k], &x), 12);
        by_sel += x;
    }
    cr_assert_eq(monthly_rows("baseline", "calais", "groups_detected", "", &groups), 12);
    cr_assert_leq(fabs(by_sel - groups), 1e-9 * groups, "by selection %.10g, detected %.10g", by_sel, groups);
    cr_assert_eq(monthly_rows("baseline", "", "days_in_window", "", &x), 12);
    cr_assert_eq(x, 365.0);
}

Test(cli, info_monthly_of_a_study_shows_the_baseline_or_the_named_variant)
{
    char path[512], args[1024];
    snprintf(path, sizeof path, "%s/study.yaml", tmpdir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("dispsim: 1\nname: tiny\n"
          "calendar: {start_date: 2023-01-02, warmup_days: 20, horizon_days: 45.5}\n"
          "run: {replications: 3, master_seed: 4242}\n"
          "ports:\n  - name: calais\n    lorries_per_year: 1200000\n"
          "    hour_profile: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n"
          "    weekday_profile: [1,1,1,1,1,1,1]\n"
          "    staffing:\n      team_size: 2\n      absence_share: 0.1\n"
          "      shifts:\n        - {start_hour: 0, hours: 24, officers: 12}\n"
          "    selection: {policy: random, share: 0.05, lift: 1, max_queue: 50}\n"
          "    methods:\n      - {name: scanner, share: 1, time_min: {dist: uniform, min: 2, max: 6}, "
          "detection: 0.7}\n"
          "    clandestine: {groups_per_day: 4.5, group_size_weights: [0.5, 0.3, 0.2]}\n"
          "    recording: {at_port_share: 0.1, within_72h_share: 0.7}\n"
          "variants:\n  - name: more_officers\n    description: ten more officers from the start\n"
          "    interventions:\n"
          "      - {path: \"ports.calais.staffing.shifts[0].officers\", op: add, value: 10, from: "
          "2023-01-02}\n",
          f);
    fclose(f);
    snprintf(args, sizeof args, "run '%s' -q -o '%s/st.h5'", path, tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "info --monthly '%s/st.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    const char *out = slurp("stdout");
    cr_assert(strstr(out, "variant 'baseline'") && strstr(out, "2023-03    7.5"), "%s", out);
    cr_assert_null(strstr(out, "vehicles and failures"), "no fleet, no vehicle panel: %s", out);
    snprintf(args, sizeof args, "info --monthly --variant more_officers '%s/st.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    cr_assert(strstr(slurp("stdout"), "variant 'more_officers'") != NULL, "%s", slurp("stdout"));
    /* The CSV of one variant has its rows only; of the study, every variant's. */
    snprintf(args, sizeof args, "info --monthly --csv --variant more_officers '%s/st.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    double more = 0.0, base = 0.0, x = 0.0;
    cr_assert_eq(monthly_rows("more_officers", "calais", "officers_on_duty_ifc2", "", &more), 3);
    cr_assert_eq(monthly_rows("more_officers", "calais", "officers_on_duty_ifc1", "", &x), 3);
    more += x;
    cr_assert_eq(monthly_rows("baseline", "calais", "officers_on_duty_ifc2", "", &base), 0);
    snprintf(args, sizeof args, "info --monthly --csv '%s/st.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    cr_assert_eq(monthly_rows("baseline", "calais", "officers_on_duty_ifc2", "", &base), 3);
    cr_assert_eq(monthly_rows("baseline", "calais", "officers_on_duty_ifc1", "", &x), 3);
    base += x;
    /* 12 rostered officers, 10% absent: 10.8 officer-days a day; 19.8 with ten more */
    cr_assert_gt(more, 1.5 * base, "officer-days: %g with ten more officers, %g without", more, base);
    snprintf(args, sizeof args, "info --monthly --variant nosuch '%s/st.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 64);
    cr_assert(strstr(slurp("stderr"), "more_officers") != NULL, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "info --monthly --ports '%s/st.h5'", tmpdir);
    cr_assert_eq(dispsim(args), 64);
}

/* validate tells calibration and sensitivity files from scenarios by their keys and checks them
 * with what they name; a bad one gets the calibration loader's positioned error. */
Test(cli, validate_checks_calibration_and_sensitivity_files_too)
{
    cr_assert_eq(dispsim("validate tests/calibration-tiny.yaml scenarios/sensitivity-inspector-small.yaml"),
                 0, "%s", slurp("stderr"));
    const char *out = slurp("stdout");
    cr_assert(
        strstr(out, "calibration-tiny.yaml: valid calibration (2 parameters, 2 targets, 3 observed points") !=
            NULL,
        "%s", out);
    cr_assert(strstr(out, "sensitivity-inspector-small.yaml: valid sensitivity analysis (8 parameters") !=
                  NULL,
              "%s", out);
    /* a copy with a misspelt path, its scenario and observed files made absolute */
    char args[2048];
    const char *src = getenv("DISPSIM_SOURCE_DIR");
    snprintf(args, sizeof args,
             "sed -e 's/choice.leave.asc/choice.leave.acs/' -e 's|\\.\\./scenarios|%s/scenarios|' "
             "'%s/tests/calibration-tiny.yaml' >'%s/bad.yaml'",
             src, src, tmpdir);
    cr_assert_eq(system(args), 0, "%s", args);
    snprintf(args, sizeof args, "validate '%s/bad.yaml'", tmpdir);
    cr_assert_eq(dispsim(args), 65, "%s", slurp("stderr"));
    cr_assert(strstr(slurp("stderr"),
                     "bad.yaml:11:11: parameters.leave_asc.path: 'choice.leave.acs': no field") != NULL,
              "%s", slurp("stderr"));
    cr_assert_str_empty(slurp("stdout"));
}
