#include <criterion/criterion.h>
#include <string.h>

#include "../sim/sim_rng.h"
#include "../sim/sim_run.h"

/* Each item draws from its own stream and stores a checksum; item `fail_at` fails. */
struct ctx {
    double out[64];
    size_t fail_at, fail_too;
    size_t last_done;
};

static sim_status ws_create(const void *ctx, void **ws)
{
    (void)ctx;
    *ws = gsl_rng_alloc(sim_rng_philox);
    return *ws != NULL ? SIM_OK : SIM_ENOMEM;
}

static void ws_destroy(void *ws)
{
    if (ws != NULL)
        gsl_rng_free(ws);
}

static sim_status run_item(const void *vctx, void *ws, size_t item)
{
    struct ctx *c = (struct ctx *)vctx;
    if (item == c->fail_at || item == c->fail_too)
        return SIM_EINVARIANT;
    gsl_rng_set(ws, sim_seed_mix(5, item, 0));
    double s = 0.0;
    for (int i = 0; i < 10000 + (int)item * 500; i++)
        s += gsl_rng_uniform(ws);
    c->out[item] = s;
    return SIM_OK;
}

static void progress(const void *vctx, size_t done, size_t total)
{
    struct ctx *c = (struct ctx *)vctx;
    cr_assert_leq(done, total);
    c->last_done = done;
}

static const struct sim_run_ops ops = {ws_create, ws_destroy, run_item, progress};

Test(run, results_do_not_depend_on_thread_count)
{
    struct ctx one = {.fail_at = SIZE_MAX, .fail_too = SIZE_MAX}, two = one, four = one;
    cr_assert_eq(sim_run_items(&ops, &one, NULL, 64, 1, NULL, NULL), SIM_OK);
    cr_assert_eq(sim_run_items(&ops, &two, NULL, 64, 2, NULL, NULL), SIM_OK);
    cr_assert_eq(sim_run_items(&ops, &four, NULL, 64, 4, NULL, NULL), SIM_OK);
    cr_assert_eq(memcmp(one.out, two.out, sizeof one.out), 0);
    cr_assert_eq(memcmp(one.out, four.out, sizeof one.out), 0);
    cr_assert_eq(one.last_done, 64);
}

Test(run, a_subset_of_items_gives_the_same_per_item_results)
{
    struct ctx all = {.fail_at = SIZE_MAX, .fail_too = SIZE_MAX}, part = all;
    const size_t items[] = {40, 3, 17};
    cr_assert_eq(sim_run_items(&ops, &all, NULL, 64, 2, NULL, NULL), SIM_OK);
    cr_assert_eq(sim_run_items(&ops, &part, items, 3, 2, NULL, NULL), SIM_OK);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(part.out[items[i]], all.out[items[i]]);
    cr_assert_eq(part.out[0], 0.0);
}

Test(run, failure_reports_the_lowest_failing_item)
{
    struct ctx c = {.fail_at = 9, .fail_too = 30};
    size_t failed = 0;
    cr_assert_eq(sim_run_items(&ops, &c, NULL, 64, 1, NULL, &failed), SIM_EINVARIANT);
    cr_assert_eq(failed, 9);
}

Test(run, cancellation_skips_remaining_items)
{
    struct ctx c = {.fail_at = SIZE_MAX, .fail_too = SIZE_MAX};
    volatile sig_atomic_t cancel = 1;
    cr_assert_eq(sim_run_items(&ops, &c, NULL, 64, 2, &cancel, NULL), SIM_ECANCELED);
    cr_assert_eq(c.last_done, 0);
}

/* A source that hands out 0, 2, 4, ... (the even items) and then runs dry. */
struct evens {
    size_t next, n;
};

static bool evens_next(void *vsrc, size_t *item)
{
    struct evens *e = vsrc;
    if (e->next >= e->n)
        return false;
    *item = e->next;
    e->next += 2;
    return true;
}

Test(run, a_dynamic_source_runs_exactly_what_it_hands_out)
{
    struct ctx all = {.fail_at = SIZE_MAX, .fail_too = SIZE_MAX}, dyn = all;
    struct evens e = {0, 64};
    const struct sim_run_source src = {evens_next, &e};
    cr_assert_eq(sim_run_items(&ops, &all, NULL, 64, 2, NULL, NULL), SIM_OK);
    cr_assert_eq(sim_run_source(&ops, &dyn, &src, 32, 2, NULL, NULL), SIM_OK);
    for (size_t i = 0; i < 64; i++)
        cr_assert_eq(dyn.out[i], i % 2 == 0 ? all.out[i] : 0.0, "item %zu", i);
    cr_assert_eq(dyn.last_done, 32);
}

/* An item that gives up (SIM_ECANCELED) stops the run as cancelled, not as failed. */
static sim_status give_up(const void *vctx, void *ws, size_t item)
{
    (void)ws;
    struct ctx *c = (struct ctx *)vctx;
    c->out[item] = 1.0;
    return item == 5 ? SIM_ECANCELED : SIM_OK;
}

Test(run, an_item_that_gives_up_cancels_the_run)
{
    const struct sim_run_ops gops = {ws_create, ws_destroy, give_up, progress};
    struct ctx c = {.fail_at = SIZE_MAX, .fail_too = SIZE_MAX};
    size_t failed = 1234;
    cr_assert_eq(sim_run_items(&gops, &c, NULL, 64, 1, NULL, &failed), SIM_ECANCELED);
    cr_assert_eq(c.last_done, 5, "items after the one that gave up do not start");
}
