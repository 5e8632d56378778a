#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "../sim/sim_kernel.h"

/* A recording model: logs the times and kinds it handles; kind 1 schedules a follow-up. */
struct rec {
    uint16_t id;
    int n;
    double t[64];
    uint16_t kind[64];
    double draws[4];
    int past;
};

static sim_status rec_init(void *self, struct sim_kernel *k)
{
    struct rec *r = self;
    for (int i = 0; i < 4; i++)
        r->draws[i] = gsl_rng_uniform(sim_kernel_rng(k, (size_t)i % 2));
    sim_kernel_at(k, r->id, 1, 0.5, 0, 0, 0, 0.0, NULL);
    sim_kernel_at(k, r->id, 2, 3.75, 0, 0, 0, 0.0, NULL);
    sim_kernel_at(k, r->id, 3, 10.0, 0, 0, 0, 0.0, NULL); /* beyond the horizon in the tests */
    return SIM_OK;
}

static void rec_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct rec *r = self;
    r->t[r->n] = sim_kernel_now(k);
    r->kind[r->n++] = ev->kind;
    if (ev->kind == 1)
        sim_kernel_at(k, r->id, 4, sim_kernel_now(k) + 1.25, 0, 0, 0, 0.0, NULL);
    if (ev->kind == 2 && r->past)
        sim_kernel_at(k, r->id, 5, sim_kernel_now(k) - 1.0, 0, 0, 0, 0.0, NULL);
}

static const struct sim_model rec_model = {.name = "rec", .init = rec_init, .handle = rec_handle};

static struct sim_kernel *make(struct rec *r)
{
    struct sim_kernel *k = NULL;
    cr_assert_eq(sim_kernel_create(2, 8, &k), SIM_OK);
    cr_assert_eq(sim_kernel_attach(k, &rec_model, r, &r->id), SIM_OK);
    return k;
}

Test(kernel, runs_events_in_time_order_until_the_horizon)
{
    struct rec r = {0};
    struct sim_kernel *k = make(&r);
    sim_kernel_reset(k, 11, 0);
    cr_assert_eq(sim_kernel_run(k, 5.0), SIM_OK);
    cr_assert_eq(r.n, 3);
    cr_assert_eq(r.kind[0], 1);
    cr_assert_eq(r.kind[1], 4);
    cr_assert_float_eq(r.t[1], 1.75, 1e-15);
    cr_assert_eq(r.kind[2], 2);
    cr_assert_eq(sim_kernel_now(k), 5.0);
    cr_assert_eq(sim_kernel_events(k), 3);
    sim_kernel_destroy(k);
}

Test(kernel, scheduling_in_the_past_stops_the_run)
{
    struct rec r = {.past = 1};
    struct sim_kernel *k = make(&r);
    sim_kernel_reset(k, 11, 0);
    cr_assert_eq(sim_kernel_run(k, 5.0), SIM_EINVARIANT);
    cr_assert(strstr(sim_kernel_error(k), "before now") != NULL);
    sim_kernel_destroy(k);
}

Test(kernel, streams_depend_only_on_seed_replication_and_stream)
{
    struct rec a = {0}, b = {0};
    struct sim_kernel *ka = make(&a), *kb = make(&b);
    sim_kernel_reset(ka, 99, 7);
    sim_kernel_run(ka, 1.0);
    sim_kernel_reset(kb, 99, 3); /* another replication first, then the same one */
    sim_kernel_run(kb, 1.0);
    double other = b.draws[0];
    b.n = 0;
    sim_kernel_reset(kb, 99, 7);
    sim_kernel_run(kb, 1.0);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(a.draws[i], b.draws[i]);
    cr_assert_neq(other, a.draws[0]);
    cr_assert_neq(a.draws[0], a.draws[1], "streams 0 and 1 must differ");
    cr_assert_eq(sim_kernel_seed(ka, 1), sim_kernel_seed(kb, 1));
    sim_kernel_destroy(ka);
    sim_kernel_destroy(kb);
}

Test(kernel, a_cancelled_event_never_runs_and_cannot_be_cancelled_twice)
{
    struct rec r = {0};
    struct sim_kernel *k = make(&r);
    sim_kernel_reset(k, 1, 0);
    sim_evh h;
    cr_assert_eq(sim_kernel_at(k, r.id, 9, 0.25, 0, 0, 0, 0.0, &h), SIM_OK);
    cr_assert(sim_kernel_cancel(k, h));
    cr_assert_not(sim_kernel_cancel(k, h), "a second cancel of the same event reports false");
    cr_assert_eq(sim_kernel_run(k, 2.0), SIM_OK);
    cr_assert_eq(r.n, 2, "kinds 1 and 4 ran, not the cancelled 9");
    for (int i = 0; i < r.n; i++)
        cr_assert_neq(r.kind[i], 9);
    sim_kernel_destroy(k);
}

Test(kernel, attach_refuses_a_model_beyond_the_maximum)
{
    struct rec r = {0};
    struct sim_kernel *k = make(&r); /* one model attached */
    uint16_t id;
    for (int i = 1; i < SIM_KERNEL_MAX_MODELS; i++)
        cr_assert_eq(sim_kernel_attach(k, &rec_model, &r, &id), SIM_OK);
    cr_assert_eq(id, SIM_KERNEL_MAX_MODELS - 1);
    cr_assert_eq(sim_kernel_attach(k, &rec_model, &r, &id), SIM_EINVAL);
    cr_assert_eq(id, SIM_KERNEL_MAX_MODELS - 1, "a refused attach leaves *id untouched");
    sim_kernel_destroy(k);
}

Test(kernel, create_without_streams_is_invalid_and_leaves_the_output_untouched)
{
    struct sim_kernel *none = NULL;
    cr_assert_eq(sim_kernel_create(0, 8, &none), SIM_EINVAL);
    cr_assert_null(none);
}

Test(kernel, destroy_accepts_null)
{
    sim_kernel_destroy(NULL);
}

Test(kernel, an_infinite_horizon_ends_when_the_queue_empties)
{
    struct rec r = {0};
    struct sim_kernel *k = make(&r);
    sim_kernel_reset(k, 3, 1);
    cr_assert_eq(sim_kernel_run(k, INFINITY), SIM_OK);
    cr_assert_eq(r.n, 4); /* kinds 1, 4, 2 and 3 */
    sim_kernel_destroy(k);
}

Test(kernel, computed_probability_outside_the_unit_interval_stops_the_run)
{
    struct rec r = {0};
    struct sim_kernel *k = make(&r);
    const double bad[] = {1.0625, -0.125, NAN, INFINITY};
    const char *shown[] = {"1.0625", "-0.125", "nan", "inf"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sim_kernel_reset(k, 11, 0);
        cr_assert(sim_kernel_check_prob(k, 0.0, "edge") && sim_kernel_check_prob(k, 1.0, "edge"));
        cr_assert(sim_kernel_check_prob(k, 0.375, "inside"));
        cr_assert_not(sim_kernel_check_prob(k, bad[i], "selection"));
        cr_assert_eq(sim_kernel_run(k, 5.0), SIM_EINVARIANT);
        char want[96];
        snprintf(want, sizeof want, "selection: probability %s is outside [0, 1]", shown[i]);
        cr_assert_str_eq(sim_kernel_error(k), want);
        cr_assert_eq(r.n, 0, "no event may run after the failure");
    }
    sim_kernel_destroy(k);
}

/* A model that keeps itself busy: every event schedules the next one a thousandth of a day later. */
static sim_status busy_init(void *self, struct sim_kernel *k)
{
    return sim_kernel_at(k, *(uint16_t *)self, 0, 0.0, 0, 0, 0, 0.0, NULL);
}

static void busy_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    (void)ev;
    sim_kernel_at(k, *(uint16_t *)self, 0, sim_kernel_now(k) + 1e-3, 0, 0, 0, 0.0, NULL);
}

static const struct sim_model busy_model = {.name = "busy", .init = busy_init, .handle = busy_handle};

Test(kernel, a_raised_abort_flag_abandons_the_run_within_a_few_thousand_events)
{
    uint16_t id = 0;
    struct sim_kernel *k = NULL;
    cr_assert_eq(sim_kernel_create(1, 8, &k), SIM_OK);
    cr_assert_eq(sim_kernel_attach(k, &busy_model, &id, &id), SIM_OK);
    volatile sig_atomic_t flag = 0;
    sim_kernel_set_abort(k, &flag);
    sim_kernel_reset(k, 1, 0);
    cr_assert_eq(sim_kernel_run(k, 10.0), SIM_OK, "a lowered flag changes nothing");
    cr_assert_gt(sim_kernel_events(k), 9000);
    flag = 1;
    sim_kernel_reset(k, 1, 0);
    cr_assert_eq(sim_kernel_run(k, 10.0), SIM_ECANCELED);
    cr_assert_leq(sim_kernel_events(k), 4096);
    cr_assert_not_null(strstr(sim_kernel_error(k), "interrupted"));
    sim_kernel_destroy(k);
}
