/* sim_sens.h: global sensitivity analysis — Sobol indices and Morris elementary effects.
 *
 * Everything works in the unit cube [0, 1)^d; the caller maps a point to its parameters (e.g.
 * lo + (hi - lo) * u) and evaluates the model. Sobol indices follow Saltelli et al. 2010: a design of
 * matrices A and B (the two halves of a 2d-dimensional Sobol sequence from GSL's gsl_qrng_sobol,
 * its first point, the origin, skipped) and AB_i (A with column i from B), then Jansen's (1999)
 * estimators of the first-order index S_i = 1 - E[(f(B) - f(AB_i))^2] / (2 V) and the total index
 * ST_i = E[(f(A) - f(AB_i))^2] / (2 V), V the variance of f over A and B together. Bootstrap intervals
 * resample the rows (the same rows for A, B and every AB_i) with a generator keyed by
 * sim_seed_mix(seed, b, 0), so they are reproducible bit for bit. Morris screening uses r
 * one-at-a-time trajectories on a p-level grid (Morris 1991; mu* of Campolongo et al. 2007).
 * Pure functions apart from their allocations; thread-safe. */
#ifndef SIM_SENS_H
#define SIM_SENS_H

#include <stddef.h>
#include <stdint.h>

#include "sim_status.h"

/* Most parameters of a Sobol design: GSL's Sobol sequence has at most 40 dimensions (2d). */
#define SIM_SENS_MAX_SOBOL_DIM 20

/* Fills u[(d + 2) * n * d] with the Saltelli design, row-major: rows 0..n-1 are A, n..2n-1 are B and
 * rows (2 + i) n .. (3 + i) n - 1 are AB_i. Returns SIM_EINVAL when d is 0 or above
 * SIM_SENS_MAX_SOBOL_DIM or n < 2, SIM_ENOMEM. */
sim_status sim_sens_saltelli(unsigned d, size_t n, double *u);

/* One parameter's Sobol indices with their bootstrap percentile intervals. */
struct sim_sobol_index {
    double s1, s1_lo, s1_hi; /* first order */
    double st, st_lo, st_hi; /* total order */
};

/* Estimates out[0..d-1] from the model values y[(d + 2) * n] at the design's rows, with intervals
 * at `level` (e.g. 0.95) from `nboot` bootstrap resamples (0: intervals are NaN). Returns SIM_EINVAL
 * when d or n is out of range (as sim_sens_saltelli), level is not in (0, 1), a value is not
 * finite or f has no variance over the design; SIM_ENOMEM. */
sim_status sim_sens_sobol(unsigned d, size_t n, const double *y, unsigned nboot, double level, uint64_t seed,
                          struct sim_sobol_index *out);

/* Fills u[r * (d + 1) * d] with r Morris trajectories of d + 1 points each on the grid {0, 1/(p-1),
 * ..., 1}: a random grid point, then each coordinate in random order moved by delta = p / (2 (p - 1))
 * (up when that stays in the cube, down otherwise). Trajectory t draws from a generator keyed by
 * sim_seed_mix(seed, t, 1). Returns SIM_EINVAL when d is 0 or above 1000, r is 0, or p is odd or
 * below 2; SIM_ENOMEM. */
sim_status sim_sens_morris_design(unsigned d, unsigned r, unsigned p, uint64_t seed, double *u);

/* Elementary-effect statistics of one parameter, in unit-cube units (divide by hi - lo to get
 * them per unit of the parameter). */
struct sim_morris_effect {
    double mu;      /* mean elementary effect */
    double mu_star; /* mean absolute elementary effect */
    double sigma;   /* standard deviation of the effects (n - 1 denominator; 0 when r is 1) */
};

/* Computes out[0..d-1] from a design of sim_sens_morris_design (u) and the model values there
 * (y[r * (d + 1)]). Returns SIM_EINVAL when a trajectory does not move one coordinate per step or
 * a value is not finite. */
sim_status sim_sens_morris(unsigned d, unsigned r, const double *u, const double *y,
                           struct sim_morris_effect *out);

#endif
