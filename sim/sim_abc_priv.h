/* sim_abc_priv.h: the state of an ABC-SMC calibration, shared by its two samplers (sim_abc.c holds
 * the interface and population Monte Carlo, sim_abc_rm.c resample-move). Not for other files. */
#ifndef SIM_ABC_PRIV_H
#define SIM_ABC_PRIV_H

#include <gsl/gsl_rng.h>

#include "sim_abc.h"

enum { SIM__ABC_MAX_DIM = 64 };

struct sim_abc {
    unsigned d, n, reps;
    struct sim_abc_opts o;
    struct sim_prior *priors;
    unsigned gen, completed;
    bool proposed, done;
    double *theta;   /* proposals of generation `gen`, n x d */
    double *cur, *w; /* current population and its normalised weights */
    double *kcur;    /* the current population on the kernel's scale (log for log-uniform priors) */
    double *cum;     /* PMC: cumulative weights of the current population */
    double *chol;    /* lower Cholesky factor of the kernel covariance, d x d */
    double *logw;    /* scratch: n log weights */
    double *sorted;  /* scratch: n * reps distances */
    double *accd;    /* PMC: the last generation's distances within its tolerance, sorted */
    size_t naccd;
    unsigned *k; /* scratch: replications within the tolerance, per particle */
    gsl_rng *rng;
    double tol[SIM_ABC_MAX_GENERATIONS], acc[SIM_ABC_MAX_GENERATIONS], ess[SIM_ABC_MAX_GENERATIONS];

    /* Resample-move: each current particle's distances (n x reps) and where they came from; the
     * proposals' liveness and acceptance uniforms; the tolerance and ESS of the pending move. */
    double *dcur, *unif;
    unsigned *src_gen, *src_idx, *tmpu; /* tmpu: n scratch indices for resampling */
    bool *live;
    double eps, ess_pending;
    unsigned since_tolerance; /* move generations run at the current tolerance */
};

bool sim__abc_log_scale(const struct sim_prior *p);
bool sim__abc_in_support(const struct sim_abc *a, const double *x);
double sim__abc_log_prior(const struct sim_abc *a, const double *x);

/* Sets a->kcur to `to` of a->cur and a->chol to the Cholesky factor of `factor` times the
 * population's weighted covariance on that scale (a diagonal floor when that is singular). */
void sim__abc_set_kernel(struct sim_abc *a, double factor, double (*to)(const struct sim_prior *, double));

/* Sorts x[0..m) ascending. */
void sim__abc_sort(double *x, size_t m);

/* Resample-move's halves of sim_abc_propose and sim_abc_update (gen >= 0; arguments checked). */
sim_status sim__abc_rm_propose(struct sim_abc *a);
void sim__abc_rm_update(struct sim_abc *a, const double *dist);

#endif
