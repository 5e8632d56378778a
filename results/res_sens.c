/* res_sens.c: writes sensitivity files (layout: results/README.md, "Sensitivity files"), as
 * res_posterior.c writes posterior files: the core driver, no timestamps, HDF5 1.8 format, a
 * temporary name renamed into place, so identical analyses give identical bytes. */
#define _POSIX_C_SOURCE 200809L /* getpid */
#include "res_sens.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

enum { SCHEMA = 1 };

static sim_status fail(char *err, size_t errlen, const char *path, sim_status st, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return st;
    int n = snprintf(err, errlen, "%s: ", path);
    if (n >= 0 && (size_t)n < errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return st;
}

static hid_t str_type(void)
{
    hid_t ty = H5Tcopy(H5T_C_S1);
    if (ty >= 0 && (H5Tset_size(ty, H5T_VARIABLE) < 0 || H5Tset_cset(ty, H5T_CSET_UTF8) < 0)) {
        H5Tclose(ty);
        return -1;
    }
    return ty;
}

/* Object creation properties without timestamps (groups and datasets alike). */
static hid_t no_times(hid_t cls)
{
    hid_t pl = H5Pcreate(cls);
    if (pl >= 0 && H5Pset_obj_track_times(pl, 0) < 0) {
        H5Pclose(pl);
        return -1;
    }
    return pl;
}

static int attr_str(hid_t obj, const char *name, const char *value)
{
    const char *s = value != NULL ? value : "";
    hid_t ty = str_type(), sp = H5Screate(H5S_SCALAR), a = -1;
    int rc = -1;
    if (ty >= 0 && sp >= 0 && (a = H5Acreate2(obj, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0)
        rc = H5Awrite(a, ty, &s) < 0 ? -1 : 0;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    if (ty >= 0)
        H5Tclose(ty);
    return rc;
}

static int attr_u64(hid_t obj, const char *name, uint64_t v)
{
    hid_t sp = H5Screate(H5S_SCALAR), a = -1;
    int rc = -1;
    if (sp >= 0 && (a = H5Acreate2(obj, name, H5T_STD_U64LE, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0)
        rc = H5Awrite(a, H5T_NATIVE_UINT64, &v) < 0 ? -1 : 0;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    return rc;
}

/* A dataset `name` in `g` of `rank` (0..3) dims, memory type mtype stored as ftype, with its
 * units, description and dimension names ("particle,parameter") as attributes. */
static int dset(hid_t g, const char *name, hid_t ftype, hid_t mtype, int rank, const hsize_t *dims,
                const void *data, const char *units, const char *dimnames, const char *desc)
{
    hid_t dcpl = no_times(H5P_DATASET_CREATE),
          sp = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
    hid_t ds = -1;
    int rc = -1;
    bool empty = false;
    for (int k = 0; k < rank; k++)
        empty |= dims[k] == 0;
    if (dcpl >= 0 && sp >= 0 && (ds = H5Dcreate2(g, name, ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT)) >= 0)
        rc = (empty || H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0) &&
                     (units == NULL || attr_str(ds, "units", units) == 0) &&
                     attr_str(ds, "description", desc) == 0 &&
                     (dimnames == NULL || attr_str(ds, "dimensions", dimnames) == 0)
                 ? 0
                 : -1;
    if (ds >= 0)
        H5Dclose(ds);
    if (sp >= 0)
        H5Sclose(sp);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    return rc;
}

static int reals(hid_t g, const char *name, size_t n0, size_t n1, const double *x, const char *units,
                 const char *dimnames, const char *desc)
{
    hsize_t dims[2] = {n0, n1};
    return dset(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n1 > 0 ? 2 : 1, dims, x, units, dimnames, desc);
}

static int strings(hid_t g, const char *name, size_t n, char *const *s, const char *dimnames,
                   const char *desc)
{
    hid_t ty = str_type();
    hsize_t dims[1] = {n};
    int rc =
        ty < 0 ? -1 : dset(g, name, ty, ty, n > 0 || dimnames != NULL ? 1 : 0, dims, s, NULL, dimnames, desc);
    if (ty >= 0)
        H5Tclose(ty);
    return rc;
}

static int text(hid_t g, const char *name, const char *s, const char *desc)
{
    const char *v = s != NULL ? s : "";
    hid_t ty = str_type();
    int rc = ty < 0 ? -1 : dset(g, name, ty, ty, 0, NULL, &v, NULL, NULL, desc);
    if (ty >= 0)
        H5Tclose(ty);
    return rc;
}

static hid_t group(hid_t f, const char *name)
{
    hid_t gcpl = no_times(H5P_GROUP_CREATE);
    hid_t g = gcpl < 0 ? -1 : H5Gcreate2(f, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    return g;
}

static int reals3(hid_t g, const char *name, size_t n0, size_t n1, size_t n2, const double *x,
                  const char *units, const char *dimnames, const char *desc)
{
    hsize_t dims[3] = {n0, n1, n2};
    return dset(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, dims, x, units, dimnames, desc);
}

static int close_group(hid_t g, int rc)
{
    if (g >= 0)
        H5Gclose(g);
    return g < 0 ? -1 : rc;
}

static int write_params(hid_t f, const struct res_sens *p)
{
    hid_t g = group(f, "parameters");
    int rc = g < 0 || strings(g, "name", p->d, p->names, "parameter", "label of each parameter") < 0 ||
                     strings(g, "path", p->d, p->paths, "parameter",
                             "scenario field path; empty for a dummy (sampled, never applied)") < 0 ||
                     strings(g, "scale", p->d, p->scales, "parameter",
                             "linear or log sampling of the range") < 0 ||
                     reals(g, "min", p->d, 0, p->lo, NULL, "parameter", "lower end of the range") < 0 ||
                     reals(g, "max", p->d, 0, p->hi, NULL, "parameter", "upper end of the range") < 0
                 ? -1
                 : 0;
    return close_group(g, rc);
}

static int write_outputs(hid_t f, const struct res_sens *p)
{
    hid_t g = group(f, "outputs");
    size_t n = p->nout;
    int rc =
        g < 0 ||
                strings(g, "label", n, p->out_label, "output", "metric[variant] or metric[variant,mode]") <
                    0 ||
                strings(g, "metric", n, p->out_metric, "output", "study metric (analysis/ana_study.h)") < 0 ||
                strings(g, "variant", n, p->out_variant, "output", "variant compared with the baseline") <
                    0 ||
                strings(g, "mode", n, p->out_mode, "output",
                        "entry mode of arrivals_change; empty otherwise") < 0 ||
                strings(g, "units", n, p->out_units, "output", "units of the metric") < 0
            ? -1
            : 0;
    return close_group(g, rc);
}

static int write_sobol(hid_t f, const struct res_sens *p)
{
    if (p->sobol_n == 0)
        return 0;
    hid_t g = group(f, "sobol");
    size_t n = p->nout, d = p->d;
    int rc =
        g < 0 || attr_u64(g, "base_samples", p->sobol_n) < 0 || attr_u64(g, "bootstrap", p->bootstrap) < 0 ||
                reals(g, "level", 1, 0, &p->level, "1", "one",
                      "level of the bootstrap percentile intervals") < 0 ||
                reals3(g, "S1", n, d, 3, p->s1, "1", "output,parameter,stat",
                       "first-order Sobol index (Jansen), stat = estimate, interval low, high") < 0 ||
                reals3(g, "ST", n, d, 3, p->st, "1", "output,parameter,stat",
                       "total-order Sobol index (Jansen), stat = estimate, interval low, high") < 0 ||
                reals(g, "undefined_points", n, 0, p->sobol_undefined, "points", "output",
                      "design points where the metric is undefined (NaN); indices are NaN when any is") < 0
            ? -1
            : 0;
    return close_group(g, rc);
}

static int write_morris(hid_t f, const struct res_sens *p)
{
    if (p->morris_r == 0)
        return 0;
    hid_t g = group(f, "morris");
    size_t n = p->nout, d = p->d;
    int rc = g < 0 || attr_u64(g, "trajectories", p->morris_r) < 0 ||
                     attr_u64(g, "levels", p->morris_levels) < 0 ||
                     reals(g, "mu", n, d, p->mu, "output units", "output,parameter",
                           "mean elementary effect, per move over the parameter's whole range") < 0 ||
                     reals(g, "mu_star", n, d, p->mu_star, "output units", "output,parameter",
                           "mean absolute elementary effect (Campolongo et al. 2007), per whole range") < 0 ||
                     reals(g, "sigma", n, d, p->sigma, "output units", "output,parameter",
                           "standard deviation of the elementary effects, per whole range") < 0 ||
                     reals(g, "undefined_points", n, 0, p->morris_undefined, "points", "output",
                           "trajectory points where the metric is undefined (NaN)") < 0
                 ? -1
                 : 0;
    return close_group(g, rc);
}

static int write_design(hid_t f, const struct res_sens *p)
{
    hid_t g = group(f, "design");
    int rc =
        g < 0 || attr_u64(g, "sobol_points", p->sobol_n * (p->d + 2)) < 0 ||
                attr_u64(g, "morris_points", p->morris_r * (p->d + 1)) < 0 ||
                reals(g, "theta", p->npoints, p->d, p->theta, NULL, "point,parameter",
                      "parameter values of each point: the Saltelli design (A, B, AB_i) first, then the "
                      "Morris trajectories") < 0 ||
                reals(g, "metrics", p->npoints, p->nout, p->metrics, NULL, "point,output",
                      "each output at each point: the paired study metric over the point's replications") < 0
            ? -1
            : 0;
    return close_group(g, rc);
}

static int write_all(hid_t f, const struct res_sens *p)
{
    hid_t g = -1;
    int rc = attr_str(f, "dispsim_kind", "sensitivity") < 0 || attr_u64(f, "schema_version", SCHEMA) < 0 ||
                     attr_str(f, "program_version", p->program_version) < 0 ||
                     attr_str(f, "sensitivity_path", p->sens_path) < 0 ||
                     attr_u64(f, "master_seed", p->seed) < 0 || attr_u64(f, "replications", p->reps) < 0 ||
                     write_params(f, p) < 0 || write_outputs(f, p) < 0 || write_sobol(f, p) < 0 ||
                     write_morris(f, p) < 0 || write_design(f, p) < 0 || (g = group(f, "provenance")) < 0 ||
                     text(g, "sensitivity_text", p->sens_text, "the sensitivity file") < 0 ||
                     text(g, "study_text", p->study_text, "the study scenario file") < 0
                 ? -1
                 : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

sim_status res_sens_write(const char *path, const struct res_sens *p, char *err, size_t errlen)
{
    if (path == NULL || p == NULL || p->d == 0 || p->nout == 0 || p->reps == 0 || p->npoints == 0)
        return fail(err, errlen, path != NULL ? path : "(null)", SIM_EINVAL, "invalid argument");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    size_t tlen = strlen(path) + 32;
    char *tmp = malloc(tlen);
    if (tmp == NULL)
        return fail(err, errlen, path, SIM_ENOMEM, "out of memory");
    snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
    sim_status st = SIM_OK;
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS), f = -1;
    if (fcpl < 0 || fapl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0 ||
        H5Pset_fapl_core(fapl, 1 << 20, 1) < 0 ||
        H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0)
        st = fail(err, errlen, path, SIM_EIO, "cannot set HDF5 up");
    errno = 0;
    if (st == SIM_OK && (f = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl)) < 0)
        st =
            fail(err, errlen, path, SIM_ECREATE, "cannot create: %s", errno ? strerror(errno) : "HDF5 error");
    if (st == SIM_OK && write_all(f, p) < 0)
        st = fail(err, errlen, path, SIM_EIO, "write failed");
    if (f >= 0 && H5Fclose(f) < 0 && st == SIM_OK) /* the core driver writes the file here */
        st = fail(err, errlen, path, SIM_EIO, "write failed: %s", errno ? strerror(errno) : "HDF5 error");
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (st == SIM_OK && rename(tmp, path) < 0)
        st = fail(err, errlen, path, SIM_EIO, "cannot rename %s: %s", tmp, strerror(errno));
    if (st != SIM_OK)
        unlink(tmp);
    free(tmp);
    return st;
}
