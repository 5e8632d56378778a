/* run_results.c: the results file of a run, written from its checkpoint, and the results-file
 * metadata that dispsim run and dispsim merge both write (see run.h). */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>

#include "../../models/mdl_scenario.h"
#include "../ana_post.h"
#include "../ana_study.h"
#include "cli_common.h"
#include "run_post.h"

/* The results file's values, read from the checkpoint one variable at a time: row k is item
 * rows[k]. */
struct ckpt_source {
    const struct run *r;
    const size_t *rows;
    size_t nrows;
};

static sim_status ckpt_read_var(void *vctx, int var, double *out, char *err, size_t errlen)
{
    const struct ckpt_source *c = vctx;
    size_t n = sim_out_var_size(c->r->t, var);
    for (size_t k = 0; k < c->nrows; k++) {
        sim_status st = res_ckpt_read(c->r->ckpt, c->rows[k], c->r->t->offset[var], n, out + k * n);
        if (st != SIM_OK)
            return snprintf(err, errlen, "%s", res_ckpt_error(c->r->ckpt)), st;
    }
    return SIM_OK;
}

/* Writes the results file from the checkpoint: rows are replications [first, first + n) of every
 * variant, the study's paired metrics beside them (not for a shard: dispsim merge adds those). */
int run_write_results(struct run *r, const struct run_opts *o, const struct mdl_scenario *s, const char *out,
                      size_t first, size_t n)
{
    int rc = CLI_SOFTWARE;
    size_t nrows = n * r->nvariants;
    size_t *rows = malloc(nrows * sizeof *rows);
    uint64_t *rep_index = malloc(n * sizeof *rep_index), *seeds = malloc(n * r->nstreams * sizeof *seeds + 1);
    struct ana_study *study = NULL;
    struct ana_post *post = NULL;
    char err[1024] = "";
    if (rows == NULL || rep_index == NULL || seeds == NULL)
        goto done;
    for (size_t v = 0; v < r->nvariants; v++)
        for (size_t k = 0; k < n; k++)
            rows[v * n + k] = v * r->nreps + first + k;
    sim_status st = SIM_OK;
    for (size_t k = 0; k < n && st == SIM_OK; k++) {
        rep_index[k] = first + k;
        st = res_ckpt_read_seeds(r->ckpt, first + k, seeds + k * r->nstreams, NULL);
    }
    struct ckpt_source cs = {r, rows, nrows};
    const struct res_source src = {ckpt_read_var, &cs};
    if (st == SIM_OK && r->nvariants > 1 && o->shards == 0 &&
        (study = ana_study_compute_source(r->t, &src, r->nvariants, n, err, sizeof err)) == NULL)
        st = SIM_EIO;
    /* Under a posterior the replications are draw-major; the draws' metrics join /study. */
    if (st == SIM_OK && study != NULL && r->post != NULL &&
        (post = ana_post_compute(r->t, &src, r->nvariants, r->ndraws, r->reps_per_draw, err, sizeof err)) ==
            NULL)
        st = SIM_EIO;
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim run: %s\n", err[0] ? err : res_ckpt_error(r->ckpt));
        rc = cli_exit_code(st);
        goto done;
    }
    /* The seeds are variant 0's rows: every variant uses the same streams. */
    struct res_meta meta = run_meta(s, r->w, r->seed, n, rep_index, seeds, study);
    if (r->post != NULL) {
        meta.extra2 = run_post_extra(r->post, r->reps_per_draw);
        if (post != NULL)
            meta.extra = ana_post_extra(post, meta.extra);
        if (meta.extra2 == NULL || (post != NULL && meta.extra == NULL))
            goto done;
    }
    st = res_write_source(out, &meta, r->t, &src, err, sizeof err);
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim run: %s\n", err);
        rc = cli_exit_code(st);
        goto done;
    }
    rc = CLI_OK;
done:
    if (rc == CLI_SOFTWARE && err[0] == '\0')
        fprintf(stderr, "dispsim run: out of memory for %zu rows\n", nrows);
    ana_post_free(post);
    ana_study_free(study);
    free(rows);
    free(rep_index);
    free(seeds);
    return rc;
}

struct res_meta run_meta(const struct mdl_scenario *s, const struct mdl_world *w, uint64_t seed, size_t nreps,
                         const uint64_t *rep_index, const uint64_t *seeds, const struct ana_study *study)
{
    return (struct res_meta){
        .program_version = DISPSIM_VERSION,
        .scenario_path = s->path,
        .scenario_text = s->text,
        .scenario_name = s->name,
        .master_seed = seed,
        .nreps = nreps,
        .rep_index = rep_index,
        .nstreams = mdl_world_nstreams(w),
        .stream_names = mdl_world_stream_names(w),
        .stream_seeds = seeds,
        .nvariants = mdl_world_nvariants(w),
        .variant_names = mdl_world_variant_names(w),
        .extra = study != NULL ? ana_study_extra(study) : NULL,
    };
}
