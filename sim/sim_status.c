#include "sim_status.h"

const char *sim_status_str(sim_status s)
{
    switch (s) {
    case SIM_OK: return "success";
    case SIM_ENOMEM: return "out of memory";
    case SIM_EINVAL: return "invalid argument";
    case SIM_ENOENT: return "no such file or item";
    case SIM_EIO: return "input/output error";
    case SIM_EFORMAT: return "malformed input";
    case SIM_EVERSION: return "incompatible schema version";
    case SIM_EINVARIANT: return "model invariant violated";
    case SIM_ECANCELED: return "interrupted";
    case SIM_ECREATE: return "cannot create output";
    }
    return "unknown status";
}
