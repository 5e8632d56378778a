/* res_h5.h: the HDF5 helpers that the writers and readers of posterior and sensitivity files share
 * (res_posterior.c, res_posterior_read.c, res_sens.c, res_sens_read.c). Private to results/: not
 * part of the public interface, and only results/ includes <hdf5.h>.
 *
 * Writing: objects are created without timestamps and every dataset carries its description,
 * units and dimension names as attributes; res__h5_write_file builds the whole file in memory and
 * renames it into place once complete, so identical content gives identical bytes. Helpers that
 * return int give 0 on success and -1 on any HDF5 failure (nothing is printed). Reading: missing or
 * misshapen objects give NULL or false, never a crash; the caller turns that into SIM_EFORMAT. None
 * of these is thread-safe (the HDF5 library is built serial). */
#ifndef RES_H5_H
#define RES_H5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "../sim/sim_status.h"
#include "res_fail.h"

/* A new variable-length UTF-8 string type (close with H5Tclose), or -1. */
hid_t res__h5_str_type(void);

/* Creates group `name` in `f` without timestamps; the caller closes it with H5Gclose. -1 on
 * failure. */
hid_t res__h5_group(hid_t f, const char *name);

/* Closes `g` when it is open; returns -1 when it was never opened (g < 0), else `rc`. */
int res__h5_close_group(hid_t g, int rc);

/* Scalar attributes on `obj`: a UTF-8 string (NULL written as "") and an unsigned 64-bit integer. */
int res__h5_attr_str(hid_t obj, const char *name, const char *value);
int res__h5_attr_u64(hid_t obj, const char *name, uint64_t v);

/* The root of a posterior or sensitivity file: what it names its input file and the kind, schema,
 * program version, input path (as attribute `path_attr`), master seed and replications. */
struct res__h5_root {
    const char *kind;
    uint64_t schema;
    const char *program_version, *path_attr, *path;
    uint64_t master_seed, replications;
};

/* Writes the root attributes, then group "provenance" with the texts of the input file and of the
 * scenario it runs (`input_name`/`input_desc`, `scenario_name`/`scenario_desc`). */
int res__h5_root_write(hid_t f, const struct res__h5_root *r);
int res__h5_provenance(hid_t f, const char *input_name, const char *input, const char *input_desc,
                       const char *scenario_name, const char *scenario, const char *scenario_desc);

/* A dataset `name` in `g` of `rank` (0..3) dims, memory type `mtype` stored as `ftype`, from
 * `data` (borrowed; not read when a dim is 0), with attributes `units` (skipped when NULL),
 * `description` and `dimensions` (the comma-separated dim names, e.g. "particle,parameter";
 * skipped when NULL). */
int res__h5_dset(hid_t g, const char *name, hid_t ftype, hid_t mtype, int rank, const hsize_t *dims,
                 const void *data, const char *units, const char *dimnames, const char *desc);

/* Doubles stored as IEEE little-endian: [n0] when n1 == 0, else [n0][n1]; [n0][n1][n2] for
 * res__h5_reals3. Same attributes as res__h5_dset. */
int res__h5_reals(hid_t g, const char *name, size_t n0, size_t n1, const double *x, const char *units,
                  const char *dimnames, const char *desc);
int res__h5_reals3(hid_t g, const char *name, size_t n0, size_t n1, size_t n2, const double *x,
                   const char *units, const char *dimnames, const char *desc);

/* `n` strings as a [n] dataset (a scalar when n == 0 and dimnames is NULL), and one text (NULL
 * written as "") as a scalar dataset. */
int res__h5_strings(hid_t g, const char *name, size_t n, char *const *s, const char *dimnames,
                    const char *desc);
int res__h5_text(hid_t g, const char *name, const char *s, const char *desc);

/* Fills the root group `f` of a file being written; 0 on success, -1 on failure. */
typedef int (*res__h5_fill_fn)(hid_t f, const void *ctx);

/* Creates the file `path` in memory (the core driver, no timestamps, the HDF5 1.8 format), calls
 * fill(f, ctx), writes it to "PATH.tmp.PID" and renames that over `path` only once it closed
 * cleanly; on failure nothing is left behind. SIM_ECREATE when the file cannot be created, SIM_EIO
 * when writing or renaming fails, SIM_ENOMEM; the message, prefixed by `path`, in err. */
sim_status res__h5_write_file(const char *path, res__h5_fill_fn fill, const void *ctx, char *err,
                              size_t errlen);

/* The size of dataset `name` along each of its `rank` (0..3) dims into dims; 0, or -1 if the
 * dataset is absent or of another rank. */
int res__h5_shape(hid_t f, const char *name, int rank, hsize_t *dims);

/* Reads dataset `name` of `rank` dims, which must hold exactly `n` elements of memory type `mtype`
 * (each of `size` bytes), into a new calloc'd array of n + 1 elements (the caller frees it). NULL
 * if it is missing, of another size, or memory runs out. */
void *res__h5_read_n(hid_t f, const char *name, hid_t mtype, size_t size, size_t n, int rank);

/* Reads the `n` strings of dataset `name` (rank 1, or a scalar with rank 0) into a malloc'd array
 * of n + 1 malloc'd copies (free with res__h5_free_strs); NULL on any failure. res__h5_read_text
 * reads one scalar text into a malloc'd copy. */
char **res__h5_read_strs(hid_t f, const char *name, size_t n, int rank);
char *res__h5_read_text(hid_t f, const char *name);

/* Frees `n` strings and the array (NULL accepted). */
void res__h5_free_strs(char **s, size_t n);

/* Reads the scalar attribute `name` of `obj`: a string into a malloc'd *out, an unsigned 64-bit
 * integer into *out. False (and *out untouched) if it is absent or unreadable. */
bool res__h5_read_attr_str(hid_t obj, const char *name, char **out);
bool res__h5_read_attr_u64(hid_t obj, const char *name, uint64_t *out);

/* True when `path` is an HDF5 file whose root attribute dispsim_kind is `kind`. */
bool res__h5_is_kind(const char *path, const char *kind);

/* Opens `path` read-only into *f (the caller closes it with H5Fclose) when it is an HDF5 file whose
 * dispsim_kind is `kind`. SIM_ENOENT ("PATH: no such file") when it cannot be opened, SIM_EFORMAT
 * ("PATH: not a dispsim WHAT file") otherwise; *f untouched on failure. */
sim_status res__h5_open_kind(const char *path, const char *kind, const char *what, hid_t *f, char *err,
                             size_t errlen);

#endif
