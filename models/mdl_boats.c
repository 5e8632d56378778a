/* The small-boat model: see mdl_boats.h for what it represents. */
#include "mdl_boats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "../sim/sim_rng.h"

enum kind { EV_DAY, EV_LAUNCH };
enum { BOATS_PRIO_DAY = -9, BOATS_PRIO_LAUNCH = 0 };

/* Daily variables; the first D_NSUM are also summed into totals. */
enum dvar {
    D_GOOD,
    D_LAUNCHED,
    D_PREVENTED,
    D_CROSSED,
    D_PEOPLE,
    D_SEIZED,
    D_NSUM,
    D_STOCK = D_NSUM,
    D_QUEUE,
    D_OCCUPANCY,
    D_PRICE,
    D_NVARS
};
enum tvar { T_PER_BOAT = D_NSUM, T_PRICE, T_NVARS };

struct var_info {
    const char *name, *units, *description;
    enum sim_out_kind kind;
};

static const struct var_info info[D_NVARS] = {
    {"boat_weather_good", "days", "1 if the day was fit to launch boats", SIM_OUT_COUNT},
    {"boats_launched", "boats", "boats launched from French beaches (including those prevented)",
     SIM_OUT_COUNT},
    {"boats_prevented", "boats", "launches prevented on the beach by French patrols", SIM_OUT_COUNT},
    {"boats_crossed", "boats", "boats that reached UK waters (launched minus prevented)", SIM_OUT_COUNT},
    {"boat_people_launched", "people", "people on launched boats", SIM_OUT_COUNT},
    {"boats_seized", "boats", "boats and engines seized from the networks' stock", SIM_OUT_COUNT},
    {"boats_stock", "boats", "boats held by the networks at the end of the day", SIM_OUT_COUNT},
    {"boat_queue", "people", "people waiting for a boat at the end of the day", SIM_OUT_COUNT},
    {"boat_occupancy_mean", "people per boat", "mean occupancy of boats launched that day (NaN if none)",
     SIM_OUT_REAL},
    {"boat_price_eur", "EUR", "price of a place on a boat at the end of the day", SIM_OUT_REAL},
};
static const struct var_info tinfo[T_NVARS - D_NSUM] = {
    {"boat_people_per_boat", "people per boat", "mean occupancy of launched boats (NaN if none)",
     SIM_OUT_REAL},
    {"boat_price_mean_eur", "EUR", "mean over days of the price of a place on a boat", SIM_OUT_REAL},
};

struct waiting {
    uint32_t person;
    double since;
};

struct mdl_boats {
    const struct mdl_boat *p;
    const struct mdl_mode *mode;
    double base_price;
    const unsigned char *months;
    const struct sim_out_table *t;
    const struct mdl_boats_vars *ids;
    size_t first_stream;
    double w0, w1;
    gsl_rng *rng[MDL_BP_COUNT];
    struct waiting *q;
    size_t qcap, qhead, qlen;
    unsigned good;
    double stock, price, prevent_p;
    double price_sum, price_days;
    double *out;
    uint16_t model;
    struct mdl_boats_listener listeners[MDL_BOATS_MAX_LISTENERS];
    size_t nlisteners;
};

static const char *const stream_names[MDL_BP_COUNT] = {"boats.weather", "boats.supply", "boats.launch",
                                                       "boats.sea"};

const char *mdl_boats_stream_name(enum mdl_boats_process process)
{
    return stream_names[process];
}

/* Adds the boat variables over `day_dim` (daily) and per replication (totals). */
static sim_status mdl_boats_declare(struct sim_out_table *t, int day_dim, struct mdl_boats_vars *ids)
{
    sim_status st = SIM_OK;
    for (int v = 0; v < D_NVARS && st == SIM_OK; v++) {
        struct sim_out_var var = {.group = "daily",
                                  .name = info[v].name,
                                  .units = info[v].units,
                                  .description = info[v].description,
                                  .kind = info[v].kind,
                                  .rank = 1,
                                  .dims = {day_dim}};
        st = sim_out_add_var(t, &var, &ids->daily[v]);
    }
    for (int v = 0; v < T_NVARS && st == SIM_OK; v++) {
        if (v >= D_NSUM && v < T_PER_BOAT)
            continue;
        const struct var_info *vi = v < D_NSUM ? &info[v] : &tinfo[v - D_NSUM];
        struct sim_out_var var = {.group = "totals",
                                  .name = vi->name,
                                  .units = vi->units,
                                  .description = vi->description,
                                  .kind = vi->kind,
                                  .rank = 0};
        st = sim_out_add_var(t, &var, &ids->totals[v]);
    }
    return st;
}

/* Creates the model for the boat mode `mode` (borrowed, with mode->boat set) of scenario `s`.
 * `months` (borrowed) gives the calendar month 0..11 of each simulated day. Streams
 * [first_stream, first_stream + MDL_BP_COUNT). SIM_ENOMEM. */
static sim_status mdl_boats_create(const struct mdl_scenario *s, const struct mdl_mode *mode,
                                   const unsigned char *months, const struct sim_out_table *t,
                                   const struct mdl_boats_vars *ids, size_t first_stream,
                                   struct mdl_boats **out)
{
    struct mdl_boats *b = calloc(1, sizeof *b);
    if (b == NULL)
        return SIM_ENOMEM;
    *b = (struct mdl_boats){.p = mode->boat,
                            .mode = mode,
                            .base_price = mode->price_eur,
                            .months = months,
                            .t = t,
                            .ids = ids,
                            .first_stream = first_stream,
                            .w0 = s->calendar.warmup_days,
                            .w1 = s->calendar.warmup_days + s->calendar.horizon_days,
                            .qcap = 1024};
    b->q = malloc(b->qcap * sizeof *b->q);
    if (b->q == NULL) {
        free(b);
        return SIM_ENOMEM;
    }
    *out = b;
    return SIM_OK;
}

/* Frees the model; accepts NULL. */
static void mdl_boats_destroy(struct mdl_boats *b)
{
    if (b == NULL)
        return;
    free(b->q);
    free(b);
}

/* Prepares the next replication: results go to `rep_values`, events carry `model_id`. */
static void mdl_boats_bind(struct mdl_boats *b, double *rep_values, uint16_t model_id)
{
    b->out = rep_values;
    b->model = model_id;
}

sim_status mdl_boats_listen(struct mdl_boats *b, const struct mdl_boats_listener *l)
{
    if (b->nlisteners == MDL_BOATS_MAX_LISTENERS)
        return SIM_EINVAL;
    b->listeners[b->nlisteners++] = *l;
    return SIM_OK;
}

sim_status mdl_boats_join(struct mdl_boats *b, uint32_t person, double now)
{
    if (b->qlen == b->qcap) {
        /* Unroll the ring into a buffer twice the size; amortised, and a warm workspace keeps it. */
        struct waiting *bigger = malloc(2 * b->qcap * sizeof *bigger);
        if (bigger == NULL)
            return SIM_ENOMEM;
        for (size_t i = 0; i < b->qlen; i++)
            bigger[i] = b->q[(b->qhead + i) % b->qcap];
        free(b->q);
        b->q = bigger;
        b->qhead = 0;
        b->qcap *= 2;
    }
    b->q[(b->qhead + b->qlen++) % b->qcap] = (struct waiting){person, now};
    return SIM_OK;
}

double mdl_boats_price(const struct mdl_boats *b)
{
    return b->price;
}

uint64_t mdl_boats_waiting(const struct mdl_boats *b)
{
    return b->qlen;
}

/* ---- the replication ---- */

/* Index of the analysis-window day holding time t, or -1 outside the window. */
static long day_of(const struct mdl_boats *b, double t)
{
    if (t < b->w0 || t >= b->w1)
        return -1;
    return (long)floor(t - b->w0);
}

static void add_daily(struct mdl_boats *b, double t, int var, double x)
{
    long d = day_of(b, t);
    if (d < 0)
        return;
    b->out[b->t->offset[b->ids->daily[var]] + (size_t)d] += x;
    if (var < D_NSUM)
        b->out[b->t->offset[b->ids->totals[var]]] += x;
}

static void set_daily(struct mdl_boats *b, double t, int var, double x)
{
    long d = day_of(b, t);
    if (d >= 0)
        b->out[b->t->offset[b->ids->daily[var]] + (size_t)d] = x;
}

/* Places one boat can take: its capacity (launchable boats today) times the mean occupancy. */
static double supply_places(const struct mdl_boats *b)
{
    return fmin(b->stock, b->p->launch_capacity_per_day) * b->p->occupancy_mean;
}

static void update_price(struct mdl_boats *b)
{
    const struct mdl_boat *p = b->p;
    double ratio = ((double)b->qlen + 1.0) / (supply_places(b) + 1.0);
    double f = p->price_elasticity > 0 ? pow(ratio, p->price_elasticity) : 1.0;
    b->price = b->base_price * fmin(p->price_max_factor, fmax(p->price_min_factor, f));
}

/* Recomputes what the model caches from its parameters after an intervention changed them (k is
 * NULL before a replication starts). */
static void mdl_boats_refresh(struct mdl_boats *b, struct sim_kernel *k)
{
    b->base_price = b->mode->price_eur;
    b->prevent_p = 1.0 - exp(-b->p->prevention_per_effort * b->p->patrol_effort);
    if (k != NULL)
        update_price(b);
}

static sim_status boats_init(void *self, struct sim_kernel *k)
{
    struct mdl_boats *b = self;
    for (int i = 0; i < MDL_BP_COUNT; i++)
        b->rng[i] = sim_kernel_rng(k, b->first_stream + (size_t)i);
    b->qhead = b->qlen = 0;
    b->stock = b->p->initial_boats;
    b->prevent_p = 1.0 - exp(-b->p->prevention_per_effort * b->p->patrol_effort);
    if (!sim_kernel_check_prob(k, b->prevent_p, "boats: prevention"))
        return SIM_EINVARIANT;
    b->price_sum = b->price_days = 0.0;
    /* The first day's weather comes from the stationary distribution of its month. */
    b->good = sim_rng_uniform(b->rng[MDL_BP_WEATHER]) < b->p->good_weather_share[b->months[0]];
    update_price(b);
    return sim_kernel_at(k, b->model, EV_DAY, 0.0, BOATS_PRIO_DAY, 0, 0, 0.0, NULL);
}

/* Positions stream `s` at its own stretch of blocks for (day, item): 4,096 blocks (16,384 words)
 * per item, 2^20 items per day. Draws for one day or boat then never depend on how many numbers
 * earlier days or boats consumed, so two variants that differ in demand (more people waiting, one
 * more boat) stay on common random numbers for everything else: paired comparisons stay tight. */
static void seek(struct mdl_boats *b, struct sim_kernel *k, int s, size_t day, size_t item)
{
    sim_rng_philox_seek(b->rng[s], sim_kernel_seed(k, b->first_stream + (size_t)s),
                        ((uint64_t)day << 32) | ((uint64_t)item << 12));
}

static void new_day(struct mdl_boats *b, struct sim_kernel *k, double t)
{
    const struct mdl_boat *p = b->p;
    size_t day = (size_t)t;
    seek(b, k, MDL_BP_SUPPLY, day, 0);
    if (day > 0) {
        /* Close yesterday's record, then move the chain: P(good | good) = pi + rho (1 - pi),
         * P(good | bad) = pi (1 - rho), which keeps the month's pi stationary. */
        set_daily(b, t - 0.5, D_STOCK, b->stock);
        set_daily(b, t - 0.5, D_QUEUE, (double)b->qlen);
        set_daily(b, t - 0.5, D_PRICE, b->price);
        double pi = p->good_weather_share[b->months[day]], rho = p->weather_persistence;
        double pg = b->good ? pi + rho * (1.0 - pi) : pi * (1.0 - rho);
        if (!sim_kernel_check_prob(k, pg, "boats: good weather tomorrow"))
            return;
        b->good = sim_rng_uniform(b->rng[MDL_BP_WEATHER]) < pg;
    }
    /* The kernel also runs events due exactly at the horizon: the day that would start there is
     * never simulated, so draw nothing for it (the last day's record, closed above, must keep the
     * stock and price at the end of that day, not after another day's supply). */
    if (t >= b->w1)
        return;
    b->stock += gsl_ran_poisson(b->rng[MDL_BP_SUPPLY], p->replenish_per_day);
    unsigned seized =
        p->seizure_share_per_day > 0
            ? gsl_ran_binomial(b->rng[MDL_BP_SUPPLY], p->seizure_share_per_day, (unsigned)b->stock)
            : 0;
    b->stock -= seized;
    if (!(b->stock >= 0.0)) {
        sim_kernel_fail(k, SIM_EINVARIANT, "boats: stock of boats is %.17g on day %zu", b->stock, day);
        return;
    }
    add_daily(b, t, D_SEIZED, seized);
    add_daily(b, t, D_GOOD, b->good);
    update_price(b);
    if (t >= b->w0 && t < b->w1) {
        b->price_sum += b->price;
        b->price_days += 1.0;
    }
    if (b->good)
        sim_kernel_at(k, b->model, EV_LAUNCH, t + p->launch_hour / 24.0, BOATS_PRIO_LAUNCH, 0, 0, 0.0, NULL);
    sim_kernel_at(k, b->model, EV_DAY, t + 1.0, BOATS_PRIO_DAY, 0, 0, 0.0, NULL);
}

/* Occupancy target: the mean, raised when the queue exceeds what the launchable boats carry. */
static double occupancy_target(const struct mdl_boats *b)
{
    const struct mdl_boat *p = b->p;
    double demand = (double)b->qlen / fmax(supply_places(b), 1.0);
    double target = p->occupancy_mean;
    if (p->occupancy_adaptation > 0 && demand > 1.0)
        target *= pow(demand, p->occupancy_adaptation);
    return fmin(target, p->occupancy_max);
}

static double death_p(const struct mdl_boat *p, unsigned occ)
{
    double d = p->death_base * pow((double)occ / p->death_reference_occupancy, p->death_crowding);
    return fmin(d, p->death_max);
}

static void launch(struct mdl_boats *b, struct sim_kernel *k, double t)
{
    const struct mdl_boat *p = b->p;
    double target = occupancy_target(b);
    double boats = fmin(fmin(b->stock, floor(p->launch_capacity_per_day)), ceil((double)b->qlen / target));
    double people = 0;
    unsigned launched = 0;
    size_t day = (size_t)t;
    for (unsigned i = 0; i < (unsigned)boats && b->qlen > 0; i++) {
        seek(b, k, MDL_BP_LAUNCH, day, i);
        seek(b, k, MDL_BP_SEA, day, i);
        unsigned occ = 1 + gsl_ran_poisson(b->rng[MDL_BP_LAUNCH], target - 1.0);
        occ = (unsigned)fmin(fmin((double)occ, p->occupancy_max), (double)b->qlen);
        bool prevented = sim_rng_uniform(b->rng[MDL_BP_LAUNCH]) < b->prevent_p;
        double dp = death_p(p, occ);
        if (!sim_kernel_check_prob(k, dp, "boats: death at sea"))
            return;
        b->stock -= 1;
        launched++;
        people += occ;
        add_daily(b, t, prevented ? D_PREVENTED : D_CROSSED, 1);
        for (unsigned j = 0; j < occ; j++) {
            struct waiting w = b->q[b->qhead];
            b->qhead = (b->qhead + 1) % b->qcap;
            b->qlen--;
            enum mdl_boat_outcome o = MDL_BOAT_PREVENTED;
            if (!prevented)
                o = sim_rng_uniform(b->rng[MDL_BP_SEA]) < dp ? MDL_BOAT_DIED : MDL_BOAT_ARRIVED;
            struct mdl_boats_report r = {.time = t, .person = w.person, .outcome = o, .waited = t - w.since};
            for (size_t n = 0; n < b->nlisteners; n++)
                b->listeners[n].on_outcome(b->listeners[n].ctx, k, &r);
        }
    }
    add_daily(b, t, D_LAUNCHED, launched);
    add_daily(b, t, D_PEOPLE, people);
    if (launched > 0)
        set_daily(b, t, D_OCCUPANCY, people / launched); /* one launch event per day */
}

static void boats_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct mdl_boats *b = self;
    if (ev->kind == EV_DAY)
        new_day(b, k, ev->time);
    else
        launch(b, k, ev->time);
}

static sim_status boats_finish(void *self, struct sim_kernel *k)
{
    struct mdl_boats *b = self;
    double t = sim_kernel_now(k);
    set_daily(b, t - 0.5, D_STOCK, b->stock);
    set_daily(b, t - 0.5, D_QUEUE, (double)b->qlen);
    set_daily(b, t - 0.5, D_PRICE, b->price);
    const struct sim_out_table *tb = b->t;
    size_t ndays = sim_out_var_size(tb, b->ids->daily[D_OCCUPANCY]);
    for (size_t d = 0; d < ndays; d++) {
        double *occ = &b->out[tb->offset[b->ids->daily[D_OCCUPANCY]] + d];
        if (b->out[tb->offset[b->ids->daily[D_LAUNCHED]] + d] == 0)
            *occ = NAN;
    }
    double launched = b->out[tb->offset[b->ids->totals[D_LAUNCHED]]];
    double people = b->out[tb->offset[b->ids->totals[D_PEOPLE]]];
    b->out[tb->offset[b->ids->totals[T_PER_BOAT]]] = launched > 0 ? people / launched : NAN;
    b->out[tb->offset[b->ids->totals[T_PRICE]]] = b->price_days > 0 ? b->price_sum / b->price_days : NAN;
    return SIM_OK;
}

static const struct sim_model mdl_boats_model = {
    .name = "small_boats", .init = boats_init, .handle = boats_handle, .finish = boats_finish};

/* ---- the component ---- */

/* The boat mode of s, or NULL: boats exist only for a population that can choose them. */
static const struct mdl_mode *boat_mode(const struct mdl_scenario *s)
{
    const struct mdl_mode *boat = NULL;
    for (unsigned i = 0; s->population && i < s->modes_count; i++)
        if (s->modes[i].kind == MDL_MODE_BOAT)
            boat = &s->modes[i];
    return boat;
}

static bool comp_present(const struct mdl_scenario *s)
{
    return boat_mode(s) != NULL;
}

static size_t comp_nstreams(const struct mdl_scenario *s)
{
    (void)s;
    return MDL_BP_COUNT;
}

static void comp_stream_name(const struct mdl_scenario *s, size_t i, char *buf, size_t len)
{
    (void)s;
    snprintf(buf, len, "%s", mdl_boats_stream_name((enum mdl_boats_process)i));
}

static sim_status comp_declare(const struct mdl_comp_decl *d, void **shared)
{
    struct mdl_boats_vars *ids = calloc(1, sizeof *ids);
    if (ids == NULL)
        return SIM_ENOMEM;
    *shared = ids;
    return mdl_boats_declare(d->t, d->day_dim, ids);
}

static sim_status comp_create(const struct mdl_comp_env *env, void **self)
{
    struct mdl_boats *b = NULL;
    sim_status st =
        mdl_boats_create(env->s, boat_mode(env->s), env->months, env->t, env->shared, env->first_stream, &b);
    if (st == SIM_OK)
        *self = b;
    return st;
}

static void comp_destroy(void *self)
{
    mdl_boats_destroy(self);
}

static void comp_bind(void *self, double *rep_values, uint16_t model_id)
{
    mdl_boats_bind(self, rep_values, model_id);
}

static void comp_refresh(void *self, struct sim_kernel *k, unsigned sections)
{
    (void)sections; /* boat parameters live under modes.*, any section may hold them */
    mdl_boats_refresh(self, k);
}

const struct mdl_component mdl_boats_component = {.name = "small_boats",
                                                  .output_order = 2,
                                                  .present = comp_present,
                                                  .nstreams = comp_nstreams,
                                                  .stream_name = comp_stream_name,
                                                  .declare = comp_declare,
                                                  .free_shared = free,
                                                  .create = comp_create,
                                                  .destroy = comp_destroy,
                                                  .bind = comp_bind,
                                                  .refresh = comp_refresh,
                                                  .model = &mdl_boats_model};
