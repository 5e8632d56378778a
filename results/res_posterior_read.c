/* res_posterior_read.c: reads posterior files back (see res_posterior.h). */
#include "res_posterior.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "res_h5.h"

bool res_posterior_is(const char *path)
{
    return res__h5_is_kind(path, "posterior");
}

/* Every array of the file, once the sizes are known. False if any is missing or misshapen. */
static bool read_arrays(hid_t f, struct res_posterior *p)
{
    size_t d = p->d, n = p->n, g = p->ngen, k = p->npoints;
    hid_t dbl = H5T_NATIVE_DOUBLE;
    p->names = res__h5_read_strs(f, "parameters/name", d, 1);
    p->paths = res__h5_read_strs(f, "parameters/path", d, 1);
    p->priors = res__h5_read_strs(f, "parameters/prior", d, 1);
    p->prior_lo = res__h5_read_n(f, "parameters/prior_min", dbl, sizeof(double), d, 1);
    p->prior_hi = res__h5_read_n(f, "parameters/prior_max", dbl, sizeof(double), d, 1);
    if (H5Lexists(f, "parameters/prior_q05", H5P_DEFAULT) > 0) { /* optional: older files lack them */
        p->prior_q05 = res__h5_read_n(f, "parameters/prior_q05", dbl, sizeof(double), d, 1);
        p->prior_q95 = res__h5_read_n(f, "parameters/prior_q95", dbl, sizeof(double), d, 1);
        if (p->prior_q05 == NULL || p->prior_q95 == NULL)
            return false;
    }
    p->particles = res__h5_read_n(f, "posterior/particles", dbl, sizeof(double), n * d, 2);
    p->weights = res__h5_read_n(f, "posterior/weights", dbl, sizeof(double), n, 1);
    p->run_seeds =
        res__h5_read_n(f, "posterior/run_seeds", H5T_NATIVE_UINT64, sizeof(uint64_t), n * p->reps, 2);
    p->tolerance = res__h5_read_n(f, "generations/tolerance", dbl, sizeof(double), g, 1);
    p->acceptance = res__h5_read_n(f, "generations/acceptance", dbl, sizeof(double), g, 1);
    p->ess = res__h5_read_n(f, "generations/ess", dbl, sizeof(double), g, 1);
    p->point_target = res__h5_read_strs(f, "predictive/target", k, 1);
    p->point_period = res__h5_read_strs(f, "predictive/period", k, 1);
    p->observed = res__h5_read_n(f, "predictive/observed", dbl, sizeof(double), k, 1);
    p->pred_mean = res__h5_read_n(f, "predictive/mean", dbl, sizeof(double), k, 1);
    p->pred_q05 = res__h5_read_n(f, "predictive/q05", dbl, sizeof(double), k, 1);
    p->pred_q50 = res__h5_read_n(f, "predictive/q50", dbl, sizeof(double), k, 1);
    p->pred_q95 = res__h5_read_n(f, "predictive/q95", dbl, sizeof(double), k, 1);
    if (H5Lexists(f, "predictive/particles", H5P_DEFAULT) > 0) { /* optional: older files lack it */
        p->pred_particles = res__h5_read_n(f, "predictive/particles", dbl, sizeof(double), n * k, 2);
        if (p->pred_particles == NULL)
            return false;
    }
    p->calibration_text = res__h5_read_text(f, "provenance/calibration_text");
    p->scenario_text = res__h5_read_text(f, "provenance/scenario_text");
    return p->names && p->paths && p->priors && p->prior_lo && p->prior_hi && p->particles && p->weights &&
           p->run_seeds && p->tolerance && p->acceptance && p->ess && p->point_target && p->point_period &&
           p->observed && p->pred_mean && p->pred_q05 && p->pred_q50 && p->pred_q95 && p->calibration_text &&
           p->scenario_text;
}

sim_status res_posterior_read(const char *path, struct res_posterior *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    hid_t f = -1;
    sim_status st = res__h5_open_kind(path, "posterior", "posterior", &f, err, errlen);
    if (st != SIM_OK)
        return st;
    hsize_t pd[2] = {0, 0}, gd[1] = {0}, kd[1] = {0}, sd[2] = {0, 0};
    uint64_t reps = 0;
    bool ok = res__h5_shape(f, "posterior/particles", 2, pd) == 0 &&
              res__h5_shape(f, "generations/tolerance", 1, gd) == 0 &&
              res__h5_shape(f, "predictive/observed", 1, kd) == 0 &&
              res__h5_shape(f, "posterior/run_seeds", 2, sd) == 0 &&
              res__h5_read_attr_u64(f, "master_seed", &out->master_seed) &&
              res__h5_read_attr_u64(f, "replications", &reps) &&
              res__h5_read_attr_str(f, "program_version", &out->program_version) &&
              res__h5_read_attr_str(f, "calibration_path", &out->calibration_path);
    out->n = (size_t)pd[0];
    out->d = (size_t)pd[1];
    out->ngen = (size_t)gd[0];
    out->npoints = (size_t)kd[0];
    out->reps = (unsigned)reps;
    ok = ok && read_arrays(f, out);
    /* Files before 0.3.0 have no sampler attribute: they all came from population Monte Carlo. */
    hid_t g = ok ? H5Gopen2(f, "posterior", H5P_DEFAULT) : -1;
    if (g >= 0 && H5Aexists(g, "sampler") > 0)
        ok = res__h5_read_attr_str(g, "sampler", &out->sampler);
    else if (ok)
        ok = (out->sampler = malloc(sizeof "pmc")) != NULL && memcpy(out->sampler, "pmc", sizeof "pmc");
    if (g >= 0)
        H5Gclose(g);
    H5Fclose(f);
    if (!ok) {
        res_posterior_free(out);
        res__fail(err, errlen, path, SIM_EFORMAT, "a posterior file with a missing or misshapen dataset");
        return SIM_EFORMAT;
    }
    return SIM_OK;
}

/* Resample-move's population holds copies of the particles it resampled, and the copies carry no
 * more information than one: its effective sample is that of the distinct particles, each with
 * the summed weight of its copies. */
static double distinct_ess(const struct res_posterior *p)
{
    double s2 = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        const double *x = p->particles + i * p->d;
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = memcmp(x, p->particles + j * p->d, p->d * sizeof *x) != 0;
        if (!first)
            continue;
        double w = 0.0;
        for (size_t j = i; j < p->n; j++)
            w += memcmp(x, p->particles + j * p->d, p->d * sizeof *x) == 0 ? p->weights[j] : 0.0;
        s2 += w * w;
    }
    return s2 > 0.0 ? 1.0 / s2 : 0.0;
}

double res_posterior_ess(const struct res_posterior *p)
{
    if (p->ngen == 0)
        return 0.0;
    return p->sampler != NULL && strcmp(p->sampler, "resample-move") == 0 ? distinct_ess(p)
                                                                          : p->ess[p->ngen - 1];
}

bool res_posterior_thin(const struct res_posterior *p)
{
    return res_posterior_ess(p) < 5.0 * (double)p->d;
}

void res_posterior_free(struct res_posterior *p)
{
    res__h5_free_strs(p->names, p->d);
    res__h5_free_strs(p->paths, p->d);
    res__h5_free_strs(p->priors, p->d);
    res__h5_free_strs(p->point_target, p->npoints);
    res__h5_free_strs(p->point_period, p->npoints);
    free(p->prior_q05), free(p->prior_q95), free(p->pred_particles);
    double *arrays[] = {p->prior_lo, p->prior_hi, p->particles, p->weights,  p->tolerance, p->acceptance,
                        p->ess,      p->observed, p->pred_mean, p->pred_q05, p->pred_q50,  p->pred_q95};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        free(arrays[i]);
    free(p->run_seeds);
    free(p->calibration_path);
    free(p->calibration_text);
    free(p->scenario_text);
    free(p->program_version);
    free(p->sampler);
    memset(p, 0, sizeof *p);
}
