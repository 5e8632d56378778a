/* run_post.h: the posterior draws of `dispsim run STUDY --posterior P.h5 [--draws N]` (see run.h).
 *
 * N parameter points are resampled from the posterior's weighted particles by systematic
 * resampling with one uniform keyed on the run's master seed (sim_seed_mix(seed,
 * SIM_RNG_MAX_REP, SIM_RNG_MAX_STREAM), a key no replication stream uses), so the draws depend only
 * on (posterior, N, seed). The run's replication axis is then draw-major: replication
 * j = draw * reps + rep runs at draw j / reps on the streams of (seed, j), every variant on the
 * same streams (paired). The results file gets a /posterior_draws group (results/README.md). */
#ifndef RUN_POST_H
#define RUN_POST_H

#include <stddef.h>
#include <stdint.h>

#include "../../models/mdl_world.h"
#include "../../results/res.h"
#include "../../results/res_posterior.h"

struct mdl_scenario;

#define RUN_POST_DEFAULT_DRAWS 20

struct run_post {
    const char *path; /* the posterior file, borrowed */
    struct res_posterior p;
    size_t ndraws, d; /* draws and parameters */
    double *theta;    /* [ndraws * d] the draws' parameter values */
    double *particle; /* [ndraws] the particle each draw is */
    uint64_t fnv64;   /* FNV-1a of the posterior file's bytes */
    char fnv_text[17];
    const char *units[64], *descs[64]; /* of each parameter's field ("" when unknown) */
    double *rep_draw;                  /* run_post_extra: [nreps] the draw of each replication */
    char **labels;                     /* run_post_extra: "0".."nreps-1" */
    double reps_per_draw;
    const char *file_labels[1], *hash_labels[1];
    struct res_extra_dim dims[4];
    struct res_extra_var vars[10];
    struct res_extra extra;
};

/* Reads the posterior `path` into *rp (zeroed first), draws `ndraws` points keyed on `seed` and
 * checks that every parameter path resolves in scenario `s` (the scenario of world `w`), is not
 * changed by one of its interventions or sweeps (paths compared as written) and that every drawn
 * value lies in its field's range. Prints why not ("dispsim run: P.h5:
 * parameter NAME (PATH) ... in scenario S") and returns the exit code (65 for a posterior that does
 * not fit the scenario). Free with run_post_fini, also after a failure. */
int run_post_load(struct run_post *rp, const char *path, size_t ndraws, uint64_t seed,
                  const struct mdl_world *w, const struct mdl_scenario *s);

/* Frees what run_post_load and run_post_extra allocated; accepts a zeroed struct. */
void run_post_fini(struct run_post *rp);

/* The /posterior_draws group for a results file of rp->ndraws * reps replications; borrowed from
 * rp. NULL when out of memory. */
const struct res_extra *run_post_extra(struct run_post *rp, size_t reps);

#endif
