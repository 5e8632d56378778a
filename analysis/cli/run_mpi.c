/* run_mpi.c: spreading a run's work items over MPI ranks (see run.h).
 *
 * Rank 0 owns the list of items to run, the checkpoint and the results file. Every rank, rank 0
 * included, runs items on its own threads; a thread that is free asks for the next item (rank 0's
 * threads take it from the list directly, the others' send a request), so fast and slow ranks
 * balance themselves one replication at a time. Completed items travel back to rank 0, which
 * appends them to the checkpoint at once; the results file is then written from the checkpoint in
 * item order, exactly as by a single process. No other rank writes any file.
 *
 * Messages, all on MPI_COMM_WORLD: rank 0 starts a phase (a set of items) with PHASE {1, 0} to
 * every rank and ends the run with PHASE {0, exit code}. In a phase a worker thread sends REQ and
 * receives ITEM (an item, or -1: none left); it sends a completed item as REC {item, events}
 * followed by RECV (values) and RECS (seeds), a failed one as ERR {item, status} and ERRMSG; when
 * all its threads are done the worker sends FIN {status}. Rank 0 serves the workers from a thread
 * of its own that polls (MPI_Iprobe, then a short sleep) so that waiting costs no CPU. MPI is
 * called by one thread at a time on every rank (MPI_THREAD_SERIALIZED). */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../sim/sim_run.h"
#include "cli_common.h"

#ifdef DISPSIM_HAVE_MPI
#include <mpi.h>

static int g_rank = 0, g_size = 1, g_started = 0;
/* Serializes MPI calls between the threads of a rank. */
static pthread_mutex_t g_mpi = PTHREAD_MUTEX_INITIALIZER;

enum { TAG_PHASE = 1, TAG_REQ, TAG_ITEM, TAG_REC, TAG_RECV, TAG_RECS, TAG_ERR, TAG_ERRMSG, TAG_FIN };
enum { ERRMSG = 512 };

int run_mpi_rank(void)
{
    return g_rank;
}

int run_mpi_size(void)
{
    return g_size;
}

/* Whether a launcher started this process as one of several tasks: mpirun (Open MPI), srun with
 * PMI-2 or PMIx. */
static bool launched_by_mpi(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_SIZE") != NULL ||
           getenv("PMIX_RANK") != NULL;
}

int run_mpi_start(int *argc, char ***argv)
{
    const char *tasks = getenv("SLURM_STEP_NUM_TASKS");
    if (!launched_by_mpi() && tasks != NULL && atoi(tasks) > 1) {
        fprintf(stderr,
                "dispsim: started as one of %s Slurm tasks without MPI: every task would run the whole job; "
                "use srun --mpi=pmix (or mpirun), or one task with threads\n",
                tasks);
        return -1;
    }
    if (!launched_by_mpi())
        return 0; /* a plain process */
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "dispsim: MPI could not start\n");
        return -1;
    }
    g_started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    if (provided < MPI_THREAD_SERIALIZED) {
        if (g_rank == 0)
            fprintf(stderr,
                    "dispsim: this MPI library does not support MPI_THREAD_SERIALIZED; run one rank per "
                    "node with threads instead (-j)\n");
        MPI_Finalize();
        g_started = 0;
        return -1;
    }
    return 0;
}

void run_mpi_stop(void)
{
    if (g_started)
        MPI_Finalize();
    g_started = 0;
}

/* Polling MPI sleeps between looks, 20 us at first, doubling to 1 ms: a blocking MPI wait spins
 * and would take a core from the simulation. */
enum { POLL_FIRST_NS = 20000, POLL_MAX_NS = 1000000 };

static void poll_sleep(long *ns)
{
    struct timespec ts = {0, *ns};
    nanosleep(&ts, NULL);
    *ns = *ns < POLL_MAX_NS ? 2 * *ns : *ns;
}

/* Waits for a request by polling (poll_sleep). */
static void wait_req(MPI_Request *rq, MPI_Status *status)
{
    for (long ns = POLL_FIRST_NS;; poll_sleep(&ns)) {
        int flag = 0;
        MPI_Test(rq, &flag, status);
        if (flag)
            return;
    }
}

static void recv_poll(void *buf, int count, MPI_Datatype type, int src, int tag)
{
    MPI_Request rq;
    MPI_Irecv(buf, count, type, src, tag, MPI_COMM_WORLD, &rq);
    wait_req(&rq, MPI_STATUS_IGNORE);
}

void run_mpi_abort(int rc)
{
    MPI_Abort(MPI_COMM_WORLD, rc);
}

bool run_mpi_all_ready(bool ready)
{
    int mine = ready ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all == 1;
}

/* ---- rank 0 ---- */

/* The items of a phase and what rank 0 knows of the workers. */
struct root {
    struct run *r;
    const size_t *items;
    size_t n, next;
    int stop, fins;
    pthread_mutex_t lock;
    double *values;
    uint64_t *seeds;
};

/* The next item of the phase for any thread of any rank, or none once stopped or interrupted. */
static bool root_next(void *vsrc, size_t *item)
{
    struct root *p = vsrc;
    pthread_mutex_lock(&p->r->lock); /* a failure here or on another rank: hand out nothing more */
    bool failed = p->r->fail_status != SIM_OK;
    pthread_mutex_unlock(&p->r->lock);
    pthread_mutex_lock(&p->lock);
    bool got = !p->stop && !failed && !cli_interrupted && p->next < p->n;
    if (got)
        *item = p->items[p->next++];
    pthread_mutex_unlock(&p->lock);
    return got;
}

static void root_stop(struct root *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_mutex_unlock(&p->lock);
}

/* Answers one message from a worker. */
static void serve_one(struct root *p, const MPI_Status *probe)
{
    int src = probe->MPI_SOURCE;
    struct run *r = p->r;
    if (probe->MPI_TAG == TAG_REQ) {
        int dummy;
        MPI_Recv(&dummy, 1, MPI_INT, src, TAG_REQ, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        size_t item;
        long long reply = root_next(p, &item) ? (long long)item : -1;
        MPI_Send(&reply, 1, MPI_LONG_LONG, src, TAG_ITEM, MPI_COMM_WORLD);
    } else if (probe->MPI_TAG == TAG_REC) {
        uint64_t head[2];
        MPI_Recv(head, 2, MPI_UINT64_T, src, TAG_REC, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(p->values, (int)r->rep_values, MPI_DOUBLE, src, TAG_RECV, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(p->seeds, (int)r->nstreams, MPI_UINT64_T, src, TAG_RECS, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (run_record(r, (size_t)head[0], head[1], p->values, p->seeds) != SIM_OK)
            root_stop(p);
    } else if (probe->MPI_TAG == TAG_ERR) {
        uint64_t head[2];
        char msg[ERRMSG];
        MPI_Recv(head, 2, MPI_UINT64_T, src, TAG_ERR, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(msg, ERRMSG, MPI_CHAR, src, TAG_ERRMSG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        msg[ERRMSG - 1] = '\0';
        run_fail(r, (size_t)head[0], (sim_status)head[1], msg);
        root_stop(p);
    } else if (probe->MPI_TAG == TAG_FIN) {
        int st;
        MPI_Recv(&st, 1, MPI_INT, src, TAG_FIN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        p->fins++;
        if (st != SIM_OK)
            root_stop(p); /* interrupted or failed there: the run cannot complete */
    } else {
        fprintf(stderr, "dispsim: rank 0: unexpected message (tag %d) from rank %d\n", probe->MPI_TAG, src);
        MPI_Abort(MPI_COMM_WORLD, CLI_SOFTWARE);
    }
}

/* Rank 0's server thread: answers workers until every one has finished the phase. */
static void *serve(void *vp)
{
    struct root *p = vp;
    long ns = POLL_FIRST_NS;
    while (p->fins < g_size - 1) {
        MPI_Status probe;
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &probe);
        if (flag) {
            serve_one(p, &probe);
            ns = POLL_FIRST_NS;
        } else
            poll_sleep(&ns);
    }
    return NULL;
}

sim_status run_mpi_items(struct run *r, const size_t *items, size_t n)
{
    struct root p = {.r = r, .items = items, .n = n};
    p.values = malloc((r->rep_values + 1) * sizeof *p.values);
    p.seeds = malloc((r->nstreams + 1) * sizeof *p.seeds);
    if (p.values == NULL || p.seeds == NULL || pthread_mutex_init(&p.lock, NULL) != 0) {
        free(p.values);
        free(p.seeds);
        return SIM_ENOMEM;
    }
    int phase[2] = {1, 0};
    for (int k = 1; k < g_size; k++)
        MPI_Send(phase, 2, MPI_INT, k, TAG_PHASE, MPI_COMM_WORLD);
    pthread_t server;
    sim_status st = SIM_OK;
    if (pthread_create(&server, NULL, serve, &p) != 0) {
        /* Without a server the workers would wait for ever: serve them from here first. */
        root_stop(&p);
        serve(&p);
        st = SIM_ENOMEM;
    } else {
        const struct sim_run_source src = {root_next, &p};
        size_t failed = 0;
        st = sim_run_source(&run_ops, r, &src, n, r->threads, &cli_interrupted, &failed);
        if (st != SIM_OK)
            root_stop(&p); /* a local failure or interruption: hand out nothing more */
        pthread_join(server, NULL);
    }
    pthread_mutex_destroy(&p.lock);
    free(p.values);
    free(p.seeds);
    if (r->fail_status != SIM_OK)
        return r->fail_status;
    if (st == SIM_ENOMEM)
        return st;
    return r->done >= n ? SIM_OK : SIM_ECANCELED; /* else interrupted here or on another rank */
}

void run_mpi_end(int rc)
{
    int phase[2] = {0, rc};
    for (int k = 1; k < g_size; k++)
        MPI_Send(phase, 2, MPI_INT, k, TAG_PHASE, MPI_COMM_WORLD);
}

/* ---- ranks other than 0 ---- */

static bool worker_next(void *vsrc, size_t *item)
{
    (void)vsrc;
    if (cli_interrupted)
        return false;
    int dummy = 0;
    long long reply = -1;
    pthread_mutex_lock(&g_mpi);
    MPI_Send(&dummy, 1, MPI_INT, 0, TAG_REQ, MPI_COMM_WORLD);
    recv_poll(&reply, 1, MPI_LONG_LONG, 0, TAG_ITEM);
    pthread_mutex_unlock(&g_mpi);
    if (reply < 0)
        return false;
    *item = (size_t)reply;
    return true;
}

static sim_status worker_deliver(struct run *r, size_t item, uint64_t events, const double *values,
                                 const uint64_t *seeds)
{
    uint64_t head[2] = {item, events};
    pthread_mutex_lock(&g_mpi);
    MPI_Send(head, 2, MPI_UINT64_T, 0, TAG_REC, MPI_COMM_WORLD);
    MPI_Send(values, (int)r->rep_values, MPI_DOUBLE, 0, TAG_RECV, MPI_COMM_WORLD);
    MPI_Send(seeds, (int)r->nstreams, MPI_UINT64_T, 0, TAG_RECS, MPI_COMM_WORLD);
    pthread_mutex_unlock(&g_mpi);
    return SIM_OK;
}

/* Sends this rank's failure of an item (kept by run_fail) to rank 0. */
static void send_failure(const struct run *r)
{
    uint64_t head[2] = {r->fail_item, (uint64_t)r->fail_status};
    char msg[ERRMSG] = {0};
    snprintf(msg, sizeof msg, "%s", r->fail_msg);
    MPI_Send(head, 2, MPI_UINT64_T, 0, TAG_ERR, MPI_COMM_WORLD);
    MPI_Send(msg, ERRMSG, MPI_CHAR, 0, TAG_ERRMSG, MPI_COMM_WORLD);
}

int run_mpi_serve(struct run *r)
{
    r->deliver = worker_deliver;
    for (;;) {
        int phase[2];
        recv_poll(phase, 2, MPI_INT, 0, TAG_PHASE);
        if (phase[0] == 0)
            return phase[1];
        r->fail_status = SIM_OK;
        const struct sim_run_source src = {worker_next, NULL};
        size_t failed = 0;
        sim_status st = sim_run_source(&run_ops, r, &src, 0, r->threads, &cli_interrupted, &failed);
        if (st != SIM_OK && st != SIM_ECANCELED) {
            if (r->fail_status == SIM_OK)
                run_fail(r, 0, st, "a worker's workspace could not be built");
            send_failure(r);
        }
        int fin = st;
        MPI_Send(&fin, 1, MPI_INT, 0, TAG_FIN, MPI_COMM_WORLD);
    }
}

#else /* built without MPI: one process */

int run_mpi_rank(void)
{
    return 0;
}

int run_mpi_size(void)
{
    return 1;
}

int run_mpi_start(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *names[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *size = getenv(names[i]);
        if (size != NULL && atoi(size) > 1) {
            fprintf(stderr,
                    "dispsim: started as one of %s tasks (%s), but this dispsim was built without MPI "
                    "(install libopenmpi-dev and rebuild); every task would run the whole job\n",
                    size, names[i]);
            return -1;
        }
    }
    if (getenv("PMIX_RANK") != NULL && strcmp(getenv("PMIX_RANK"), "0") != 0) {
        fprintf(stderr,
                "dispsim: started as PMIx rank %s, but this dispsim was built without MPI (install "
                "libopenmpi-dev and rebuild)\n",
                getenv("PMIX_RANK"));
        return -1;
    }
    return 0;
}

void run_mpi_stop(void)
{
}

sim_status run_mpi_items(struct run *r, const size_t *items, size_t n)
{
    return run_local(r, items, n);
}

int run_mpi_serve(struct run *r)
{
    (void)r;
    return CLI_SOFTWARE; /* never called: there is no rank but 0 */
}

void run_mpi_end(int rc)
{
    (void)rc;
}

void run_mpi_abort(int rc)
{
    exit(rc); /* one process: nothing else waits for it */
}

bool run_mpi_all_ready(bool ready)
{
    return ready;
}

#endif
