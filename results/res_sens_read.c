/* res_sens_read.c: reads sensitivity files back (see res_sens.h), with the helpers of
 * res_posterior_read.c. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "res_sens.h"

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
    hsize_t dims[3] = {0, 0, 0};
    if (shape(f, name, rank, dims) < 0)
        return NULL;
    size_t got = rank == 0 ? 1 : (size_t)dims[0];
    for (int k = 1; k < rank; k++)
        got *= (size_t)dims[k];
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

static bool is_sens(hid_t f)
{
    char *kind = NULL;
    bool yes = read_attr_str(f, "dispsim_kind", &kind) && strcmp(kind, "sensitivity") == 0;
    free(kind);
    return yes;
}

bool res_sens_is(const char *path)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0)
        return false;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    bool yes = f >= 0 && is_sens(f);
    if (f >= 0)
        H5Fclose(f);
    return yes;
}

static double *reals(hid_t f, const char *name, size_t n, int rank)
{
    return read_n(f, name, H5T_NATIVE_DOUBLE, sizeof(double), n, rank);
}

static bool read_methods(hid_t f, struct res_sens *p)
{
    size_t n = p->nout, d = p->d;
    uint64_t v = 0;
    bool ok = true;
    if (H5Lexists(f, "sobol", H5P_DEFAULT) > 0) {
        hid_t g = H5Gopen2(f, "sobol", H5P_DEFAULT);
        ok = g >= 0 && read_attr_u64(g, "base_samples", &v);
        p->sobol_n = (size_t)v;
        ok = ok && read_attr_u64(g, "bootstrap", &v);
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
        ok = g >= 0 && read_attr_u64(g, "trajectories", &v);
        p->morris_r = (size_t)v;
        ok = ok && read_attr_u64(g, "levels", &v);
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
    p->names = read_strs(f, "parameters/name", d, 1);
    p->paths = read_strs(f, "parameters/path", d, 1);
    p->scales = read_strs(f, "parameters/scale", d, 1);
    p->lo = reals(f, "parameters/min", d, 1);
    p->hi = reals(f, "parameters/max", d, 1);
    p->out_label = read_strs(f, "outputs/label", n, 1);
    p->out_metric = read_strs(f, "outputs/metric", n, 1);
    p->out_variant = read_strs(f, "outputs/variant", n, 1);
    p->out_mode = read_strs(f, "outputs/mode", n, 1);
    p->out_units = read_strs(f, "outputs/units", n, 1);
    p->theta = reals(f, "design/theta", p->npoints * d, 2);
    p->metrics = reals(f, "design/metrics", p->npoints * n, 2);
    p->sens_text = read_text(f, "provenance/sensitivity_text");
    p->study_text = read_text(f, "provenance/study_text");
    return p->names && p->paths && p->scales && p->lo && p->hi && p->out_label && p->out_metric &&
           p->out_variant && p->out_mode && p->out_units && p->theta && p->metrics && p->sens_text &&
           p->study_text && read_methods(f, p);
}

sim_status res_sens_read(const char *path, struct res_sens *out, char *err, size_t errlen)
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
    if (f < 0 || !is_sens(f)) {
        if (f >= 0)
            H5Fclose(f);
        snprintf(err, errlen, "%s: not a dispsim sensitivity file", path);
        return SIM_EFORMAT;
    }
    hsize_t td[2] = {0, 0}, od[1] = {0};
    uint64_t reps = 0;
    bool ok = shape(f, "design/theta", 2, td) == 0 && shape(f, "outputs/label", 1, od) == 0 &&
              read_attr_u64(f, "master_seed", &out->seed) && read_attr_u64(f, "replications", &reps) &&
              read_attr_str(f, "program_version", &out->program_version) &&
              read_attr_str(f, "sensitivity_path", &out->sens_path);
    out->npoints = (size_t)td[0];
    out->d = (size_t)td[1];
    out->nout = (size_t)od[0];
    out->reps = (unsigned)reps;
    ok = ok && read_arrays(f, out);
    H5Fclose(f);
    if (!ok) {
        res_sens_free(out);
        snprintf(err, errlen, "%s: a dataset of the sensitivity file is missing or misshapen", path);
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

void res_sens_free(struct res_sens *p)
{
    char **strs[] = {p->names, p->paths, p->scales};
    for (size_t i = 0; i < 3; i++)
        free_strs(strs[i], p->d);
    char **outs[] = {p->out_label, p->out_metric, p->out_variant, p->out_mode, p->out_units};
    for (size_t i = 0; i < 5; i++)
        free_strs(outs[i], p->nout);
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
