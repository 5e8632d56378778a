/* res_sens.c: writes sensitivity files (layout: results/README.md, "Sensitivity files"), with
 * res__h5_write_file (res_h5.h): no timestamps, the HDF5 1.8 format, a temporary name renamed into
 * place, so identical analyses give identical bytes. */
#include "res_sens.h"

#include "res_h5.h"

enum { SCHEMA = 1 };

static int write_params(hid_t f, const struct res_sens *p)
{
    hid_t g = res__h5_group(f, "parameters");
    int rc =
        g < 0 || res__h5_strings(g, "name", p->d, p->names, "parameter", "label of each parameter") < 0 ||
                res__h5_strings(g, "path", p->d, p->paths, "parameter",
                                "scenario field path; empty for a dummy (sampled, never applied)") < 0 ||
                res__h5_strings(g, "scale", p->d, p->scales, "parameter",
                                "linear or log sampling of the range") < 0 ||
                res__h5_reals(g, "min", p->d, 0, p->lo, NULL, "parameter", "lower end of the range") < 0 ||
                res__h5_reals(g, "max", p->d, 0, p->hi, NULL, "parameter", "upper end of the range") < 0
            ? -1
            : 0;
    return res__h5_close_group(g, rc);
}

static int write_outputs(hid_t f, const struct res_sens *p)
{
    hid_t g = res__h5_group(f, "outputs");
    size_t n = p->nout;
    int rc = g < 0 ||
                     res__h5_strings(g, "label", n, p->out_label, "output",
                                     "metric[variant] or metric[variant,mode]") < 0 ||
                     res__h5_strings(g, "metric", n, p->out_metric, "output",
                                     "study metric (analysis/ana_study.h)") < 0 ||
                     res__h5_strings(g, "variant", n, p->out_variant, "output",
                                     "variant compared with the baseline") < 0 ||
                     res__h5_strings(g, "mode", n, p->out_mode, "output",
                                     "entry mode of arrivals_change; empty otherwise") < 0 ||
                     res__h5_strings(g, "units", n, p->out_units, "output", "units of the metric") < 0
                 ? -1
                 : 0;
    return res__h5_close_group(g, rc);
}

static int write_sobol(hid_t f, const struct res_sens *p)
{
    if (p->sobol_n == 0)
        return 0;
    hid_t g = res__h5_group(f, "sobol");
    size_t n = p->nout, d = p->d;
    int rc =
        g < 0 || res__h5_attr_u64(g, "base_samples", p->sobol_n) < 0 ||
                res__h5_attr_u64(g, "bootstrap", p->bootstrap) < 0 ||
                res__h5_reals(g, "level", 1, 0, &p->level, "1", "one",
                              "level of the bootstrap percentile intervals") < 0 ||
                res__h5_reals3(g, "S1", n, d, 3, p->s1, "1", "output,parameter,stat",
                               "first-order Sobol index (Jansen), stat = estimate, interval low, high") < 0 ||
                res__h5_reals3(g, "ST", n, d, 3, p->st, "1", "output,parameter,stat",
                               "total-order Sobol index (Jansen), stat = estimate, interval low, high") < 0 ||
                res__h5_reals(
                    g, "undefined_points", n, 0, p->sobol_undefined, "points", "output",
                    "design points where the metric is undefined (NaN); indices are NaN when any is") < 0
            ? -1
            : 0;
    return res__h5_close_group(g, rc);
}

static int write_morris(hid_t f, const struct res_sens *p)
{
    if (p->morris_r == 0)
        return 0;
    hid_t g = res__h5_group(f, "morris");
    size_t n = p->nout, d = p->d;
    int rc = g < 0 || res__h5_attr_u64(g, "trajectories", p->morris_r) < 0 ||
                     res__h5_attr_u64(g, "levels", p->morris_levels) < 0 ||
                     res__h5_reals(g, "mu", n, d, p->mu, "output units", "output,parameter",
                                   "mean elementary effect, per move over the parameter's whole range") < 0 ||
                     res__h5_reals(
                         g, "mu_star", n, d, p->mu_star, "output units", "output,parameter",
                         "mean absolute elementary effect (Campolongo et al. 2007), per whole range") < 0 ||
                     res__h5_reals(g, "sigma", n, d, p->sigma, "output units", "output,parameter",
                                   "standard deviation of the elementary effects, per whole range") < 0 ||
                     res__h5_reals(g, "undefined_points", n, 0, p->morris_undefined, "points", "output",
                                   "trajectory points where the metric is undefined (NaN)") < 0
                 ? -1
                 : 0;
    return res__h5_close_group(g, rc);
}

static int write_design(hid_t f, const struct res_sens *p)
{
    hid_t g = res__h5_group(f, "design");
    int rc =
        g < 0 || res__h5_attr_u64(g, "sobol_points", p->sobol_n * (p->d + 2)) < 0 ||
                res__h5_attr_u64(g, "morris_points", p->morris_r * (p->d + 1)) < 0 ||
                res__h5_reals(
                    g, "theta", p->npoints, p->d, p->theta, NULL, "point,parameter",
                    "parameter values of each point: the Saltelli design (A, B, AB_i) first, then the "
                    "Morris trajectories") < 0 ||
                res__h5_reals(
                    g, "metrics", p->npoints, p->nout, p->metrics, NULL, "point,output",
                    "each output at each point: the paired study metric over the point's replications") < 0
            ? -1
            : 0;
    return res__h5_close_group(g, rc);
}

static int write_all(hid_t f, const void *ctx)
{
    const struct res_sens *p = ctx;
    const struct res__h5_root root = {
        "sensitivity", SCHEMA, p->program_version, "sensitivity_path", p->sens_path, p->seed, p->reps};
    return res__h5_root_write(f, &root) < 0 || write_params(f, p) < 0 || write_outputs(f, p) < 0 ||
                   write_sobol(f, p) < 0 || write_morris(f, p) < 0 || write_design(f, p) < 0 ||
                   res__h5_provenance(f, "sensitivity_text", p->sens_text, "the sensitivity file",
                                      "study_text", p->study_text, "the study scenario file") < 0
               ? -1
               : 0;
}

sim_status res_sens_write(const char *path, const struct res_sens *p, char *err, size_t errlen)
{
    if (path == NULL || p == NULL || p->d == 0 || p->nout == 0 || p->reps == 0 || p->npoints == 0)
        return res__fail(err, errlen, path != NULL ? path : "(null)", SIM_EINVAL, "invalid argument");
    return res__h5_write_file(path, write_all, p, err, errlen);
}
