/* sim_out.h: a model-independent description of what one replication produces.
 *
 * A model declares its outputs as a table of variables over named dimensions. Each replication fills
 * one flat buffer of doubles (`sim_out_layout.rep_values` of them) laid out variable after variable,
 * row-major within a variable. The results layer writes any such table without knowing the model:
 * variable `v` of replication `r` becomes element [r, ...] of a dataset named `v.name`. */
#ifndef SIM_OUT_H
#define SIM_OUT_H

#include <stddef.h>

#include "sim_status.h"

enum { SIM_OUT_MAXRANK = 3, SIM_OUT_MAXDIMS = 16, SIM_OUT_MAXVARS = 256 };

/* A dimension of the per-replication arrays (e.g. "day", "port"). `labels` (size entries, borrowed)
 * name the coordinates of a categorical dimension; NULL means the coordinate is the index times
 * `step` plus `origin` in `units` (e.g. day 0.5, 1.5, ... for daily bins). */
struct sim_out_dim {
    const char *name;
    size_t size;
    const char *const *labels;
    double origin, step;
    const char *units;
    const char *description;
};

/* Whether the values are counts (written as 64-bit integers) or measurements (64-bit floats). */
enum sim_out_kind { SIM_OUT_REAL = 0, SIM_OUT_COUNT = 1 };

/* One output variable. `group` is the HDF5 group below the file root ("daily", "totals").
 * `dims` index into the owning table's `dims`; rank 0 means one scalar per replication. */
struct sim_out_var {
    const char *group;
    const char *name;
    const char *units;
    const char *description;
    enum sim_out_kind kind;
    int rank;
    int dims[SIM_OUT_MAXRANK];
};

/* A complete table. Strings and arrays are borrowed from the model and outlive the table's use. */
struct sim_out_table {
    size_t ndims;
    struct sim_out_dim dims[SIM_OUT_MAXDIMS];
    size_t nvars;
    struct sim_out_var vars[SIM_OUT_MAXVARS];
    size_t offset[SIM_OUT_MAXVARS]; /* filled by sim_out_finalize: start of each var in a rep buffer */
    size_t rep_values;              /* filled by sim_out_finalize: doubles per replication */
};

/* Appends a dimension; returns its index through *id. SIM_EINVAL if the table is full or the name
 * repeats an existing dimension. */
sim_status sim_out_add_dim(struct sim_out_table *t, const struct sim_out_dim *d, int *id);

/* Appends a variable; returns its index through *id. SIM_EINVAL if the table is full, a dimension
 * index is out of range or (group, name) repeats. */
sim_status sim_out_add_var(struct sim_out_table *t, const struct sim_out_var *v, int *id);

/* Computes offsets and the per-replication size. Call once after the last add. */
void sim_out_finalize(struct sim_out_table *t);

/* Number of doubles one replication holds for variable `var`. */
size_t sim_out_var_size(const struct sim_out_table *t, int var);

/* Finds a variable by group and name; returns its index or -1. */
int sim_out_find(const struct sim_out_table *t, const char *group, const char *name);

#endif
