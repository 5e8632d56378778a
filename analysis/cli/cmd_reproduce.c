/* dispsim reproduce: re-runs a results file from the scenario, seed and replications it embeds and
 * compares every dataset bit for bit. */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../models/mdl_scenario.h"
#include "../../results/res.h"
#include "cli.h"
#include "run.h"

static const char reproduce_help[] =
    "usage: dispsim reproduce RESULTS.h5 [-j THREADS] [-q]\n"
    "\n"
    "Re-runs RESULTS.h5 from the scenario text, master seed and replications it embeds (every\n"
    "variant of a study too), into a temporary file, then compares every dataset of the daily,\n"
    "totals, provenance and study groups bit for bit and prints one line per dataset. A different\n"
    "dispsim version is reported (a changed model may legitimately change the numbers). The re-run\n"
    "takes as long as the original run: progress goes to stderr.\n"
    "\n"
    "  -j, --threads N   worker threads (default: $SLURM_CPUS_PER_TASK, else $OMP_NUM_THREADS, else\n"
    "                    all cores); the re-run is bitwise identical for any N\n"
    "  -q, --quiet       no progress lines on stderr\n"
    "  -h, --help        this text\n"
    "\n"
    "Exit codes: 0 every dataset matches; 64 bad command line; 65 a dataset differs or is missing,\n"
    "or the file cannot be reproduced (not a results file, or a shard: replications not numbered\n"
    "0..n-1; merge the shards first); 66 RESULTS.h5 cannot be read; 73 no temporary directory; 75\n"
    "interrupted.\n"
    "\n"
    "Example:\n"
    "  dispsim reproduce base.h5 -j 4\n";

/* Compares the dataset of labels `what` (e.g. study/targeted_mode) of the two files and prints its
 * line: 1 when identical, 0 when not, -1 when it is not a dataset of labels in a. */
static int compare_labels(struct res_file *a, struct res_file *b, const char *what)
{
    char **la = NULL, **lb = NULL;
    size_t na = 0, nb = 0;
    if (res_read_labels(a, what, &la, &na) != SIM_OK)
        return -1;
    bool eq = res_read_labels(b, what, &lb, &nb) == SIM_OK && na == nb;
    for (size_t i = 0; eq && i < na; i++)
        eq = strcmp(la[i], lb[i]) == 0;
    printf("%-42s %s\n", what, eq ? "identical" : "DIFFERS");
    res_labels_free(la, na);
    res_labels_free(lb, nb);
    return eq;
}

/* Compares group `g` of the two files; returns the number of datasets that differ. */
static size_t compare_group(struct res_file *a, struct res_file *b, const char *g, size_t *same)
{
    char **names = NULL;
    size_t n = 0, bad = 0;
    if (res_list(a, g, &names, &n) != SIM_OK)
        return 0; /* a group the original does not have (e.g. no study) */
    for (size_t i = 0; i < n; i++) {
        struct res_array x = {0}, y = {0};
        if (strcmp(names[i], "scenario_text") == 0) {
            char *ta = NULL, *tb = NULL;
            bool eq = res_read_string(a, "scenario_text", &ta) == SIM_OK &&
                      res_read_string(b, "scenario_text", &tb) == SIM_OK && strcmp(ta, tb) == 0;
            printf("%-42s %s\n", "provenance/scenario_text", eq ? "identical" : "DIFFERS");
            bad += !eq;
            *same += eq;
            free(ta);
            free(tb);
            continue;
        }
        char what[256];
        snprintf(what, sizeof what, "%s/%s", g, names[i]);
        int labels = compare_labels(a, b, what);
        if (labels >= 0) {
            bad += labels == 0;
            *same += labels == 1;
            continue;
        }
        sim_status sa = res_read(a, g, names[i], &x), sb = res_read(b, g, names[i], &y);
        size_t len = 1;
        bool shape = sa == SIM_OK && sb == SIM_OK && x.rank == y.rank;
        for (int k = 0; shape && k < x.rank; k++) {
            shape = x.shape[k] == y.shape[k];
            len *= x.shape[k];
        }
        if (!shape) {
            printf("%-42s DIFFERS: %s\n", what, sb != SIM_OK ? "missing from the re-run" : "shape differs");
            bad++;
        } else if (memcmp(x.data, y.data, len * sizeof *x.data) != 0) {
            size_t at = 0;
            while (at < len && memcmp(&x.data[at], &y.data[at], sizeof *x.data) == 0)
                at++;
            printf("%-42s DIFFERS: element %zu is %.17g in the file, %.17g re-run\n", what, at, x.data[at],
                   y.data[at]);
            bad++;
        } else {
            printf("%-42s identical\n", what);
            (*same)++;
        }
        res_array_free(&x);
        res_array_free(&y);
    }
    res_labels_free(names, n);
    return bad;
}

/* Reads what `f` (the file `path`) embeds: the scenario text, loaded into *s (the caller destroys
 * it), the master seed and the number of replications, which must be numbered 0..n-1 (not a
 * shard). Notes on stdout a file of another dispsim version. Prints why not and returns the exit
 * code. */
static int embedded_run(struct res_file *f, const char *path, struct mdl_scenario **s, uint64_t *seed,
                        uint64_t *reps)
{
    char *text = NULL, *version = NULL, err[8192], label[1100];
    struct res_array idx = {0};
    int rc = CLI_DATAERR;
    if (res_read_string(f, "scenario_text", &text) != SIM_OK ||
        res_read_u64(f, "master_seed", seed) != SIM_OK || res_read_u64(f, "replications", reps) != SIM_OK ||
        res_read(f, "provenance", "rep_index", &idx) != SIM_OK) {
        fprintf(stderr, "dispsim reproduce: %s: no embedded scenario, seed or replication list\n", path);
        goto done;
    }
    char **drawn = NULL;
    size_t ndrawn = 0;
    if (res_list(f, "posterior_draws", &drawn, &ndrawn) == SIM_OK) {
        res_labels_free(drawn, ndrawn);
        fprintf(
            stderr,
            "dispsim reproduce: %s: a run under parameter uncertainty (run --posterior); reproduce re-runs "
            "only an embedded scenario and seed: repeat the run with the same --posterior file, --draws, -r "
            "and --seed, and compare the two files with cmp\n",
            path);
        goto done;
    }
    for (size_t r = 0; r < idx.shape[0]; r++)
        if (idx.data[r] != (double)r) {
            fprintf(stderr, "dispsim reproduce: %s: replications are not 0..%" PRIu64 " (a shard?)\n", path,
                    *reps - 1);
            goto done;
        }
    res_read_string(f, "program_version", &version);
    if (version == NULL || strcmp(version, DISPSIM_VERSION) != 0)
        printf("note: the file was written by dispsim %s, this is dispsim %s\n", version ? version : "?",
               DISPSIM_VERSION);
    snprintf(label, sizeof label, "%s (embedded scenario)", path);
    sim_status st = mdl_scenario_load_text(text, strlen(text), label, s, err, sizeof err);
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim reproduce: %s", err);
        rc = cli_exit_code(st);
        goto done;
    }
    rc = CLI_OK;
done:
    res_array_free(&idx);
    free(text);
    free(version);
    return rc;
}

/* Re-runs scenario `s` (reps replications, master seed `seed`, on `threads` threads) into a
 * temporary directory, compares every dataset with those of `f`, prints a line per dataset and
 * removes what it wrote. CLI_OK only when every dataset is identical. */
static int rerun_and_compare(struct res_file *f, const struct mdl_scenario *s, uint64_t reps, uint64_t seed,
                             int threads, bool quiet)
{
    char dir[] = "/tmp/dispsim_reproduce_XXXXXX", out[64];
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "dispsim reproduce: cannot create a temporary directory\n");
        return CLI_CANTCREAT;
    }
    snprintf(out, sizeof out, "%s/rerun.h5", dir);
    if (!quiet)
        fprintf(stderr,
                "dispsim reproduce: re-running %" PRIu64 " replications with master seed %" PRIu64 "\n", reps,
                seed);
    const struct run_opts o = {.reps = (long)reps,
                               .seed = seed,
                               .seed_set = true,
                               .threads = threads,
                               .quiet = quiet,
                               .no_summary = true,
                               .sync_s = RUN_DEFAULT_SYNC_S};
    struct res_file *g = NULL;
    int rc = run_simulate(&o, s, out);
    if (rc == CLI_OK && (rc = cli_open_results("reproduce", out, &g)) == CLI_OK) {
        size_t same = 0, bad = 0;
        const char *groups[] = {"provenance", "totals", "daily", "study"};
        for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
            bad += compare_group(f, g, groups[i], &same);
        res_close(g);
        printf("%zu datasets identical, %zu differ: %s\n", same, bad,
               bad == 0 ? "the results are reproduced bit for bit" : "NOT reproduced");
        rc = bad == 0 ? CLI_OK : CLI_DATAERR;
    }
    unlink(out);
    strcat(out, ".ckpt"); /* left by an interrupted re-run: there is nothing to resume */
    unlink(out);
    rmdir(dir);
    return rc;
}

int cli_reproduce(int argc, char **argv)
{
    static const struct option longs[] = {{"threads", required_argument, NULL, 'j'},
                                          {"quiet", no_argument, NULL, 'q'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0}};
    int c;
    long threads = 0;
    bool quiet = false;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":j:qh", longs, NULL)) != -1) {
        if (c == 'j' && !cli_parse_count(optarg, 1, 4096, &threads))
            return cli_usage_error("reproduce", NULL, "-j: expected a thread count in [1, 4096], got '%s'",
                                   optarg);
        else if (c == 'q')
            quiet = true;
        else if (c == 'h')
            return fputs(reproduce_help, stdout), CLI_OK;
        else if (c != 'j')
            return cli_bad_option("reproduce", c, argv);
    }
    if (optind == argc)
        return cli_usage_error("reproduce", NULL,
                               "no RESULTS.h5 given, e.g. dispsim reproduce base.h5; see 'dispsim "
                               "reproduce --help'");
    if (optind != argc - 1)
        return cli_usage_error("reproduce", NULL,
                               "one RESULTS.h5 at a time, got %d; see 'dispsim reproduce --help'",
                               argc - optind);
    const char *path = argv[optind];
    struct res_file *f = NULL;
    struct mdl_scenario *s = NULL;
    uint64_t seed = 0, reps = 0;
    int rc = cli_open_results("reproduce", path, &f);
    if (rc == CLI_OK && (rc = embedded_run(f, path, &s, &seed, &reps)) == CLI_OK)
        rc = rerun_and_compare(f, s, reps, seed, (int)threads, quiet);
    mdl_scenario_destroy(s);
    res_close(f);
    return rc;
}
