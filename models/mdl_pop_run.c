/* mdl_pop_run.c: one replication of the population model: arrivals, decisions, attempts, outcomes,
 * beliefs and the conservation check. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "../sim/sim_rng.h"
#include "mdl_pop_priv.h"

typedef struct mdl__person person;

static void count_mode(struct mdl_pop *p, double t, enum pop_mvar v, int mode)
{
    mdl__pop_count(p, t, DI_MODE + (int)v, TI_MODE + (int)v, mode, 1.0);
}

static void count_pop(struct mdl_pop *p, double t, enum pop_pvar v)
{
    mdl__pop_count(p, t, DI_POP + (int)v, TI_POP + (int)v, -1, 1.0);
}

/* ---- people ---- */

static sim_status grow(struct mdl_pop *p)
{
    size_t ncap = 2 * p->cap;
    if (ncap >= MDL__POP_NONE)
        return SIM_ENOMEM;
    return mdl__pop_alloc_people(p, ncap, p->cap);
}

gsl_rng *mdl__pop_draws(struct mdl_pop *p, uint32_t i)
{
    /* One key for everyone, each person's serial number its lane: no key to derive or store. */
    sim_rng_philox_seek_lane(p->prng, p->people_seed, p->people[i].serial, p->people[i].block);
    return p->prng;
}

void mdl__pop_release(struct mdl_pop *p, uint32_t i)
{
    uint64_t block = sim_rng_philox_tell(p->prng);
    assert(block <= UINT32_MAX); /* a few blocks an event */
    p->people[i].block = (uint32_t)block;
}

/* Creates a person arriving at t; returns its index or MDL__POP_NONE (out of memory: run failed). */
static uint32_t spawn(struct mdl_pop *p, struct sim_kernel *k, double t)
{
    if (p->serial > UINT32_MAX) {
        sim_kernel_fail(k, SIM_EINVAL, "more than %llu arrivals in one replication",
                        (unsigned long long)UINT32_MAX + 1);
        return MDL__POP_NONE;
    }
    uint32_t i = p->free_head;
    if (i != MDL__POP_NONE)
        p->free_head = p->people[i].next;
    else {
        if (p->live + 1 > p->cap && grow(p) != SIM_OK) {
            sim_kernel_fail(k, SIM_ENOMEM, "out of memory for %llu people", (unsigned long long)p->live + 1);
            return MDL__POP_NONE;
        }
        i = (uint32_t)p->live; /* no free slot: every index below live is taken */
    }
    person *q = &p->people[i];
    memset(q, 0, sizeof *q);
    if (p->fails_hi != NULL)
        memset(mdl__pop_fails(p, i, MDL__POP_INLINE_FAILS), 0, MDL__POP_HI_FAILS);
    q->serial = (uint32_t)p->serial++;
    q->t_in = t;
    gsl_rng *r = mdl__pop_draws(p, i);
    const struct mdl_population *pp = p->pp;
    q->budget = mdl_sampler_draw(&p->budget, r);
    bool docs = sim_rng_uniform(r) < pp->documents_share;
    q->inv_risk_tol = 1.0 / fmax(mdl_sampler_draw(&p->risk, r), 1e-9);
    q->inv_patience = 1.0 / fmax(mdl_sampler_draw(&p->patience, r), 1e-9);
    for (size_t m = 0; m < p->nmodes; m++) {
        const struct mdl_mode *md = p->modes[m].m;
        bool ok = sim_rng_uniform(r) < md->eligible_share && (!md->needs_documents || docs);
        q->eligible |= (uint16_t)(ok ? 1u << m : 0u);
    }
    double first = t + mdl_sampler_draw(&p->prep, r);
    mdl__pop_release(p, i);
    p->live++;
    sim_kernel_at(k, p->model, EV_DECIDE, first, POP_PRIO_FLOW, i, 0, 0.0, NULL);
    return i;
}

static void retire(struct mdl_pop *p, uint32_t i)
{
    p->people[i].next = p->free_head;
    p->free_head = i;
    p->live--;
}

/* ---- beliefs ---- */

static void observe(struct mdl_pop *p, size_t c, double t, bool success, double waited)
{
    size_t slot = (size_t)floor(fmax(t - p->t0, 0.0)) % p->ring;
    struct mdl__channel *ch = &p->chan[c];
    ch->succ[slot] += success;
    ch->n[slot] += 1.0;
    if (waited >= 0) {
        ch->wait_sum[slot] += waited;
        ch->wait_n[slot] += 1.0;
    }
}

/* The parts of each mode's utility shared by everyone: asc + b_success ln(belief) - b_wait wait.
 * Beliefs move once a day, so decisions reuse these instead of taking logarithms. */
static void refresh_utilities(struct mdl_pop *p)
{
    const struct mdl_choice *ch = p->ch;
    for (size_t m = 0; m < p->nmodes; m++) {
        struct mdl__mode *md = &p->modes[m];
        md->log_belief = log(p->chan[m].belief);
        md->v_fixed = md->m->asc + ch->b_success * md->log_belief - ch->b_wait * p->chan[m].wait;
    }
    for (size_t i = 0; i < p->nports; i++) {
        struct mdl__channel *c = &p->chan[p->nmodes + i];
        c->pick = p->port_weight[i] * pow(c->belief, ch->b_success);
    }
}

/* At the start of day d the slot d % ring holds day d - ring = d - 1 - delay: learn it, clear it.
 * A channel nobody reported on that day drifts back towards what the smugglers' networks advertise
 * (the mode's `belief` and `expected_wait_days`), so a mode nobody tries can be tried again. */
static void learn(struct mdl_pop *p, struct sim_kernel *k, double t)
{
    size_t slot = (size_t)floor(t - p->t0 + 0.5) % p->ring;
    bool on = p->ch->beliefs.learning;
    for (size_t c = 0; c < p->nchan; c++) {
        struct mdl__channel *ch = &p->chan[c];
        int m = c < p->nmodes ? (int)c : p->lorry_mode;
        if (on && ch->n[slot] > 0)
            ch->belief += p->alpha * (ch->succ[slot] / ch->n[slot] - ch->belief);
        else if (on && p->revert > 0 && m >= 0)
            ch->belief += p->revert * (p->modes[m].m->belief - ch->belief);
        if (on && ch->wait_n[slot] > 0)
            ch->wait += p->alpha * (ch->wait_sum[slot] / ch->wait_n[slot] - ch->wait);
        else if (on && p->revert > 0 && m >= 0)
            ch->wait += p->revert * (p->modes[m].m->expected_wait_days - ch->wait);
        ch->belief = fmax(ch->belief, p->ch->beliefs.floor);
        if (!sim_kernel_check_prob(k, ch->belief, "population: belief of success"))
            return;
        ch->succ[slot] = ch->n[slot] = ch->wait_sum[slot] = ch->wait_n[slot] = 0.0;
    }
    refresh_utilities(p);
}

/* ---- outcomes ---- */

/* Person i decides again after a delay drawn from d with r, i's stream as positioned now. */
static void decide_after(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t,
                         const struct mdl_sampler *d, gsl_rng *r)
{
    double when = t + mdl_sampler_draw(d, r);
    mdl__pop_release(p, i);
    sim_kernel_at(k, p->model, EV_DECIDE, when, POP_PRIO_FLOW, i, 0, 0.0, NULL);
}

static void decide_later(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t,
                         const struct mdl_sampler *d)
{
    decide_after(p, k, i, t, d, mdl__pop_draws(p, i));
}

static void observe_outcome(struct mdl_pop *p, uint32_t i, double t, bool success)
{
    const person *q = &p->people[i];
    observe(p, q->mode, t, success, t - q->t_choice);
    if ((int)q->mode == p->lorry_mode)
        observe(p, p->nmodes + q->port, t, success, -1.0);
}

void mdl__pop_failed(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t)
{
    person *q = &p->people[i];
    count_mode(p, t, M_PREVENTED, q->mode);
    observe_outcome(p, i, t, false);
    if (q->failures < UINT16_MAX)
        q->failures++;
    uint8_t *fails = mdl__pop_fails(p, i, q->mode);
    if (*fails < UINT8_MAX)
        (*fails)++;
    decide_later(p, k, i, t, &p->ret);
}

/* Person i leaves the population at t by arriving in the UK or dying; both end an attempt. */
static void exits(struct mdl_pop *p, uint32_t i, double t, bool arrival)
{
    count_mode(p, t, arrival ? M_ARRIVALS : M_DEATHS, p->people[i].mode);
    observe_outcome(p, i, t, arrival);
    uint64_t *all = arrival ? &p->arrived_all : &p->died_all, *in_w = arrival ? &p->arrived_w : &p->died_w;
    (*all)++;
    *in_w += mdl__pop_day(p, t) >= 0;
    retire(p, i);
}

void mdl__pop_arrived(struct mdl_pop *p, uint32_t i, double t)
{
    exits(p, i, t, true);
}

void mdl__pop_died(struct mdl_pop *p, uint32_t i, double t)
{
    exits(p, i, t, false);
}

/* ---- decisions ---- */

static void utilities(struct mdl_pop *p, uint32_t i, double t, double *v, bool *avail)
{
    const person *q = &p->people[i];
    const struct mdl_choice *ch = p->ch;
    double inv_budget = 1.0 / q->budget;
    for (size_t m = 0; m < p->nmodes; m++) {
        const struct mdl__mode *md = &p->modes[m];
        avail[m] = ((q->eligible >> m) & 1u) && md->kind->available(p, q, m);
        if (!avail[m])
            continue; /* the utility is not read: no price (a pure function) to look up */
        double price = md->kind->expected_price(p, q, m);
        /* ln max(belief / (1 + w f), floor), with ln(belief) inside v_fixed */
        double lb = md->log_belief, own = p->log_own[*mdl__pop_fails(p, i, m)];
        double discount = lb - own >= p->log_floor ? -own : p->log_floor - lb;
        v[m] = md->v_fixed + ch->b_success * discount - ch->b_price * price * inv_budget -
               ch->b_risk * md->m->risk * q->inv_risk_tol;
    }
    avail[p->nmodes] = avail[p->nmodes + 1] = true;
    v[p->nmodes] = ch->wait_asc;
    v[p->nmodes + 1] = ch->leave.asc + ch->leave.per_failure * q->failures +
                       ch->leave.per_patience * (t - q->t_in) * q->inv_patience;
}

/* The choice probabilities of one decision each lie in [0, 1] and sum to 1 (to rounding): a NaN or
 * infinite utility would otherwise pick an alternative silently (the inverse CDF in
 * mdl_choice_pick falls through to the last one). A few comparisons next to the exponentials. */
static bool choice_probs_ok(struct mdl_pop *p, struct sim_kernel *k, const double *pr)
{
    double sum = 0.0;
    for (unsigned a = 0; a < p->cs.n; a++) {
        if (!sim_kernel_check_prob(k, pr[a], "population: choice"))
            return false;
        sum += pr[a];
    }
    if (fabs(sum - 1.0) <= 1e-9)
        return true;
    sim_kernel_fail(k, SIM_EINVARIANT, "population: choice probabilities sum to %.17g, not 1", sum);
    return false;
}

static void decide(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t)
{
    person *q = &p->people[i];
    double v[MDL_CHOICE_MAX], pr[MDL_CHOICE_MAX];
    bool avail[MDL_CHOICE_MAX];
    utilities(p, i, t, v, avail);
    mdl_choice_probs(&p->cs, v, avail, pr); /* wait and leave are always available */
    if (!choice_probs_ok(p, k, pr))
        return;
    gsl_rng *r = mdl__pop_draws(p, i);
    unsigned a = mdl_choice_pick(pr, p->cs.n, sim_rng_uniform(r));
    if (a == p->nmodes + 1) {
        mdl__pop_release(p, i);
        count_pop(p, t, P_LEAVERS);
        p->left_all++;
        p->left_w += mdl__pop_day(p, t) >= 0;
        retire(p, i);
        return;
    }
    if (a == p->nmodes) { /* the wait delay from the rest of the choice's block, not a new one */
        count_pop(p, t, P_WAITED);
        decide_after(p, k, i, t, &p->wait, r);
        return;
    }
    q->mode = (uint8_t)a;
    q->t_choice = t;
    count_mode(p, t, M_CHOICES, (int)a);
    struct mdl__mode *md = &p->modes[a];
    md->started++;
    md->kind->begin(p, k, i, t, r);
}

void mdl__pop_schedule_attempt(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t, gsl_rng *r)
{
    double when = t + mdl_sampler_draw(&p->modes[p->people[i].mode].attempt, r);
    mdl__pop_release(p, i);
    sim_kernel_at(k, p->model, EV_ATTEMPT, when, POP_PRIO_FLOW, i, 0, 0.0, NULL);
}

/* ---- attempts ---- */

static void attempt(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t)
{
    const struct mdl__mode *md = &p->modes[p->people[i].mode];
    count_mode(p, t, M_ATTEMPTS, p->people[i].mode);
    gsl_rng *r = mdl__pop_draws(p, i);
    double u_death = sim_rng_uniform(r), u_pass = sim_rng_uniform(r);
    mdl__pop_release(p, i);
    md->kind->attempt(p, k, i, t, u_death, u_pass);
}

/* ---- days, window, inflow ---- */

/* Records end-of-day levels for the day ending at t, then learns and opens the next day. */
static void day(struct mdl_pop *p, struct sim_kernel *k, double t)
{
    long d = mdl__pop_day(p, t - 0.5);
    const struct sim_out_table *tb = p->t;
    if (d >= 0) {
        p->out[tb->offset[p->ids->daily[DI_STAGING]] + (size_t)d] = (double)p->live;
        for (size_t m = 0; m < p->nmodes; m++) {
            size_t row = (size_t)d * p->nmodes + m;
            p->out[tb->offset[p->ids->daily[DI_LEVEL + L_BELIEF]] + row] = p->chan[m].belief;
            p->out[tb->offset[p->ids->daily[DI_LEVEL + L_WAIT]] + row] = p->chan[m].wait;
            p->out[tb->offset[p->ids->daily[DI_LEVEL + L_PRICE]] + row] = p->modes[m].kind->price(p, m);
        }
    }
    learn(p, k, t);
    for (size_t m = 0; m < p->nmodes; m++)
        p->modes[m].started = 0;
    if (t + 1.0 <= p->w1)
        sim_kernel_at(k, p->model, EV_DAY, t + 1.0, POP_PRIO_DAY, 0, 0, 0.0, NULL);
}

static void next_inflow(struct mdl_pop *p, struct sim_kernel *k, double t)
{
    if (p->rate_max <= 0)
        return;
    /* Thinning (Lewis and Shedler): candidates at the peak rate, kept with rate(t) / peak. */
    for (;;) {
        t += sim_rng_exponential(p->inflow) / p->rate_max;
        if (t >= p->w1)
            return;
        if (sim_rng_uniform(p->inflow) * p->rate_max < p->rate[p->months[(size_t)t]])
            break;
    }
    sim_kernel_at(k, p->model, EV_INFLOW, t, POP_PRIO_FLOW, 0, 0, 0.0, &p->inflow_ev);
}

void mdl__pop_refresh(struct mdl_pop *p, struct sim_kernel *k)
{
    double rate[12];
    memcpy(rate, p->rate, sizeof rate);
    mdl__pop_derive(p);
    if (k == NULL)
        return;
    refresh_utilities(p);
    if (memcmp(rate, p->rate, sizeof rate) != 0) { /* redraw the next arrival: memoryless, exact */
        sim_kernel_cancel(k, p->inflow_ev);
        p->inflow_ev = 0;
        next_inflow(p, k, sim_kernel_now(k));
    }
}

static sim_status pop_init(void *self, struct sim_kernel *k)
{
    struct mdl_pop *p = self;
    p->inflow = sim_kernel_rng(k, p->first_stream + MDL_POP_INFLOW);
    p->people_seed = sim_kernel_seed(k, p->first_stream + MDL_POP_PEOPLE);
    p->serial = p->live = 0;
    p->free_head = MDL__POP_NONE;
    p->in_all = p->arrived_all = p->left_all = p->died_all = 0;
    p->in_w = p->arrived_w = p->left_w = p->died_w = p->stock_w = 0;
    memset(p->chan_mem, 0, p->nchan * 4 * p->ring * sizeof *p->chan_mem);
    for (size_t c = 0; c < p->nchan; c++) {
        /* Port channels start from the lorry mode's belief (unused without a lorry mode). */
        int m = c < p->nmodes ? (int)c : p->lorry_mode;
        p->chan[c].belief = m >= 0 ? p->modes[m].m->belief : 1.0;
        p->chan[c].wait = m >= 0 ? p->modes[m].m->expected_wait_days : 0.0;
    }
    for (size_t m = 0; m < p->nmodes; m++) {
        p->modes[m].started = 0;
        sim_status st = p->modes[m].kind->check != NULL ? p->modes[m].kind->check(p, k, m) : SIM_OK;
        if (st != SIM_OK)
            return st;
    }
    refresh_utilities(p);
    p->initial = (uint64_t)p->pp->initial_stock;
    for (uint64_t j = 0; j < p->initial; j++)
        if (spawn(p, k, 0.0) == MDL__POP_NONE)
            return SIM_ENOMEM;
    next_inflow(p, k, 0.0);
    sim_kernel_at(k, p->model, EV_WINDOW, p->w0, POP_PRIO_WINDOW, 0, 0, 0.0, NULL);
    return sim_kernel_at(k, p->model, EV_DAY, p->t0, POP_PRIO_DAY, 0, 0, 0.0, NULL);
}

static void pop_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct mdl_pop *p = self;
    switch ((enum mdl__pop_event)ev->kind) {
    case EV_INFLOW:
        p->in_all++;
        p->in_w += mdl__pop_day(p, ev->time) >= 0;
        count_pop(p, ev->time, P_INFLOW);
        spawn(p, k, ev->time);
        next_inflow(p, k, ev->time);
        break;
    case EV_DECIDE: decide(p, k, ev->a, ev->time); break;
    case EV_ATTEMPT: attempt(p, k, ev->a, ev->time); break;
    case EV_DAY: day(p, k, ev->time); break;
    case EV_WINDOW: p->stock_w = p->live; break;
    }
}

static sim_status pop_finish(void *self, struct sim_kernel *k)
{
    struct mdl_pop *p = self;
    *mdl__pop_total(p, TI_TOTAL + T_STOCK_START) = (double)p->stock_w;
    *mdl__pop_total(p, TI_TOTAL + T_STOCK_END) = (double)p->live;
    /* Two independent tallies: the people alive in the pool, and the flows in and out. */
    if (p->initial + p->in_all != p->live + p->arrived_all + p->left_all + p->died_all ||
        p->stock_w + p->in_w != p->live + p->arrived_w + p->left_w + p->died_w) {
        sim_kernel_fail(
            k, SIM_EINVARIANT,
            "population not conserved: initial %llu + inflow %llu != stock %llu + arrivals %llu + "
            "leavers %llu + deaths %llu",
            (unsigned long long)p->initial, (unsigned long long)p->in_all, (unsigned long long)p->live,
            (unsigned long long)p->arrived_all, (unsigned long long)p->left_all,
            (unsigned long long)p->died_all);
        return SIM_EINVARIANT;
    }
    return SIM_OK;
}

/* A decision or an attempt about to run will read the person's record: start fetching it now. */
static void pop_prefetch(const void *self, const struct sim_event *ev)
{
    const struct mdl_pop *p = self;
    if (ev->kind == EV_DECIDE || ev->kind == EV_ATTEMPT)
        __builtin_prefetch(&p->people[ev->a]);
}

void mdl__pop_bind(struct mdl_pop *p, double *rep_values, uint16_t model_id)
{
    p->out = rep_values;
    p->model = model_id;
}

const struct sim_model mdl__pop_model = {.name = "population",
                                         .init = pop_init,
                                         .handle = pop_handle,
                                         .finish = pop_finish,
                                         .prefetch = pop_prefetch};
