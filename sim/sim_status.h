/* sim_status.h: the one closed set of statuses every fallible dispsim function returns. */
#ifndef SIM_STATUS_H
#define SIM_STATUS_H

/* Statuses are returned by value; results travel through out-parameters that are left untouched
 * when the status is not SIM_OK. */
typedef enum sim_status {
    SIM_OK = 0,     /* success */
    SIM_ENOMEM,     /* an allocation failed */
    SIM_EINVAL,     /* an argument or parameter value is outside its domain */
    SIM_ENOENT,     /* a named file, dataset, field or item does not exist */
    SIM_EIO,        /* reading or writing a file failed */
    SIM_EFORMAT,    /* input exists but is malformed (bad YAML, not a dispsim result file) */
    SIM_EVERSION,   /* input was written by an incompatible schema version */
    SIM_EINVARIANT, /* a model invariant (conservation, non-negative queue, ...) was violated */
    SIM_ECANCELED,  /* the operation was interrupted on request */
    SIM_ECREATE,    /* an output could not be created */
} sim_status;

/* Returns a static, human-readable description of `s`; never NULL, also for unknown values. */
const char *sim_status_str(sim_status s);

#endif
