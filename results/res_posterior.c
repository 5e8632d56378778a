/* res_posterior.c: writes and reads posterior files (layout: results/README.md, "Posterior files").
 *
 * HDF5 builds the file in memory (the core driver) and writes it out once when closed, to
 * "<path>.tmp.<pid>", which is renamed over `path` only after it closed cleanly. Timestamps are off
 * and the format is pinned to HDF5 1.8, so identical posteriors give identical bytes. */
#define _POSIX_C_SOURCE 200809L /* getpid */
#include "res_posterior.h"

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

/* A dataset `name` in `g` of `rank` (0..2) dims, memory type mtype stored as ftype, with its
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

static int write_params(hid_t f, const struct res_posterior *p)
{
    hid_t g = group(f, "parameters");
    int rc = g < 0 || strings(g, "name", p->d, p->names, "parameter", "label of each parameter") < 0 ||
                     strings(g, "path", p->d, p->paths, "parameter", "scenario field path") < 0 ||
                     strings(g, "prior", p->d, p->priors, "parameter", "prior distribution") < 0 ||
                     reals(g, "prior_min", p->d, 0, p->prior_lo, NULL, "parameter",
                           "lower end of the prior support (normal: mean - 4 sd)") < 0 ||
                     reals(g, "prior_max", p->d, 0, p->prior_hi, NULL, "parameter",
                           "upper end of the prior support (normal: mean + 4 sd)") < 0
                 ? -1
                 : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_population(hid_t f, const struct res_posterior *p)
{
    hid_t g = group(f, "posterior");
    hsize_t sd[2] = {p->n, p->reps};
    int rc = g < 0 ||
                     reals(g, "particles", p->n, p->d, p->particles, NULL, "particle,parameter",
                           "final generation's particles (parameter values)") < 0 ||
                     reals(g, "weights", p->n, 0, p->weights, "1", "particle",
                           "normalised importance weights (sum 1)") < 0 ||
                     dset(g, "run_seeds", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2, sd, p->run_seeds, NULL,
                          "particle,replication", "seed of each replication of the final generation") < 0
                 ? -1
                 : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_gens(hid_t f, const struct res_posterior *p)
{
    hid_t g = group(f, "generations");
    int rc = g < 0 ||
                     reals(g, "tolerance", p->ngen, 0, p->tolerance, "1", "generation",
                           "ABC tolerance of each generation (distance units)") < 0 ||
                     reals(g, "acceptance", p->ngen, 0, p->acceptance, "1", "generation",
                           "share of the generation's simulations within its tolerance") < 0 ||
                     reals(g, "ess", p->ngen, 0, p->ess, "particles", "generation",
                           "effective sample size 1 / sum(w^2)") < 0
                 ? -1
                 : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_predictive(hid_t f, const struct res_posterior *p)
{
    hid_t g = group(f, "predictive");
    size_t n = p->npoints;
    int rc =
        g < 0 || strings(g, "target", n, p->point_target, "point", "target of each observed point") < 0 ||
                strings(g, "period", n, p->point_period, "point", "period as in the observed file") < 0 ||
                reals(g, "observed", n, 0, p->observed, NULL, "point", "observed value") < 0 ||
                reals(g, "mean", n, 0, p->pred_mean, NULL, "point",
                      "posterior predictive: weighted mean over particles of the replications' mean") < 0 ||
                reals(g, "q05", n, 0, p->pred_q05, NULL, "point", "posterior predictive 5% quantile") < 0 ||
                reals(g, "q50", n, 0, p->pred_q50, NULL, "point", "posterior predictive median") < 0 ||
                reals(g, "q95", n, 0, p->pred_q95, NULL, "point", "posterior predictive 95% quantile") < 0
            ? -1
            : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_all(hid_t f, const struct res_posterior *p)
{
    hid_t g = -1;
    int rc = attr_str(f, "dispsim_kind", "posterior") < 0 || attr_u64(f, "schema_version", SCHEMA) < 0 ||
                     attr_str(f, "program_version", p->program_version) < 0 ||
                     attr_str(f, "calibration_path", p->calibration_path) < 0 ||
                     attr_u64(f, "master_seed", p->master_seed) < 0 ||
                     attr_u64(f, "replications", p->reps) < 0 || write_params(f, p) < 0 ||
                     write_population(f, p) < 0 || write_gens(f, p) < 0 || write_predictive(f, p) < 0 ||
                     (g = group(f, "provenance")) < 0 ||
                     text(g, "calibration_text", p->calibration_text, "the calibration file") < 0 ||
                     text(g, "scenario_text", p->scenario_text, "the calibrated scenario file") < 0
                 ? -1
                 : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

sim_status res_posterior_write(const char *path, const struct res_posterior *p, char *err, size_t errlen)
{
    if (path == NULL || p == NULL || p->d == 0 || p->n == 0 || p->reps == 0)
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
