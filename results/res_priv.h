/* res_priv.h: internals shared by res_read.c and res_probe.c. Private to results/; not part of
 * the public interface in res.h. */
#ifndef RES_PRIV_H
#define RES_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "res.h"

struct res_file {
    hid_t file;
};

/* Opens `path` (a regular file of `size` bytes whose trailer, if any, was verified: `sealed`) with
 * HDF5 and checks its root attributes; res_open without the probe. Same statuses as res_open. */
sim_status res__open_hdf5(const char *path, int sealed, uint64_t size, struct res_file **out, char *err,
                          size_t errlen);

/* Reads the whole file `path` through this API in a child process (res__open_hdf5, every root
 * attribute, every dataset of every group with its dimension names and attributes, every label),
 * so that a file on which HDF5 crashes or loops is refused with SIM_EFORMAT instead of taking the
 * caller down. Read errors in the child are not reported: the caller meets them again, as
 * statuses, when it reads. SIM_OK when the child finished; SIM_ENOMEM when it could not be
 * started. Message in err on failure. */
sim_status res__probe(const char *path, int sealed, uint64_t size, char *err, size_t errlen);

#endif
