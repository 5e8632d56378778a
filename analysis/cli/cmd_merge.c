/* dispsim merge: shard files of one run into the file the whole run would have written. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../models/mdl_scenario.h"
#include "../../models/mdl_world.h"
#include "../../results/res.h"
#include "../../sim/sim_rng.h"
#include "../ana_study.h"
#include "cli.h"
#include "run.h"

static const char merge_help[] =
    "usage: dispsim merge -o OUT.h5 [--force] SHARD.h5...\n"
    "\n"
    "Combines the files of `dispsim run --shard i/N` (any order) into OUT.h5, whose datasets are\n"
    "bitwise identical to those of one run of all the replications (the study metrics are\n"
    "computed on the merged replications). Refuses, naming the file, shards of different\n"
    "scenarios, seeds or versions, and replications missing or present twice.\n"
    "\n"
    "  -o, --output FILE   the merged results file (required)\n"
    "  -f, --force         overwrite FILE if it exists\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit codes: 0 merged; 64 bad command line; 65 the shards do not make one run (the message\n"
    "names the file and what differs or is missing); 66 a shard cannot be read; 73 FILE exists\n"
    "(without --force) or cannot be created; 74 I/O error.\n"
    "\n"
    "Example (a Slurm job array of 4 tasks, then one merge):\n"
    "  dispsim run study.yaml --shard $SLURM_ARRAY_TASK_ID/4 -o part$SLURM_ARRAY_TASK_ID.h5\n"
    "  dispsim merge -o study.h5 part1.h5 part2.h5 part3.h5 part4.h5\n";

struct shard {
    struct res_file *f;
    struct res_array idx; /* provenance/rep_index */
};

/* Reads text attribute `name` of every shard and requires them equal; returns the first's. */
static char *same_string(struct shard *sh, int n, char **paths, const char *name)
{
    char *first = NULL;
    for (int i = 0; i < n; i++) {
        char *s = NULL;
        if (res_read_string(sh[i].f, name, &s) != SIM_OK) {
            fprintf(stderr, "dispsim merge: %s: no %s\n", paths[i], name);
            free(first);
            return NULL;
        }
        if (first != NULL && strcmp(first, s) != 0) {
            fprintf(stderr, "dispsim merge: %s: its %s differs from %s's: not a shard of the same run\n",
                    paths[i], name, paths[0]);
            free(s);
            free(first);
            return NULL;
        }
        if (first == NULL)
            first = s;
        else
            free(s);
    }
    return first;
}

/* The merged run's values, read from the shards: row (variant k, replication r) of variable var
 * comes from the shard that holds r. */
struct shard_source {
    const struct sim_out_table *t;
    const struct shard *sh;
    int n;
    char *const *paths;
    size_t nv, total;
};

static sim_status shard_read_var(void *vctx, int var, double *out, char *err, size_t errlen)
{
    const struct shard_source *c = vctx;
    const struct sim_out_var *v = &c->t->vars[var];
    size_t per = sim_out_var_size(c->t, var);
    for (int i = 0; i < c->n; i++) {
        struct res_array a = {0};
        size_t m = c->sh[i].idx.shape[0];
        if (res_read(c->sh[i].f, v->group, v->name, &a) != SIM_OK || a.shape[0] != c->nv || a.shape[1] != m) {
            snprintf(err, errlen, "%s: %s/%s missing or of another shape", c->paths[i], v->group, v->name);
            res_array_free(&a);
            return SIM_EFORMAT;
        }
        for (size_t k = 0; k < c->nv; k++)
            for (size_t j = 0; j < m; j++)
                memcpy(out + (k * c->total + (size_t)c->sh[i].idx.data[j]) * per, a.data + (k * m + j) * per,
                       per * sizeof *out);
        res_array_free(&a);
    }
    return SIM_OK;
}

/* Opens every shard and reads its master seed (all must be equal: *seed) and replication list
 * (*total: their lengths summed). Prints why not and returns the exit code. */
static int open_shards(struct shard *sh, int n, char **paths, uint64_t *seed, uint64_t *total)
{
    for (int i = 0; i < n; i++) {
        int rc = cli_open_results("merge", paths[i], &sh[i].f);
        if (rc != CLI_OK)
            return rc;
        uint64_t si = 0;
        if (res_read_u64(sh[i].f, "master_seed", &si) != SIM_OK ||
            res_read(sh[i].f, "provenance", "rep_index", &sh[i].idx) != SIM_OK) {
            fprintf(stderr, "dispsim merge: %s: no seed or replication list\n", paths[i]);
            return CLI_DATAERR;
        }
        if (i > 0 && si != *seed) {
            fprintf(stderr, "dispsim merge: %s: master seed %" PRIu64 " differs from %s's %" PRIu64 "\n",
                    paths[i], si, paths[0], *seed);
            return CLI_DATAERR;
        }
        *seed = si;
        *total += sh[i].idx.shape[0];
    }
    return CLI_OK;
}

/* Checks that the shards hold every replication 0..total-1 exactly once. Prints the first that is
 * not and returns CLI_DATAERR (CLI_SOFTWARE when out of memory), else CLI_OK. */
static int each_once(const struct shard *sh, int n, char **paths, uint64_t total)
{
    unsigned char *seen = calloc(total ? total : 1, 1);
    if (seen == NULL)
        return CLI_SOFTWARE;
    int rc = CLI_OK;
    for (int i = 0; i < n && rc == CLI_OK; i++)
        for (size_t j = 0; j < sh[i].idx.shape[0] && rc == CLI_OK; j++) {
            double r = sh[i].idx.data[j];
            if (!(r >= 0 && r < (double)total) || seen[(size_t)r]) {
                fprintf(stderr, "dispsim merge: %s: replication %.0f is %s\n", paths[i], r,
                        r >= 0 && r < (double)total ? "in two shards"
                                                    : "beyond the shards' total (one is missing)");
                rc = CLI_DATAERR;
            } else {
                seen[(size_t)r] = 1;
            }
        }
    free(seen);
    return rc;
}

/* Writes `out` from the n shards (their seed and total replications checked by open_shards, the
 * scenario `s` and its world `w` loaded from them): the stream seeds recomputed, the values read
 * from the shards, the study metrics computed on the merged replications. Prints why not and
 * returns the exit code. */
static int write_merged(const struct shard *sh, int n, char **paths, const struct mdl_scenario *s,
                        const struct mdl_world *w, uint64_t seed, uint64_t total, const char *out)
{
    int rc = CLI_DATAERR;
    const struct sim_out_table *t = mdl_world_table(w);
    size_t nv = mdl_world_nvariants(w), ns = mdl_world_nstreams(w);
    uint64_t *seeds = malloc(total * ns * sizeof *seeds + 1),
             *rep_index = malloc(total * sizeof *rep_index + 1);
    struct ana_study *study = NULL;
    char err[8192];
    sim_status st;
    if (seeds == NULL || rep_index == NULL) {
        rc = CLI_SOFTWARE;
        goto done;
    }
    if ((rc = each_once(sh, n, paths, total)) != CLI_OK)
        goto done;
    rc = CLI_DATAERR;
    /* Every stream's seed is a function of (master seed, replication, stream): recomputed exactly
     * (the reader returns doubles, which do not hold 64-bit seeds). */
    for (size_t r = 0; r < total; r++) {
        rep_index[r] = r;
        for (size_t k = 0; k < ns; k++)
            seeds[r * ns + k] = sim_seed_mix(seed, r, (uint32_t)k);
    }
    /* The values are read shard by shard for one variable at a time: memory holds one variable of
     * the merged run, never the whole run. */
    struct shard_source src_ctx = {t, sh, n, paths, nv, total};
    const struct res_source src = {shard_read_var, &src_ctx};
    if (nv > 1 && (study = ana_study_compute_source(t, &src, nv, total, err, sizeof err)) == NULL) {
        fprintf(stderr, "dispsim merge: %s\n", err);
        goto done;
    }
    struct res_meta meta = run_meta(s, w, seed, total, rep_index, seeds, study);
    if ((st = res_write_source(out, &meta, t, &src, err, sizeof err)) != SIM_OK) {
        fprintf(stderr, "dispsim merge: %s\n", err);
        rc = cli_exit_code(st);
        goto done;
    }
    fprintf(stderr, "dispsim merge: %d shards, %" PRIu64 " replications; wrote %s\n", n, total, out);
    rc = CLI_OK;
done:
    free(seeds);
    free(rep_index);
    ana_study_free(study);
    return rc;
}

int cli_merge(int argc, char **argv)
{
    const char *out = NULL;
    bool force = false;
    int rc = cli_output_options(argc, argv, merge_help, &out, &force);
    if (rc >= 0)
        return rc;
    int n = argc - optind;
    if (out == NULL)
        return cli_usage_error("merge", NULL,
                               "no output given: add -o OUT.h5, e.g. dispsim merge -o all.h5 part*.h5; see "
                               "'dispsim merge --help'");
    if (n < 1)
        return cli_usage_error("merge", NULL,
                               "no SHARD.h5 given: list the files of every dispsim run --shard i/N; see "
                               "'dispsim merge --help'");
    rc = cli_check_output("merge", out, force);
    if (rc != CLI_OK)
        return rc;
    char **paths = argv + optind, err[8192];
    struct shard *sh = calloc((size_t)n, sizeof *sh);
    char *text = NULL, *spath = NULL, *version = NULL;
    struct mdl_scenario *s = NULL;
    struct mdl_world *w = NULL;
    uint64_t seed = 0, total = 0;
    if (sh == NULL)
        return CLI_SOFTWARE;
    if ((rc = open_shards(sh, n, paths, &seed, &total)) != CLI_OK)
        goto done;
    rc = CLI_DATAERR;
    if ((text = same_string(sh, n, paths, "scenario_text")) == NULL ||
        (spath = same_string(sh, n, paths, "scenario_path")) == NULL ||
        (version = same_string(sh, n, paths, "program_version")) == NULL)
        goto done;
    if (strcmp(version, DISPSIM_VERSION) != 0) {
        fprintf(stderr, "dispsim merge: the shards were written by dispsim %s; this is %s\n", version,
                DISPSIM_VERSION);
        goto done;
    }
    sim_status st = mdl_scenario_load_text(text, strlen(text), spath, &s, err, sizeof err);
    if (st != SIM_OK || mdl_world_create(s, &w) != SIM_OK) {
        fprintf(stderr, "dispsim merge: the shards' scenario: %s\n", err);
        goto done;
    }
    rc = write_merged(sh, n, paths, s, w, seed, total, out);
done:
    for (int i = 0; i < n; i++) {
        res_array_free(&sh[i].idx);
        res_close(sh[i].f);
    }
    free(sh);
    free(text);
    free(spath);
    free(version);
    mdl_world_destroy(w);
    mdl_scenario_destroy(s);
    return rc;
}
