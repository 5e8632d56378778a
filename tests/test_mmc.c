/* The port model against queueing theory: with exponential interarrival and search times, constant
 * staffing and every lorry selected, each port is an M/M/c queue (Erlang C). */
#include <math.h>

#include "../sim/sim_stats.h"
#include "world_helpers.h"

struct mmc {
    const char *name;
    unsigned c;
    double mean_search_min, rho;
};

/* Erlang C: probability of waiting, then Wq (minutes), Lq. */
static void erlang_c(const struct mmc *q, double *wq_min, double *lq)
{
    double mu = 1.0 / q->mean_search_min, lambda = q->rho * q->c * mu, a = lambda / mu;
    double term = 1.0, sum = 0.0;
    for (unsigned k = 0; k < q->c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term / (1.0 - q->rho);
    double pw = top / (sum + top);
    *wq_min = pw / (q->c * mu - lambda);
    *lq = lambda * *wq_min;
}

static const struct mmc cases[] = {
    {"single", 1, 4.0, 0.5},
    {"heavy", 3, 10.0, 0.9},
    {"wide", 5, 6.0, 0.7},
};
enum { NCASES = 3, REPS = 30 };

Test(mmc, ports_match_erlang_c_for_wait_queue_length_and_utilisation, .timeout = 600)
{
    char ports[8192] = "", one[2048], dist[128];
    for (int i = 0; i < NCASES; i++) {
        double per_day = cases[i].rho * cases[i].c / cases[i].mean_search_min * 1440.0;
        snprintf(dist, sizeof dist, "{dist: exponential, mean: %.17g}", cases[i].mean_search_min);
        port_yaml(one, sizeof one, cases[i].name, per_day * 365.25, cases[i].c, 1, 0.0, "random", 1.0, 1.0,
                  1000000, dist, 0.5, 0.0);
        strcat(ports, one);
    }
    char *yaml = scenario_yaml(2, 40, REPS, ports);
    struct mdl_scenario *s = load_text(yaml);
    struct mdl_world *w = NULL;
    cr_assert_eq(mdl_world_create(s, &w), SIM_OK);
    double *v = run_reps(w, 777, REPS);
    for (size_t p = 0; p < NCASES; p++) {
        double wq, lq;
        erlang_c(&cases[p], &wq, &lq);
        struct sim_welford ww = {0}, wl = {0}, wu = {0};
        for (size_t r = 0; r < REPS; r++) {
            sim_welford_add(&ww, total(w, v, r, "search_wait_mean_min", p));
            sim_welford_add(&wl, total(w, v, r, "queue_length_mean", p));
            sim_welford_add(&wu, total(w, v, r, "team_utilisation", p));
        }
        /* Tolerance: 4 standard errors of the mean over independent replications. */
        cr_log_info("%s: Wq %.4f (exact %.4f, se %.4f) Lq %.4f (exact %.4f) rho %.4f (exact %.4f)",
                    cases[p].name, ww.mean, wq, sim_welford_sem(&ww), wl.mean, lq, wu.mean, cases[p].rho);
        cr_expect(fabs(ww.mean - wq) < 4.0 * sim_welford_sem(&ww),
                  "%s: mean wait %g min, Erlang C %g (se %g)", cases[p].name, ww.mean, wq,
                  sim_welford_sem(&ww));
        cr_expect(fabs(wl.mean - lq) < 4.0 * sim_welford_sem(&wl), "%s: mean queue %g, Erlang C %g (se %g)",
                  cases[p].name, wl.mean, lq, sim_welford_sem(&wl));
        cr_expect(fabs(wu.mean - cases[p].rho) < 4.0 * sim_welford_sem(&wu),
                  "%s: utilisation %g, exact %g (se %g)", cases[p].name, wu.mean, cases[p].rho,
                  sim_welford_sem(&wu));
    }
    free(v);
    mdl_world_destroy(w);
    mdl_scenario_destroy(s);
    free(yaml);
}
