/* cmd_info_posterior.c: the summary of a posterior file (see cmd_info_posterior.h). */
#include "cmd_info_posterior.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../results/res_posterior.h"
#include "cli_common.h"

struct wv {
    double v, w;
};

static int by_value(const void *a, const void *b)
{
    double x = ((const struct wv *)a)->v, y = ((const struct wv *)b)->v;
    return (x > y) - (x < y);
}

/* Weighted mean and 5/50/95% quantiles of column j of the particles (the smallest value whose
 * cumulative weight reaches q), as calibrate computes the predictive. */
static void column(const struct res_posterior *p, size_t j, struct wv *tmp, double out[4])
{
    double tot = 0.0, mean = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        tmp[i] = (struct wv){p->particles[i * p->d + j], p->weights[i]};
        tot += p->weights[i];
        mean += p->weights[i] * tmp[i].v;
    }
    out[0] = mean / tot;
    qsort(tmp, p->n, sizeof *tmp, by_value);
    static const double q[3] = {0.05, 0.50, 0.95};
    for (int k = 0; k < 3; k++) {
        double cum = 0.0;
        size_t i = 0;
        while (i + 1 < p->n && (cum += tmp[i].w) < q[k] * tot)
            i++;
        out[k + 1] = tmp[i].v;
    }
}

/* Weighted correlation of parameters a and b. */
static double correlation(const struct res_posterior *p, size_t a, size_t b, const double *mean)
{
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        double x = p->particles[i * p->d + a] - mean[a], y = p->particles[i * p->d + b] - mean[b];
        sab += p->weights[i] * x * y, saa += p->weights[i] * x * x, sbb += p->weights[i] * y * y;
    }
    return saa > 0.0 && sbb > 0.0 ? sab / sqrt(saa * sbb) : NAN;
}

static void print_tables(const struct res_posterior *p, const double *stats)
{
    bool rm = strcmp(p->sampler, "resample-move") == 0;
    printf("posterior of %s: %zu particles, %zu generations, %u replications per particle, seed %llu,\n"
           "sampler %s\n\n",
           p->calibration_path, p->n, p->ngen, p->reps, (unsigned long long)p->master_seed, p->sampler);
    if (rm)
        printf("(accepted: the share of moves accepted, generation 0 the share of simulations within its\n"
               "tolerance; ESS: the reweighted population's, before resampling)\n");
    printf("%-4s %12s %10s %8s\n", "gen", "tolerance", "accepted", "ESS");
    for (size_t g = 0; g < p->ngen; g++)
        printf("%-4zu %12.4g %10.3f %8.1f\n", g, p->tolerance[g], p->acceptance[g], p->ess[g]);
    if (res_posterior_thin(p))
        printf("\nwarning: the posterior rests on an effective sample of %.1f particles, fewer than 5 per\n"
               "parameter: its credible intervals, correlations and read-out of what the data identify are\n"
               "unreliable (they can look narrow because a few particles carry the weight). More particles,\n"
               "or fewer generations, give a sounder one.\n",
               res_posterior_ess(p));
    bool q = p->prior_q05 != NULL;
    printf("\n%-16s %11s %11s %11s %11s %23s %10s  %-14s  %s\n", "parameter", "mean", "median", "q05", "q95",
           q ? "prior 90% interval" : "prior range", "90% width", q ? "the data" : "", "prior");
    for (size_t j = 0; j < p->d; j++) {
        const double *s = stats + 4 * j;
        double lo = q ? p->prior_q05[j] : p->prior_lo[j], hi = q ? p->prior_q95[j] : p->prior_hi[j];
        double w = hi > lo ? (s[3] - s[1]) / (hi - lo) : NAN;
        printf("%-16s %11.4g %11.4g %11.4g %11.4g [%10.4g, %10.4g] %9.0f%%  %-14s  %s\n", p->names[j], s[0],
               s[2], s[1], s[3], lo, hi, 100.0 * w,
               !q        ? ""
               : w < 0.5 ? "identify it"
               : w < 0.8 ? "narrow it"
                         : "say little",
               p->priors[j]);
    }
    if (q)
        printf(
            "(90%% width: the posterior's 90%% credible interval against the prior's; the data identify a\n"
            " parameter below 50%%, narrow it below 80%%, and say little of it above: a rule of thumb)\n");
    else
        printf("(90%% width: the 90%% credible interval's width as a share of the prior's range)\n");
}

static void print_correlations(const struct res_posterior *p, const double *mean)
{
    printf("\nposterior correlations:\n%-16s", "");
    for (size_t b = 0; b < p->d; b++)
        printf(" %10.10s", p->names[b]);
    printf("\n");
    for (size_t a = 0; a < p->d; a++) {
        printf("%-16s", p->names[a]);
        for (size_t b = 0; b < p->d; b++)
            printf(" %10.3f", correlation(p, a, b, mean));
        printf("\n");
    }
}

/* Whether observed point k lies inside its posterior predictive 90% band [q05, q95]; a NaN
 * observation or bound is outside. */
static bool inside(const struct res_posterior *p, size_t k)
{
    return p->observed[k] >= p->pred_q05[k] && p->observed[k] <= p->pred_q95[k];
}

static void print_predictive(const struct res_posterior *p)
{
    printf("\nposterior predictive (over particles of each particle's mean over replications):\n");
    printf("%-22s %-22s %11s %11s %11s %11s  %s\n", "target", "period", "observed", "q05", "median", "q95",
           "in 90%");
    for (size_t k = 0; k < p->npoints; k++)
        printf("%-22s %-22s %11.4g %11.4g %11.4g %11.4g  %s\n", p->point_target[k], p->point_period[k],
               p->observed[k], p->pred_q05[k], p->pred_q50[k], p->pred_q95[k], inside(p, k) ? "yes" : "no");
}

/* Per target, in the order targets first appear: how many of its observed periods lie inside the
 * 90% predictive band (the check of a calibration: most should). */
static void print_coverage(const struct res_posterior *p)
{
    size_t all = 0, in_all = 0;
    printf("\ncoverage: observed periods inside the posterior predictive 90%% band [q05, q95]:\n");
    for (size_t k = 0; k < p->npoints; k++) {
        bool first = true;
        for (size_t e = 0; e < k && first; e++)
            first = strcmp(p->point_target[e], p->point_target[k]) != 0;
        if (!first)
            continue;
        size_t n = 0, in = 0;
        for (size_t e = k; e < p->npoints; e++)
            if (strcmp(p->point_target[e], p->point_target[k]) == 0)
                n++, in += inside(p, e);
        printf("%s: %zu of %zu periods inside the 90%% predictive band\n", p->point_target[k], in, n);
        all += n, in_all += in;
    }
    printf("all targets: %zu of %zu points inside\n", in_all, all);
}

/* The rows target,period,observed,q05,q50,q95,inside (1 or 0) of every observed point. */
static void print_predictive_csv(const struct res_posterior *p)
{
    printf("target,period,observed,q05,q50,q95,inside\n");
    for (size_t k = 0; k < p->npoints; k++)
        printf("%s,%s,%.17g,%.17g,%.17g,%.17g,%d\n", p->point_target[k], p->point_period[k], p->observed[k],
               p->pred_q05[k], p->pred_q50[k], p->pred_q95[k], inside(p, k) ? 1 : 0);
}

int cli__info_posterior(const char *path, bool csv, bool predictive)
{
    struct res_posterior p;
    char err[1024];
    sim_status st = res_posterior_read(path, &p, err, sizeof err);
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim info: %s\n", err);
        return cli_exit_code(st);
    }
    double *stats = malloc((4 * p.d + 1) * sizeof *stats), *mean = malloc((p.d + 1) * sizeof *mean);
    struct wv *tmp = malloc((p.n + 1) * sizeof *tmp);
    if (stats == NULL || mean == NULL || tmp == NULL) {
        free(stats), free(mean), free(tmp);
        res_posterior_free(&p);
        return CLI_SOFTWARE;
    }
    for (size_t j = 0; j < p.d; j++) {
        column(&p, j, tmp, stats + 4 * j);
        mean[j] = stats[4 * j];
    }
    if (csv && predictive) {
        print_predictive_csv(&p);
    } else if (csv) {
        printf("parameter,mean,q05,q50,q95\n");
        for (size_t j = 0; j < p.d; j++)
            printf("%s,%.17g,%.17g,%.17g,%.17g\n", p.names[j], stats[4 * j], stats[4 * j + 1],
                   stats[4 * j + 2], stats[4 * j + 3]);
    } else {
        print_tables(&p, stats);
        print_correlations(&p, mean);
        print_predictive(&p);
        print_coverage(&p);
    }
    free(stats), free(mean), free(tmp);
    res_posterior_free(&p);
    return CLI_OK;
}
