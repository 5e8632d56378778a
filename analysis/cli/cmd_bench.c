/* dispsim bench: speed figures for the engine and the models. Prints figures; asserts nothing. */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../sim/sim_rng.h"

#include "../../models/mdl_scenario.h"
#include "../../models/mdl_world.h"
#include "../../sim/sim_kernel.h"
#include "cli.h"

static const char bench_help[] =
    "usage: dispsim bench [SCENARIO]\n"
    "       dispsim bench --scaling [-r REPS] [STUDY [SCENARIO]]   (see dispsim bench --scaling -h:\n"
    "       threads, MPI ranks, parallel efficiency, time writing, memory per thread)\n"
    "\n"
    "Prints one line per benchmark, single-threaded:\n"
    "  bare heap   the reference for hold: a textbook binary heap of 1,000 times with the same\n"
    "              exponential increments and no engine around it (no events, payloads, ties)\n"
    "  hold        the engine on the classic hold model: 1,000 pending events, exponential\n"
    "              increments; events per second (one event = one taken from the queue); on\n"
    "              the plain binary heap, then with the queue's far tier (sim_evq_set_tier)\n"
    "              at slots of 0.01 time units, about 10 events a slot\n"
    "  mm1         an M/M/1 queue, arrival rate 0.9, service rate 1, 1,000,000 customers: wall\n"
    "              seconds, events per second, and the mean wait against the exact value 9\n"
    "  ports       the port control model of SCENARIO (default scenarios/baseline.yaml) alone,\n"
    "              without its population: replication-years per second and events per second\n"
    "  NAME        the whole scenario (population, choice, boats, lorries through the ports,\n"
    "              other modes), printed under the scenario's name, e.g. \"baseline: 1.1\n"
    "              replication-years/s per core\"; a replication-year is one simulated year\n"
    "              including the warm-up. Pools are warmed by one untimed replication first.\n"
    "              Then the cost per population decision: the run's time divided by the\n"
    "              decisions the model counts (choices of a mode, chose_wait and leavers; the\n"
    "              model counts the analysis window only, the time includes the warm-up), and\n"
    "              the scenario's speed as a ratio to the bare heap of the same run:\n"
    "              replication-years/s per 1e7 bare-heap events/s\n"
    "  NAME x2 inflow, NAME x4 inflow\n"
    "              the same two lines with the population's inflow and initial stock scaled\n"
    "              by 2 and 4 in memory, then one line of the cost per decision at 2x and 4x\n"
    "              relative to 1x (flat cost per decision as the population grows is 1), and one\n"
    "              of the marginal cost: the extra time over the extra decisions from 1x to 2x\n"
    "              and from 2x to 4x, and their ratio. The first ratio also spreads the fixed\n"
    "              cost (lorries searched, days) over more decisions, so it falls below 1; the\n"
    "              marginal ratio is 1 when a decision costs the same however many people are\n"
    "              in the pool\n"
    "\n"
    "hold and the scenario lines time 3 passes and print the best (least disturbed by other work on\n"
    "the machine) with the median after it. About two minutes on a free core.\n"
    "\n"
    "  --scaling   the parallel benchmark instead (dispsim bench --scaling --help)\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit codes: 0 done; 64 bad command line; 65 bad scenario data; 66 SCENARIO cannot be read;\n"
    "70 internal error.\n"
    "\n"
    "Example:\n"
    "  dispsim bench scenarios/baseline.yaml\n";

enum { PASSES = 3 }; /* timed passes per benchmark; the best is reported, with the median */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double expo(gsl_rng *r, double mean)
{
    return mean * sim_rng_exponential(r);
}

/* ---- hold model: every event schedules one successor ---- */

struct hold {
    uint16_t id;
    uint64_t left;
};

static void hold_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct hold *h = self;
    (void)ev;
    if (h->left > 0) {
        h->left--;
        sim_kernel_at(k, h->id, 0, sim_kernel_now(k) + expo(sim_kernel_rng(k, 0), 1.0), 0, 0, 0, 0.0, NULL);
    }
}

static const struct sim_model hold_model = {.name = "hold", .handle = hold_handle};

/* The hold model on a plain heap (tier 0) or with the queue's far tier at slot width `tier`. */
static int bench_hold(double tier)
{
    struct sim_kernel *k = NULL;
    struct hold h = {0};
    if (sim_kernel_create(1, 1024, &k) != SIM_OK || sim_kernel_attach(k, &hold_model, &h, &h.id) != SIM_OK ||
        sim_kernel_set_tier(k, tier) != SIM_OK)
        return sim_kernel_destroy(k), CLI_SOFTWARE;
    const size_t pending = 1000;
    const uint64_t events = 20000000;
    double el[PASSES];
    for (int pass = 0; pass < PASSES; pass++) {
        sim_kernel_reset(k, 1, 0);
        for (size_t i = 0; i < pending; i++)
            sim_kernel_at(k, h.id, 0, expo(sim_kernel_rng(k, 0), 1.0), 0, 0, 0, 0.0, NULL);
        h.left = events - pending;
        double t0 = cli_wall_now();
        sim_kernel_run(k, INFINITY);
        el[pass] = cli_wall_now() - t0;
    }
    qsort(el, PASSES, sizeof *el, cmp_double);
    double n = (double)sim_kernel_events(k);
    char label[64] = "";
    if (tier > 0)
        snprintf(label, sizeof label, " tier=%g", tier);
    printf("hold pending=%zu%s: %.3g events/s per core (%.3g events in %.3f s; best of %d passes, median "
           "%.3g)\n",
           pending, label, n / el[0], n, el[0], PASSES, n / el[PASSES / 2]);
    sim_kernel_destroy(k);
    return CLI_OK;
}

/* ---- the reference: a bare binary heap of times, no engine, the same random numbers ---- */

static int bench_bare_heap(double *rate)
{
    const size_t pending = 1000;
    const uint64_t events = 20000000;
    double *h = malloc(pending * sizeof *h);
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    if (h == NULL || r == NULL)
        return free(h), gsl_rng_free(r), CLI_SOFTWARE;
    double el[PASSES], sink = 0.0;
    for (int pass = 0; pass < PASSES; pass++) {
        gsl_rng_set(r, sim_seed_mix(1, 0, 0));
        size_t n = 0;
        for (size_t i = 0; i < pending; i++) { /* textbook push */
            double t = sim_rng_exponential(r);
            size_t j = n++;
            for (; j > 0 && h[(j - 1) / 2] > t; j = (j - 1) / 2)
                h[j] = h[(j - 1) / 2];
            h[j] = t;
        }
        double t0 = cli_wall_now();
        for (uint64_t e = 0; e < events; e++) {
            /* pop the minimum and push it back later: replace the root and sift it down */
            double t = h[0] + sim_rng_exponential(r);
            size_t j = 0;
            for (;;) {
                size_t c = 2 * j + 1;
                if (c >= n)
                    break;
                if (c + 1 < n && h[c + 1] < h[c])
                    c++;
                if (!(h[c] < t))
                    break;
                h[j] = h[c];
                j = c;
            }
            h[j] = t;
        }
        el[pass] = cli_wall_now() - t0;
        sink += h[0];
    }
    qsort(el, PASSES, sizeof *el, cmp_double);
    *rate = (double)events / el[0];
    printf("bare heap pending=%zu (no engine; reference): %.3g events/s (best of %d passes, median %.3g; "
           "t=%.0f)\n",
           pending, (double)events / el[0], PASSES, (double)events / el[PASSES / 2], sink / PASSES);
    free(h);
    gsl_rng_free(r);
    return CLI_OK;
}

/* ---- M/M/1: arrivals, one server, FIFO, waits measured ---- */

enum { MM1_ARRIVE, MM1_DEPART };

struct mm1 {
    uint16_t id;
    uint64_t to_arrive;
    double *fifo; /* arrival times of waiting customers */
    size_t cap, head, len;
    int busy;
    double wait_sum;
    uint64_t served;
};

static void mm1_start(struct mm1 *q, struct sim_kernel *k, double arrived)
{
    q->busy = 1;
    q->wait_sum += sim_kernel_now(k) - arrived;
    q->served++;
    sim_kernel_at(k, q->id, MM1_DEPART, sim_kernel_now(k) + expo(sim_kernel_rng(k, 1), 1.0), 0, 0, 0, 0.0,
                  NULL);
}

static void mm1_handle(void *self, struct sim_kernel *k, const struct sim_event *ev)
{
    struct mm1 *q = self;
    double now = sim_kernel_now(k);
    if (ev->kind == MM1_ARRIVE) {
        if (--q->to_arrive > 0)
            sim_kernel_at(k, q->id, MM1_ARRIVE, now + expo(sim_kernel_rng(k, 0), 1.0 / 0.9), 0, 0, 0, 0.0,
                          NULL);
        if (!q->busy)
            mm1_start(q, k, now);
        else if (q->len < q->cap)
            q->fifo[(q->head + q->len++) % q->cap] = now;
        else
            sim_kernel_fail(k, SIM_ENOMEM, "mm1: queue longer than %zu", q->cap);
        return;
    }
    q->busy = 0;
    if (q->len > 0) {
        double arrived = q->fifo[q->head];
        q->head = (q->head + 1) % q->cap;
        q->len--;
        mm1_start(q, k, arrived);
    }
}

static const struct sim_model mm1_model = {.name = "mm1", .handle = mm1_handle};

static int bench_mm1(void)
{
    struct sim_kernel *k = NULL;
    struct mm1 q = {.cap = 1 << 20};
    q.fifo = malloc(q.cap * sizeof *q.fifo);
    int rc = CLI_SOFTWARE;
    if (q.fifo == NULL || sim_kernel_create(2, 64, &k) != SIM_OK ||
        sim_kernel_attach(k, &mm1_model, &q, &q.id) != SIM_OK)
        goto done;
    const uint64_t customers = 1000000;
    sim_kernel_reset(k, 1, 0);
    q.to_arrive = customers;
    double t0 = cli_wall_now();
    sim_kernel_at(k, q.id, MM1_ARRIVE, expo(sim_kernel_rng(k, 0), 1.0 / 0.9), 0, 0, 0, 0.0, NULL);
    sim_status st = sim_kernel_run(k, INFINITY);
    double el = cli_wall_now() - t0;
    if (st != SIM_OK)
        goto done;
    printf("mm1 lambda=0.9 mu=1 customers=%llu: %.3f s, %.3g events/s (mean wait %.3f; exact 9)\n",
           (unsigned long long)customers, el, (double)sim_kernel_events(k) / el,
           q.wait_sum / (double)q.served);
    rc = CLI_OK;
done:
    sim_kernel_destroy(k);
    free(q.fifo);
    return rc;
}

/* ---- the port model and the whole scenario ---- */

/* What bench_world measured: the best pass's replication-years per second and, with a population,
 * nanoseconds per population decision. */
struct world_fig {
    double years_per_s, ns_per_decision, seconds, decisions;
};

/* The population decisions replication `values` counts: every decision ends in a mode (choices,
 * per mode), waiting or leaving. The model counts them in the analysis window only. */
static double decisions_of(const struct sim_out_table *t, const double *values)
{
    static const char *const names[] = {"choices", "chose_wait", "leavers"};
    double n = 0.0;
    for (size_t j = 0; j < sizeof names / sizeof *names; j++) {
        int v = sim_out_find(t, "totals", names[j]);
        if (v < 0)
            return 0.0;
        for (size_t e = 0; e < sim_out_var_size(t, v); e++)
            n += values[t->offset[v] + e];
    }
    return n;
}

/* Runs replications of `s` and prints one line labelled `label` (and, with a population, one line
 * of the cost per decision); the figures go to *fig. */
static int bench_world(const struct mdl_scenario *s, const char *label, struct world_fig *fig)
{
    char err[8192] = "";
    struct mdl_world *w = NULL;
    struct mdl_world_ws *ws = NULL;
    double *values = NULL;
    int rc = CLI_SOFTWARE;
    if (mdl_world_create(s, &w) != SIM_OK || mdl_world_ws_create(w, &ws) != SIM_OK)
        goto done;
    values = malloc(mdl_world_table(w)->rep_values * sizeof *values);
    if (values == NULL)
        goto done;
    /* One untimed replication warms the pools, as in a long run. */
    uint64_t ev = 0, total_ev = 0;
    if (mdl_world_run_rep(ws, s->run.master_seed, 0, values, NULL, &ev, err, sizeof err) != SIM_OK)
        goto done;
    /* The same three replications, timed in PASSES passes: the best pass is the machine's speed
     * with the least interference from other work; the median shows the spread. */
    const int reps = 3;
    double el[PASSES], decisions = 0.0;
    for (int pass = 0; pass < PASSES; pass++) {
        total_ev = 0, decisions = 0.0;
        double t0 = cli_wall_now();
        for (int r = 1; r <= reps; r++) {
            if (mdl_world_run_rep(ws, s->run.master_seed, (uint64_t)r, values, NULL, &ev, err, sizeof err) !=
                SIM_OK)
                goto done;
            total_ev += ev;
            decisions += decisions_of(mdl_world_table(w), values);
        }
        el[pass] = cli_wall_now() - t0;
    }
    qsort(el, PASSES, sizeof *el, cmp_double);
    double years = reps * (s->calendar.warmup_days + s->calendar.horizon_days) / 365.25;
    printf("%s: %.3g replication-years/s per core, %.3g events/s (%d replications in %.2f s; best of %d "
           "passes, median %.3g)\n",
           label, years / el[0], (double)total_ev / el[0], reps, el[0], PASSES, years / el[PASSES / 2]);
    fig->years_per_s = years / el[0];
    fig->ns_per_decision = decisions > 0 ? el[0] * 1e9 / decisions : NAN;
    fig->seconds = el[0], fig->decisions = decisions;
    if (decisions > 0)
        printf("%s: %.0f ns per population decision (%.0f decisions in %.2f s)\n", label,
               fig->ns_per_decision, decisions, el[0]);
    rc = CLI_OK;
done:
    if (rc != CLI_OK)
        fprintf(stderr, "dispsim bench: %s: %s\n", label, err);
    free(values);
    mdl_world_ws_destroy(ws);
    mdl_world_destroy(w);
    return rc;
}

/* Multiplies the population's inflow and initial stock by `f` in place (f = 1 / f undoes it up to
 * rounding, so callers keep the originals instead). */
static void scale_inflow(struct mdl_population *pop, double f)
{
    pop->initial_stock = round(pop->initial_stock * f);
    pop->inflow.level_per_day *= f;
    for (unsigned j = 0; j < pop->inflow.monthly_per_day_count; j++)
        pop->inflow.monthly_per_day[j] *= f;
}

/* The whole scenario at 1x, 2x and 4x its inflow, then the figures relative to 1x and to the bare
 * heap (`heap_rate` events/s, measured in the same run). */
static int bench_population(struct mdl_scenario *s, double heap_rate)
{
    struct mdl_population *pop = s->population;
    const double stock = pop->initial_stock, level = pop->inflow.level_per_day;
    double monthly[12];
    unsigned nm = pop->inflow.monthly_per_day_count < 12 ? pop->inflow.monthly_per_day_count : 12;
    for (unsigned j = 0; j < nm; j++)
        monthly[j] = pop->inflow.monthly_per_day[j];
    static const double scales[] = {1.0, 2.0, 4.0};
    struct world_fig fig[3] = {{0}};
    int rc = CLI_OK;
    for (size_t j = 0; j < 3 && rc == CLI_OK; j++) {
        char label[300];
        if (scales[j] == 1.0)
            snprintf(label, sizeof label, "%s", s->name);
        else
            snprintf(label, sizeof label, "%s x%g inflow", s->name, scales[j]);
        scale_inflow(pop, scales[j]);
        rc = bench_world(s, label, &fig[j]);
        pop->initial_stock = stock, pop->inflow.level_per_day = level;
        for (unsigned m = 0; m < nm; m++)
            pop->inflow.monthly_per_day[m] = monthly[m];
        if (rc == CLI_OK && j == 0)
            printf("%s: %.3g replication-years/s per 1e7 bare-heap events/s\n", s->name,
                   fig[0].years_per_s / (heap_rate / 1e7));
    }
    if (rc == CLI_OK)
        printf("%s: cost per population decision x2 / x1 %.3f, x4 / x1 %.3f\n", s->name,
               fig[1].ns_per_decision / fig[0].ns_per_decision,
               fig[2].ns_per_decision / fig[0].ns_per_decision);
    /* The time that grows with the population: the extra seconds over the extra decisions. The
     * ratio above also spreads the fixed cost (lorries searched, days, bookkeeping) over more
     * decisions; this one does not, so it is what a growing population costs per decision. */
    if (rc == CLI_OK && fig[1].decisions > fig[0].decisions && fig[2].decisions > fig[1].decisions) {
        double m12 = (fig[1].seconds - fig[0].seconds) * 1e9 / (fig[1].decisions - fig[0].decisions);
        double m24 = (fig[2].seconds - fig[1].seconds) * 1e9 / (fig[2].decisions - fig[1].decisions);
        printf("%s: marginal cost per population decision %.0f ns from x1 to x2, %.0f ns from x2 to x4 "
               "(ratio %.3f)\n",
               s->name, m12, m24, m24 / m12);
    }
    return rc;
}

/* The port model alone (the scenario without its population), then the whole scenario. */
static int bench_scenario(const char *path, double heap_rate)
{
    char err[8192], label[256];
    struct mdl_scenario *s = NULL;
    sim_status st = mdl_scenario_load(path, &s, err, sizeof err);
    if (st != SIM_OK)
        return fprintf(stderr, "%s\n", err), cli_exit_code(st);
    struct mdl_population *pop = s->population;
    struct mdl_choice *choice = s->choice;
    struct mdl_mode *modes = s->modes;
    s->population = NULL, s->choice = NULL, s->modes = NULL;
    snprintf(label, sizeof label, "ports %s (port model alone)", s->name);
    struct world_fig ports;
    int rc = bench_world(s, label, &ports);
    s->population = pop, s->choice = choice, s->modes = modes; /* the scenario frees them */
    if (rc == CLI_OK && pop != NULL)
        rc = bench_population(s, heap_rate);
    mdl_scenario_destroy(s);
    return rc;
}

int cli_bench(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(bench_help, stdout), CLI_OK;
    if (argc > 1 && strcmp(argv[1], "--scaling") == 0)
        return cli_bench_scaling(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "--calibration") == 0) /* cmd_bench_calib.c */
        return cli_bench_calib(argc - 1, argv + 1);
    if (argc > 1 && argv[1][0] == '-')
        return cli_usage_error(
            "bench", NULL, "unknown option '%s'\ndispsim bench: see 'dispsim bench --help' for the options",
            argv[1]);
    if (argc > 2)
        return cli_usage_error("bench", NULL, "one SCENARIO at most, got %d; see 'dispsim bench --help'",
                               argc - 1);
    /* The scenario is checked before the minute of benchmarks, not after it. */
    const char *path = argc > 1 ? argv[1] : "scenarios/baseline.yaml";
    struct mdl_scenario *check = NULL;
    int rc = cli_not_a_scenario("bench", path);
    if (rc == CLI_OK)
        rc = cli_load_scenario(path, &check);
    mdl_scenario_destroy(check);
    if (rc != CLI_OK)
        return rc;
    double heap_rate = 0.0;
    rc = bench_bare_heap(&heap_rate);
    if (rc == CLI_OK)
        rc = bench_hold(0.0);
    if (rc == CLI_OK) /* slots of 0.01 hold about 10 of the 1,000 pending events (1,000 per unit time) */
        rc = bench_hold(0.01);
    if (rc == CLI_OK)
        rc = bench_mm1();
    if (rc == CLI_OK)
        rc = bench_scenario(path, heap_rate);
    return rc;
}
