/* res_posterior.c: writes and reads posterior files (layout: results/README.md, "Posterior files").
 *
 * The file is built in memory and renamed into place by res__h5_write_file (res_h5.h): no
 * timestamps, the HDF5 1.8 format, so identical posteriors give identical bytes. */
#include "res_posterior.h"

#include "res_h5.h"

enum { SCHEMA = 1 };

static int write_params(hid_t f, const struct res_posterior *p)
{
    hid_t g = res__h5_group(f, "parameters");
    int rc = g < 0 ||
                     res__h5_strings(g, "name", p->d, p->names, "parameter", "label of each parameter") < 0 ||
                     res__h5_strings(g, "path", p->d, p->paths, "parameter", "scenario field path") < 0 ||
                     res__h5_strings(g, "prior", p->d, p->priors, "parameter", "prior distribution") < 0 ||
                     res__h5_reals(g, "prior_min", p->d, 0, p->prior_lo, NULL, "parameter",
                                   "lower end of the prior support (normal: mean - 4 sd)") < 0 ||
                     res__h5_reals(g, "prior_max", p->d, 0, p->prior_hi, NULL, "parameter",
                                   "upper end of the prior support (normal: mean + 4 sd)") < 0 ||
                     (p->prior_q05 != NULL && /* optional: NULL writes neither */
                      (res__h5_reals(g, "prior_q05", p->d, 0, p->prior_q05, NULL, "parameter",
                                     "the prior's 5% quantile") < 0 ||
                       res__h5_reals(g, "prior_q95", p->d, 0, p->prior_q95, NULL, "parameter",
                                     "the prior's 95% quantile") < 0))
                 ? -1
                 : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_population(hid_t f, const struct res_posterior *p)
{
    hid_t g = res__h5_group(f, "posterior");
    hsize_t sd[2] = {p->n, p->reps};
    int rc =
        g < 0 ||
                res__h5_reals(g, "particles", p->n, p->d, p->particles, NULL, "particle,parameter",
                              "final generation's particles (parameter values)") < 0 ||
                res__h5_reals(g, "weights", p->n, 0, p->weights, "1", "particle",
                              "normalised importance weights (sum 1)") < 0 ||
                res__h5_dset(g, "run_seeds", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2, sd, p->run_seeds, NULL,
                             "particle,replication",
                             "seed of each replication behind the particle's distances (pmc: the final "
                             "generation's; resample-move: the generation of its last accepted move)") < 0 ||
                res__h5_attr_str(g, "sampler", p->sampler) < 0
            ? -1
            : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_gens(hid_t f, const struct res_posterior *p)
{
    hid_t g = res__h5_group(f, "generations");
    int rc =
        g < 0 ||
                res__h5_reals(g, "tolerance", p->ngen, 0, p->tolerance, "1", "generation",
                              "ABC tolerance of each generation (distance units)") < 0 ||
                res__h5_reals(g, "acceptance", p->ngen, 0, p->acceptance, "1", "generation",
                              "pmc: share of the generation's simulations within its tolerance; "
                              "resample-move: share of its moves accepted (generation 0: as pmc)") < 0 ||
                res__h5_reals(g, "ess", p->ngen, 0, p->ess, "particles", "generation",
                              "effective sample size 1 / sum(w^2) (resample-move: before resampling)") < 0
            ? -1
            : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_predictive(hid_t f, const struct res_posterior *p)
{
    hid_t g = res__h5_group(f, "predictive");
    size_t n = p->npoints;
    int rc =
        g < 0 ||
                res__h5_strings(g, "target", n, p->point_target, "point", "target of each observed point") <
                    0 ||
                res__h5_strings(g, "period", n, p->point_period, "point", "period as in the observed file") <
                    0 ||
                res__h5_reals(g, "observed", n, 0, p->observed, NULL, "point", "observed value") < 0 ||
                res__h5_reals(
                    g, "mean", n, 0, p->pred_mean, NULL, "point",
                    "posterior predictive: weighted mean over particles of the replications' mean") < 0 ||
                res__h5_reals(g, "q05", n, 0, p->pred_q05, NULL, "point",
                              "posterior predictive 5% quantile") < 0 ||
                res__h5_reals(g, "q50", n, 0, p->pred_q50, NULL, "point", "posterior predictive median") <
                    0 ||
                res__h5_reals(g, "q95", n, 0, p->pred_q95, NULL, "point",
                              "posterior predictive 95% quantile") < 0 ||
                (p->pred_particles != NULL && /* optional: NULL writes nothing */
                 res__h5_reals(g, "particles", p->n, n, p->pred_particles, NULL, "particle,point",
                               "each particle's mean over its replications of the simulated value of every "
                               "point, in the observed point's units; weighted by posterior/weights these "
                               "give mean, q05, q50 and q95, and sums or ratios of points give the "
                               "predictive of derived quantities") < 0)
            ? -1
            : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_all(hid_t f, const void *ctx)
{
    const struct res_posterior *p = ctx;
    const struct res__h5_root root = {
        "posterior",    SCHEMA, p->program_version, "calibration_path", p->calibration_path,
        p->master_seed, p->reps};
    return res__h5_root_write(f, &root) < 0 || write_params(f, p) < 0 || write_population(f, p) < 0 ||
                   write_gens(f, p) < 0 || write_predictive(f, p) < 0 ||
                   res__h5_provenance(f, "calibration_text", p->calibration_text, "the calibration file",
                                      "scenario_text", p->scenario_text, "the calibrated scenario file") < 0
               ? -1
               : 0;
}

sim_status res_posterior_write(const char *path, const struct res_posterior *p, char *err, size_t errlen)
{
    if (path == NULL || p == NULL || p->d == 0 || p->n == 0 || p->reps == 0)
        return res__fail(err, errlen, path != NULL ? path : "(null)", SIM_EINVAL, "invalid argument");
    return res__h5_write_file(path, write_all, p, err, errlen);
}
