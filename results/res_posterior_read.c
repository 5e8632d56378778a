/* res_posterior_read.c: reads posterior files back (see res_posterior.h). */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "res_posterior.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

/* The number of elements of dataset `name` along each of its `rank` dims, or -1 if absent or of
 * another rank. */
static int shape(hid_t f, const char *name, int rank, hsize_t *dims)
{
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT), sp = ds < 0 ? -1 : H5Dget_space(ds);
    int rc = sp >= 0 && H5Sget_simple_extent_ndims(sp) == rank ? 0 : -1;
    if (rc == 0 && rank > 0)
        H5Sget_simple_extent_dims(sp, dims, NULL);
    if (sp >= 0)
        H5Sclose(sp);
    if (ds >= 0)
        H5Dclose(ds);
    return rc;
}

/* Reads dataset `name` (n elements expected, of memory type `mtype` and size `size`) into a new
 * array. NULL if it is missing, of another size, or memory runs out. */
static void *read_n(hid_t f, const char *name, hid_t mtype, size_t size, size_t n, int rank)
{
    hsize_t dims[2] = {0, 0};
    if (shape(f, name, rank, dims) < 0)
        return NULL;
    size_t got = rank == 0 ? 1 : rank == 1 ? dims[0] : dims[0] * dims[1];
    if (got != n)
        return NULL;
    void *out = calloc(n + 1, size);
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    if (out != NULL && ds >= 0 && (n == 0 || H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0)) {
        H5Dclose(ds);
        return out;
    }
    if (ds >= 0)
        H5Dclose(ds);
    free(out);
    return NULL;
}

static hid_t str_type(void)
{
    hid_t ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, H5T_VARIABLE);
    H5Tset_cset(ty, H5T_CSET_UTF8);
    return ty;
}

/* Reads n strings of dataset `name` (rank 1, or a scalar with rank 0) into malloc'd copies. */
static char **read_strs(hid_t f, const char *name, size_t n, int rank)
{
    hid_t ty = str_type();
    char **raw = read_n(f, name, ty, sizeof(char *), n, rank);
    char **out = raw == NULL ? NULL : calloc(n + 1, sizeof *out);
    bool ok = out != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = (out[i] = strdup(raw[i] != NULL ? raw[i] : "")) != NULL;
    if (raw != NULL) {
        hsize_t dims[1] = {n};
        hid_t sp = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, NULL);
        H5Dvlen_reclaim(ty, sp, H5P_DEFAULT, raw);
        H5Sclose(sp);
        free(raw);
    }
    H5Tclose(ty);
    if (!ok && out != NULL) {
        for (size_t i = 0; i < n; i++)
            free(out[i]);
        free(out);
        out = NULL;
    }
    return out;
}

static char *read_text(hid_t f, const char *name)
{
    char **s = read_strs(f, name, 1, 0);
    char *t = s != NULL ? s[0] : NULL;
    free(s);
    return t;
}

static bool read_attr_str(hid_t f, const char *name, char **out)
{
    if (H5Aexists(f, name) <= 0)
        return false;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT), ty = str_type();
    char *s = NULL;
    bool ok = a >= 0 && H5Aread(a, ty, &s) >= 0 && s != NULL;
    if (ok)
        *out = strdup(s);
    if (s != NULL) {
        hid_t sp = H5Screate(H5S_SCALAR);
        H5Dvlen_reclaim(ty, sp, H5P_DEFAULT, &s);
        H5Sclose(sp);
    }
    H5Tclose(ty);
    if (a >= 0)
        H5Aclose(a);
    return ok && *out != NULL;
}

static bool read_attr_u64(hid_t f, const char *name, uint64_t *out)
{
    if (H5Aexists(f, name) <= 0)
        return false;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    bool ok = a >= 0 && H5Aread(a, H5T_NATIVE_UINT64, out) >= 0;
    if (a >= 0)
        H5Aclose(a);
    return ok;
}

static bool is_posterior(hid_t f)
{
    char *kind = NULL;
    bool yes = read_attr_str(f, "dispsim_kind", &kind) && strcmp(kind, "posterior") == 0;
    free(kind);
    return yes;
}

bool res_posterior_is(const char *path)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0)
        return false;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    bool yes = f >= 0 && is_posterior(f);
    if (f >= 0)
        H5Fclose(f);
    return yes;
}

/* Every array of the file, once the sizes are known. False if any is missing or misshapen. */
static bool read_arrays(hid_t f, struct res_posterior *p)
{
    size_t d = p->d, n = p->n, g = p->ngen, k = p->npoints;
    hid_t dbl = H5T_NATIVE_DOUBLE;
    p->names = read_strs(f, "parameters/name", d, 1);
    p->paths = read_strs(f, "parameters/path", d, 1);
    p->priors = read_strs(f, "parameters/prior", d, 1);
    p->prior_lo = read_n(f, "parameters/prior_min", dbl, sizeof(double), d, 1);
    p->prior_hi = read_n(f, "parameters/prior_max", dbl, sizeof(double), d, 1);
    p->particles = read_n(f, "posterior/particles", dbl, sizeof(double), n * d, 2);
    p->weights = read_n(f, "posterior/weights", dbl, sizeof(double), n, 1);
    p->run_seeds = read_n(f, "posterior/run_seeds", H5T_NATIVE_UINT64, sizeof(uint64_t), n * p->reps, 2);
    p->tolerance = read_n(f, "generations/tolerance", dbl, sizeof(double), g, 1);
    p->acceptance = read_n(f, "generations/acceptance", dbl, sizeof(double), g, 1);
    p->ess = read_n(f, "generations/ess", dbl, sizeof(double), g, 1);
    p->point_target = read_strs(f, "predictive/target", k, 1);
    p->point_period = read_strs(f, "predictive/period", k, 1);
    p->observed = read_n(f, "predictive/observed", dbl, sizeof(double), k, 1);
    p->pred_mean = read_n(f, "predictive/mean", dbl, sizeof(double), k, 1);
    p->pred_q05 = read_n(f, "predictive/q05", dbl, sizeof(double), k, 1);
    p->pred_q50 = read_n(f, "predictive/q50", dbl, sizeof(double), k, 1);
    p->pred_q95 = read_n(f, "predictive/q95", dbl, sizeof(double), k, 1);
    p->calibration_text = read_text(f, "provenance/calibration_text");
    p->scenario_text = read_text(f, "provenance/scenario_text");
    return p->names && p->paths && p->priors && p->prior_lo && p->prior_hi && p->particles && p->weights &&
           p->run_seeds && p->tolerance && p->acceptance && p->ess && p->point_target && p->point_period &&
           p->observed && p->pred_mean && p->pred_q05 && p->pred_q50 && p->pred_q95 && p->calibration_text &&
           p->scenario_text;
}

sim_status res_posterior_read(const char *path, struct res_posterior *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FILE *probe = fopen(path, "rb");
    if (probe == NULL) {
        snprintf(err, errlen, "%s: no such file", path);
        return SIM_ENOENT;
    }
    fclose(probe);
    hid_t f = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    if (f < 0 || !is_posterior(f)) {
        if (f >= 0)
            H5Fclose(f);
        snprintf(err, errlen, "%s: not a dispsim posterior file", path);
        return SIM_EFORMAT;
    }
    hsize_t pd[2] = {0, 0}, gd[1] = {0}, kd[1] = {0}, sd[2] = {0, 0};
    uint64_t reps = 0;
    bool ok = shape(f, "posterior/particles", 2, pd) == 0 && shape(f, "generations/tolerance", 1, gd) == 0 &&
              shape(f, "predictive/observed", 1, kd) == 0 && shape(f, "posterior/run_seeds", 2, sd) == 0 &&
              read_attr_u64(f, "master_seed", &out->master_seed) && read_attr_u64(f, "replications", &reps) &&
              read_attr_str(f, "program_version", &out->program_version) &&
              read_attr_str(f, "calibration_path", &out->calibration_path);
    out->n = (size_t)pd[0];
    out->d = (size_t)pd[1];
    out->ngen = (size_t)gd[0];
    out->npoints = (size_t)kd[0];
    out->reps = (unsigned)reps;
    ok = ok && read_arrays(f, out);
    H5Fclose(f);
    if (!ok) {
        res_posterior_free(out);
        snprintf(err, errlen, "%s: a posterior file with a missing or misshapen dataset", path);
        return SIM_EFORMAT;
    }
    return SIM_OK;
}

static void free_strs(char **s, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++)
        free(s[i]);
    free(s);
}

void res_posterior_free(struct res_posterior *p)
{
    free_strs(p->names, p->d);
    free_strs(p->paths, p->d);
    free_strs(p->priors, p->d);
    free_strs(p->point_target, p->npoints);
    free_strs(p->point_period, p->npoints);
    double *arrays[] = {p->prior_lo, p->prior_hi, p->particles, p->weights,  p->tolerance, p->acceptance,
                        p->ess,      p->observed, p->pred_mean, p->pred_q05, p->pred_q50,  p->pred_q95};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        free(arrays[i]);
    free(p->run_seeds);
    free(p->calibration_path);
    free(p->calibration_text);
    free(p->scenario_text);
    free(p->program_version);
    memset(p, 0, sizeof *p);
}
