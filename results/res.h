/* res.h: the HDF5 results layer. The only code in dispsim that includes <hdf5.h>.
 *
 * A results file holds one run: the scenario text, provenance, every replication's seeds and every
 * output variable of a `sim_out_table` as a dataset with a leading "replication" dimension. The
 * layout is documented in results/README.md. Files are written under a temporary name in the same
 * directory and renamed into place only when complete, so a reader never sees a partial file under
 * the final name. A CRC-32 trailer after the HDF5 data lets res_open refuse a corrupted file before
 * HDF5 parses it. Not thread-safe: call from one thread (the HDF5 library is built serial). */
#ifndef RES_H
#define RES_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_out.h"
#include "../sim/sim_status.h"

/* Version of the file layout written by this build; readers refuse files with a larger one. */
#define RES_SCHEMA_VERSION 2

/* Provenance written beside the data. All pointers are borrowed for the duration of the call. */
struct res_meta {
    const char *program_version; /* e.g. "0.1.0" */
    const char *scenario_path;   /* as given on the command line */
    const char *scenario_text;   /* full scenario file contents, NUL-terminated */
    const char *scenario_name;
    uint64_t master_seed;
    size_t nreps;                     /* replications in this file */
    const uint64_t *rep_index;        /* [nreps] replication index of each row */
    size_t nstreams;                  /* random streams per replication */
    const char *const *stream_names;  /* [nstreams] */
    const uint64_t *stream_seeds;     /* [nreps * nstreams] row-major: seed of stream s in rep r */
    size_t nvariants;                 /* variants of a study (0 is taken as 1); the first is the baseline */
    const char *const *variant_names; /* [nvariants]; NULL when nvariants <= 1 ("baseline") */
    const struct res_extra *extra;    /* optional datasets beside the per-replication ones */
    const struct res_extra *extra2;   /* optional second group (dimension names distinct from extra's) */
};

/* A categorical dimension that only extra datasets use (e.g. "stat"). Borrowed. */
struct res_extra_dim {
    const char *name;
    size_t size;
    const char *const *labels;
    const char *description;
};

/* A float64 dataset /<group>/<name> over named dimensions: "variant", any dimension of the table,
 * or one of the extra dimensions. `data` holds the product of the sizes, row-major. Borrowed.
 * With `labels` instead of `data`, a dataset of rank 1 of UTF-8 strings (a categorical value per
 * row, e.g. a mode's name), read back with res_read_labels("<group>/<name>"). */
struct res_extra_var {
    const char *name, *units, *description;
    int rank;
    const char *dims[SIM_OUT_MAXRANK];
    const double *data;
    const char *const *labels;
};

struct res_extra {
    const char *group;
    size_t ndims;
    const struct res_extra_dim *dims;
    size_t nvars;
    const struct res_extra_var *vars;
};

/* Writes a complete results file at `path`: provenance from `meta` and, for each variable of `t`,
 * a dataset /<group>/<name> of shape [nvariants, nreps, dims...] taken from `values` (nvariants *
 * nreps * t->rep_values doubles: variant after variant, replication after replication), and the
 * extra datasets of meta->extra. Writes to a temporary file beside `path` and renames it
 * over `path` only after everything was written and closed; on any failure the temporary file is
 * removed and nothing appears at `path`. On failure a one-line message naming the file and the
 * reason (e.g. "out/x.h5: cannot create: Permission denied") is written to err (errlen bytes).
 * Returns SIM_OK, SIM_ECREATE (cannot create the file or directory missing), SIM_EIO (write or
 * rename failed) or SIM_EINVAL (inconsistent arguments). */
sim_status res_write_run(const char *path, const struct res_meta *meta, const struct sim_out_table *t,
                         const double *values, char *err, size_t errlen);

/* Where res_write_source takes the per-replication values from, one variable at a time, so that a
 * run never needs all of them in memory at once. read_var fills out[nrows * sim_out_var_size(t,
 * var)] with variable `var` of every row (nrows = nvariants * nreps, variant after variant,
 * replication after replication) and returns SIM_OK, or a status with a message in err. */
struct res_source {
    sim_status (*read_var)(void *ctx, int var, double *out, char *err, size_t errlen);
    void *ctx;
};

/* As res_write_run, with the values taken from `src`. */
sim_status res_write_source(const char *path, const struct res_meta *meta, const struct sim_out_table *t,
                            const struct res_source *src, char *err, size_t errlen);

/* An open results file for reading. Opaque. */
struct res_file;

/* Opens a results file read-only. Returns SIM_ENOENT (missing or unreadable), SIM_EFORMAT (not HDF5
 * or not a dispsim file, or a file HDF5 crashes or loops on), SIM_EVERSION (schema newer than this
 * build) with a message in err. Also SIM_EIO if reading fails while the checksum is verified, and
 * SIM_ENOMEM if the child process that first reads the whole file (results/README.md, "the probe")
 * cannot be started. Forks: call it from a single-threaded part of the program, and do not set
 * SIGCHLD to SIG_IGN. */
sim_status res_open(const char *path, struct res_file **out, char *err, size_t errlen);

/* Closes the file; accepts NULL. */
void res_close(struct res_file *f);

/* A dataset read into memory. `data` holds the product of `shape` doubles (integers converted);
 * rank up to SIM_OUT_MAXRANK + 2 (variant, replication, then a variable's own dimensions).
 * `dim_names[k]` and `units`/`description` are owned by the array. Free with res_array_free. */
struct res_array {
    int rank;
    size_t shape[SIM_OUT_MAXRANK + 2];
    char *dim_names[SIM_OUT_MAXRANK + 2];
    char *units;
    char *description;
    double *data;
};

/* Reads dataset `group`/`name`. SIM_ENOENT if absent, SIM_EFORMAT if not numeric. */
sim_status res_read(struct res_file *f, const char *group, const char *name, struct res_array *out);

/* Releases what res_read allocated and zeroes *a; accepts a zeroed array. */
void res_array_free(struct res_array *a);

/* Reads the coordinate labels of a categorical dimension (e.g. "port"). On success *labels is an
 * array of *n malloc'd strings, free with res_labels_free. SIM_ENOENT if the dimension is absent
 * or numeric. */
sim_status res_read_labels(struct res_file *f, const char *dim, char ***labels, size_t *n);
void res_labels_free(char **labels, size_t n);

/* Lists the dataset names in `group`, sorted. *names: malloc'd array of *n malloc'd strings, free
 * with res_labels_free. SIM_ENOENT if the group is absent. */
sim_status res_list(struct res_file *f, const char *group, char ***names, size_t *n);

/* Reads a root string attribute ("program_version", "scenario_name", ...) or the scenario text
 * (name "scenario_text") into a malloc'd string. SIM_ENOENT if absent. */
sim_status res_read_string(struct res_file *f, const char *name, char **out);

/* Reads a root integer attribute ("master_seed", "replications", "schema_version"). */
sim_status res_read_u64(struct res_file *f, const char *name, uint64_t *out);

#endif
