/* calib.h: the orchestration behind `dispsim calibrate` (cmd_calibrate.c parses the options).
 *
 * calib_exec.c runs the ABC-SMC generations: each generation is N particles x R replications work
 * items, item g*N*R + i*R + r being replication r of particle i in generation g, run on this
 * process's threads (sim_run_items) on workspaces built once per thread (mdl_world_run_point). Each
 * completed item is appended the moment it ends to the checkpoint POSTERIOR.h5.ckpt (res_ckpt.h):
 * its distance, then the simulated value of every observed point. The generation boundary is a pure
 * function of the distances in item order (sim_abc_update), so a resumed calibration replays the
 * recorded items and runs only the others: the posterior is the same bytes for any thread count and
 * after any interruption. calib_post.c builds the posterior file from the final population and its
 * records. */
#ifndef CALIB_H
#define CALIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../models/mdl_calib.h"
#include "../../results/res_ckpt.h"

struct calib_run {
    const struct mdl_calib *c;
    struct sim_abc *abc;
    struct res_ckpt *ckpt;
    const char **paths; /* [d] the parameters' field paths */
    size_t d, n, reps, npoints;
    size_t per_gen, nitems; /* n * reps; per_gen * the most generations */
    unsigned gen;           /* the generation being run */
    const double *theta;    /* its proposals, n x d */
    unsigned current;       /* the generation whose population is current */
    int threads;            /* 0: the OpenMP default */
    bool quiet;
    double sync_s;

    pthread_mutex_t lock; /* guards what follows */
    size_t done, todo;
    double t_start, t_last;
    sim_status fail_status;
    size_t fail_item;
    char fail_msg[512];
};

/* Runs generations until a stopping rule fires, on `r` (c, abc, ckpt, paths and sizes set by the
 * caller). Returns SIM_OK, SIM_ECANCELED (interrupted: the checkpoint keeps every item done) or
 * the failure of the lowest item (r->fail_msg). Prints a line per generation unless quiet. */
sim_status calib_run_all(struct calib_run *r);

/* Writes the posterior file `out` from the current population of r and the checkpoint's records of
 * its generation. Returns SIM_OK, or the writer's status with the message in err. */
sim_status calib_write_posterior(const struct calib_run *r, const char *out, char *err, size_t errlen);

#endif
