/* run.h: the run orchestration behind `dispsim run` and `dispsim reproduce`, which reach it through
 * run_simulate (run_simulate.c: setting a run up, ending it, the --timing file). Beside it:
 * run_phases.c (which replications run, in batches for --precision or as a shard), run_checkpoint.c
 * (the checkpoint's key and opening or resuming it), run_results.c (the results file from the
 * checkpoint, and the results-file metadata that dispsim merge builds too), run_exec.c (running work
 * items on threads and recording them) and run_mpi.c (spreading them over MPI ranks). cmd_run.c
 * only parses the options.
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
#include "../../results/res.h"
#include "../../results/res_ckpt.h"

struct ana_study;
struct run_post;
struct mdl_scenario;

/* Seconds between two fdatasync of the checkpoint unless --checkpoint says otherwise. */
#define RUN_DEFAULT_SYNC_S 60.0

/* What a run is asked to do: dispsim run's options (cmd_run.c fills it in), or reproduce's. */
struct run_opts {
    const char *scenario, *out, *timing; /* timing: the --timing file, NULL for none */
    long reps;                           /* 0: run.replications of the scenario (1000 with precision) */
    long batch;                          /* replications per --precision batch; 0: 10 */
    long shard, shards;                  /* shard i of N (1-based); shards 0: the whole run */
    double precision;                    /* --precision target; 0: a fixed number of replications */
    double sync_s;                       /* seconds between fdatasync of the checkpoint */
    int threads;                         /* 0: $SLURM_CPUS_PER_TASK, else the OpenMP default */
    uint64_t seed;                       /* with seed_set; else run.master_seed of the scenario */
    const char *posterior;               /* --posterior: a posterior file (run_post.h), NULL for none */
    long draws;                          /* --draws; 0: RUN_POST_DEFAULT_DRAWS */
    bool seed_set, force, quiet, resume;
    bool no_summary; /* progress lines but no summary line naming the file (reproduce's is temporary) */
    int argc;        /* the command line, to print the command that resumes an interrupted run; */
    char **argv;     /* argv NULL: none (reproduce) */
};

/* Runs every variant of scenario `s` as `o` asks, on this process's threads and, under mpirun,
 * on every rank, through the checkpoint `out`.ckpt, and writes the results file `out` (rank 0).
 * Prints progress (unless quiet) and every failure on stderr and returns the exit code; on
 * interruption the checkpoint is kept and CLI_TEMPFAIL returned. Called once per process. */
int run_simulate(const struct run_opts *o, const struct mdl_scenario *s, const char *out);

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
    /* --posterior (run_post.h): nreps = ndraws * reps_per_draw, replication j at draw j / reps_per_draw,
     * the draws' values theta[ndraws * npar] at the field paths[npar]; npar 0 without a posterior. */
    size_t npar, reps_per_draw, ndraws;
    const double *theta;
    const char *const *paths;
    struct run_post *post; /* NULL without a posterior */

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

/* Runs the phases `o` asks for (all replications, a shard, or --precision batches until the key
 * intervals are narrow enough) on rank 0; the rows of the results file are then replications
 * [*first, *first + *nrows) of every variant. Returns as run_local. */
sim_status run_phases(struct run *r, const struct run_opts *o, size_t *first, size_t *nrows);

/* Opens the checkpoint `path` of the run into r->ckpt: resumed with o->resume (its key must match
 * this run's: scenario text, executable, seed, replications, variants, shard, precision), else
 * created (an existing one is kept unless o->force). Prints why not and returns the exit code. */
int run_open_checkpoint(struct run *r, const struct run_opts *o, const struct mdl_scenario *s,
                        const char *path);

/* Writes the results file `out` from the checkpoint: rows are replications [first, first + n) of
 * every variant, the study's paired metrics beside them (not for a shard: dispsim merge adds
 * those). Prints why not and returns the exit code. */
int run_write_results(struct run *r, const struct run_opts *o, const struct mdl_scenario *s, const char *out,
                      size_t first, size_t n);

/* The metadata of a results file of `nreps` replications (rep_index[nreps]) of every variant of
 * world `w`, built from scenario `s` with master seed `seed`: seeds[nreps * nstreams] are the
 * streams' seeds, `study` the paired metrics (NULL: none). Everything is borrowed: the arguments
 * must outlive the result. The one place that fills struct res_meta, for run and merge alike. */
struct res_meta run_meta(const struct mdl_scenario *s, const struct mdl_world *w, uint64_t seed, size_t nreps,
                         const uint64_t *rep_index, const uint64_t *seeds, const struct ana_study *study);

/* How progress counts `count` work items, in the user's terms: "replications" for a scenario
 * without variants, else "simulations" (one replication of one variant); singular for 1. */
const char *run_unit(const struct run *r, size_t count);

/* Into buf: "" without variants, else " (R replications x V variants)" for `nreps` replications
 * of every variant, so that counts of simulations read as the user's -r. */
void run_shape(const struct run *r, size_t nreps, char *buf, size_t len);

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
