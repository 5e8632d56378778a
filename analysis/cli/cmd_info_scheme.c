/* `dispsim info RESULTS.h5 --scheme`: the civil-penalty scheme's annual report (recommendation 7
 * of the inspector), per variant and year of the analysis window, from the results file's
 * `scheme` group: means over replications with 95% intervals. In a study with a `scheme_off`
 * variant each year ends with the deterrent effect: the paired change, replication by
 * replication, in lorry and small-boat arrivals of the baseline (the scheme) against scheme_off,
 * and the displacement ratio (boat arrivals gained per lorry arrival deterred, a ratio of means
 * with a delta-method interval). */
#include "cmd_info_scheme.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ana_fmt.h"
#include "../ana_summary.h"
#include "cli.h"

/* The report's lines, in the inspector's order: (dataset in `scheme`, label). */
static const char *const lines[][2] = {
    {"vehicles_searched", "vehicles searched"},
    {"clandestine_incidents", "clandestine incidents"},
    {"entrants_detected", "entrants detected"},
    {"vehicles_not_secured", "vehicles not adequately secured"},
    {"referrals", "referrals"},
    {"penalties_imposed", "penalties imposed"},
    {"penalty_value_gbp", "penalty value (GBP)"},
    {"challenges_made", "challenges made"},
    {"challenges_succeeded", "challenges succeeded"},
    {"reductions", "reductions"},
    {"reduced_gbp", "cancelled or reduced (GBP)"},
    {"debt_collected_gbp", "debt collected (GBP)"},
    {"debt_outstanding_gbp", "debt outstanding, year end (GBP)"},
    {"cases_lapsed", "cases lapsed"},
    {"team_backlog_end", "team backlog, year end (cases)"},
    {"team_backlog_max", "team backlog, maximum (cases)"},
    {"cpas_waiting_end", "CPAS applications waiting, year end"},
    {"cpas_days_to_decide_mean", "CPAS days to decide"},
    {"secured_share_mean", "hauliers securing (share)"},
};
enum { NLINES = sizeof lines / sizeof lines[0] };

/* One dataset of the report as [variant][replication][year]. */
struct block {
    struct res_array a;
    size_t nv, nr, ny;
};

static bool read_block(struct res_file *f, const char *group, const char *name, struct block *b)
{
    memset(b, 0, sizeof *b);
    if (res_read(f, group, name, &b->a) != SIM_OK)
        return false;
    int r = b->a.rank;
    if (r < 2 || r > 3) {
        res_array_free(&b->a);
        return false;
    }
    b->nv = r == 3 ? b->a.shape[0] : 1;
    b->nr = b->a.shape[r - 2];
    b->ny = b->a.shape[r - 1];
    return true;
}

static const double *at(const struct block *b, size_t v, size_t rep, size_t y)
{
    return &b->a.data[(v * b->nr + rep) * b->ny + y];
}

/* The deterrent effect in year y: baseline (variant 0) minus scheme_off (variant off), from the
 * daily arrivals [variant][replication][day][mode] summed over the year's days (365.25 each). */
struct deterrent {
    struct ana_ci lorry, boats, ratio;
    bool ok;
};

static double year_sum(const struct res_array *a, size_t v, size_t rep, size_t y, size_t mode)
{
    size_t nr = a->shape[1], nd = a->shape[2], nm = a->shape[3];
    size_t d0 = (size_t)ceil((double)y * 365.25 - 0.5), d1 = (size_t)ceil((double)(y + 1) * 365.25 - 0.5);
    double s = 0.0;
    for (size_t d = d0; d < d1 && d < nd; d++)
        s += a->data[((v * nr + rep) * nd + d) * nm + mode];
    return s;
}

static struct deterrent deterrent_of(const struct res_array *a, size_t off, size_t lorry, size_t boat,
                                     size_t y)
{
    struct deterrent out = {.ok = false};
    size_t nr = a->shape[1];
    double *dl = malloc(3 * nr * sizeof *dl);
    if (dl == NULL)
        return out;
    double *db = dl + nr, *gain = db + nr;
    for (size_t r = 0; r < nr; r++) {
        dl[r] = year_sum(a, 0, r, y, lorry) - year_sum(a, off, r, y, lorry);
        db[r] = year_sum(a, 0, r, y, boat) - year_sum(a, off, r, y, boat);
        gain[r] = -dl[r]; /* lorry arrivals the scheme deters */
    }
    out.lorry = ana_summarise(dl, nr, 1, 0.95);
    out.boats = ana_summarise(db, nr, 1, 0.95);
    out.ratio = ana_ratio_of_means(db, gain, nr, 0.95);
    out.ok = true;
    free(dl);
    return out;
}

static size_t index_of(char **labels, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(labels[i], name) == 0)
            return i;
    return n;
}

static void row(bool csv, const char *variant, size_t y, const char *key, const char *label, struct ana_ci c)
{
    char cell[ANA_FMT_LEN];
    if (csv) {
        printf("%s,%zu,%s,", variant, y + 1, key);
        if (isfinite(c.mean))
            printf("%.17g", c.mean);
        printf(",");
        if (isfinite(c.low))
            printf("%.17g", c.low);
        printf(",");
        if (isfinite(c.high))
            printf("%.17g", c.high);
        printf("\n");
    } else
        printf("  %-38s %s\n", label, ana_fmt_ci(cell, sizeof cell, c.mean, c.low, c.high, "n/a"));
}

/* The study's modes and its scheme_off variant, for the deterrent rows; false without them. */
struct study_ctx {
    char **variants, **modes;
    size_t nvar, nmode, off, lorry, boat;
    struct res_array arrivals;
    bool has;
};

static void study_open(struct res_file *f, struct study_ctx *s)
{
    memset(s, 0, sizeof *s);
    if (res_read_labels(f, "variant", &s->variants, &s->nvar) != SIM_OK)
        return;
    if (res_read_labels(f, "mode", &s->modes, &s->nmode) != SIM_OK)
        return;
    s->off = index_of(s->variants, s->nvar, "scheme_off");
    s->lorry = index_of(s->modes, s->nmode, "lorry");
    s->boat = index_of(s->modes, s->nmode, "small_boat");
    s->has = s->off < s->nvar && s->off > 0 && s->lorry < s->nmode && s->boat < s->nmode &&
             res_read(f, "daily", "arrivals", &s->arrivals) == SIM_OK && s->arrivals.rank == 4 &&
             s->arrivals.shape[0] == s->nvar && s->arrivals.shape[3] == s->nmode;
}

static void study_close(struct study_ctx *s)
{
    res_labels_free(s->variants, s->nvar);
    res_labels_free(s->modes, s->nmode);
    res_array_free(&s->arrivals);
}

static void print_deterrent(bool csv, const struct study_ctx *s, size_t y)
{
    struct deterrent d = deterrent_of(&s->arrivals, s->off, s->lorry, s->boat, y);
    if (!d.ok)
        return;
    if (!csv)
        printf("  deterrent effect, baseline against scheme_off (paired):\n");
    row(csv, s->variants[0], y, "deterrent_lorry_arrivals_change", "  lorry arrivals (people)", d.lorry);
    row(csv, s->variants[0], y, "deterrent_small_boat_arrivals_change", "  small-boat arrivals (people)",
        d.boats);
    row(csv, s->variants[0], y, "deterrent_displacement_ratio", "  displacement ratio (boats per lorry)",
        d.ratio);
}

int cli__info_scheme(struct res_file *f, bool csv)
{
    struct block b[NLINES];
    size_t nread = 0;
    for (; nread < NLINES; nread++)
        if (!read_block(f, "scheme", lines[nread][0], &b[nread]))
            break;
    int rc = CLI_OK;
    if (nread < NLINES) {
        fprintf(stderr,
                "dispsim info: the file has no civil-penalty scheme report (scheme/%s): its "
                "scenario has no cecps: section\n",
                lines[nread][0]);
        rc = CLI_DATAERR;
        goto done;
    }
    struct study_ctx s;
    study_open(f, &s);
    if (csv)
        printf("variant,year,quantity,mean,ci95_low,ci95_high\n");
    else
        printf("\nCivil penalties (CECPS): the annual report per year of the analysis window (365.25 days\n"
               "each), mean over %zu replications and 95%% interval.\n",
               b[0].nr);
    for (size_t v = 0; v < b[0].nv; v++)
        for (size_t y = 0; y < b[0].ny; y++) {
            const char *name = v < s.nvar ? s.variants[v] : "baseline";
            if (!csv)
                printf("\n%s, year %zu:\n", name, y + 1);
            for (size_t i = 0; i < NLINES; i++)
                row(csv, name, y, lines[i][0], lines[i][1],
                    ana_summarise_nonneg(at(&b[i], v, 0, y), b[i].nr, b[i].ny, 0.95));
            if (v == 0 && s.has)
                print_deterrent(csv, &s, y);
        }
    study_close(&s);
done:
    for (size_t i = 0; i < nread; i++)
        res_array_free(&b[i].a);
    return rc;
}
