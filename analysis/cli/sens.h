/* sens.h: the orchestration behind `dispsim sensitivity` (cmd_sensitivity.c parses the options and
 * writes the file).
 *
 * sens_exec.c runs the design's points on this process's threads (sim_run_items), on workspaces
 * built once per thread with the varied parameters resolved (mdl_world_run_point). One work item is
 * one point: its variants x replications run in one thread, all on the same streams (replication r
 * of every point and variant uses seed (seed, r): the points' differences are paired, as the
 * variants' are), and the point's study metrics are computed at once, paired by replication, by
 * the study code (ana_study_compute) on that point's rows only. Each finished point's outputs are
 * appended to the checkpoint SENS.h5.ckpt the moment it ends, so an interrupted analysis resumes
 * with --resume and gives the same bytes, as does any -j. */
#ifndef SENS_H
#define SENS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../models/mdl_sens.h"
#include "../../results/res_ckpt.h"

struct sens_run {
    const struct mdl_sens *s;
    struct res_ckpt *ckpt;
    const double *theta; /* [npoints * d] every point's parameter values */
    size_t d, npoints;
    int threads; /* 0: the OpenMP default */
    bool quiet;
    double sync_s;

    pthread_mutex_t lock; /* guards what follows */
    size_t done, todo;
    double t_start, t_last;
    sim_status fail_status;
    size_t fail_item;
    char fail_msg[512];
};

/* Runs every point of `r` that has no record in r->ckpt yet. Returns SIM_OK, SIM_ECANCELED
 * (interrupted: the checkpoint keeps every point done) or the failure of the lowest point
 * (r->fail_msg). Prints progress to stderr every few seconds unless quiet. */
sim_status sens_run_points(struct sens_run *r);

#endif
