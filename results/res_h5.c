/* res_h5.c: the HDF5 helpers of posterior and sensitivity files (see res_h5.h). */
#define _POSIX_C_SOURCE 200809L /* getpid, strdup */
#include "res_h5.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

sim_status res__fail(char *err, size_t errlen, const char *path, sim_status st, const char *fmt, ...)
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

hid_t res__h5_str_type(void)
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

hid_t res__h5_group(hid_t f, const char *name)
{
    hid_t gcpl = no_times(H5P_GROUP_CREATE);
    hid_t g = gcpl < 0 ? -1 : H5Gcreate2(f, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    return g;
}

int res__h5_close_group(hid_t g, int rc)
{
    if (g >= 0)
        H5Gclose(g);
    return g < 0 ? -1 : rc;
}

int res__h5_attr_str(hid_t obj, const char *name, const char *value)
{
    const char *s = value != NULL ? value : "";
    hid_t ty = res__h5_str_type(), sp = H5Screate(H5S_SCALAR), a = -1;
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

int res__h5_root_write(hid_t f, const struct res__h5_root *r)
{
    return res__h5_attr_str(f, "dispsim_kind", r->kind) < 0 ||
                   res__h5_attr_u64(f, "schema_version", r->schema) < 0 ||
                   res__h5_attr_str(f, "program_version", r->program_version) < 0 ||
                   res__h5_attr_str(f, r->path_attr, r->path) < 0 ||
                   res__h5_attr_u64(f, "master_seed", r->master_seed) < 0 ||
                   res__h5_attr_u64(f, "replications", r->replications) < 0
               ? -1
               : 0;
}

int res__h5_provenance(hid_t f, const char *input_name, const char *input, const char *input_desc,
                       const char *scenario_name, const char *scenario, const char *scenario_desc)
{
    hid_t g = res__h5_group(f, "provenance");
    int rc = g < 0 || res__h5_text(g, input_name, input, input_desc) < 0 ||
                     res__h5_text(g, scenario_name, scenario, scenario_desc) < 0
                 ? -1
                 : 0;
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

int res__h5_attr_u64(hid_t obj, const char *name, uint64_t v)
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

int res__h5_dset(hid_t g, const char *name, hid_t ftype, hid_t mtype, int rank, const hsize_t *dims,
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
                     (units == NULL || res__h5_attr_str(ds, "units", units) == 0) &&
                     res__h5_attr_str(ds, "description", desc) == 0 &&
                     (dimnames == NULL || res__h5_attr_str(ds, "dimensions", dimnames) == 0)
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

int res__h5_reals(hid_t g, const char *name, size_t n0, size_t n1, const double *x, const char *units,
                  const char *dimnames, const char *desc)
{
    hsize_t dims[2] = {n0, n1};
    return res__h5_dset(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n1 > 0 ? 2 : 1, dims, x, units, dimnames,
                        desc);
}

int res__h5_reals3(hid_t g, const char *name, size_t n0, size_t n1, size_t n2, const double *x,
                   const char *units, const char *dimnames, const char *desc)
{
    hsize_t dims[3] = {n0, n1, n2};
    return res__h5_dset(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, dims, x, units, dimnames, desc);
}

int res__h5_strings(hid_t g, const char *name, size_t n, char *const *s, const char *dimnames,
                    const char *desc)
{
    hid_t ty = res__h5_str_type();
    hsize_t dims[1] = {n};
    int rc = ty < 0 ? -1
                    : res__h5_dset(g, name, ty, ty, n > 0 || dimnames != NULL ? 1 : 0, dims, s, NULL,
                                   dimnames, desc);
    if (ty >= 0)
        H5Tclose(ty);
    return rc;
}

int res__h5_text(hid_t g, const char *name, const char *s, const char *desc)
{
    const char *v = s != NULL ? s : "";
    hid_t ty = res__h5_str_type();
    int rc = ty < 0 ? -1 : res__h5_dset(g, name, ty, ty, 0, NULL, &v, NULL, NULL, desc);
    if (ty >= 0)
        H5Tclose(ty);
    return rc;
}

sim_status res__h5_write_file(const char *path, res__h5_fill_fn fill, const void *ctx, char *err,
                              size_t errlen)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    size_t tlen = strlen(path) + 32;
    char *tmp = malloc(tlen);
    if (tmp == NULL)
        return res__fail(err, errlen, path, SIM_ENOMEM, "out of memory");
    snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
    sim_status st = SIM_OK;
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS), f = -1;
    if (fcpl < 0 || fapl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0 ||
        H5Pset_fapl_core(fapl, 1 << 20, 1) < 0 ||
        H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0)
        st = res__fail(err, errlen, path, SIM_EIO, "cannot set HDF5 up");
    errno = 0;
    if (st == SIM_OK && (f = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl)) < 0)
        st = res__fail(err, errlen, path, SIM_ECREATE, "cannot create: %s",
                       errno ? strerror(errno) : "HDF5 error");
    if (st == SIM_OK && fill(f, ctx) < 0)
        st = res__fail(err, errlen, path, SIM_EIO, "write failed");
    if (f >= 0 && H5Fclose(f) < 0 && st == SIM_OK) /* the core driver writes the file here */
        st =
            res__fail(err, errlen, path, SIM_EIO, "write failed: %s", errno ? strerror(errno) : "HDF5 error");
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (st == SIM_OK && rename(tmp, path) < 0)
        st = res__fail(err, errlen, path, SIM_EIO, "cannot rename %s: %s", tmp, strerror(errno));
    if (st != SIM_OK)
        unlink(tmp);
    free(tmp);
    return st;
}

int res__h5_shape(hid_t f, const char *name, int rank, hsize_t *dims)
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

void *res__h5_read_n(hid_t f, const char *name, hid_t mtype, size_t size, size_t n, int rank)
{
    hsize_t dims[3] = {0, 0, 0};
    if (rank > 3 || res__h5_shape(f, name, rank, dims) < 0)
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

void res__h5_free_strs(char **s, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++)
        free(s[i]);
    free(s);
}

char **res__h5_read_strs(hid_t f, const char *name, size_t n, int rank)
{
    hid_t ty = res__h5_str_type();
    if (ty < 0)
        return NULL;
    char **raw = res__h5_read_n(f, name, ty, sizeof(char *), n, rank);
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
        res__h5_free_strs(out, n);
        out = NULL;
    }
    return out;
}

char *res__h5_read_text(hid_t f, const char *name)
{
    char **s = res__h5_read_strs(f, name, 1, 0);
    char *t = s != NULL ? s[0] : NULL;
    free(s);
    return t;
}

bool res__h5_read_attr_str(hid_t obj, const char *name, char **out)
{
    if (H5Aexists(obj, name) <= 0)
        return false;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT), ty = res__h5_str_type();
    char *s = NULL, *copy = NULL;
    bool ok = a >= 0 && ty >= 0 && H5Aread(a, ty, &s) >= 0 && s != NULL;
    if (ok)
        copy = strdup(s);
    if (s != NULL) {
        hid_t sp = H5Screate(H5S_SCALAR);
        H5Dvlen_reclaim(ty, sp, H5P_DEFAULT, &s);
        H5Sclose(sp);
    }
    if (ty >= 0)
        H5Tclose(ty);
    if (a >= 0)
        H5Aclose(a);
    if (copy != NULL)
        *out = copy;
    return copy != NULL;
}

bool res__h5_read_attr_u64(hid_t obj, const char *name, uint64_t *out)
{
    if (H5Aexists(obj, name) <= 0)
        return false;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    uint64_t v = 0;
    bool ok = a >= 0 && H5Aread(a, H5T_NATIVE_UINT64, &v) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (ok)
        *out = v;
    return ok;
}

static bool has_kind(hid_t f, const char *kind)
{
    char *k = NULL;
    bool yes = res__h5_read_attr_str(f, "dispsim_kind", &k) && strcmp(k, kind) == 0;
    free(k);
    return yes;
}

bool res__h5_is_kind(const char *path, const char *kind)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0)
        return false;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    bool yes = f >= 0 && has_kind(f, kind);
    if (f >= 0)
        H5Fclose(f);
    return yes;
}

sim_status res__h5_open_kind(const char *path, const char *kind, const char *what, hid_t *f, char *err,
                             size_t errlen)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FILE *probe = fopen(path, "rb");
    if (probe == NULL)
        return res__fail(err, errlen, path, SIM_ENOENT, "no such file");
    fclose(probe);
    hid_t h = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
    if (h < 0 || !has_kind(h, kind)) {
        if (h >= 0)
            H5Fclose(h);
        return res__fail(err, errlen, path, SIM_EFORMAT, "not a dispsim %s file", what);
    }
    *f = h;
    return SIM_OK;
}
