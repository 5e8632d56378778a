/* calib.h: the orchestration behind `dispsim calibrate` (cmd_calibrate.c parses the options).
 *
 * calib_exec.c runs the ABC-SMC generations: each generation is N particles x R replications work
 * items, item g*N*R + i*R + r being replication r of particle i in generation g, run on this
 * process's threads (sim_run_items) on workspaces built once per thread (mdl_world_run_point). Each
 * completed item is appended the moment it ends to the checkpoint POSTERIOR.h5.ckpt (res_ckpt.h):
 * its distance, then the simulated value of every observed point. The generation boundary is a pure
 * function of the distances in item order (sim_abc_update), so a resumed calibration replays the
 * recorded items and runs only the others: the posterior is the same bytes for any thread count and
 * after any interruption. calib_mpi.c spreads each generation over MPI ranks. calib_post.c builds the
 * posterior file from the final population and its records. */
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
    int threads;            /* 0: the OpenMP default */
    bool quiet;
    double sync_s;

    /* Ranks other than 0 (no checkpoint): this rank's items of the generation, ascending, and their
     * records [1, distance, points...] in that order (calib_mpi.c). */
    const size_t *mine;
    size_t nmine;
    double *sink;

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

/* Under MPI, all ranks together: runs the generation's items (rank 0 passes the n its checkpoint
 * lacks; other ranks receive them) with run_here on each rank's share and appends every record to
 * rank 0's checkpoint. Returns the worst status of all ranks. Without MPI: run_here(items). */
sim_status calib_mpi_generation(struct calib_run *r, size_t *items, size_t n,
                                sim_status (*run_here)(struct calib_run *r, const size_t *items, size_t n));

/* Under MPI: rank 0's dist[n] to every rank (collective). Without MPI: nothing. */
void calib_mpi_distances(double *dist, size_t n);

/* ---- Checkpoint plumbing, shared with `dispsim sensitivity` (calib_ckpt.c) ------------------- */

/* A 64-bit FNV-1a hash of `s` (0-terminated; NULL hashes as ""), to key a checkpoint by texts. */
uint64_t calib_text_hash(const char *s);

/* How a command names itself and its checkpoint in messages. */
struct calib_ckpt_words {
    const char *cmd;  /* "calibrate" */
    const char *what; /* "calibration": "PATH exists (an interrupted calibration)" */
    const char *unit; /* "simulations": "resuming: N simulations kept in PATH" */
};

/* Opens the checkpoint `path` with `key` and `shape` into *out: resumed when `resume` and it exists
 * (saying how much it keeps on stderr unless `quiet`), else created; an existing one is refused
 * unless `force`, which replaces it. Prints why not on stderr and returns the exit code (CLI_OK,
 * CLI_CANTCREAT, or cli_exit_code of the failure). */
int calib_ckpt_open(const struct calib_ckpt_words *w, const char *path, const char *key,
                    const struct res_ckpt_shape *shape, bool resume, bool force, bool quiet,
                    struct res_ckpt **out);

#endif
