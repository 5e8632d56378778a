#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "../sim/sim_evq.h"

static struct sim_evq *q;

static void setup(void)
{
    cr_assert_eq(sim_evq_create(4, &q), SIM_OK);
}

static void teardown(void)
{
    sim_evq_destroy(q);
}

TestSuite(evq, .init = setup, .fini = teardown);

static void push(double t, int16_t prio, uint32_t tag, sim_evh *h)
{
    struct sim_event ev = {.time = t, .prio = prio, .a = tag};
    cr_assert_eq(sim_evq_push(q, &ev, h), SIM_OK);
}

Test(evq, equal_times_pop_in_insertion_order)
{
    for (uint32_t i = 0; i < 100; i++)
        push(2.375, 0, i, NULL);
    struct sim_event ev;
    for (uint32_t i = 0; i < 100; i++) {
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_eq(ev.a, i, "tie broken out of insertion order at %u", i);
        cr_assert_eq(ev.seq, i);
    }
    cr_assert_not(sim_evq_pop(q, &ev));
}

Test(evq, priority_breaks_time_ties_before_sequence)
{
    push(1.5, 3, 0, NULL);
    push(1.5, -2, 1, NULL);
    push(1.25, 7, 2, NULL);
    push(1.5, -2, 3, NULL);
    uint32_t expect[] = {2, 1, 3, 0};
    struct sim_event ev;
    for (int i = 0; i < 4; i++) {
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_eq(ev.a, expect[i]);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

Test(evq, pops_random_pushes_in_time_order_while_growing)
{
    enum { N = 5000 };
    static double t[N];
    srand(12345);
    for (int i = 0; i < N; i++) {
        t[i] = (double)rand() / RAND_MAX * 100.0;
        push(t[i], 0, (uint32_t)i, NULL);
    }
    cr_assert_eq(sim_evq_size(q), N);
    qsort(t, N, sizeof *t, cmp_double);
    struct sim_event ev;
    for (int i = 0; i < N; i++) {
        cr_assert_float_eq(sim_evq_next_time(q), t[i], 0.0);
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_eq(ev.time, t[i]);
    }
    cr_assert(isinf(sim_evq_next_time(q)));
}

Test(evq, cancel_removes_pending_and_rejects_stale_handles)
{
    sim_evh h[10];
    for (uint32_t i = 0; i < 10; i++)
        push(10.0 - (double)i * 0.75, 0, i, &h[i]);
    cr_assert(sim_evq_cancel(q, h[9])); /* the earliest: the root */
    cr_assert(sim_evq_cancel(q, h[4]));
    cr_assert_not(sim_evq_cancel(q, h[4]), "cancelling twice must fail");
    cr_assert_not(sim_evq_cancel(q, 0));
    cr_assert_eq(sim_evq_size(q), 8);
    struct sim_event ev;
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.a, 8);
    cr_assert_not(sim_evq_cancel(q, h[8]), "a popped event's handle is stale");
    /* The node of event 8 is reused; its old handle must not cancel the new event. */
    sim_evh fresh;
    push(0.5, 0, 99, &fresh);
    cr_assert_not(sim_evq_cancel(q, h[8]));
    cr_assert(sim_evq_cancel(q, fresh));
    uint32_t expect[] = {7, 6, 5, 3, 2, 1, 0};
    for (int i = 0; i < 7; i++) {
        cr_assert(sim_evq_pop(q, &ev));
        cr_assert_eq(ev.a, expect[i]);
    }
}

Test(evq, nan_time_is_rejected)
{
    struct sim_event ev = {.time = NAN};
    cr_assert_eq(sim_evq_push(q, &ev, NULL), SIM_EINVAL);
    cr_assert_eq(sim_evq_size(q), 0);
}

Test(evq, reset_empties_restarts_sequence_and_stales_handles)
{
    sim_evh h;
    push(3.5, 0, 1, &h);
    push(4.5, 0, 2, NULL);
    sim_evq_reset(q);
    cr_assert_eq(sim_evq_size(q), 0);
    cr_assert_not(sim_evq_cancel(q, h));
    push(1.0, 0, 3, NULL);
    struct sim_event ev;
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.seq, 0);
}
