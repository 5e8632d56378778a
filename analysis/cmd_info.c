/* dispsim info: a readable summary of a results file. */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../results/res.h"
#include "ana_summary.h"
#include "cli.h"

static const char info_help[] =
    "usage: dispsim info RESULTS.h5 [--csv]\n"
    "\n"
    "Prints the run's provenance and, for every port, each per-replication total over the analysis\n"
    "window as a mean with a 95% confidence interval across replications (Student t).\n"
    "\n"
    "  --csv   print the table as CSV: quantity,port,mean,ci95_low,ci95_high,replications\n";

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
    printf("Totals over the analysis window per replication: mean and 95%% confidence interval.\n");
    free(name);
    free(version);
    free(spath);
}

static void print_row(bool csv, const char *q, const char *port, const struct res_array *a, size_t p,
                      size_t np, const char *units)
{
    struct ana_ci c = ana_summarise(a->data + p, a->shape[0], np, 0.95);
    if (csv)
        printf("%s,%s,%.10g,%.10g,%.10g,%zu\n", q, port, c.mean, c.low, c.high, c.n);
    else
        printf("  %-26s %14.6g  [%12.6g, %12.6g]  %s\n", q, c.mean, c.low, c.high, units);
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
    for (size_t i = 0; i < nn && rc == CLI_OK; i++)
        if (res_read(f, "totals", names[i], &arr[i]) != SIM_OK || arr[i].rank != 2 || arr[i].shape[1] != np)
            rc = (fprintf(stderr, "dispsim info: totals/%s: unexpected shape\n", names[i]), CLI_DATAERR);
    if (csv && rc == CLI_OK)
        printf("quantity,port,mean,ci95_low,ci95_high,replications\n");
    for (size_t p = 0; p < np && rc == CLI_OK; p++) {
        if (!csv)
            printf("\n%s%*s %14s  %-28s  %s\n", ports[p], (int)(27 - strlen(ports[p])), "", "mean", "95% CI",
                   "units");
        for (size_t i = 0; i < nn; i++)
            print_row(csv, names[i], ports[p], &arr[i], p, np, arr[i].units ? arr[i].units : "");
    }
    for (size_t i = 0; arr != NULL && i < nn; i++)
        res_array_free(&arr[i]);
    free(arr);
    res_labels_free(ports, np);
    res_labels_free(names, nn);
    return rc;
}

int cli_info(int argc, char **argv)
{
    static const struct option longs[] = {
        {"csv", no_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {0}};
    bool csv = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (c == 'c')
            csv = true;
        else if (c == 'h')
            return fputs(info_help, stdout), CLI_OK;
        else
            return fputs(info_help, stderr), CLI_USAGE;
    }
    if (optind != argc - 1)
        return fprintf(stderr, "dispsim info: expected exactly one RESULTS.h5\n\n%s", info_help), CLI_USAGE;
    const char *path = argv[optind];
    char err[1024];
    struct res_file *f = NULL;
    sim_status st = res_open(path, &f, err, sizeof err);
    if (st != SIM_OK)
        return fprintf(stderr, "dispsim info: %s\n", err), cli_exit_code(st);
    if (!csv)
        print_header(f, path);
    int rc = print_totals(f, csv);
    res_close(f);
    return rc;
}
