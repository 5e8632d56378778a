/* res_ckpt.h: checkpoints of unfinished runs.
 *
 * While `dispsim run` works, every completed work item (a replication of a variant) is appended to
 * a checkpoint file beside the output ("OUT.h5.ckpt"): one fixed-size record holding the item's
 * values, stream seeds and event count, with a CRC-32. A process killed at any moment, even by
 * SIGKILL, leaves whole records followed by at most one torn one; resuming drops the torn tail
 * (and skips any slot a crash left unreadable) and runs only the items that have no record; the
 * results file is then built from the records in item order, so it is bitwise identical to an
 * uninterrupted run. The checkpoint is not an HDF5
 * file and no reader can mistake it for results; the layout is in results/README.md.
 *
 * The file starts with a text header (HEADER bytes, NUL-padded, CRC-32 at its end): a magic
 * line, the record geometry and the caller's "key=value" lines, which say what run it belongs to.
 * Resuming requires the caller's lines to be identical; the first that differs is reported. */
#ifndef RES_CKPT_H
#define RES_CKPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_status.h"

/* The checkpoint of one run. Opaque. */
struct res_ckpt;

/* The shape of the records: items of a run, doubles and stream seeds per item. */
struct res_ckpt_shape {
    size_t nitems, rep_values, nstreams;
};

/* Creates the checkpoint `path`, which must not exist, with the caller's header `key` ("name=value"
 * lines, at most 3,500 bytes). On failure writes "PATH: reason" to err and returns SIM_ECREATE
 * (exists, directory missing or read-only), SIM_EIO or SIM_EINVAL. The file is locked (fcntl)
 * while open, so a second process cannot write the same checkpoint. */
sim_status res_ckpt_create(const char *path, const char *key, const struct res_ckpt_shape *shape,
                           struct res_ckpt **out, char *err, size_t errlen);

/* Opens the checkpoint `path` of an interrupted run to continue it. The header must match `key` and
 * `shape` exactly (SIM_EINVAL naming the first difference otherwise); records are read and checked,
 * and a torn or corrupted tail is cut off (*dropped, if not NULL, counts the bytes cut). SIM_ENOENT
 * if there is no such file, SIM_EFORMAT if it is not a checkpoint, SIM_ECREATE if another process
 * holds it. */
sim_status res_ckpt_resume(const char *path, const char *key, const struct res_ckpt_shape *shape,
                           struct res_ckpt **out, size_t *dropped, char *err, size_t errlen);

/* Appends the results of `item`: shape.rep_values doubles and shape.nstreams seeds. Thread-safe.
 * Each record reaches the operating system at once (a killed process loses nothing appended) and
 * is made durable (fdatasync) when more than `sync_s` seconds passed since the last time. An item
 * that already has a record is refused with SIM_EINVAL: no item is ever counted twice. SIM_EIO
 * when writing fails (the message names the file and the reason; later appends fail too). */
sim_status res_ckpt_append(struct res_ckpt *c, size_t item, uint64_t events, const double *values,
                           const uint64_t *seeds, double sync_s);

/* Makes every appended record durable. SIM_EIO. Thread-safe. */
sim_status res_ckpt_sync(struct res_ckpt *c);

/* The message of the last failure of c ("PATH: reason"), or "". */
const char *res_ckpt_error(const struct res_ckpt *c);

/* Whether `item` has a record; how many items have one. Thread-safe. */
bool res_ckpt_has(struct res_ckpt *c, size_t item);
size_t res_ckpt_count(struct res_ckpt *c);

/* Reads values [first, first + n) of `item`'s record into out. SIM_ENOENT if the item has no
 * record, SIM_EIO. */
sim_status res_ckpt_read(struct res_ckpt *c, size_t item, size_t first, size_t n, double *out);

/* Reads the seeds (shape.nstreams) and the event count of `item`'s record; either may be NULL. */
sim_status res_ckpt_read_seeds(struct res_ckpt *c, size_t item, uint64_t *seeds, uint64_t *events);

/* Closes the checkpoint and keeps the file (to resume later). Accepts NULL. */
void res_ckpt_close(struct res_ckpt *c);

/* Closes the checkpoint and deletes the file: the run it belonged to is complete. Accepts NULL. */
void res_ckpt_discard(struct res_ckpt *c);

/* Deletes the checkpoint `path` (to start a run afresh), unless another process holds it
 * (SIM_ECREATE, naming its pid). A missing file is not an error. SIM_EIO. */
sim_status res_ckpt_remove(const char *path, char *err, size_t errlen);

/* What a checkpoint file holds, for `dispsim info`: its header lines (malloc'd, free it), the
 * items of the run and how many have a whole record. Reads only; the file is not changed.
 * SIM_ENOENT, SIM_EFORMAT (not a checkpoint), SIM_EIO, with a message in err. */
sim_status res_ckpt_inspect(const char *path, char **key, size_t *nitems, size_t *done, char *err,
                            size_t errlen);

/* Whether the file at `path` starts like a checkpoint. */
bool res_ckpt_is(const char *path);

#endif
