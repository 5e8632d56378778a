/* The study part of dispsim info: see cmd_info_study.h. */
#include "cmd_info_study.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ana_decide.h"
#include "../ana_fmt.h"
#include "cli.h"

/* Reads study/<name> into a (zeroed on failure); true when it has `n` leading variants. */
static bool study(struct res_file *f, const char *name, size_t n, struct res_array *a)
{
    if (res_read(f, "study", name, a) == SIM_OK && a->rank >= 0 && (a->rank == 0 || a->shape[0] == n))
        return true;
    res_array_free(a);
    return false;
}

/* A mean and interval, padded to `width` characters; `undefined` when the mean is not defined. */
static void ci_cell(const double *x, const char *undefined, int width)
{
    char cell[ANA_FMT_LEN];
    printf("%-*s", width, ana_fmt_ci(cell, sizeof cell, x[0], x[1], x[2], undefined));
}

static void ci_of(const struct ana_ci *c, double *x)
{
    x[0] = c->mean, x[1] = c->low, x[2] = c->high;
}

/* The lines of a decision (net arrivals prevented, cost, per arrival, ratio, freight). */
static void print_decision_lines(const struct ana_decision *d)
{
    char cell[ANA_FMT_LEN];
    double x[3];
    printf("  %-34s ", "net arrivals prevented (people)");
    ci_of(&d->prevented, x), ci_cell(x, "n/a", 0);
    printf("\n  %-34s %s EUR\n", "cost over the window", ana_fmt_num(cell, sizeof cell, d->cost_eur, "n/a"));
    printf("  %-34s ", "cost per net arrival prevented");
    ci_of(&d->cost_per, x), ci_cell(x, "n/a: no sure net fall", 0);
    printf("%s\n  %-34s ", isfinite(x[0]) ? " EUR" : "", "displacement ratio");
    ci_of(&d->ratio, x), ci_cell(x, "n/a: no mode falls surely", 0);
    if (d->target[0] != '\0')
        printf(" targeted mode: %s", d->target);
    printf("\n  %-34s ", "freight delay added (min/lorry)");
    ci_of(&d->freight, x), ci_cell(x, "n/a", 0);
    putchar('\n');
}

/* The decision table: one row per variant, ranked ones first by cost per net arrival prevented. */
void cli__info_decisions(struct res_file *f)
{
    struct ana_decision *rows = NULL;
    size_t n = 0;
    double level = 0.95;
    if (ana_decide_table(f, &rows, &n, &level) != SIM_OK)
        return;
    printf("\nDecision table: every variant against the baseline over the analysis window, paired by\n"
           "replication; intervals at %.4g%%%s.\n"
           "Rank: by cost per net arrival prevented, among the variants whose net fall in arrivals is\n"
           "sure (interval above zero); '-': no sure net fall.\n\n",
           100.0 * level, n > 1 ? " (95% for all of them together, Bonferroni)" : "");
    printf("%-4s %-18s %-26s %-12s %-28s %-34s %s\n", "rank", "variant", "net arrivals prevented",
           "cost (EUR)", "EUR per net arrival prevented", "displacement ratio (targeted mode)",
           "freight delay added (min/lorry)");
    for (size_t k = 0; k <= n; k++) /* ranks 1..n, then the unranked (k == n: rank 0) */
        for (size_t i = 0; i < n; i++) {
            const struct ana_decision *d = &rows[i];
            if (d->rank != (k < n ? k + 1 : 0))
                continue;
            char rk[24], p[ANA_FMT_LEN], c[ANA_FMT_LEN], e[ANA_FMT_LEN], r[ANA_FMT_LEN + 80], fr[ANA_FMT_LEN];
            snprintf(rk, sizeof rk, d->rank > 0 ? "%zu" : "-", d->rank);
            ana_fmt_ci(r, sizeof r, d->ratio.mean, d->ratio.low, d->ratio.high, "none falls surely");
            if (d->target[0] != '\0')
                snprintf(r + strlen(r), sizeof r - strlen(r), " (%s)", d->target);
            printf("%-4s %-18s %-26s %-12s %-28s %-34s %s\n", rk, d->variant,
                   ana_fmt_ci(p, sizeof p, d->prevented.mean, d->prevented.low, d->prevented.high, "n/a"),
                   ana_fmt_num(c, sizeof c, d->cost_eur, "n/a"),
                   ana_fmt_ci(e, sizeof e, d->cost_per.mean, d->cost_per.low, d->cost_per.high,
                              "no sure net fall"),
                   r, ana_fmt_ci(fr, sizeof fr, d->freight.mean, d->freight.low, d->freight.high, "n/a"));
        }
    printf("\nThe displacement ratio is the rise in the other modes' arrivals per arrival fewer by the\n"
           "targeted mode (in brackets: the mode that falls most, among those that fall surely).\n");
    free(rows);
}

/* The study detail: every variant against the baseline, paired by replication. */
int cli__info_study(struct res_file *f)
{
    char **variants = NULL, **mt = NULL;
    size_t nv = 0, nmt = 0, nd = 0;
    struct ana_decision *rows = NULL;
    double level = 0.95;
    if (res_read_labels(f, "variant", &variants, &nv) != SIM_OK || nv < 2 ||
        ana_decide_table(f, &rows, &nd, &level) != SIM_OK) {
        res_labels_free(variants, nv);
        return CLI_OK;
    }
    struct res_array arr = {0}, unp = {0}, crn = {0}, dth = {0};
    bool modes = res_read_labels(f, "mode_total", &mt, &nmt) == SIM_OK &&
                 study(f, "arrivals_change", nv, &arr) && study(f, "arrivals_change_unpaired", nv, &unp) &&
                 study(f, "crn_variance_removed", nv, &crn) && study(f, "deaths_change", nv, &dth);
    printf("\nStudy: the detail of %zu variants against the baseline, paired by replication (common\n"
           "random numbers); intervals at %.4g%%%s.\n",
           nv - 1, 100.0 * level, nv > 2 ? " (95% Bonferroni-adjusted for the variants)" : "");
    for (size_t v = 1; v < nv && v - 1 < nd; v++) {
        printf("\n%s\n", variants[v]);
        if (modes) {
            printf("  %-14s %-30s %-30s %s\n", "arrivals", "paired change [CI]", "unpaired CI",
                   "CRN removed");
            for (size_t m = 0; m < nmt; m++) {
                const double *x = arr.data + (v * nmt + m) * 3, *u = unp.data + (v * nmt + m) * 3;
                char cell[ANA_FMT_LEN];
                printf("  %-14s ", mt[m]);
                ci_cell(x, "n/a", 30);
                printf(" %-30s ", ana_fmt_ci(cell, sizeof cell, u[0], u[1], u[2], "n/a"));
                printf("%s%%\n", ana_fmt_num(cell, sizeof cell, 100.0 * crn.data[v * nmt + m], "n/a"));
            }
            printf("  %-14s ", "deaths (total)");
            ci_cell(dth.data + (v * nmt + nmt - 1) * 3, "n/a", 0);
            putchar('\n');
        }
        print_decision_lines(&rows[v - 1]);
    }
    cli__info_study_posterior(f, (const char *const *)variants, nv);
    struct res_array *all[] = {&arr, &unp, &crn, &dth};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        res_array_free(all[i]);
    free(rows);
    res_labels_free(mt, nmt);
    res_labels_free(variants, nv);
    return CLI_OK;
}

/* dispsim info --compare A B: variant b against variant a, paired by replication. */
int cli__info_compare(struct res_file *f, const char *a, const char *b)
{
    char err[1024];
    struct ana_comparison c;
    sim_status st = ana_decide_compare(f, a, b, &c, err, sizeof err);
    if (st != SIM_OK)
        return fprintf(stderr, "dispsim info: --compare %s %s: %s\n", a, b, err), CLI_USAGE;
    printf("\n%s against %s, paired by replication (%zu replications, common random numbers);\n"
           "intervals at 95%% (one comparison). Positive 'prevented': %s has fewer arrivals than %s.\n",
           b, a, c.nr, b, a);
    if (c.nr < 2)
        printf("One replication: intervals need at least two, so only means are shown.\n");
    printf("\n  %-14s %s\n", "arrivals", "change [CI] (people)");
    double x[3];
    for (size_t m = 0; m <= c.nm; m++) {
        printf("  %-14s ", c.mode[m]);
        ci_of(&c.arrivals[m], x), ci_cell(x, "n/a", 0);
        putchar('\n');
    }
    printf("  %-14s ", "deaths (total)");
    ci_of(&c.deaths, x), ci_cell(x, "n/a", 0);
    printf("\n\n%s against %s (cost: the difference):\n", b, a);
    print_decision_lines(&c.b);
    return CLI_OK;
}
