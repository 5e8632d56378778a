/* run_phases.c: which replications a run runs (see run.h): all of them, one shard's contiguous
 * slice, or batches until the key 95% intervals are narrow enough (--precision). */
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../ana_summary.h"

/* The largest relative half-width of the key 95% intervals over replications [0, n). */
static double worst_precision(const struct run *r, size_t n)
{
    double worst = 0.0, *x = malloc(n * sizeof *x);
    if (x == NULL)
        return INFINITY;
    for (size_t v = 0; v < r->nvariants; v++) {
        for (size_t k = 0; k < n; k++)
            x[k] = r->key[v * r->nreps + k];
        struct ana_ci c = ana_summarise(x, n, 1, 0.95);
        double rel = c.mean != 0.0 ? 0.5 * (c.high - c.low) / fabs(c.mean) : INFINITY;
        worst = isnan(rel) ? INFINITY : fmax(worst, rel);
    }
    free(x);
    return worst;
}

/* The line after a --precision batch: n replications done, worst relative half-width h. */
static void say_batch(size_t n, double h, double target, const char *verdict)
{
    if (isfinite(h))
        fprintf(stderr, "dispsim: %zu replications: largest relative half-width %.4g (target %g)%s\n", n, h,
                target, verdict);
    else /* a mean of 0 (nothing arrives) has no relative half-width */
        fprintf(stderr,
                "dispsim: %zu replications: relative half-width undefined, a key total has mean 0 "
                "(target %g)%s\n",
                n, target, verdict);
}

/* Runs replications [from, to) of every variant, except those the checkpoint already holds, on
 * this process or on every MPI rank. */
static sim_status run_range(struct run *r, size_t from, size_t to)
{
    size_t n = 0;
    size_t *items = malloc(((to - from) * r->nvariants + 1) * sizeof *items);
    if (items == NULL)
        return SIM_ENOMEM;
    for (size_t v = 0; v < r->nvariants; v++)
        for (size_t k = from; k < to; k++)
            if (!res_ckpt_has(r->ckpt, v * r->nreps + k))
                items[n++] = v * r->nreps + k;
    sim_status st = SIM_OK;
    pthread_mutex_lock(&r->lock);
    r->done = 0;
    r->todo = n;
    pthread_mutex_unlock(&r->lock);
    if (n > 0)
        st = run_mpi_size() > 1 ? run_mpi_items(r, items, n) : run_local(r, items, n);
    free(items);
    return st;
}

/* Runs the phases the options ask for; the rows of the results file are replications [*first,
 * *first + *nrows) of every variant. */
sim_status run_phases(struct run *r, const struct run_opts *o, size_t *first, size_t *nrows)
{
    sim_status st = SIM_OK;
    *first = 0;
    *nrows = r->nreps;
    if (o->precision > 0) {
        /* Batches of replications [n, n + B) of every variant; each decision looks at completed
         * replications 0..n-1 only, so threads, ranks and resuming cannot move the stopping point. */
        size_t batch = o->batch > 0 ? (size_t)o->batch : 10, n = 0, streak = 0;
        const size_t confirm = 2;
        double h = INFINITY;
        while (st == SIM_OK && n < r->nreps && streak <= confirm) {
            size_t to = n + batch < r->nreps ? n + batch : r->nreps;
            st = run_range(r, n, to);
            n = to;
            if (st != SIM_OK || n < 2)
                continue;
            h = worst_precision(r, n);
            streak = h <= o->precision ? streak + 1 : 0;
            if (!o->quiet)
                say_batch(n, h, o->precision,
                          streak > confirm ? ": reached and confirmed"
                          : streak > 0     ? ": reached"
                                           : "");
        }
        if (st == SIM_OK && streak <= confirm && !o->quiet)
            say_batch(r->nreps, h, o->precision,
                      ": not confirmed within the maximum (-r); raise -r or the target");
        *nrows = n;
    } else if (o->shards > 0) {
        /* Shard i of N: the contiguous replications [floor((i-1) R / N), floor(i R / N)). */
        size_t lo = (size_t)(o->shard - 1) * r->nreps / (size_t)o->shards,
               hi = (size_t)o->shard * r->nreps / (size_t)o->shards;
        st = run_range(r, lo, hi);
        *first = lo;
        *nrows = hi - lo;
    } else {
        st = run_range(r, 0, r->nreps);
    }
    return st;
}
