/* res_posterior.h: the posterior file of a calibration (`dispsim calibrate`), HDF5.
 *
 * One file holds an ABC-SMC calibration's final population (particles and weights), each
 * generation's tolerance, acceptance rate and effective sample size, the posterior predictive of
 * every observed point (weighted mean and 5/50/95% quantiles over the particles, beside the
 * observation), the priors, the calibration and scenario texts, the program version and the seeds.
 * The layout is in results/README.md ("Posterior files"); the root attribute `dispsim_kind` is
 * "posterior". Written as res_write_run writes results: no timestamps (the same calibration gives
 * the same bytes), built under a temporary name and renamed into place when complete. Not
 * thread-safe (the HDF5 library is built serial). */
#ifndef RES_POSTERIOR_H
#define RES_POSTERIOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_status.h"

/* A posterior as written or read. On write every pointer is borrowed; res_posterior_read fills
 * one whose arrays it owns (free with res_posterior_free). */
struct res_posterior {
    size_t d;    /* parameters */
    size_t n;    /* particles */
    size_t ngen; /* completed generations */
    size_t npoints;
    char **names;           /* [d] parameter labels */
    char **paths;           /* [d] scenario field paths */
    char **priors;          /* [d] prior as text, e.g. "uniform(100, 260)" */
    double *prior_lo;       /* [d] support, infinite ends at mean -+ 4 sd (for plots) */
    double *prior_hi;       /* [d] */
    double *prior_q05;      /* [d] the prior's 5% and 95% quantiles (NULL when read from a file */
    double *prior_q95;      /* [d]  written by dispsim 0.2.0 and earlier; NULL on write: not written) */
    double *particles;      /* [n * d] row-major */
    double *weights;        /* [n], summing to 1 */
    double *tolerance;      /* [ngen] */
    double *acceptance;     /* [ngen] */
    double *ess;            /* [ngen] */
    char **point_target;    /* [npoints] target name of each observed point */
    char **point_period;    /* [npoints] its period as written in the observed file */
    double *observed;       /* [npoints] */
    double *pred_mean;      /* [npoints] posterior predictive: weighted mean over particles */
    double *pred_q05;       /* [npoints] and weighted quantiles */
    double *pred_q50;       /* [npoints] */
    double *pred_q95;       /* [npoints] */
    double *pred_particles; /* [n * npoints] each particle's mean over its replications of every point,
                             * from which pred_* are computed (NULL when read from a file written before
                             * dispsim 0.3.0's predictive/particles; NULL on write: not written) */
    uint64_t *run_seeds;    /* [n * reps] the seeds of the simulations behind each particle */
    unsigned reps;          /* replications per particle */
    uint64_t master_seed;   /* the calibration's seed */
    char *calibration_path, *calibration_text, *scenario_text, *program_version;
    char *sampler; /* "pmc" or "resample-move" (attribute posterior/sampler; files before 0.3.0: pmc) */
};

/* Writes `p` to `path` (temporary file, then rename; nothing at `path` on failure). On failure a
 * message "PATH: reason" goes to err. SIM_ECREATE, SIM_EIO, SIM_EINVAL (inconsistent sizes). */
sim_status res_posterior_write(const char *path, const struct res_posterior *p, char *err, size_t errlen);

/* Reads the posterior file `path` into *out (zeroed first; free with res_posterior_free).
 * SIM_ENOENT, SIM_EFORMAT (not a posterior file, or a dataset missing or of the wrong size),
 * SIM_ENOMEM, with a message in err. */
sim_status res_posterior_read(const char *path, struct res_posterior *out, char *err, size_t errlen);

/* Frees what res_posterior_read allocated and zeroes *p; accepts a zeroed struct. */
void res_posterior_free(struct res_posterior *p);

/* The effective sample size of the final generation (0 when none completed; resample-move: that
 * of its distinct particles, copies' weights summed), and whether it is under 5 per parameter: the rule by
 * which info and run --posterior warn that the posterior rests on too few particles to trust its spread. */
double res_posterior_ess(const struct res_posterior *p);
bool res_posterior_thin(const struct res_posterior *p);

/* Whether `path` is an HDF5 file whose root says dispsim_kind = "posterior". */
bool res_posterior_is(const char *path);

#endif
