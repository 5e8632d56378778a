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

/* ---- the far tier: the same order as the plain heap, whatever the slot width ---- */

static uint64_t xs_state;

static double xs_uniform(void)
{
    xs_state ^= xs_state << 13;
    xs_state ^= xs_state >> 7;
    xs_state ^= xs_state << 17;
    return (double)(xs_state >> 11) * 0x1.0p-53;
}

/* Drives a plain queue and a tiered one through the same discrete-event workload (pops, pushes at
 * mixed short, long and very long delays, ties on a coarse grid, priorities, cancellations,
 * infinite times, a reset) and requires identical results at every step. */
static void compare_with_tier(double width, uint64_t seed)
{
    struct sim_evq *plain = NULL, *tier = NULL;
    cr_assert_eq(sim_evq_create(8, &plain), SIM_OK);
    cr_assert_eq(sim_evq_create(8, &tier), SIM_OK);
    cr_assert_eq(sim_evq_set_tier(tier, width), SIM_OK);
    xs_state = seed;
    enum { HANDLES = 512 };
    sim_evh hp[HANDLES] = {0}, ht[HANDLES] = {0};
    double now = -5.0;
    for (int round = 0; round < 2; round++) {
        for (uint32_t i = 0; i < 300; i++) {
            struct sim_event ev = {.time = now + 100.0 * xs_uniform(), .prio = 0, .a = i};
            cr_assert_eq(sim_evq_push(plain, &ev, &hp[i % HANDLES]), SIM_OK);
            cr_assert_eq(sim_evq_push(tier, &ev, &ht[i % HANDLES]), SIM_OK);
        }
        for (uint32_t step = 0; step < 40000; step++) {
            double u = xs_uniform();
            if (u < 0.45) {
                struct sim_event a, b;
                cr_assert_eq(sim_evq_next_time(plain), sim_evq_next_time(tier));
                bool ga = sim_evq_pop(plain, &a), gb = sim_evq_pop(tier, &b);
                cr_assert_eq(ga, gb);
                if (!ga)
                    continue;
                cr_assert(a.time == b.time && a.prio == b.prio && a.a == b.a && a.seq == b.seq,
                          "width %g step %u: plain (%g, %d, %u) tiered (%g, %d, %u)", width, step, a.time,
                          a.prio, a.a, b.time, b.prio, b.a);
                if (isfinite(a.time))
                    now = a.time;
            } else if (u < 0.95) {
                double d = xs_uniform(), delay;
                if (d < 0.6)
                    delay = -log(1.0 - xs_uniform()); /* short */
                else if (d < 0.8)
                    delay = floor(20.0 * xs_uniform()) * 0.5; /* ties on a grid, zero included */
                else if (d < 0.97)
                    delay = 300.0 * xs_uniform(); /* beyond a narrow ring */
                else if (d < 0.995)
                    delay = 1e6 * xs_uniform(); /* far beyond any ring */
                else
                    delay = INFINITY;
                struct sim_event ev = {
                    .time = now + delay, .prio = (int16_t)(3.0 * xs_uniform()) - 1, .a = step};
                size_t slot = step % HANDLES;
                cr_assert_eq(sim_evq_push(plain, &ev, &hp[slot]), SIM_OK);
                cr_assert_eq(sim_evq_push(tier, &ev, &ht[slot]), SIM_OK);
            } else {
                size_t slot = (size_t)(xs_uniform() * HANDLES);
                cr_assert_eq(sim_evq_cancel(plain, hp[slot]), sim_evq_cancel(tier, ht[slot]));
            }
            cr_assert_eq(sim_evq_size(plain), sim_evq_size(tier));
        }
        /* Drain what is left, then start again from a reset (the tier survives it). */
        struct sim_event a, b;
        while (sim_evq_pop(plain, &a)) {
            cr_assert(sim_evq_pop(tier, &b));
            cr_assert(a.time == b.time && a.a == b.a && a.seq == b.seq);
        }
        cr_assert_not(sim_evq_pop(tier, &b));
        sim_evq_reset(plain);
        sim_evq_reset(tier);
        now = 1e3;
    }
    sim_evq_destroy(plain);
    sim_evq_destroy(tier);
}

Test(evq, tier_pops_in_the_plain_heap_order_at_any_width)
{
    const double widths[] = {1e-6, 0.01, 0.3, 7.0, 1e9};
    for (size_t i = 0; i < sizeof widths / sizeof *widths; i++)
        compare_with_tier(widths[i], 0x9e3779b97f4a7c15ULL + i);
}

Test(evq, tier_is_set_only_on_an_empty_queue_and_checks_its_width)
{
    cr_assert_eq(sim_evq_set_tier(q, -1.0), SIM_EINVAL);
    cr_assert_eq(sim_evq_set_tier(q, NAN), SIM_EINVAL);
    cr_assert_eq(sim_evq_set_tier(q, INFINITY), SIM_EINVAL);
    push(1.0, 0, 0, NULL);
    cr_assert_eq(sim_evq_set_tier(q, 1.0), SIM_EINVAL);
    sim_evq_reset(q);
    cr_assert_eq(sim_evq_set_tier(q, 1.0), SIM_OK);
    cr_assert_eq(sim_evq_set_tier(q, 0.0), SIM_OK);
}

/* Counts the events the hook saw, by tag. */
static void count_hook(void *ctx, const struct sim_event *ev)
{
    unsigned *seen = ctx;
    seen[ev->a]++;
}

Test(evq, hook_sees_each_tier_event_once_as_it_enters_the_heap_and_no_cancelled_one)
{
    unsigned seen[8] = {0};
    cr_assert_eq(sim_evq_set_tier(q, 0.5), SIM_OK);
    sim_evq_set_hook(q, count_hook, seen);
    sim_evh h;
    push(0.125, 0, 0, NULL); /* restarts the tier: slot 0 goes to the heap at once */
    push(2.375, 0, 1, NULL);
    push(2.25, 0, 2, &h);
    push(7.75, 0, 3, NULL);
    cr_assert(sim_evq_cancel(q, h));
    struct sim_event ev;
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.a, 0u);
    cr_assert_eq(seen[1] + seen[3], 0u, "nothing beyond the first slot has entered the heap yet");
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.a, 1u);
    cr_assert_eq(seen[1], 1u);
    cr_assert_eq(seen[2], 0u, "a cancelled event is never handed to the hook");
    cr_assert_eq(seen[3], 0u);
    cr_assert(sim_evq_pop(q, &ev));
    cr_assert_eq(ev.a, 3u);
    cr_assert_eq(seen[3], 1u);
    cr_assert_not(sim_evq_pop(q, &ev));
}
