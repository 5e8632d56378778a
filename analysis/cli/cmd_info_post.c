/* The study under parameter uncertainty in dispsim info (a run with --posterior): every metric's
 * combined interval (parameters and Monte Carlo) beside its Monte Carlo-only interval and the
 * share of variance due to parameters (analysis/ana_post.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ana_fmt.h"
#include "../ana_post.h"
#include "cmd_info_study.h"

/* The statistics per cell in files of dispsim 0.2.1 and before (ana_post.h has the rest). */
enum { ANA_PS_N_V021 = ANA_PS_DRAWS + 1 };

/* `share` as a percentage, or n/a. */
static void fmt_pct(char *buf, size_t len, double share)
{
    if (isfinite(share))
        snprintf(buf + strlen(ana_fmt_num(buf, len, 100.0 * share, "n/a")), 4, "%%");
    else
        snprintf(buf, len, "n/a");
}

/* One line: `label`, the combined and the Monte Carlo-only interval, the parameter share and,
 * when the file has them (nstat == ANA_PS_N), the draws' 5-95% range and share above zero, of the
 * posterior statistics x[nstat]. */
static void post_line(const char *label, const double *x, size_t nstat)
{
    char a[ANA_FMT_LEN], b[ANA_FMT_LEN], c[ANA_FMT_LEN], d[2 * ANA_FMT_LEN + 8] = "", e[ANA_FMT_LEN] = "";
    ana_fmt_ci(a, sizeof a, x[ANA_PS_MEAN], x[ANA_PS_LOW], x[ANA_PS_HIGH], "n/a");
    ana_fmt_ci(b, sizeof b, x[ANA_PS_MEAN], x[ANA_PS_MC_LOW], x[ANA_PS_MC_HIGH], "n/a");
    fmt_pct(c, sizeof c, x[ANA_PS_SHARE]);
    if (nstat == ANA_PS_N) {
        char lo[ANA_FMT_LEN], hi[ANA_FMT_LEN];
        snprintf(d, sizeof d, "%s to %s", ana_fmt_num(lo, sizeof lo, x[ANA_PS_Q05], "n/a"),
                 ana_fmt_num(hi, sizeof hi, x[ANA_PS_Q95], "n/a"));
        fmt_pct(e, sizeof e, x[ANA_PS_POSITIVE]);
    }
    printf("  %-32s %-30s %-30s %-8s %-24s %-6s (defined in %.0f draws)\n", label, a, b, c, d, e,
           x[ANA_PS_DRAWS]);
}

/* The statistics per cell of a posterior array read by read_post. */
static size_t stats(const struct res_array *a)
{
    return a->shape[a->rank - 1];
}

/* study/<name>_posterior with `per` cells per variant; false when absent or of another shape. */
static bool read_post(struct res_file *f, const char *name, size_t nv, size_t per, struct res_array *a)
{
    char full[128];
    snprintf(full, sizeof full, "%s_posterior", name);
    if (res_read(f, "study", full, a) == SIM_OK && a->rank >= 2 && a->shape[0] == nv &&
        (a->shape[a->rank - 1] == ANA_PS_N || a->shape[a->rank - 1] == ANA_PS_N_V021)) {
        size_t cells = 1;
        for (int k = 1; k < a->rank - 1; k++)
            cells *= a->shape[k];
        if (cells == per)
            return true;
    }
    res_array_free(a);
    return false;
}

void cli__info_study_posterior(struct res_file *f, const char *const *variants, size_t nv)
{
    char **file = NULL, **mt = NULL, **draws = NULL;
    size_t nfile = 0, nmt = 0, nd = 0;
    struct res_array reps = {0};
    if (res_read_labels(f, "posterior_draws/file", &file, &nfile) != SIM_OK || nfile != 1 ||
        res_read_labels(f, "draw", &draws, &nd) != SIM_OK ||
        res_read(f, "posterior_draws", "replications_per_draw", &reps) != SIM_OK || reps.rank != 0) {
        res_labels_free(file, nfile);
        res_labels_free(draws, nd);
        res_array_free(&reps);
        return;
    }
    if (res_read_labels(f, "mode_total", &mt, &nmt) != SIM_OK)
        mt = NULL, nmt = 0;
    static const char *const single[] = {"net_deterrence", "displacement_ratio",
                                         "cost_per_net_arrival_prevented", "freight_delay_added_min"};
    static const char *const single_label[] = {"net arrivals prevented", "displacement ratio",
                                               "EUR per net arrival prevented", "freight delay added (min)"};
    struct res_array arr = {0}, dth = {0}, one[4] = {{0}};
    bool modes = nmt > 0 && read_post(f, "arrivals_change", nv, nmt, &arr) &&
                 read_post(f, "deaths_change", nv, nmt, &dth);
    bool have[4];
    for (size_t i = 0; i < 4; i++)
        have[i] = read_post(f, single[i], nv, 1, &one[i]);
    printf("\nUnder parameter uncertainty: %zu draws from the posterior %s, %.0f replications each.\n"
           "Combined: parameter and Monte Carlo uncertainty; Monte Carlo only: the pooled within-draw\n"
           "error; parameter share: of one replication's variance, the part due to the parameters.\n"
           "Intervals at the study's level (above); they are symmetric. Draws 5-95%%: the range of the\n"
           "middle 90%% of the draws' own estimates, and > 0: the share of draws where the effect is\n"
           "positive (each draw's estimate still carries its Monte Carlo noise).\n",
           nd, file[0], reps.data[0]);
    for (size_t v = 1; v < nv; v++) {
        printf("\n%s\n  %-32s %-30s %-30s %-8s %-24s %s\n", variants[v], "metric", "combined [CI]",
               "Monte Carlo-only [CI]", "param", "draws 5-95%", "> 0");
        char label[96];
        for (size_t m = 0; modes && m < nmt; m++) {
            snprintf(label, sizeof label, "arrivals change, %s", mt[m]);
            post_line(label, arr.data + (v * nmt + m) * stats(&arr), stats(&arr));
        }
        if (modes)
            post_line("deaths change, total", dth.data + (v * nmt + nmt - 1) * stats(&dth), stats(&dth));
        for (size_t i = 0; i < 4; i++)
            if (have[i])
                post_line(single_label[i], one[i].data + v * stats(&one[i]), stats(&one[i]));
    }
    res_array_free(&arr);
    res_array_free(&dth);
    for (size_t i = 0; i < 4; i++)
        res_array_free(&one[i]);
    res_array_free(&reps);
    res_labels_free(file, nfile);
    res_labels_free(draws, nd);
    res_labels_free(mt, nmt);
}
