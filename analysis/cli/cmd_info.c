/* dispsim info: a readable summary of a results file. */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../results/res.h"
#include "../../results/res_ckpt.h"
#include "../../results/res_posterior.h"
#include "../../results/res_sens.h"
#include "../ana_decide.h"
#include "../ana_fmt.h"
#include "../ana_summary.h"
#include "cli.h"
#include "cmd_info_monthly.h"
#include "cmd_info_posterior.h"
#include "cmd_info_scheme.h"
#include "cmd_info_sens.h"
#include "cmd_info_study.h"

static const char info_help[] =
    "usage: dispsim info RESULTS.h5 [--csv] [--ports] [--compare A B]\n"
    "       dispsim info RESULTS.h5 --monthly [--csv] [--variant NAME]\n"
    "       dispsim info RESULTS.h5 --scheme [--csv]\n"
    "\n"
    "For a study, leads with the decision table: one row per variant against the baseline, paired\n"
    "by replication: net arrivals prevented, cost, cost per net arrival prevented, displacement\n"
    "ratio (and the targeted mode, where a mode falls significantly), freight delay added, and a\n"
    "rank by cost per net arrival prevented. Then the detail: per-replication totals over the\n"
    "analysis window as means with 95% intervals (Student-t; on the log scale for quantities that\n"
    "cannot be negative, so no bound is below zero) by entry mode, population and boats, every\n"
    "port; the MSER-5 warm-up check; every variant's paired change in arrivals by mode (paired and\n"
    "unpaired intervals, variance removed by common random numbers) and deaths. Numbers have about\n"
    "three significant figures; a run of one replication shows means only.\n"
    "\n"
    "  --csv     everything as one long table for pandas or a spreadsheet, with the header\n"
    "            variant,quantity,mode,mean,ci95_low,ci95_high\n"
    "            one row per variant, quantity and mode (an entry mode, 'total', or for per-port\n"
    "            quantities the port). A run without a study is one variant, named after its\n"
    "            scenario. A study adds per variant: arrivals_change and deaths_change by mode,\n"
    "            net_deterrence, displacement_ratio (mode: the targeted mode or 'none'),\n"
    "            cost_eur, cost_per_net_arrival_prevented, freight_delay_added_min, rank, and\n"
    "            <port quantity>_change by port: paired against the baseline, Bonferroni-adjusted\n"
    "            when there are several variants (level in /study/confidence_level). Undefined\n"
    "            values are empty. Files without modes print the port table instead.\n"
    "  --ports   with --csv: print the port table, with the header\n"
    "            quantity,port,mean,ci95_low,ci95_high,replications\n"
    "  --predictive  with --csv, for a posterior file: the posterior predictive of every observed\n"
    "            point, with the header target,period,observed,q05,q50,q95,inside\n";

/* The help's second half (one string would pass the 4,095 characters C17 guarantees). */
static const char info_help_more[] =
    "  --scheme  the civil-penalty scheme's annual report per variant and year (vehicles searched,\n"
    "            incidents, referrals, penalties, challenges, debt, team backlog, CPAS) and, with a\n"
    "            scheme_off variant, the deterrent effect: the paired change in lorry and small-boat\n"
    "            arrivals against it and the displacement ratio; with --csv the table\n"
    "            variant,year,quantity,mean,ci95_low,ci95_high\n"
    "  --compare A B\n"
    "            variant B against variant A, paired by replication (95% intervals): change in\n"
    "            arrivals by mode and deaths, net arrivals prevented, the cost difference and cost\n"
    "            per extra net arrival prevented, displacement ratio, freight delay added. E.g.\n"
    "            --compare officers officers_and_patrols: does adding patrols buy anything?\n"
    "  --monthly the inspector's monthly table (recommendation 2a, from the monthly/ group): per\n"
    "            port, one row per calendar month of the analysis window (a month partly outside\n"
    "            it counts only its days inside: column days), with searches, groups detected\n"
    "            (attempts) and people detected, unsecured vehicles found and failures (groups\n"
    "            found in the UK traced to a vehicle that passed the port; with a fleet), groups\n"
    "            detected by search method and by selection of the lorry (random, targeted,\n"
    "            watchlist), and officer-days on duty by qualification and out of ticket. Means over\n"
    "            replications with 95% intervals where the panel fits the width. With --csv, the\n"
    "            header variant,port,month,quantity,category,mean,ci95_low,ci95_high,replications\n"
    "            and one row per variant, port, month, quantity (a monthly/ dataset) and category\n"
    "            (its method or selection, else empty; port is empty for days_in_window)\n"
    "  --variant NAME\n"
    "            with --monthly: that variant of a study (default: the baseline for the table,\n"
    "            every variant for the CSV)\n"
    "\n"
    "Given the checkpoint of an interrupted run (OUT.h5.ckpt), prints how many replications it\n"
    "holds and what run it belongs to, and exits with 75: it is never presented as results.\n";

/* Totals shown first, in this order; any other totals in the file follow alphabetically. */
static const char *const preferred[] = {
    "lorries_arrived",         "lorries_selected",    "lorries_searched",       "selection_suspended",
    "groups_carried",          "people_carried",      "people_detected",        "people_passed",
    "passed_recorded_at_port", "passed_recorded_72h", "passed_unrecorded",      "detected_share_people",
    "search_wait_mean_min",    "search_wait_p95_min", "search_wait_max_min",    "queue_length_mean",
    "teams_on_duty_mean",      "team_utilisation",    "freight_delay_mean_min",
};
enum { NPREFERRED = sizeof preferred / sizeof preferred[0] };

static int rank_of(const char *name)
{
    for (int i = 0; i < NPREFERRED; i++)
        if (strcmp(preferred[i], name) == 0)
            return i;
    return NPREFERRED;
}

static int by_rank(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rx = rank_of(x), ry = rank_of(y);
    return rx != ry ? rx - ry : strcmp(x, y);
}

/* Variant v of an array read from the file: the leading "variant" axis dropped (files of schema 1
 * have none; their only variant is the whole array). A view: free the original, not the view. */
static struct res_array view(const struct res_array *a, size_t v)
{
    struct res_array x = *a;
    if (a->rank < 1 || a->dim_names[0] == NULL || strcmp(a->dim_names[0], "variant") != 0)
        return x;
    size_t inner = 1;
    for (int k = 1; k < a->rank; k++)
        inner *= a->shape[k];
    x.rank = a->rank - 1;
    for (int k = 0; k < x.rank; k++) {
        x.shape[k] = a->shape[k + 1];
        x.dim_names[k] = a->dim_names[k + 1];
    }
    x.data = a->data + (v < a->shape[0] ? v : 0) * inner;
    return x;
}

static void print_header(struct res_file *f, const char *path)
{
    char *name = NULL, *version = NULL, *spath = NULL;
    uint64_t seed = 0, reps = 0;
    res_read_string(f, "scenario_name", &name);
    res_read_string(f, "program_version", &version);
    res_read_string(f, "scenario_path", &spath);
    res_read_u64(f, "master_seed", &seed);
    res_read_u64(f, "replications", &reps);
    printf("%s: scenario '%s' (%s), dispsim %s, master seed %" PRIu64 ", %" PRIu64 " replications\n", path,
           name ? name : "?", spath ? spath : "?", version ? version : "?", seed, reps);
    if (reps < 2)
        printf("This run has one replication: intervals need at least two, so only means are shown.\n");
    free(name);
    free(version);
    free(spath);
}

/* ",mean,low,high" for CSV; an undefined value is an empty field (NaN to pandas, blank to a
 * spreadsheet). */
static void csv_num(double x)
{
    if (isfinite(x))
        printf(",%.10g", x);
    else
        putchar(',');
}

static void csv_ci(struct ana_ci c)
{
    csv_num(c.mean);
    csv_num(c.low);
    csv_num(c.high);
}

static void print_row(bool csv, const char *q, const char *port, const struct res_array *a, size_t p,
                      size_t np, const char *units)
{
    struct ana_ci c = ana_summarise_nonneg(a->data + p, a->shape[0], np, 0.95);
    char cell[ANA_FMT_LEN];
    if (csv) {
        printf("%s,%s", q, port);
        csv_ci(c);
        printf(",%zu\n", c.n);
    } else
        printf("  %-26s %-42s %s\n", q, ana_fmt_ci(cell, sizeof cell, c.mean, c.low, c.high, "n/a"), units);
}

static int print_totals(struct res_file *f, bool csv)
{
    char **ports = NULL, **names = NULL;
    size_t np = 0, nn = 0;
    if (res_read_labels(f, "port", &ports, &np) != SIM_OK || res_list(f, "totals", &names, &nn) != SIM_OK) {
        fprintf(stderr, "dispsim info: the file has no per-port totals\n");
        res_labels_free(ports, np);
        return CLI_DATAERR;
    }
    qsort(names, nn, sizeof *names, by_rank);
    struct res_array *arr = calloc(nn, sizeof *arr);
    int rc = arr == NULL ? CLI_SOFTWARE : CLI_OK;
    struct res_array *v0 = calloc(nn ? nn : 1, sizeof *v0);
    if (v0 == NULL)
        rc = CLI_SOFTWARE;
    for (size_t i = 0; i < nn && rc == CLI_OK; i++)
        if (res_read(f, "totals", names[i], &arr[i]) != SIM_OK)
            rc = (fprintf(stderr, "dispsim info: totals/%s: cannot read\n", names[i]), CLI_DATAERR);
        else
            v0[i] = view(&arr[i], 0); /* the baseline */
    if (csv && rc == CLI_OK)
        printf("quantity,port,mean,ci95_low,ci95_high,replications\n");
    for (size_t p = 0; p < np && rc == CLI_OK; p++) {
        if (!csv)
            printf("\n%-28s %-42s %s\n", ports[p], "mean [95% CI]", "units");
        for (size_t i = 0; i < nn; i++)
            if (v0[i].rank == 2 && v0[i].shape[1] == np && v0[i].dim_names[1] != NULL &&
                strcmp(v0[i].dim_names[1], "port") == 0)
                print_row(csv, names[i], ports[p], &v0[i], p, np, v0[i].units ? v0[i].units : "");
    }
    free(v0);
    for (size_t i = 0; arr != NULL && i < nn; i++)
        res_array_free(&arr[i]);
    free(arr);
    res_labels_free(ports, np);
    res_labels_free(names, nn);
    return rc;
}

/* The per-mode totals, in this order, then the scalar totals. */
static const char *const mode_quantities[] = {"arrivals", "attempts", "prevented", "deaths", "choices"};
enum { NMODEQ = sizeof mode_quantities / sizeof mode_quantities[0] };

/* Prints quantity `q` by mode, then the per-replication sum over modes as mode "total". */
static int print_mode_quantity(struct res_file *f, bool csv, size_t vi, const char *variant, const char *q,
                               char **modes, size_t nm)
{
    struct res_array file = {0};
    bool ok = res_read(f, "totals", q, &file) == SIM_OK;
    struct res_array a = view(&file, vi);
    if (!ok || a.rank != 2 || a.shape[1] != nm) {
        res_array_free(&file);
        return fprintf(stderr, "dispsim info: totals/%s: missing or not [replication, mode]\n", q),
               CLI_DATAERR;
    }
    size_t nr = a.shape[0];
    double *sum = calloc(nr ? nr : 1, sizeof *sum);
    if (sum == NULL) {
        res_array_free(&file);
        return CLI_SOFTWARE;
    }
    if (!csv)
        printf("\n%-28s %-42s %s\n", q, "mean [95% CI]", a.units ? a.units : "");
    for (size_t m = 0; m <= nm; m++) {
        struct ana_ci c;
        if (m < nm) {
            c = ana_summarise_nonneg(a.data + m, nr, nm, 0.95);
            for (size_t r = 0; r < nr; r++)
                sum[r] += a.data[r * nm + m];
        } else
            c = ana_summarise_nonneg(sum, nr, 1, 0.95);
        const char *name = m < nm ? modes[m] : "total";
        char cell[ANA_FMT_LEN];
        if (csv) {
            printf("%s,%s,%s", variant, q, name);
            csv_ci(c);
            putchar('\n');
        } else
            printf("  %-26s %s\n", name, ana_fmt_ci(cell, sizeof cell, c.mean, c.low, c.high, "n/a"));
    }
    free(sum);
    res_array_free(&file);
    return CLI_OK;
}

/* Scalar totals (population, boats): one line each. */
static int print_scalars(struct res_file *f)
{
    char **names = NULL;
    size_t nn = 0;
    if (res_list(f, "totals", &names, &nn) != SIM_OK)
        return CLI_DATAERR;
    bool first = true;
    for (size_t i = 0; i < nn; i++) {
        struct res_array file = {0};
        struct res_array a = view(&file, 0);
        if (res_read(f, "totals", names[i], &file) == SIM_OK && (a = view(&file, 0)).rank == 1) {
            if (first)
                printf("\n%-28s %-42s %s\n", "population and boats", "mean [95% CI]", "units");
            first = false;
            struct ana_ci c = ana_summarise_nonneg(a.data, a.shape[0], 1, 0.95);
            char cell[ANA_FMT_LEN];
            printf("  %-26s %-42s %s\n", names[i],
                   ana_fmt_ci(cell, sizeof cell, c.mean, c.low, c.high, "n/a"), a.units ? a.units : "");
        }
        res_array_free(&file);
    }
    res_labels_free(names, nn);
    return CLI_OK;
}

/* MSER-5 on the baseline's mean daily total arrivals: the days of the analysis window it would
 * still cut (0: the scenario's warm-up suffices). */
static void print_warmup(struct res_file *f)
{
    struct res_array file = {0};
    if (res_read(f, "daily", "arrivals", &file) != SIM_OK) {
        res_array_free(&file);
        return;
    }
    struct res_array a = view(&file, 0); /* [replication, day, mode] */
    if (a.rank == 3 && a.shape[0] > 0) {
        size_t nr = a.shape[0], nd = a.shape[1], nm = a.shape[2];
        double *y = calloc(nd ? nd : 1, sizeof *y);
        for (size_t d = 0; y != NULL && d < nd; d++)
            for (size_t r = 0; r < nr; r++)
                for (size_t m = 0; m < nm; m++)
                    y[d] += a.data[(r * nd + d) * nm + m] / (double)nr;
        if (y != NULL) {
            size_t cut = ana_mser5(y, nd);
            printf("\nWarm-up check: MSER-5 on the baseline's mean daily total arrivals suggests cutting %zu "
                   "more "
                   "day%s of the window%s\n",
                   cut, cut == 1 ? "" : "s",
                   cut == 0 ? ": the scenario's warm-up suffices." : " (see the report's Welch plot).");
        }
        free(y);
    }
    res_array_free(&file);
}

/* Change rows of the CSV: quantity "<q>_change" for every variant but the baseline, from the
 * study group (paired means and intervals). */
static void print_change_csv(struct res_file *f, char **variants, size_t nv, const char *q)
{
    char name[64];
    snprintf(name, sizeof name, "%s_change", q);
    struct res_array a = {0};
    char **mt = NULL;
    size_t nmt = 0;
    if (res_read(f, "study", name, &a) == SIM_OK && a.rank == 3 && a.shape[0] == nv && a.shape[2] == 3 &&
        res_read_labels(f, "mode_total", &mt, &nmt) == SIM_OK && nmt == a.shape[1])
        for (size_t v = 1; v < nv; v++)
            for (size_t m = 0; m < nmt; m++) {
                const double *x = a.data + (v * nmt + m) * 3;
                printf("%s,%s,%s", variants[v], name, mt[m]);
                csv_ci((struct ana_ci){.mean = x[0], .low = x[1], .high = x[2]});
                putchar('\n');
            }
    res_labels_free(mt, nmt);
    res_array_free(&a);
}

/* CSV rows of every per-port total of variant v (quantity, port in the mode column); with
 * `against` (the baseline's row names), the paired change against variant 0 instead, as
 * "<quantity>_change", at confidence `level`. */
static void port_csv(struct res_file *f, size_t v, const char *label, const char *against, double level)
{
    char **ports = NULL, **names = NULL;
    size_t np = 0, nn = 0;
    if (res_read_labels(f, "port", &ports, &np) != SIM_OK || res_list(f, "totals", &names, &nn) != SIM_OK)
        np = 0;
    qsort(names, nn, sizeof *names, by_rank);
    for (size_t i = 0; i < nn && np > 0; i++) {
        struct res_array file = {0};
        struct res_array x = view(&file, v), x0 = x;
        if (res_read(f, "totals", names[i], &file) == SIM_OK && (x = view(&file, v)).rank == 2 &&
            x.shape[1] == np && x.dim_names[1] != NULL && strcmp(x.dim_names[1], "port") == 0) {
            x0 = view(&file, 0);
            size_t nr = x.shape[0];
            double *d = malloc((nr ? nr : 1) * np * sizeof *d);
            for (size_t k = 0; d != NULL && k < nr * np; k++)
                d[k] = x.data[k] - (against != NULL ? x0.data[k] : 0.0);
            for (size_t p = 0; d != NULL && p < np; p++) {
                struct ana_ci c = against != NULL ? ana_summarise(d + p, nr, np, level)
                                                  : ana_summarise_nonneg(d + p, nr, np, level);
                printf("%s,%s%s,%s", label, names[i], against != NULL ? "_change" : "", ports[p]);
                csv_ci(c);
                putchar('\n');
            }
            free(d);
        }
        res_array_free(&file);
    }
    res_labels_free(ports, np);
    res_labels_free(names, nn);
}

/* The CSV rows of the decision table of every variant against the baseline, then its per-port
 * changes: quantities net_deterrence, cost_eur, cost_per_net_arrival_prevented,
 * freight_delay_added_min and rank (mode "total"), displacement_ratio (mode: the targeted mode, or
 * "none"). */
static void study_csv(struct res_file *f, char **variants, size_t nv)
{
    struct ana_decision *rows = NULL;
    size_t n = 0;
    double level = 0.95;
    if (ana_decide_table(f, &rows, &n, &level) != SIM_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        const struct ana_decision *d = &rows[i];
        struct ana_ci cost = {.mean = d->cost_eur, .low = d->cost_eur, .high = d->cost_eur};
        struct ana_ci rank = {.mean = d->rank > 0 ? (double)d->rank : NAN, .low = NAN, .high = NAN};
        const struct {
            const char *q, *mode;
            struct ana_ci c;
        } out[] = {{"net_deterrence", "total", d->prevented},
                   {"displacement_ratio", d->target[0] ? d->target : "none", d->ratio},
                   {"cost_eur", "total", cost},
                   {"cost_per_net_arrival_prevented", "total", d->cost_per},
                   {"freight_delay_added_min", "total", d->freight},
                   {"rank", "total", rank}};
        for (size_t k = 0; k < sizeof out / sizeof *out; k++) {
            printf("%s,%s,%s", d->variant, out[k].q, out[k].mode);
            csv_ci(out[k].c);
            putchar('\n');
        }
    }
    for (size_t v = 1; v < nv; v++)
        port_csv(f, v, variants[v], "baseline", level);
    free(rows);
}

/* The mode table, or CLI_NOINPUT when the file has no mode dimension. In CSV, one block of rows per
 * variant, then the paired changes of the study. */
static int print_modes(struct res_file *f, bool csv)
{
    char **modes = NULL, *scenario = NULL, **variants = NULL;
    size_t nm = 0, nv = 0;
    if (res_read_labels(f, "mode", &modes, &nm) != SIM_OK)
        return CLI_NOINPUT;
    res_read_string(f, "scenario_name", &scenario);
    if (res_read_labels(f, "variant", &variants, &nv) != SIM_OK)
        nv = 0; /* a file of schema 1: one variant */
    if (csv)
        printf("variant,quantity,mode,mean,ci95_low,ci95_high\n");
    else
        printf("\nTotals over the analysis window per replication: mean and 95%% confidence interval\n"
               "(Student-t; for quantities that cannot be negative, on the log scale, so that no bound\n"
               "is below zero).\n\nBy entry mode (people over the analysis window)%s:\n",
               nv > 1 ? ", baseline" : "");
    int rc = CLI_OK;
    /* One variant is named after its scenario; a study's after its variants. */
    size_t shown = csv && nv > 1 ? nv : 1;
    for (size_t v = 0; v < shown && rc == CLI_OK; v++) {
        const char *label = nv > 1 ? variants[v] : scenario ? scenario : "run";
        for (size_t q = 0; q < NMODEQ && rc == CLI_OK; q++)
            rc = print_mode_quantity(f, csv, v, label, mode_quantities[q], modes, nm);
        if (csv && rc == CLI_OK)
            port_csv(f, v, label, NULL, 0.95);
    }
    if (csv && nv > 1) {
        print_change_csv(f, variants, nv, "arrivals");
        print_change_csv(f, variants, nv, "deaths");
        study_csv(f, variants, nv);
    }
    if (!csv && rc == CLI_OK)
        rc = print_scalars(f);
    if (!csv && rc == CLI_OK)
        print_warmup(f);
    free(scenario);
    res_labels_free(modes, nm);
    res_labels_free(variants, nv);
    return rc;
}

/* Describes a checkpoint: never a results file, so the exit status is 75 (EX_TEMPFAIL: the run is
 * unfinished) and no figure is printed that could be taken for a result. */
static int print_checkpoint(const char *path)
{
    char err[1024], *key = NULL;
    size_t nitems = 0, done = 0;
    sim_status st = res_ckpt_inspect(path, &key, &nitems, &done, err, sizeof err);
    if (st != SIM_OK)
        return fprintf(stderr, "dispsim info: %s\n", err), cli_exit_code(st);
    printf("%s: INCOMPLETE: the checkpoint of an interrupted run, not a results file\n"
           "  %zu of %zu replications (of all variants) are done; finish the run with the command that\n"
           "  started it plus --resume (it runs only what is missing)\n\nThe run:\n",
           path, done, nitems);
    for (const char *p = key; *p != '\0';) {
        size_t n = strcspn(p, "\n");
        printf("  %.*s\n", (int)n, p);
        p += n + (p[n] != '\0');
    }
    free(key);
    return CLI_TEMPFAIL;
}

/* Reports why `path` did not open (message err of status st), pointing to the checkpoint of an
 * interrupted run when there is one beside it; returns the exit code. */
static int explain_open_failure(const char *path, sim_status st, const char *err)
{
    fprintf(stderr, "dispsim info: %s\n", err);
    char ckpt[4096];
    struct stat sb;
    if (st == SIM_ENOENT && snprintf(ckpt, sizeof ckpt, "%s.ckpt", path) < (int)sizeof ckpt &&
        stat(ckpt, &sb) == 0)
        fprintf(stderr,
                "dispsim info: %s is the checkpoint of an interrupted run that has not written %s "
                "yet: 'dispsim info %s' tells how far it got; dispsim run ... --resume finishes it\n",
                ckpt, path, ckpt);
    return cli_exit_code(st);
}

/* Takes "--compare A B" out of argv (getopt would reorder B among the file names): copies the
 * other arguments to args (64 at most) and sets cmp. Returns the new argc, or -1 when --compare
 * lacks its two names or there are too many arguments. */
static int take_compare(int argc, char **argv, char **args, const char **cmp)
{
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--compare") == 0) {
            if (i + 2 >= argc || cmp[0] != NULL)
                return -1;
            cmp[0] = argv[i + 1], cmp[1] = argv[i + 2];
            i += 2;
        } else if (n < 63)
            args[n++] = argv[i];
        else
            return -1;
    }
    args[n] = NULL;
    return n;
}

int cli_info(int argc, char **argv)
{
    static const struct option longs[] = {
        {"csv", no_argument, NULL, 'c'},        {"ports", no_argument, NULL, 'p'},
        {"monthly", no_argument, NULL, 'm'},    {"variant", required_argument, NULL, 'v'},
        {"predictive", no_argument, NULL, 'P'}, {"scheme", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},       {0}};
    bool csv = false, by_port = false, monthly = false, predictive = false, scheme = false;
    const char *variant = NULL;
    const char *cmp[2] = {NULL, NULL};
    char *args[64];
    argc = take_compare(argc, argv, args, cmp);
    if (argc < 0)
        return cli_usage_error("info", NULL,
                               "--compare needs two variant names, e.g. --compare baseline officers; "
                               "see 'dispsim info --help'");
    argv = args;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        if (c == 'c')
            csv = true;
        else if (c == 'p')
            by_port = true;
        else if (c == 'm' || c == 'v')
            monthly = true, variant = c == 'v' ? optarg : variant;
        else if (c == 'P')
            predictive = true;
        else if (c == 's')
            scheme = true;
        else if (c == 'h')
            return fputs(info_help, stdout), fputs(info_help_more, stdout), CLI_OK;
        else
            return cli_bad_option("info", c, argv);
    }
    if (optind != argc - 1)
        return cli_usage_error("info", NULL,
                               "expected exactly one RESULTS.h5 (or checkpoint), e.g. dispsim info "
                               "baseline.h5; see 'dispsim info --help'");
    if (cmp[0] != NULL && (csv || by_port))
        return fprintf(stderr, "dispsim info: --compare prints a table, not CSV\n"), CLI_USAGE;
    if (monthly && (cmp[0] != NULL || by_port))
        return cli_usage_error("info", NULL, "--monthly (or --variant) goes with --csv only");
    if (scheme && (monthly || cmp[0] != NULL || by_port))
        return cli_usage_error("info", NULL, "--scheme goes with --csv only");
    const char *path = argv[optind];
    char err[1024];
    if (res_ckpt_is(path))
        return print_checkpoint(path);
    if (res_posterior_is(path))
        return cli__info_posterior(path, csv, predictive);
    if (res_sens_is(path))
        return cli__info_sens(path);
    struct res_file *f = NULL;
    sim_status st = res_open(path, &f, err, sizeof err);
    if (st != SIM_OK)
        return explain_open_failure(path, st, err);
    if (!csv)
        print_header(f, path);
    if (monthly) {
        int rc = cli__info_monthly(f, csv, variant);
        res_close(f);
        return rc;
    }
    if (scheme) {
        int rc = cli__info_scheme(f, csv);
        res_close(f);
        return rc;
    }
    if (cmp[0] != NULL) {
        int rc = cli__info_compare(f, cmp[0], cmp[1]);
        res_close(f);
        return rc;
    }
    if (!csv)
        cli__info_decisions(f);
    int rc = by_port ? CLI_NOINPUT : print_modes(f, csv);
    if (rc == CLI_NOINPUT || (rc == CLI_OK && !csv)) {
        if (!csv)
            printf("\nBy port:\n");
        rc = print_totals(f, csv);
    }
    if (rc == CLI_OK && !csv)
        rc = cli__info_study(f);
    res_close(f);
    return rc;
}
