/* res_write.c: writes one run's results file (the layout is documented in results/README.md).
 *
 * HDF5 builds the file in memory; its image goes to "<path>.tmp.<pid>", which is synced, closed
 * and only then renamed over `path`, so that a reader (or a crash) can never see a partial file
 * under the final name. Every HDF5 and system call is checked: a full disk ends as SIM_EIO, never
 * as a short file. */
#define _POSIX_C_SOURCE 200809L /* fsync, getpid, stat, access */
#include "res.h"
#include "res_trailer.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

/* Datasets with more elements than this are chunked and compressed; smaller ones stay contiguous,
 * where compression would only add overhead. */
enum { CHUNK_THRESHOLD = 4096, CHUNK_TARGET = 65536, DEFLATE_LEVEL = 4 };

/* Type-conversion buffer of a dataset write: HDF5's default size (1 MiB) at most, and room for
 * CONV_ELEM_MAX bytes per element, the largest type in a conversion here (a variable-length
 * string on disk is 16 bytes). */
enum { CONV_BUF_MAX = 1 << 20, CONV_ELEM_MAX = 16 };

/* Growth step of the in-memory file image. */
enum { CORE_INCREMENT = 4 << 20 };

/* State shared by the steps of one write. The first failure sets `st` and the message. */
struct wctx {
    const char *path;
    char *err;
    size_t errlen;
    hid_t file;
    int fd;       /* the temporary file */
    int made_tmp; /* the temporary file exists and must go on failure */
    hid_t rep_scale, stream_scale, variant_scale;
    hid_t dim_scale[SIM_OUT_MAXDIMS];
    size_t nvariants;
};

/* Formats "PATH: <what>" into the caller's buffer and returns `st`, so callers can write
 * `return fail(w, SIM_EIO, ...)`. A NULL or empty buffer is allowed. */
static sim_status fail(const struct wctx *w, sim_status st, const char *fmt, ...)
{
    if (w->err == NULL || w->errlen == 0)
        return st;
    int n = snprintf(w->err, w->errlen, "%s: ", w->path);
    if (n >= 0 && (size_t)n < w->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->err + n, w->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* Reports a failed HDF5 step. HDF5 works in memory here, so the likely cause is an allocation,
 * which leaves its reason in errno; errno is cleared before each step so that a stale value is
 * not mistaken for the cause. */
static sim_status write_failed(const struct wctx *w, const char *what)
{
    if (errno != 0)
        return fail(w, SIM_EIO, "write failed: %s: %s", what, strerror(errno));
    return fail(w, SIM_EIO, "write failed: %s", what);
}

/* A valid component of an HDF5 path: non-empty, no '/', not "." (which HDF5 treats specially). */
static int valid_name(const char *s)
{
    return s != NULL && s[0] != '\0' && strchr(s, '/') == NULL && strcmp(s, ".") != 0;
}

/* Whether `s` is taken at the file root by the fixed layout or by a table dimension. */
static int reserved_root_name(const struct sim_out_table *t, const char *s)
{
    if (strcmp(s, "replication") == 0 || strcmp(s, "stream") == 0 || strcmp(s, "provenance") == 0 ||
        strcmp(s, "variant") == 0)
        return 1;
    for (size_t d = 0; d < t->ndims; d++)
        if (strcmp(t->dims[d].name, s) == 0)
            return 1;
    return 0;
}

/* Checks the meta block: every pointer the layout needs is present. */
static sim_status validate_meta(const struct wctx *w, const struct res_meta *m)
{
    if (m->program_version == NULL || m->scenario_path == NULL || m->scenario_text == NULL ||
        m->scenario_name == NULL)
        return fail(w, SIM_EINVAL, "invalid argument: meta strings must not be NULL");
    if (m->nreps == 0 || m->rep_index == NULL)
        return fail(w, SIM_EINVAL, "invalid argument: need at least one replication and rep_index");
    if (m->nstreams > 0 && (m->stream_names == NULL || m->stream_seeds == NULL))
        return fail(w, SIM_EINVAL, "invalid argument: stream_names and stream_seeds required");
    for (size_t s = 0; s < m->nstreams; s++)
        if (m->stream_names[s] == NULL)
            return fail(w, SIM_EINVAL, "invalid argument: stream_names[%zu] is NULL", s);
    if (m->nvariants > 1 && m->variant_names == NULL)
        return fail(w, SIM_EINVAL, "invalid argument: variant_names required with several variants");
    for (size_t v = 0; m->nvariants > 1 && v < m->nvariants; v++)
        if (m->variant_names[v] == NULL)
            return fail(w, SIM_EINVAL, "invalid argument: variant_names[%zu] is NULL", v);
    return SIM_OK;
}

/* Checks the dimensions and variables of the table against the layout's naming rules. */
static sim_status validate_table(const struct wctx *w, const struct sim_out_table *t)
{
    size_t total = 0;
    for (size_t d = 0; d < t->ndims; d++) {
        const struct sim_out_dim *dim = &t->dims[d];
        if (!valid_name(dim->name) || strcmp(dim->name, "replication") == 0 ||
            strcmp(dim->name, "stream") == 0 || strcmp(dim->name, "provenance") == 0 ||
            strcmp(dim->name, "variant") == 0)
            return fail(w, SIM_EINVAL, "invalid argument: bad or reserved dimension name");
        for (size_t i = 0; dim->labels != NULL && i < dim->size; i++)
            if (dim->labels[i] == NULL)
                return fail(w, SIM_EINVAL, "invalid argument: dimension %s: label %zu is NULL", dim->name, i);
    }
    for (size_t v = 0; v < t->nvars; v++) {
        const struct sim_out_var *var = &t->vars[v];
        if (!valid_name(var->group) || !valid_name(var->name) || reserved_root_name(t, var->group))
            return fail(w, SIM_EINVAL, "invalid argument: variable %zu: bad or reserved name", v);
        if (var->rank < 0 || var->rank > SIM_OUT_MAXRANK)
            return fail(w, SIM_EINVAL, "invalid argument: %s/%s: bad rank", var->group, var->name);
        for (int k = 0; k < var->rank; k++)
            if (var->dims[k] < 0 || (size_t)var->dims[k] >= t->ndims)
                return fail(w, SIM_EINVAL, "invalid argument: %s/%s: bad dimension index", var->group,
                            var->name);
        if (t->offset[v] != total)
            return fail(w, SIM_EINVAL, "invalid argument: table not finalized");
        total += sim_out_var_size(t, (int)v);
    }
    if (total != t->rep_values)
        return fail(w, SIM_EINVAL, "invalid argument: table not finalized");
    return SIM_OK;
}

/* Counts are stored as int64 converted from the doubles, which must therefore be integers that
 * an int64 holds exactly; anything else is refused rather than silently rounded. */
static sim_status check_counts(const struct wctx *w, const struct sim_out_var *var, const double *x, size_t n)
{
    if (var->kind != SIM_OUT_COUNT)
        return SIM_OK;
    for (size_t i = 0; i < n; i++)
        if (!(x[i] >= -9223372036854775808.0 && x[i] < 9223372036854775808.0) || x[i] != floor(x[i]))
            return fail(w, SIM_EINVAL, "invalid argument: %s/%s: count %g is not an int64", var->group,
                        var->name, x[i]);
    return SIM_OK;
}

/* Creates the variable-length UTF-8 string type used for every string we write. */
static hid_t vlstr_type(void)
{
    hid_t ty = H5Tcopy(H5T_C_S1);
    if (ty < 0)
        return -1;
    if (H5Tset_size(ty, H5T_VARIABLE) < 0 || H5Tset_cset(ty, H5T_CSET_UTF8) < 0) {
        H5Tclose(ty);
        return -1;
    }
    return ty;
}

/* Writes a scalar attribute `name` of file type `ftype` from memory type `mtype`. */
static int write_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *buf)
{
    int rc = -1;
    hid_t space = H5Screate(H5S_SCALAR), attr = -1;
    if (space < 0)
        goto cleanup;
    attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, mtype, buf) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (attr >= 0 && H5Aclose(attr) < 0)
        rc = -1;
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* Writes a string attribute; NULL is written as "" so that the attribute is always present. */
static int write_str_attr(hid_t obj, const char *name, const char *value)
{
    const char *s = value != NULL ? value : "";
    hid_t ty = vlstr_type();
    if (ty < 0)
        return -1;
    int rc = write_attr(obj, name, ty, ty, &s);
    H5Tclose(ty);
    return rc;
}

static int write_u64_attr(hid_t obj, const char *name, uint64_t value)
{
    return write_attr(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

static int write_int_attr(hid_t obj, const char *name, int value)
{
    return write_attr(obj, name, H5T_STD_I32LE, H5T_NATIVE_INT, &value);
}

/* Creation properties of a dataset: no timestamps (identical input gives identical bytes),
 * attribute creation order tracked as netCDF-4 does, and chunking with shuffle + deflate for
 * large datasets. Chunks start as the whole dataset and the largest axis is halved until a chunk
 * holds at most CHUNK_TARGET elements (512 KiB of doubles, inside HDF5's default chunk cache). */
static hid_t make_dcpl(int rank, const hsize_t *dims)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0)
        return -1;
    if (H5Pset_obj_track_times(dcpl, 0) < 0 ||
        H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0)
        goto fail;
    hsize_t n = 1;
    for (int k = 0; k < rank; k++)
        n *= dims[k];
    if (rank == 0 || n <= CHUNK_THRESHOLD)
        return dcpl;
    hsize_t chunk[SIM_OUT_MAXRANK + 2];
    memcpy(chunk, dims, (size_t)rank * sizeof *chunk);
    while (n > CHUNK_TARGET) {
        int big = 0;
        for (int k = 1; k < rank; k++)
            if (chunk[k] > chunk[big])
                big = k;
        n = n / chunk[big] * ((chunk[big] + 1) / 2);
        chunk[big] = (chunk[big] + 1) / 2;
    }
    if (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
        H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0)
        goto fail;
    return dcpl;
fail:
    H5Pclose(dcpl);
    return -1;
}

/* Transfer properties of a write of dims[rank]: a type-conversion buffer just large enough for the
 * whole dataset (capped at HDF5's default). HDF5 zeroes that buffer on every converting write
 * (double counts to int64, strings), and its default size of 1 MiB made the zeroing the largest
 * cost of writing a results file. The buffer size only sets how the conversion is strip-mined:
 * the values and the file bytes are the same. */
static hid_t make_dxpl(int rank, const hsize_t *dims)
{
    hsize_t n = 1;
    for (int k = 0; k < rank; k++)
        n *= dims[k];
    if (n == 0)
        n = 1;
    size_t size = n < CONV_BUF_MAX / CONV_ELEM_MAX ? (size_t)n * CONV_ELEM_MAX : CONV_BUF_MAX;
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (dxpl >= 0 && H5Pset_buffer(dxpl, size, NULL, NULL) < 0) {
        H5Pclose(dxpl);
        return -1;
    }
    return dxpl;
}

/* Creates dataset `name` under `loc` with file type `ftype` and shape dims[rank] (rank 0 is a
 * scalar) and writes `buf` of memory type `mtype` to it, optionally through the memory selection
 * `mspace` (H5S_ALL: the buffer matches the dataset). Returns the open dataset or -1. */
static hid_t put_dataset(hid_t loc, const char *name, hid_t ftype, int rank, const hsize_t *dims, hid_t mtype,
                         hid_t mspace, const void *buf)
{
    hid_t space = rank > 0 ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t dcpl = make_dcpl(rank, dims), dxpl = make_dxpl(rank, dims), ds = -1;
    if (space < 0 || dcpl < 0 || dxpl < 0)
        goto cleanup;
    ds = H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds >= 0 && H5Dwrite(ds, mtype, mspace, H5S_ALL, dxpl, buf) < 0) {
        H5Dclose(ds);
        ds = -1;
    }
cleanup:
    if (dxpl >= 0)
        H5Pclose(dxpl);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return ds;
}

/* Creates a group with timestamps off and link creation order tracked (as netCDF-4 does). */
static hid_t make_group(hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE), g = -1;
    if (gcpl < 0)
        return -1;
    if (H5Pset_obj_track_times(gcpl, 0) >= 0 &&
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0 &&
        H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0)
        g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g;
}

/* Writes the 1-D coordinate dataset of a categorical dimension (labels, UTF-8 strings). */
static hid_t put_labels(hid_t loc, const char *name, size_t n, const char *const *labels)
{
    hid_t ty = vlstr_type();
    if (ty < 0)
        return -1;
    hsize_t dims[1] = {n};
    hid_t ds = put_dataset(loc, name, ty, 1, dims, ty, H5S_ALL, labels);
    H5Tclose(ty);
    return ds;
}

/* Writes the coordinate dataset of dimension `d` (labels, or origin + step * i) as a scale. */
static hid_t put_dim(hid_t loc, const struct sim_out_dim *d)
{
    if (d->labels != NULL) {
        hid_t ds = put_labels(loc, d->name, d->size, d->labels);
        if (ds >= 0 && write_str_attr(ds, "description", d->description) < 0) {
            H5Dclose(ds);
            return -1;
        }
        return ds;
    }
    double *x = malloc((d->size > 0 ? d->size : 1) * sizeof *x);
    if (x == NULL)
        return -1;
    for (size_t i = 0; i < d->size; i++)
        x[i] = d->origin + d->step * (double)i;
    hsize_t dims[1] = {d->size};
    hid_t ds = put_dataset(loc, d->name, H5T_IEEE_F64LE, 1, dims, H5T_NATIVE_DOUBLE, H5S_ALL, x);
    free(x);
    if (ds >= 0 && (write_str_attr(ds, "units", d->units) < 0 ||
                    write_str_attr(ds, "description", d->description) < 0)) {
        H5Dclose(ds);
        return -1;
    }
    return ds;
}

/* Writes every dimension at the root and marks it as a dimension scale named like itself. */
static sim_status write_scales(struct wctx *w, const struct res_meta *m, const struct sim_out_table *t)
{
    hsize_t nreps[1] = {m->nreps};
    errno = 0;
    w->rep_scale = put_dataset(w->file, "replication", H5T_STD_U64LE, 1, nreps, H5T_NATIVE_UINT64, H5S_ALL,
                               m->rep_index);
    if (w->rep_scale < 0 || H5DSset_scale(w->rep_scale, "replication") < 0 ||
        write_str_attr(w->rep_scale, "description", "replication index (seed stream key)") < 0)
        return write_failed(w, "dimension replication");
    static const char *const baseline[] = {"baseline"};
    errno = 0;
    w->variant_scale =
        put_labels(w->file, "variant", w->nvariants, m->nvariants > 1 ? m->variant_names : baseline);
    if (w->variant_scale < 0 || H5DSset_scale(w->variant_scale, "variant") < 0 ||
        write_str_attr(w->variant_scale, "description",
                       "variant of the study; the first is the baseline, the scenario as written") < 0)
        return write_failed(w, "dimension variant");
    for (size_t d = 0; d < t->ndims; d++) {
        errno = 0;
        w->dim_scale[d] = put_dim(w->file, &t->dims[d]);
        if (w->dim_scale[d] < 0 || H5DSset_scale(w->dim_scale[d], t->dims[d].name) < 0)
            return write_failed(w, t->dims[d].name);
    }
    errno = 0;
    w->stream_scale = put_labels(w->file, "stream", m->nstreams, m->stream_names);
    if (w->stream_scale < 0 || H5DSset_scale(w->stream_scale, "stream") < 0 ||
        write_str_attr(w->stream_scale, "description", "random number stream") < 0)
        return write_failed(w, "dimension stream");
    return SIM_OK;
}

/* Writes /provenance: the scenario text, each row's replication index and every stream seed. */
static sim_status write_provenance(struct wctx *w, const struct res_meta *m)
{
    sim_status st = SIM_OK;
    hid_t g = -1, text = -1, idx = -1, seeds = -1, ty = -1;
    hsize_t dims[2] = {m->nreps, m->nstreams};
    errno = 0;
    g = make_group(w->file, "provenance");
    ty = vlstr_type();
    if (g < 0 || ty < 0) {
        st = write_failed(w, "group provenance");
        goto cleanup;
    }
    text = put_dataset(g, "scenario_text", ty, 0, NULL, ty, H5S_ALL, &m->scenario_text);
    if (text < 0 || write_str_attr(text, "description", "scenario file contents") < 0) {
        st = write_failed(w, "provenance/scenario_text");
        goto cleanup;
    }
    idx = put_dataset(g, "rep_index", H5T_STD_U64LE, 1, dims, H5T_NATIVE_UINT64, H5S_ALL, m->rep_index);
    if (idx < 0 || H5DSattach_scale(idx, w->rep_scale, 0) < 0 ||
        write_str_attr(idx, "description", "replication index of each row") < 0) {
        st = write_failed(w, "provenance/rep_index");
        goto cleanup;
    }
    seeds =
        put_dataset(g, "stream_seed", H5T_STD_U64LE, 2, dims, H5T_NATIVE_UINT64, H5S_ALL, m->stream_seeds);
    if (seeds < 0 || H5DSattach_scale(seeds, w->rep_scale, 0) < 0 ||
        H5DSattach_scale(seeds, w->stream_scale, 1) < 0 ||
        write_str_attr(seeds, "description", "seed of each random stream in each replication") < 0)
        st = write_failed(w, "provenance/stream_seed");
cleanup:
    if (seeds >= 0 && H5Dclose(seeds) < 0 && st == SIM_OK)
        st = write_failed(w, "provenance/stream_seed");
    if (idx >= 0 && H5Dclose(idx) < 0 && st == SIM_OK)
        st = write_failed(w, "provenance/rep_index");
    if (text >= 0 && H5Dclose(text) < 0 && st == SIM_OK)
        st = write_failed(w, "provenance/scenario_text");
    if (ty >= 0)
        H5Tclose(ty);
    if (g >= 0 && H5Gclose(g) < 0 && st == SIM_OK)
        st = write_failed(w, "group provenance");
    return st;
}

/* Writes variable `v` as /<group>/<name> [nvariants, nreps, dims...] from `buf`, which holds it for
 * every row in file order (HDF5 converts counts to int64 itself). */
static int put_var(hid_t g, const struct sim_out_table *t, size_t v, size_t nreps, const double *buf,
                   const struct wctx *w)
{
    const struct sim_out_var *var = &t->vars[v];
    hsize_t dims[SIM_OUT_MAXRANK + 2] = {w->nvariants, nreps};
    for (int k = 0; k < var->rank; k++)
        dims[k + 2] = t->dims[var->dims[k]].size;
    hid_t ftype = var->kind == SIM_OUT_COUNT ? H5T_STD_I64LE : H5T_IEEE_F64LE;
    int rc = -1;
    hid_t ds = put_dataset(g, var->name, ftype, var->rank + 2, dims, H5T_NATIVE_DOUBLE, H5S_ALL, buf);
    if (ds < 0 || H5DSattach_scale(ds, w->variant_scale, 0) < 0 || H5DSattach_scale(ds, w->rep_scale, 1) < 0)
        goto cleanup;
    for (int k = 0; k < var->rank; k++)
        if (H5DSattach_scale(ds, w->dim_scale[var->dims[k]], (unsigned)(k + 2)) < 0)
            goto cleanup;
    if (write_str_attr(ds, "units", var->units) < 0 ||
        write_str_attr(ds, "description", var->description) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (ds >= 0 && H5Dclose(ds) < 0)
        rc = -1;
    return rc;
}

/* Writes every variable, creating each group the first time one of its variables appears. Each
 * variable is read from the source into one buffer (sized for the largest) just before writing. */
static sim_status write_vars(struct wctx *w, const struct res_meta *m, const struct sim_out_table *t,
                             const struct res_source *src)
{
    size_t rows = w->nvariants * m->nreps, most = 1;
    for (size_t v = 0; v < t->nvars; v++)
        if (sim_out_var_size(t, (int)v) > most)
            most = sim_out_var_size(t, (int)v);
    double *buf = malloc(rows * most * sizeof *buf);
    if (buf == NULL)
        return fail(w, SIM_ENOMEM, "out of memory for %zu rows of %zu values", rows, most);
    char what[256];
    sim_status st = SIM_OK;
    for (size_t v = 0; v < t->nvars && st == SIM_OK; v++) {
        const struct sim_out_var *var = &t->vars[v];
        snprintf(what, sizeof what, "%s/%s", var->group, var->name);
        if ((st = src->read_var(src->ctx, (int)v, buf, w->err, w->errlen)) != SIM_OK ||
            (st = check_counts(w, var, buf, rows * sim_out_var_size(t, (int)v))) != SIM_OK)
            break;
        errno = 0;
        htri_t have = H5Lexists(w->file, var->group, H5P_DEFAULT);
        hid_t g = have > 0    ? H5Gopen2(w->file, var->group, H5P_DEFAULT)
                  : have == 0 ? make_group(w->file, var->group)
                              : -1;
        if (g < 0) {
            st = write_failed(w, what);
            break;
        }
        int rc = put_var(g, t, v, m->nreps, buf, w);
        if (H5Gclose(g) < 0 || rc < 0)
            st = write_failed(w, what);
    }
    free(buf);
    return st;
}

/* The scale of dimension `name` among the variant, the table's and the extra ones; its size too. */
static hid_t scale_named(const struct wctx *w, const struct sim_out_table *t, const struct res_extra *x,
                         const hid_t *xscale, const char *name, hsize_t *size)
{
    if (strcmp(name, "variant") == 0)
        return *size = w->nvariants, w->variant_scale;
    for (size_t d = 0; d < t->ndims; d++)
        if (strcmp(t->dims[d].name, name) == 0)
            return *size = t->dims[d].size, w->dim_scale[d];
    for (size_t d = 0; d < x->ndims; d++)
        if (strcmp(x->dims[d].name, name) == 0)
            return *size = x->dims[d].size, xscale[d];
    return -1;
}

/* Writes the extra dimensions (at the root, like the others) and datasets. */
static sim_status write_extra(struct wctx *w, const struct sim_out_table *t, const struct res_extra *x)
{
    if (!valid_name(x->group) || reserved_root_name(t, x->group) || x->ndims > SIM_OUT_MAXDIMS)
        return fail(w, SIM_EINVAL, "invalid argument: extra group");
    hid_t xscale[SIM_OUT_MAXDIMS], g = -1;
    for (size_t d = 0; d < SIM_OUT_MAXDIMS; d++)
        xscale[d] = -1;
    size_t made = 0;
    sim_status st = SIM_OK;
    for (; made < x->ndims && st == SIM_OK; made++) {
        const struct res_extra_dim *d = &x->dims[made];
        hsize_t ignored;
        errno = 0;
        if (!valid_name(d->name) || scale_named(w, t, x, xscale, d->name, &ignored) >= 0 ||
            strcmp(d->name, "replication") == 0 || strcmp(d->name, "stream") == 0)
            st = fail(w, SIM_EINVAL, "invalid argument: extra dimension %s", d->name ? d->name : "(null)");
        else if ((xscale[made] = put_labels(w->file, d->name, d->size, d->labels)) < 0 ||
                 H5DSset_scale(xscale[made], d->name) < 0 ||
                 write_str_attr(xscale[made], "description", d->description ? d->description : "") < 0)
            st = write_failed(w, d->name);
    }
    errno = 0;
    if (st == SIM_OK && (g = make_group(w->file, x->group)) < 0)
        st = write_failed(w, x->group);
    for (size_t i = 0; i < x->nvars && st == SIM_OK; i++) {
        const struct res_extra_var *v = &x->vars[i];
        hsize_t dims[SIM_OUT_MAXRANK];
        hid_t sc[SIM_OUT_MAXRANK];
        char what[256];
        snprintf(what, sizeof what, "%s/%s", x->group, v->name ? v->name : "(null)");
        bool text = v->labels != NULL && v->data == NULL && v->rank == 1;
        if (!valid_name(v->name) || v->rank < 0 || v->rank > SIM_OUT_MAXRANK || (v->data == NULL && !text)) {
            st = fail(w, SIM_EINVAL, "invalid argument: %s", what);
            break;
        }
        for (int k = 0; k < v->rank && st == SIM_OK; k++)
            if (v->dims[k] == NULL || (sc[k] = scale_named(w, t, x, xscale, v->dims[k], &dims[k])) < 0)
                st = fail(w, SIM_EINVAL, "invalid argument: %s: unknown dimension", what);
        if (st != SIM_OK)
            break;
        errno = 0;
        hid_t ds = text ? put_labels(g, v->name, (size_t)dims[0], v->labels)
                        : put_dataset(g, v->name, H5T_IEEE_F64LE, v->rank, dims, H5T_NATIVE_DOUBLE, H5S_ALL,
                                      v->data);
        int bad = ds < 0;
        for (int k = 0; k < v->rank && !bad; k++)
            bad = H5DSattach_scale(ds, sc[k], (unsigned)k) < 0;
        bad = bad || write_str_attr(ds, "units", v->units ? v->units : "") < 0 ||
              write_str_attr(ds, "description", v->description ? v->description : "") < 0;
        if (ds >= 0 && H5Dclose(ds) < 0)
            bad = 1;
        if (bad)
            st = write_failed(w, what);
    }
    if (g >= 0 && H5Gclose(g) < 0 && st == SIM_OK)
        st = write_failed(w, x->group);
    for (size_t d = 0; d < made && d < x->ndims; d++)
        if (xscale[d] >= 0 && H5Dclose(xscale[d]) < 0 && st == SIM_OK)
            st = write_failed(w, x->dims[d].name);
    return st;
}

/* Writes the root attributes except `complete`, which is written last of all. */
static sim_status write_root_attrs(struct wctx *w, const struct res_meta *m)
{
    errno = 0;
    if (write_int_attr(w->file, "dispsim_schema_version", RES_SCHEMA_VERSION) < 0 ||
        write_str_attr(w->file, "program_version", m->program_version) < 0 ||
        write_str_attr(w->file, "scenario_name", m->scenario_name) < 0 ||
        write_str_attr(w->file, "scenario_path", m->scenario_path) < 0 ||
        write_u64_attr(w->file, "master_seed", m->master_seed) < 0 ||
        write_u64_attr(w->file, "replications", (uint64_t)m->nreps) < 0 ||
        write_u64_attr(w->file, "variants", (uint64_t)w->nvariants) < 0)
        return write_failed(w, "root attributes");
    return SIM_OK;
}

/* Creates the temporary file and the in-memory HDF5 file whose image will be written to it.
 * The temporary file is created first, with open(2), so that a missing or read-only directory is
 * reported with the system's own reason before any work is done.
 *
 * HDF5 itself writes only to memory (the "core" driver without backing store): when HDF5 1.10
 * meets a failing write(2) (disk full) the file object is left half-closed and the library
 * crashes at exit, so all disk I/O is kept out of HDF5 and done by write_image, whose errors are
 * ordinary errno values. The format is pinned to HDF5 1.8, as netCDF-4 does: every current tool
 * reads it, and its metadata carries checksums, so readers detect corruption. */
static sim_status create_file(struct wctx *w, const char *tmp)
{
    w->fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (w->fd < 0)
        return fail(w, SIM_ECREATE, "cannot create: %s", strerror(errno));
    w->made_tmp = 1;
    sim_status st = SIM_OK;
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
    errno = 0;
    if (fcpl < 0 || fapl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0 ||
        H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
        H5Pset_fapl_core(fapl, CORE_INCREMENT, 0) < 0 ||
        H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0 ||
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
        (w->file = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl)) < 0)
        st = write_failed(w, "initialising HDF5");
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    return st;
}

/* Writes all `n` bytes of `buf` to `fd`, retrying short writes. Returns 0 or -1 with errno set. */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            return -1;
        }
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Encodes the checksum trailer described in res_trailer.h. */
static void encode_trailer(unsigned char *out, uint64_t len, uint32_t crc)
{
    memcpy(out, RES__TRAILER_MAGIC, 8);
    for (int i = 0; i < 8; i++)
        out[8 + i] = (unsigned char)(len >> (8 * i));
    for (int i = 0; i < 4; i++) {
        out[16 + i] = (unsigned char)(crc >> (8 * i));
        out[20 + i] = 0;
    }
}

/* Copies the finished in-memory file and its checksum trailer to the temporary file and makes
 * them durable. */
static sim_status write_image(struct wctx *w)
{
    errno = 0;
    if (H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
        return write_failed(w, "flush");
    ssize_t size = H5Fget_file_image(w->file, NULL, 0);
    if (size <= 0)
        return write_failed(w, "file image");
    char *image = malloc((size_t)size);
    if (image == NULL)
        return fail(w, SIM_ENOMEM, "write failed: %s", strerror(ENOMEM));
    sim_status st = SIM_OK;
    errno = 0;
    if (H5Fget_file_image(w->file, image, (size_t)size) != size)
        st = write_failed(w, "file image");
    else {
        unsigned char trailer[RES__TRAILER_SIZE];
        encode_trailer(trailer, (uint64_t)size, res__crc32(0, image, (size_t)size));
        if (write_all(w->fd, image, (size_t)size) < 0 ||
            write_all(w->fd, (const char *)trailer, sizeof trailer) < 0 || fsync(w->fd) < 0)
            st = fail(w, SIM_EIO, "write failed: %s", strerror(errno));
    }
    free(image);
    return st;
}

/* Closes the dimension scale datasets kept open for attaching. Closing a chunked dataset flushes
 * its chunk cache, so this can fail like a write. Returns -1 if any close failed. */
static int close_scales(struct wctx *w)
{
    int rc = 0;
    errno = 0;
    if (w->rep_scale >= 0 && H5Dclose(w->rep_scale) < 0)
        rc = -1;
    if (w->stream_scale >= 0 && H5Dclose(w->stream_scale) < 0)
        rc = -1;
    if (w->variant_scale >= 0 && H5Dclose(w->variant_scale) < 0)
        rc = -1;
    for (size_t d = 0; d < SIM_OUT_MAXDIMS; d++)
        if (w->dim_scale[d] >= 0 && H5Dclose(w->dim_scale[d]) < 0)
            rc = -1;
    w->rep_scale = w->stream_scale = w->variant_scale = -1;
    for (size_t d = 0; d < SIM_OUT_MAXDIMS; d++)
        w->dim_scale[d] = -1;
    return rc;
}

/* Writes the complete marker, then the file image, and closes both files. */
static sim_status finish_file(struct wctx *w)
{
    sim_status st = SIM_OK;
    errno = 0;
    if (write_int_attr(w->file, "complete", 1) < 0)
        st = write_failed(w, "attribute complete");
    if (st == SIM_OK)
        st = write_image(w);
    errno = 0;
    if (H5Fclose(w->file) < 0 && st == SIM_OK)
        st = write_failed(w, "close");
    w->file = -1;
    if (close(w->fd) < 0 && st == SIM_OK)
        st = fail(w, SIM_EIO, "write failed: %s", strerror(errno));
    w->fd = -1;
    return st;
}

/* The source of res_write_run: rows of t->rep_values doubles in one array. */
struct mem_source {
    const struct sim_out_table *t;
    const double *values;
    size_t rows;
};

static sim_status mem_read_var(void *vctx, int var, double *out, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    const struct mem_source *m = vctx;
    size_t n = sim_out_var_size(m->t, var);
    for (size_t r = 0; r < m->rows; r++)
        memcpy(out + r * n, m->values + r * m->t->rep_values + m->t->offset[var], n * sizeof *out);
    return SIM_OK;
}

sim_status res_write_run(const char *path, const struct res_meta *meta, const struct sim_out_table *t,
                         const double *values, char *err, size_t errlen)
{
    if (values == NULL && t != NULL && t->nvars > 0) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s: invalid argument", path != NULL ? path : "(null)");
        return SIM_EINVAL;
    }
    struct mem_source m = {t, values,
                           meta != NULL ? meta->nreps * (meta->nvariants > 1 ? meta->nvariants : 1) : 0};
    const struct res_source src = {mem_read_var, &m};
    return res_write_source(path, meta, t, &src, err, errlen);
}

sim_status res_write_source(const char *path, const struct res_meta *meta, const struct sim_out_table *t,
                            const struct res_source *src, char *err, size_t errlen)
{
    struct wctx w = {.path = path != NULL ? path : "(null)",
                     .err = err,
                     .errlen = errlen,
                     .file = -1,
                     .fd = -1,
                     .rep_scale = -1,
                     .stream_scale = -1,
                     .variant_scale = -1,
                     .nvariants = meta != NULL && meta->nvariants > 1 ? meta->nvariants : 1};
    for (size_t d = 0; d < SIM_OUT_MAXDIMS; d++)
        w.dim_scale[d] = -1;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (path == NULL || path[0] == '\0' || meta == NULL || t == NULL || t->ndims > SIM_OUT_MAXDIMS ||
        t->nvars > SIM_OUT_MAXVARS || src == NULL)
        return fail(&w, SIM_EINVAL, "invalid argument");
    sim_status st = validate_meta(&w, meta);
    if (st == SIM_OK)
        st = validate_table(&w, t);
    if (st != SIM_OK)
        return st;

    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    size_t tlen = strlen(path) + 32;
    char *tmp = malloc(tlen);
    if (tmp == NULL)
        return fail(&w, SIM_ENOMEM, "out of memory");
    snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
    st = create_file(&w, tmp);
    if (st == SIM_OK)
        st = write_root_attrs(&w, meta);
    if (st == SIM_OK)
        st = write_scales(&w, meta, t);
    if (st == SIM_OK)
        st = write_provenance(&w, meta);
    if (st == SIM_OK)
        st = write_vars(&w, meta, t, src);
    if (st == SIM_OK && meta->extra != NULL)
        st = write_extra(&w, t, meta->extra);
    if (st == SIM_OK && meta->extra2 != NULL)
        st = write_extra(&w, t, meta->extra2);
    if (close_scales(&w) < 0 && st == SIM_OK)
        st = write_failed(&w, "closing dimension scales");
    if (st == SIM_OK)
        st = finish_file(&w);
    if (w.file >= 0)
        H5Fclose(w.file);
    if (w.fd >= 0)
        close(w.fd);
    if (st == SIM_OK && rename(tmp, path) < 0)
        st = fail(&w, SIM_EIO, "write failed: cannot rename %s: %s", tmp, strerror(errno));
    if (st != SIM_OK && w.made_tmp)
        unlink(tmp);
    free(tmp);
    return st;
}
