/* mdl_pop_modes.c: what the population does differently for each kind of mode, one table per
 * kind (struct mdl__pop_kind), and how it hears the outcomes the boats and the ports settle. */
#include <math.h>

#include "../sim/sim_rng.h"
#include "mdl_lorry.h"
#include "mdl_pop_priv.h"

static double listed_price(const struct mdl_pop *p, size_t m)
{
    return p->modes[m].m->price_eur;
}

/* ---- small boats: the boat model holds the queue and settles the crossing ---- */

static double boat_price(const struct mdl_pop *p, size_t m)
{
    (void)m;
    return mdl_boats_price(p->boats);
}

static double boat_expected_price(const struct mdl_pop *p, const struct mdl__person *q, size_t m)
{
    (void)q;
    return boat_price(p, m);
}

static bool boat_available(const struct mdl_pop *p, const struct mdl__person *q, size_t m)
{
    return q->budget >= boat_price(p, m);
}

static void boat_begin(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t, gsl_rng *r)
{
    (void)r;
    mdl__pop_release(p, i);
    if (mdl_boats_join(p->boats, i, t) != SIM_OK)
        sim_kernel_fail(k, SIM_ENOMEM, "out of memory for the boat queue");
}

static const struct mdl__pop_kind boat_kind = {.price = boat_price,
                                               .expected_price = boat_expected_price,
                                               .available = boat_available,
                                               .begin = boat_begin};

static void boat_outcome(void *ctx, struct sim_kernel *k, const struct mdl_boats_report *r)
{
    struct mdl_pop *p = ctx;
    double t = sim_kernel_now(k);
    uint32_t i = r->person; /* r->waited is the same as t - t_choice */
    mdl__pop_count(p, t, DI_MODE + M_ATTEMPTS, TI_MODE + M_ATTEMPTS, p->people[i].mode, 1.0);
    if (r->outcome == MDL_BOAT_PREVENTED)
        mdl__pop_failed(p, k, i, t);
    else if (r->outcome == MDL_BOAT_DIED)
        mdl__pop_died(p, i, t);
    else
        mdl__pop_arrived(p, i, t);
}

/* ---- lorries: boarding here (mdl_lorry.h), the control in the port model ---- */

static void lorry_derive(struct mdl_pop *p, size_t m)
{
    mdl_sampler_init(&p->modes[m].attempt, &p->modes[m].m->lorry->attempt_days);
}

static double lorry_expected_price(const struct mdl_pop *p, const struct mdl__person *q, size_t m)
{
    return mdl_lorry_expected_price(p->modes[m].m, q->budget);
}

static bool lorry_available(const struct mdl_pop *p, const struct mdl__person *q, size_t m)
{
    return q->budget >= listed_price(p, m);
}

/* Port of a lorry attempt: weight = traffic * belief^b_success (cached daily in `pick`). */
static unsigned pick_port(const struct mdl_pop *p, double u)
{
    const struct mdl__channel *ports = &p->chan[p->nmodes];
    double sum = 0.0;
    for (size_t i = 0; i < p->nports; i++)
        sum += ports[i].pick;
    double x = u * sum;
    for (size_t i = 0; i < p->nports; i++)
        if ((x -= ports[i].pick) < 0 || i + 1 == p->nports)
            return (unsigned)i;
    return 0;
}

static void lorry_begin(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t, gsl_rng *r)
{
    struct mdl__person *q = &p->people[i];
    q->port = (uint8_t)pick_port(p, sim_rng_uniform(r));
    q->facilitated = mdl_lorry_buys_facilitation(p->modes[q->mode].m->lorry, q->budget, r);
    mdl__pop_schedule_attempt(p, k, i, t, r);
}

static void lorry_attempt(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t, double u_death,
                          double u_pass)
{
    const struct mdl__person *q = &p->people[i];
    const struct mdl_lorry *l = p->modes[q->mode].m->lorry;
    const struct mdl_port *port = &p->s->ports[q->port];
    struct mdl_pop_vehicle v = {.vehicle = MDL_VEHICLE_NONE, .security_pass = 1.0};
    enum mdl_lorry_try tr;
    if (p->vehicles.choose != NULL) { /* vehicles hook: boarding depends on that vehicle's security */
        v = p->vehicles.choose(p->vehicles.ctx, k, q->port, i, q->facilitated);
        tr = mdl_lorry_attempt_on(l, port, q->facilitated, v.security_pass, u_death, u_pass);
    } else {
        tr = mdl_lorry_attempt(l, port, q->facilitated, u_death, u_pass);
    }
    switch (tr) {
    case MDL_LORRY_TRY_DIED: mdl__pop_died(p, i, t); break;
    case MDL_LORRY_TRY_REFUSED: mdl__pop_failed(p, k, i, t); break;
    case MDL_LORRY_TRY_BOARDED:
        if (p->vehicles.board != NULL) { /* the fleet forms groups and boards them */
            if (p->vehicles.board(p->vehicles.ctx, k, q->port, i, v.vehicle, q->facilitated) != SIM_OK)
                sim_kernel_fail(k, SIM_ENOMEM, "out of memory for forming groups");
            break;
        }
        if (mdl_ports_board_on(p->ports, k, q->port, i, 1, v.vehicle) != SIM_OK)
            sim_kernel_fail(k, SIM_ENOMEM, "out of memory for hidden groups");
        break;
    }
}

static const struct mdl__pop_kind lorry_kind = {.derive = lorry_derive,
                                                .price = listed_price,
                                                .expected_price = lorry_expected_price,
                                                .available = lorry_available,
                                                .begin = lorry_begin,
                                                .attempt = lorry_attempt};

static void lorry_outcome(void *ctx, struct sim_kernel *k, const struct mdl_ports_report *r)
{
    struct mdl_pop *p = ctx;
    if (r->group == MDL_PORTS_EXOGENOUS || (r->group & MDL_POP_GROUP_TAG))
        return; /* not one of ours, or a fleet group (its members come through mdl_pop_lorry_settled) */
    mdl_pop_lorry_settled(p, k, r);
}

void mdl_pop_lorry_settled(struct mdl_pop *p, struct sim_kernel *k, const struct mdl_ports_report *r)
{
    double t = sim_kernel_now(k);
    if (r->outcome == MDL_LORRY_DETECTED || r->outcome == MDL_LORRY_RETURNED) {
        /* returned: waiting to board when the port closed; a failed attempt, so they re-choose */
        mdl__pop_failed(p, k, r->group, t);
        return;
    }
    static const int slot[] = {[MDL_LORRY_AT_PORT] = T_REC_PORT,
                               [MDL_LORRY_WITHIN_72H] = T_REC_72H,
                               [MDL_LORRY_UNRECORDED] = T_UNRECORDED};
    if (mdl__pop_day(p, t) >= 0) {
        *mdl__pop_total(p, TI_TOTAL + slot[r->outcome]) += 1.0;
        mdl__pop_total(p, TI_PORT)[r->port] += 1.0;
    }
    mdl__pop_arrived(p, r->group, t);
}

/* ---- generic modes: an attempt takes a while, then ends in death, detection or arrival ---- */

static void generic_derive(struct mdl_pop *p, size_t m)
{
    struct mdl__mode *md = &p->modes[m];
    const struct mdl_generic *g = md->m->generic;
    mdl_sampler_init(&md->attempt, &g->attempt_days);
    /* Staffing scales detection as independent checks: (1 - d)^(officers / reference). */
    md->detection = 1.0 - pow(1.0 - g->detection, g->officers / g->reference_officers);
    md->capacity = g->capacity_per_day;
}

static sim_status generic_check(struct mdl_pop *p, struct sim_kernel *k, size_t m)
{
    if (!sim_kernel_check_prob(k, p->modes[m].detection, "population: detection of a generic mode"))
        return SIM_EINVARIANT;
    return SIM_OK;
}

static double generic_expected_price(const struct mdl_pop *p, const struct mdl__person *q, size_t m)
{
    (void)q;
    return listed_price(p, m);
}

static bool generic_available(const struct mdl_pop *p, const struct mdl__person *q, size_t m)
{
    const struct mdl__mode *md = &p->modes[m];
    return q->budget >= listed_price(p, m) && !(md->capacity > 0 && (double)md->started >= md->capacity);
}

static void generic_begin(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t, gsl_rng *r)
{
    mdl__pop_schedule_attempt(p, k, i, t, r);
}

static void generic_attempt(struct mdl_pop *p, struct sim_kernel *k, uint32_t i, double t, double u_death,
                            double u_pass)
{
    const struct mdl__mode *md = &p->modes[p->people[i].mode];
    if (u_death < md->m->generic->death_risk)
        mdl__pop_died(p, i, t);
    else if (u_pass < md->detection)
        mdl__pop_failed(p, k, i, t);
    else
        mdl__pop_arrived(p, i, t);
}

static const struct mdl__pop_kind generic_kind = {.derive = generic_derive,
                                                  .check = generic_check,
                                                  .price = listed_price,
                                                  .expected_price = generic_expected_price,
                                                  .available = generic_available,
                                                  .begin = generic_begin,
                                                  .attempt = generic_attempt};

const struct mdl__pop_kind *mdl__pop_kind_of(enum mdl_mode_kind kind)
{
    switch (kind) {
    case MDL_MODE_BOAT: return &boat_kind;
    case MDL_MODE_LORRY: return &lorry_kind;
    case MDL_MODE_GENERIC: return &generic_kind;
    }
    return &generic_kind; /* unreachable: the loader knows only these kinds */
}

sim_status mdl_pop_set_vehicles(struct mdl_pop *p, const struct mdl_pop_vehicles *v)
{
    if (p->vehicles.choose != NULL)
        return SIM_EINVAL;
    p->vehicles = *v;
    return SIM_OK;
}

sim_status mdl__pop_listen(struct mdl_pop *p)
{
    struct mdl_ports_listener pl = {.ctx = p, .on_outcome = lorry_outcome};
    sim_status st = mdl_ports_listen(p->ports, &pl);
    struct mdl_boats_listener bl = {.ctx = p, .on_outcome = boat_outcome};
    if (st == SIM_OK && p->boats != NULL)
        st = mdl_boats_listen(p->boats, &bl);
    return st;
}
