/* run.h: the parts of `dispsim run` (cmd_run.c: options, phases and the results file; run_exec.c:
 * running work items on threads and recording them; run_mpi.c: spreading them over MPI ranks).
 *
 * A run has nitems = nvariants * nreps work items; item i is replication i % nreps of variant
 * i / nreps. Every completed item is appended to the run's checkpoint (res_ckpt.h) the moment it
 * ends, by whichever thread or rank ran it; the results file is built from the checkpoint in item
 * order at the end. Nothing about an item's results depends on where or when it ran. */
#ifndef RUN_H
#define RUN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../models/mdl_world.h"
#include "../../results/res_ckpt.h"

struct run {
    const struct mdl_world *w;
    const struct sim_out_table *t;
    uint64_t seed;
    size_t nreps, nvariants, nitems, rep_values, nstreams;
    int threads; /* per process; 0: the OpenMP default */
    bool quiet;
    bool batches;          /* --precision: a line per batch instead of periodic progress */
    double sync_s;         /* seconds between fdatasync of the checkpoint */
    int key_var;           /* the variable --precision watches, -1 without one */
    struct res_ckpt *ckpt; /* NULL on MPI ranks other than 0 */

    /* Delivers a completed item: run_record on the process that owns the checkpoint, a message to
     * rank 0 on other ranks. Called by worker threads. */
    sim_status (*deliver)(struct run *r, size_t item, uint64_t events, const double *values,
                          const uint64_t *seeds);

    pthread_mutex_t lock; /* guards what follows */
    double *key;          /* [nitems] sum of key_var per recorded item */
    uint64_t *events;     /* [nitems] events per recorded item */
    size_t done, todo;    /* items recorded and to record in this phase, for progress */
    double t_start, t_last_print;
    sim_status fail_status; /* the failure of the lowest item, SIM_OK if none */
    size_t fail_item;
    char fail_msg[512];
};

/* Sets up the parts of r that do not come from the options (lock, arrays); SIM_ENOMEM. */
sim_status run_init(struct run *r);
void run_fini(struct run *r);

/* Keeps the failure of `item` if it is the lowest so far. Thread-safe. */
void run_fail(struct run *r, size_t item, sim_status st, const char *msg);

/* Records a completed item in the checkpoint, the key and event arrays and the progress. */
sim_status run_record(struct run *r, size_t item, uint64_t events, const double *values,
                      const uint64_t *seeds);

/* Reads back what the checkpoint holds of every recorded item into the key and event arrays
 * (after resuming). SIM_EIO with r->fail_msg set. */
sim_status run_reload(struct run *r);

/* The operations for sim_run_items/sim_run_source: a workspace per thread, item -> deliver. */
extern const struct sim_run_ops run_ops;

/* Runs items[0..n) on this process's threads, recording each. SIM_ECANCELED when interrupted,
 * else the failure of the lowest item (r->fail_*). */
sim_status run_local(struct run *r, const size_t *items, size_t n);

/* The rank of this process in the MPI job and the number of ranks (0 and 1 without MPI). */
int run_mpi_rank(void);
int run_mpi_size(void);

/* Starts MPI if this process was started by mpirun or srun (and dispsim was built with MPI); a
 * no-op otherwise. Returns 0, or -1 after printing why MPI could not start. */
int run_mpi_start(int *argc, char ***argv);

/* Ends MPI if it was started. */
void run_mpi_stop(void);

/* Rank 0: runs items[0..n) on every rank (its own threads included), each rank asking for the next
 * item when a thread is free; returns as run_local. */
sim_status run_mpi_items(struct run *r, const size_t *items, size_t n);

/* Ranks other than 0: serves run_mpi_items phases until rank 0 ends the run; returns the exit code
 * rank 0 ended it with. */
int run_mpi_serve(struct run *r);

/* Rank 0: ends the run on every other rank with exit code rc. */
void run_mpi_end(int rc);

/* Ends the whole MPI job now with exit code rc: for a rank that cannot take part at all. */
void run_mpi_abort(int rc);

/* All ranks: whether every rank is ready to run (each passes its own verdict). Collective. */
bool run_mpi_all_ready(bool ready);

#endif
