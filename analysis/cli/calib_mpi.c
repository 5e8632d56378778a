/* calib_mpi.c: a calibration's generations spread over MPI ranks (see calib.h).
 *
 * Every rank loads the calibration and drives its own sim_abc object; proposals are a pure
 * function of (seed, generation, distances so far), so all ranks hold the same particles without
 * exchanging them. Per generation, in lockstep: rank 0 broadcasts the items its checkpoint lacks;
 * rank k runs those at positions k, k + size, ... on its threads; the other ranks send their records
 * to rank 0, which appends them to the checkpoint in item order; rank 0 broadcasts the generation's
 * distances and every rank updates. Where an item ran changes nothing in its record, so the
 * posterior is the same bytes for any rank count. Records of other ranks reach the checkpoint at
 * the end of the generation: a killed job recomputes at most those. */
#include "calib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sim/sim_run.h"
#include "cli_common.h"
#include "run.h"

#ifdef DISPSIM_HAVE_MPI
#include <mpi.h>

enum { TAG_RECORDS = 41 };

/* Runs this rank's share of items[0..n) and gives rank 0 every record. Returns the worst status
 * over the ranks (SIM_ECANCELED when any rank was interrupted). */
sim_status calib_mpi_generation(struct calib_run *r, size_t *items, size_t n,
                                sim_status (*run_here)(struct calib_run *r, const size_t *items, size_t n))
{
    int rank = run_mpi_rank(), size = run_mpi_size();
    unsigned long long cnt = n;
    MPI_Bcast(&cnt, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    n = (size_t)cnt;
    unsigned long long *all = malloc((n + 1) * sizeof *all);
    size_t *mine = malloc((n / (size_t)size + 2) * sizeof *mine), nm = 0, w = r->npoints + 2;
    if (all == NULL || mine == NULL)
        MPI_Abort(MPI_COMM_WORLD, CLI_SOFTWARE); /* every rank waits on this one */
    for (size_t k = 0; rank == 0 && k < n; k++)
        all[k] = items[k];
    MPI_Bcast(all, (int)n, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    for (size_t k = (size_t)rank; k < n; k += (size_t)size)
        mine[nm++] = (size_t)all[k];
    r->sink = rank == 0 ? NULL : calloc(nm * w + 1, sizeof *r->sink);
    r->mine = mine, r->nmine = nm;
    sim_status st = rank > 0 && r->sink == NULL ? SIM_ENOMEM : run_here(r, mine, nm);
    int code = (int)st, worst = 0;
    if (rank > 0) {
        MPI_Send(r->sink, (int)(nm * w), MPI_DOUBLE, 0, TAG_RECORDS, MPI_COMM_WORLD);
    } else {
        for (int from = 1; from < size; from++) {
            size_t cnt_from = 0;
            for (size_t k = (size_t)from; k < n; k += (size_t)size)
                cnt_from++;
            double *buf = malloc((cnt_from * w + 1) * sizeof *buf);
            if (buf == NULL)
                MPI_Abort(MPI_COMM_WORLD, CLI_SOFTWARE);
            MPI_Recv(buf, (int)(cnt_from * w), MPI_DOUBLE, from, TAG_RECORDS, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            size_t j = 0;
            for (size_t k = (size_t)from; k < n; k += (size_t)size, j++) {
                const double *rec = buf + j * w;
                uint64_t noseed = 0;
                if (rec[0] != 1.0)
                    continue; /* not run there (interrupted or failed) */
                if (res_ckpt_append(r->ckpt, (size_t)all[k], 0, rec + 1, &noseed, r->sync_s) != SIM_OK &&
                    st == SIM_OK) {
                    st = SIM_EIO;
                    snprintf(r->fail_msg, sizeof r->fail_msg, "%s", res_ckpt_error(r->ckpt));
                }
            }
            free(buf);
        }
        code = (int)st;
    }
    MPI_Allreduce(&code, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    free(r->sink);
    r->sink = NULL, r->mine = NULL, r->nmine = 0;
    free(mine);
    free(all);
    return (sim_status)worst;
}

void calib_mpi_distances(double *dist, size_t n)
{
    MPI_Bcast(dist, (int)n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
}

#else

sim_status calib_mpi_generation(struct calib_run *r, size_t *items, size_t n,
                                sim_status (*run_here)(struct calib_run *r, const size_t *items, size_t n))
{
    return run_here(r, items, n); /* one process: no other rank */
}

void calib_mpi_distances(double *dist, size_t n)
{
    (void)dist, (void)n;
}

#endif
