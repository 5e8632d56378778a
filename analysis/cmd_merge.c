/* dispsim merge: shard files of one run into the file the whole run would have written. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../models/mdl_scenario.h"
#include "../models/mdl_world.h"
#include "../results/res.h"
#include "../sim/sim_rng.h"
#include "ana_study.h"
#include "cli.h"

static const char merge_help[] =
    "usage: dispsim merge -o OUT.h5 [--force] SHARD.h5...\n"
    "\n"
    "Combines the files of `dispsim run --shard i/N` (any order) into OUT.h5, whose datasets are\n"
    "bitwise identical to those of one run of all the replications (the study metrics are\n"
    "computed on the merged replications). Refuses, naming the file, shards of different\n"
    "scenarios, seeds or versions, and replications missing or present twice.\n";

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

int cli_merge(int argc, char **argv)
{
    const char *out = NULL;
    bool force = false;
    int rc = cli_output_options(argc, argv, merge_help, &out, &force);
    if (rc >= 0)
        return rc;
    int n = argc - optind;
    if (out == NULL || n < 1)
        return fprintf(stderr, "dispsim merge: expected -o OUT.h5 and at least one shard\n\n%s", merge_help),
               CLI_USAGE;
    rc = cli_check_output("merge", out, force);
    if (rc != CLI_OK)
        return rc;
    char **paths = argv + optind, err[8192];
    struct shard *sh = calloc((size_t)n, sizeof *sh);
    char *text = NULL, *spath = NULL, *version = NULL;
    struct mdl_scenario *s = NULL;
    struct mdl_world *w = NULL;
    double *values = NULL;
    uint64_t *seeds = NULL, *rep_index = NULL, seed = 0, total = 0;
    unsigned char *seen = NULL;
    struct ana_study *study = NULL;
    rc = CLI_DATAERR;
    if (sh == NULL)
        return CLI_SOFTWARE;
    for (int i = 0; i < n; i++) {
        sim_status st = res_open(paths[i], &sh[i].f, err, sizeof err);
        if (st != SIM_OK) {
            fprintf(stderr, "dispsim merge: %s\n", err);
            rc = cli_exit_code(st);
            goto done;
        }
        uint64_t si = 0;
        if (res_read_u64(sh[i].f, "master_seed", &si) != SIM_OK ||
            res_read(sh[i].f, "provenance", "rep_index", &sh[i].idx) != SIM_OK) {
            fprintf(stderr, "dispsim merge: %s: no seed or replication list\n", paths[i]);
            goto done;
        }
        if (i > 0 && si != seed) {
            fprintf(stderr, "dispsim merge: %s: master seed %" PRIu64 " differs from %s's %" PRIu64 "\n",
                    paths[i], si, paths[0], seed);
            goto done;
        }
        seed = si;
        total += sh[i].idx.shape[0];
    }
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
    const struct sim_out_table *t = mdl_world_table(w);
    size_t nv = mdl_world_nvariants(w), ns = mdl_world_nstreams(w), rv = t->rep_values;
    values = malloc(nv * total * rv * sizeof *values);
    seeds = malloc(total * ns * sizeof *seeds);
    rep_index = malloc(total * sizeof *rep_index);
    seen = calloc(total ? total : 1, 1);
    if (values == NULL || seeds == NULL || rep_index == NULL || seen == NULL) {
        rc = CLI_SOFTWARE;
        goto done;
    }
    for (int i = 0; i < n; i++) {
        size_t m = sh[i].idx.shape[0];
        for (size_t j = 0; j < m; j++) {
            double r = sh[i].idx.data[j];
            if (!(r >= 0 && r < (double)total) || seen[(size_t)r]) {
                fprintf(stderr, "dispsim merge: %s: replication %.0f is %s\n", paths[i], r,
                        r >= 0 && r < (double)total ? "in two shards"
                                                    : "beyond the shards' total (one is missing)");
                goto done;
            }
            seen[(size_t)r] = 1;
        }
        struct res_array a = {0};
        for (size_t v = 0; v < t->nvars; v++) {
            size_t per = sim_out_var_size(t, (int)v);
            if (res_read(sh[i].f, t->vars[v].group, t->vars[v].name, &a) != SIM_OK || a.shape[0] != nv ||
                a.shape[1] != m) {
                fprintf(stderr, "dispsim merge: %s: %s/%s missing or of another shape\n", paths[i],
                        t->vars[v].group, t->vars[v].name);
                res_array_free(&a);
                goto done;
            }
            for (size_t k = 0; k < nv; k++)
                for (size_t j = 0; j < m; j++)
                    memcpy(values + (k * total + (size_t)sh[i].idx.data[j]) * rv + t->offset[v],
                           a.data + (k * m + j) * per, per * sizeof *values);
            res_array_free(&a);
        }
    }
    /* Every stream's seed is a function of (master seed, replication, stream): recomputed exactly
     * (the reader returns doubles, which do not hold 64-bit seeds). */
    for (size_t r = 0; r < total; r++) {
        rep_index[r] = r;
        for (size_t k = 0; k < ns; k++)
            seeds[r * ns + k] = sim_seed_mix(seed, r, (uint32_t)k);
    }
    if (nv > 1 && (study = ana_study_compute(t, values, nv, total)) == NULL) {
        rc = CLI_SOFTWARE;
        goto done;
    }
    struct res_meta meta = {.program_version = DISPSIM_VERSION,
                            .scenario_path = spath,
                            .scenario_text = text,
                            .scenario_name = s->name,
                            .master_seed = seed,
                            .nreps = total,
                            .rep_index = rep_index,
                            .nstreams = ns,
                            .stream_names = mdl_world_stream_names(w),
                            .stream_seeds = seeds,
                            .nvariants = nv,
                            .variant_names = mdl_world_variant_names(w),
                            .extra = study != NULL ? ana_study_extra(study) : NULL};
    if ((st = res_write_run(out, &meta, t, values, err, sizeof err)) != SIM_OK) {
        fprintf(stderr, "dispsim merge: %s\n", err);
        rc = cli_exit_code(st);
        goto done;
    }
    fprintf(stderr, "dispsim merge: %d shards, %" PRIu64 " replications; wrote %s\n", n, total, out);
    rc = CLI_OK;
done:
    for (int i = 0; i < n; i++) {
        res_array_free(&sh[i].idx);
        res_close(sh[i].f);
    }
    free(sh);
    free(text);
    free(spath);
    free(version);
    free(values);
    free(seeds);
    free(rep_index);
    free(seen);
    ana_study_free(study);
    mdl_world_destroy(w);
    mdl_scenario_destroy(s);
    return rc;
}
