/* res_sens.h: the results file of a global sensitivity analysis (`dispsim sensitivity`), HDF5.
 *
 * One file holds, per output (a study metric of one variant) and parameter, the first- and
 * total-order Sobol indices with their bootstrap intervals and the Morris statistics mu, mu* and
 * sigma; the parameters and their ranges; the sample design (every point's parameter values) and
 * every point's metric values; the sensitivity and study texts, the program version and the seed.
 * The layout is in results/README.md ("Sensitivity files"); the root attribute `dispsim_kind` is
 * "sensitivity". Written as res_posterior_write writes: no timestamps (the same analysis gives the
 * same bytes), built in memory and renamed into place when complete. Not thread-safe. */
#ifndef RES_SENS_H
#define RES_SENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_status.h"

/* A sensitivity result as written or read. On write every pointer is borrowed; res_sens_read fills
 * one whose arrays it owns (free with res_sens_free). A method not run has 0 points and NULL arrays. */
struct res_sens {
    size_t d;                                                               /* parameters */
    size_t nout;                                                            /* outputs */
    char **names, **paths, **scales;                                        /* [d]; a dummy's path is "" */
    double *lo, *hi;                                                        /* [d] the ranges */
    char **out_label, **out_metric, **out_variant, **out_mode, **out_units; /* [nout] */
    /* Sobol (sobol_n base samples: sobol_n * (d + 2) points). */
    size_t sobol_n;
    unsigned bootstrap;
    double level;
    double *s1, *st;         /* [nout * d * 3] estimate, interval low, high */
    double *sobol_undefined; /* [nout] points where the metric was undefined (no index then) */
    /* Morris (morris_r trajectories: morris_r * (d + 1) points). */
    size_t morris_r;
    unsigned morris_levels;
    double *mu, *mu_star, *sigma; /* [nout * d] per full range of the parameter */
    double *morris_undefined;     /* [nout] */
    /* The design: the Sobol points first, then the Morris points. */
    size_t npoints;
    double *theta;   /* [npoints * d] parameter values */
    double *metrics; /* [npoints * nout] the metric's mean over the point's replications */
    unsigned reps;
    uint64_t seed;
    char *sens_path, *sens_text, *study_text, *program_version;
};

/* Writes `s` to `path` (temporary file, then rename; nothing at `path` on failure). On failure a
 * message "PATH: reason" goes to err. SIM_ECREATE, SIM_EIO, SIM_EINVAL (inconsistent sizes). */
sim_status res_sens_write(const char *path, const struct res_sens *s, char *err, size_t errlen);

/* Reads the sensitivity file `path` into *out (zeroed first; free with res_sens_free). SIM_ENOENT,
 * SIM_EFORMAT (not a sensitivity file, or a dataset missing or misshapen), with a message in err. */
sim_status res_sens_read(const char *path, struct res_sens *out, char *err, size_t errlen);

/* Frees what res_sens_read allocated and zeroes *s; accepts a zeroed struct. */
void res_sens_free(struct res_sens *s);

/* Whether `path` is an HDF5 file whose root says dispsim_kind = "sensitivity". */
bool res_sens_is(const char *path);

#endif
