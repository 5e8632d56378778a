#include "sim_kernel.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim_rng.h"

struct slot {
    const struct sim_model *m;
    void *self;
};

struct sim_kernel {
    struct sim_evq *q;
    double now;
    uint64_t events;
    sim_status status;
    char error[256];
    size_t nmodels;
    struct slot models[SIM_KERNEL_MAX_MODELS];
    size_t nstreams;
    gsl_rng **rng;
    uint64_t *seeds;
    const volatile sig_atomic_t *abort; /* see sim_kernel_set_abort */
};

/* Events between two looks at the abort flag: a load every 4096 events costs nothing measurable
 * and answers a signal within a millisecond. */
enum { ABORT_CHECK_MASK = 4095 };

/* The queue's hook: hands an event about to run to its model's prefetch. */
static void prefetch_hook(void *ctx, const struct sim_event *ev)
{
    const struct sim_kernel *k = ctx;
    if (ev->model < k->nmodels) {
        const struct slot *s = &k->models[ev->model];
        if (s->m->prefetch != NULL)
            s->m->prefetch(s->self, ev);
    }
}

sim_status sim_kernel_create(size_t nstreams, size_t hint, struct sim_kernel **out)
{
    if (nstreams == 0)
        return SIM_EINVAL;
    struct sim_kernel *k = calloc(1, sizeof *k);
    if (k == NULL)
        return SIM_ENOMEM;
    k->nstreams = nstreams;
    k->rng = calloc(nstreams, sizeof *k->rng);
    k->seeds = calloc(nstreams, sizeof *k->seeds);
    if (k->rng == NULL || k->seeds == NULL || sim_evq_create(hint, &k->q) != SIM_OK)
        goto fail;
    for (size_t s = 0; s < nstreams; s++)
        if ((k->rng[s] = gsl_rng_alloc(sim_rng_philox)) == NULL)
            goto fail;
    sim_evq_set_hook(k->q, prefetch_hook, k);
    *out = k;
    return SIM_OK;
fail:
    sim_kernel_destroy(k);
    return SIM_ENOMEM;
}

sim_status sim_kernel_set_tier(struct sim_kernel *k, double width)
{
    sim_evq_reset(k->q);
    return sim_evq_set_tier(k->q, width);
}

void sim_kernel_set_abort(struct sim_kernel *k, const volatile sig_atomic_t *flag)
{
    k->abort = flag;
}

void sim_kernel_destroy(struct sim_kernel *k)
{
    if (k == NULL)
        return;
    for (size_t s = 0; k->rng != NULL && s < k->nstreams; s++)
        gsl_rng_free(k->rng[s]);
    free(k->rng);
    free(k->seeds);
    sim_evq_destroy(k->q);
    free(k);
}

sim_status sim_kernel_attach(struct sim_kernel *k, const struct sim_model *m, void *self, uint16_t *id)
{
    if (k->nmodels >= SIM_KERNEL_MAX_MODELS)
        return SIM_EINVAL;
    k->models[k->nmodels] = (struct slot){m, self};
    *id = (uint16_t)k->nmodels++;
    return SIM_OK;
}

void sim_kernel_reset(struct sim_kernel *k, uint64_t master_seed, uint64_t rep)
{
    sim_evq_reset(k->q);
    k->now = 0.0;
    k->events = 0;
    k->status = SIM_OK;
    k->error[0] = '\0';
    for (size_t s = 0; s < k->nstreams; s++) {
        k->seeds[s] = sim_seed_mix(master_seed, rep, (uint32_t)s);
        gsl_rng_set(k->rng[s], k->seeds[s]);
    }
}

/* Whether the run must give up; failing it with SIM_ECANCELED if so. Cold: it runs once per
 * ABORT_CHECK_MASK + 1 events. */
__attribute__((noinline, cold)) static bool aborted(struct sim_kernel *k)
{
    if (k->abort == NULL || *k->abort == 0)
        return false;
    sim_kernel_fail(k, SIM_ECANCELED, "abandoned at t=%.6g: interrupted", k->now);
    return true;
}

/* Out of line and cold, so that the check costs the event loop one predictable branch. */
__attribute__((noinline, cold)) static void time_went_back(struct sim_kernel *k, double t)
{
    sim_kernel_fail(k, SIM_EINVARIANT, "event popped at t=%.17g after now=%.17g: time went back", t, k->now);
}

sim_status sim_kernel_run(struct sim_kernel *k, double until)
{
    for (size_t i = 0; i < k->nmodels && k->status == SIM_OK; i++)
        if (k->models[i].m->init != NULL) {
            sim_status st = k->models[i].m->init(k->models[i].self, k);
            if (st != SIM_OK && k->status == SIM_OK)
                sim_kernel_fail(k, st, "%s: init failed", k->models[i].m->name);
        }
    struct sim_event ev;
    while (k->status == SIM_OK && sim_evq_pop_until(k->q, until, &ev)) {
        if (__builtin_expect(!(ev.time >= k->now), 0)) { /* also NaN; one comparison per event */
            time_went_back(k, ev.time);
            break;
        }
        k->now = ev.time;
        if (__builtin_expect((++k->events & ABORT_CHECK_MASK) == 0, 0) && aborted(k))
            break;
        const struct slot *s = &k->models[ev.model];
        s->m->handle(s->self, k, &ev);
    }
    if (k->status == SIM_OK)
        k->now = until;
    for (size_t i = 0; i < k->nmodels && k->status == SIM_OK; i++)
        if (k->models[i].m->finish != NULL) {
            sim_status st = k->models[i].m->finish(k->models[i].self, k);
            if (st != SIM_OK && k->status == SIM_OK)
                sim_kernel_fail(k, st, "%s: finish failed", k->models[i].m->name);
        }
    return k->status;
}

sim_status sim_kernel_at(struct sim_kernel *k, uint16_t model, uint16_t kind, double t, int16_t prio,
                         uint32_t a, uint64_t b, double x, sim_evh *h)
{
    if (!(t >= k->now)) {
        sim_kernel_fail(k, SIM_EINVARIANT, "event scheduled at t=%.17g before now=%.17g", t, k->now);
        return SIM_EINVARIANT;
    }
    struct sim_event ev = {.time = t, .x = x, .b = b, .a = a, .prio = prio, .model = model, .kind = kind};
    sim_status st = sim_evq_push(k->q, &ev, h);
    if (st != SIM_OK)
        sim_kernel_fail(k, st, "cannot schedule event: %s", sim_status_str(st));
    return st;
}

bool sim_kernel_cancel(struct sim_kernel *k, sim_evh h)
{
    return sim_evq_cancel(k->q, h);
}

void sim_kernel_fail(struct sim_kernel *k, sim_status st, const char *fmt, ...)
{
    if (k->status != SIM_OK)
        return;
    k->status = st == SIM_OK ? SIM_EINVARIANT : st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->error, sizeof k->error, fmt, ap);
    va_end(ap);
}

const char *sim_kernel_error(const struct sim_kernel *k)
{
    return k->error;
}

double sim_kernel_now(const struct sim_kernel *k)
{
    return k->now;
}

gsl_rng *sim_kernel_rng(struct sim_kernel *k, size_t s)
{
    return k->rng[s];
}

uint64_t sim_kernel_seed(const struct sim_kernel *k, size_t s)
{
    return k->seeds[s];
}

size_t sim_kernel_nstreams(const struct sim_kernel *k)
{
    return k->nstreams;
}

uint64_t sim_kernel_events(const struct sim_kernel *k)
{
    return k->events;
}
