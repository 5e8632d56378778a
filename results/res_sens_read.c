/* res_sens_read.c: reads sensitivity files back (see res_sens.h), with the helpers of res_h5.h. */
#include "res_sens.h"

#include <stdlib.h>
#include <string.h>

#include "res_h5.h"

bool res_sens_is(const char *path)
{
    return res__h5_is_kind(path, "sensitivity");
}

static double *reals(hid_t f, const char *name, size_t n, int rank)
{
    return res__h5_read_n(f, name, H5T_NATIVE_DOUBLE, sizeof(double), n, rank);
}

static bool read_methods(hid_t f, struct res_sens *p)
{
    size_t n = p->nout, d = p->d;
    uint64_t v = 0;
    bool ok = true;
    if (H5Lexists(f, "sobol", H5P_DEFAULT) > 0) {
        hid_t g = H5Gopen2(f, "sobol", H5P_DEFAULT);
        ok = g >= 0 && res__h5_read_attr_u64(g, "base_samples", &v);
        p->sobol_n = (size_t)v;
        ok = ok && res__h5_read_attr_u64(g, "bootstrap", &v);
        p->bootstrap = (unsigned)v;
        double *lv = reals(f, "sobol/level", 1, 1);
        p->level = lv != NULL ? lv[0] : 0.0;
        p->s1 = reals(f, "sobol/S1", n * d * 3, 3);
        p->st = reals(f, "sobol/ST", n * d * 3, 3);
        p->sobol_undefined = reals(f, "sobol/undefined_points", n, 1);
        ok = ok && lv != NULL && p->s1 && p->st && p->sobol_undefined;
        free(lv);
        if (g >= 0)
            H5Gclose(g);
    }
    if (ok && H5Lexists(f, "morris", H5P_DEFAULT) > 0) {
        hid_t g = H5Gopen2(f, "morris", H5P_DEFAULT);
        ok = g >= 0 && res__h5_read_attr_u64(g, "trajectories", &v);
        p->morris_r = (size_t)v;
        ok = ok && res__h5_read_attr_u64(g, "levels", &v);
        p->morris_levels = (unsigned)v;
        p->mu = reals(f, "morris/mu", n * d, 2);
        p->mu_star = reals(f, "morris/mu_star", n * d, 2);
        p->sigma = reals(f, "morris/sigma", n * d, 2);
        p->morris_undefined = reals(f, "morris/undefined_points", n, 1);
        ok = ok && p->mu && p->mu_star && p->sigma && p->morris_undefined;
        if (g >= 0)
            H5Gclose(g);
    }
    return ok;
}

static bool read_arrays(hid_t f, struct res_sens *p)
{
    size_t d = p->d, n = p->nout;
    p->names = res__h5_read_strs(f, "parameters/name", d, 1);
    p->paths = res__h5_read_strs(f, "parameters/path", d, 1);
    p->scales = res__h5_read_strs(f, "parameters/scale", d, 1);
    p->lo = reals(f, "parameters/min", d, 1);
    p->hi = reals(f, "parameters/max", d, 1);
    p->out_label = res__h5_read_strs(f, "outputs/label", n, 1);
    p->out_metric = res__h5_read_strs(f, "outputs/metric", n, 1);
    p->out_variant = res__h5_read_strs(f, "outputs/variant", n, 1);
    p->out_mode = res__h5_read_strs(f, "outputs/mode", n, 1);
    p->out_units = res__h5_read_strs(f, "outputs/units", n, 1);
    p->theta = reals(f, "design/theta", p->npoints * d, 2);
    p->metrics = reals(f, "design/metrics", p->npoints * n, 2);
    p->sens_text = res__h5_read_text(f, "provenance/sensitivity_text");
    p->study_text = res__h5_read_text(f, "provenance/study_text");
    return p->names && p->paths && p->scales && p->lo && p->hi && p->out_label && p->out_metric &&
           p->out_variant && p->out_mode && p->out_units && p->theta && p->metrics && p->sens_text &&
           p->study_text && read_methods(f, p);
}

sim_status res_sens_read(const char *path, struct res_sens *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    hid_t f = -1;
    sim_status st = res__h5_open_kind(path, "sensitivity", "sensitivity", &f, err, errlen);
    if (st != SIM_OK)
        return st;
    hsize_t td[2] = {0, 0}, od[1] = {0};
    uint64_t reps = 0;
    bool ok = res__h5_shape(f, "design/theta", 2, td) == 0 && res__h5_shape(f, "outputs/label", 1, od) == 0 &&
              res__h5_read_attr_u64(f, "master_seed", &out->seed) &&
              res__h5_read_attr_u64(f, "replications", &reps) &&
              res__h5_read_attr_str(f, "program_version", &out->program_version) &&
              res__h5_read_attr_str(f, "sensitivity_path", &out->sens_path);
    out->npoints = (size_t)td[0];
    out->d = (size_t)td[1];
    out->nout = (size_t)od[0];
    out->reps = (unsigned)reps;
    ok = ok && read_arrays(f, out);
    H5Fclose(f);
    if (!ok) {
        res_sens_free(out);
        res__fail(err, errlen, path, SIM_EFORMAT,
                  "a dataset of the sensitivity file is missing or misshapen");
        return SIM_EFORMAT;
    }
    return SIM_OK;
}

void res_sens_free(struct res_sens *p)
{
    char **strs[] = {p->names, p->paths, p->scales};
    for (size_t i = 0; i < 3; i++)
        res__h5_free_strs(strs[i], p->d);
    char **outs[] = {p->out_label, p->out_metric, p->out_variant, p->out_mode, p->out_units};
    for (size_t i = 0; i < 5; i++)
        res__h5_free_strs(outs[i], p->nout);
    double *arr[] = {p->lo,
                     p->hi,
                     p->s1,
                     p->st,
                     p->sobol_undefined,
                     p->mu,
                     p->mu_star,
                     p->sigma,
                     p->morris_undefined,
                     p->theta,
                     p->metrics};
    for (size_t i = 0; i < sizeof arr / sizeof *arr; i++)
        free(arr[i]);
    free(p->sens_path), free(p->sens_text), free(p->study_text), free(p->program_version);
    memset(p, 0, sizeof *p);
}
