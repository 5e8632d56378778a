/* res_fail.h: the error message of every results writer and reader, "PATH: what went wrong".
 * Private to results/ (res_h5.c defines it; res_ckpt.c, which needs no HDF5, uses it too). */
#ifndef RES_FAIL_H
#define RES_FAIL_H

#include <stddef.h>

#include "../sim/sim_status.h"

/* Writes "PATH: " and the printf-formatted message into err (when err is not NULL and errlen > 0)
 * and returns `st`, for `return res__fail(...)`. */
sim_status res__fail(char *err, size_t errlen, const char *path, sim_status st, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
