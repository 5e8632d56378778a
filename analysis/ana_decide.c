/* The decision table and pairwise comparisons of a study: see ana_decide.h. */
#include "ana_decide.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ana_ci ci_at(const struct res_array *a, size_t row)
{
    if (a->data == NULL || a->rank != 2 || row >= a->shape[0] || a->shape[1] != 3)
        return (struct ana_ci){.mean = NAN, .low = NAN, .high = NAN};
    const double *x = a->data + row * 3;
    return (struct ana_ci){.mean = x[0], .low = x[1], .high = x[2]};
}

/* The targeted mode of variant v: the label dataset of schema 2 files, else (older files) the
 * index, trusted only where the ratio is defined (the mode fell significantly). */
static void target_of(struct res_file *f, char **labels, size_t nl, size_t v, const struct ana_ci *ratio,
                      char *out)
{
    out[0] = '\0';
    if (labels != NULL && v < nl) {
        if (strcmp(labels[v], "none") != 0)
            snprintf(out, ANA_DECIDE_NAME, "%s", labels[v]);
        return;
    }
    struct res_array idx = {0};
    char **modes = NULL;
    size_t nm = 0;
    if (isfinite(ratio->mean) && res_read(f, "study", "targeted_mode", &idx) == SIM_OK && idx.rank == 1 &&
        v < idx.shape[0] && res_read_labels(f, "mode", &modes, &nm) == SIM_OK && idx.data[v] >= 0 &&
        idx.data[v] < (double)nm)
        snprintf(out, ANA_DECIDE_NAME, "%s", modes[(size_t)idx.data[v]]);
    res_labels_free(modes, nm);
    res_array_free(&idx);
}

/* Ranks the rows with a defined cost per net arrival prevented, lowest first (ties: file order). */
static void rank_rows(struct ana_decision *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rows[i].rank = 0;
        if (!isfinite(rows[i].cost_per.mean))
            continue;
        rows[i].rank = 1;
        for (size_t j = 0; j < n; j++)
            if (j != i && isfinite(rows[j].cost_per.mean) &&
                (rows[j].cost_per.mean < rows[i].cost_per.mean ||
                 (rows[j].cost_per.mean == rows[i].cost_per.mean && j < i)))
                rows[i].rank++;
    }
}

sim_status ana_decide_table(struct res_file *f, struct ana_decision **rows, size_t *n, double *level)
{
    char **variants = NULL, **targets = NULL;
    size_t nv = 0, nt = 0;
    struct res_array det = {0}, cost = {0}, per = {0}, rat = {0}, frt = {0}, lvl = {0};
    sim_status st = res_read_labels(f, "variant", &variants, &nv);
    if (st == SIM_OK && nv < 2)
        st = SIM_ENOENT;
    if (st == SIM_OK)
        st = res_read(f, "study", "net_deterrence", &det);
    if (st == SIM_OK && (det.rank != 2 || det.shape[0] != nv))
        st = SIM_EFORMAT;
    struct ana_decision *out = st == SIM_OK ? calloc(nv - 1, sizeof *out) : NULL;
    if (st == SIM_OK && out == NULL)
        st = SIM_ENOMEM;
    if (st == SIM_OK) {
        res_read(f, "study", "cost_eur", &cost);
        res_read(f, "study", "cost_per_net_arrival_prevented", &per);
        res_read(f, "study", "displacement_ratio", &rat);
        res_read(f, "study", "freight_delay_added_min", &frt);
        if (res_read_labels(f, "study/targeted_mode", &targets, &nt) != SIM_OK)
            targets = NULL, nt = 0;
        for (size_t v = 1; v < nv; v++) {
            struct ana_decision *d = &out[v - 1];
            snprintf(d->variant, sizeof d->variant, "%s", variants[v]);
            d->prevented = ci_at(&det, v);
            d->cost_eur = cost.rank == 1 && cost.shape[0] == nv ? cost.data[v] : NAN;
            d->cost_per = ci_at(&per, v);
            d->ratio = ci_at(&rat, v);
            d->freight = ci_at(&frt, v);
            target_of(f, targets, nt, v, &d->ratio, d->target);
        }
        rank_rows(out, nv - 1);
        *level = res_read(f, "study", "confidence_level", &lvl) == SIM_OK && lvl.data ? lvl.data[0] : 0.95;
        *rows = out;
        *n = nv - 1;
    }
    struct res_array *all[] = {&det, &cost, &per, &rat, &frt, &lvl};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        res_array_free(all[i]);
    res_labels_free(targets, nt);
    res_labels_free(variants, nv);
    return st;
}

/* The replications of variant v of a [variant, replication, inner...] array: element i of each row,
 * or the sum of the row when i == inner. */
static void rows_of(const struct res_array *x, size_t v, size_t inner, size_t i, double *out)
{
    size_t nr = x->shape[1];
    for (size_t r = 0; r < nr; r++) {
        const double *row = x->data + (v * nr + r) * inner;
        double s = 0.0;
        if (i < inner)
            s = row[i];
        else
            for (size_t k = 0; k < inner; k++)
                s += row[k];
        out[r] = s;
    }
}

/* d[r] = x(b, r) - x(a, r) for element i (or the row sum, i == inner). */
static void paired(const struct res_array *x, size_t a, size_t b, size_t inner, size_t i, double *d,
                   double *tmp)
{
    rows_of(x, a, inner, i, tmp);
    rows_of(x, b, inner, i, d);
    for (size_t r = 0; r < x->shape[1]; r++)
        d[r] -= tmp[r];
}

/* Lorry-weighted mean freight delay of each replication of variant v; NaN where no lorry came. */
static void freight_rows(const struct res_array *delay, const struct res_array *lorries, size_t v,
                         double *out)
{
    size_t nr = delay->shape[1], np = delay->shape[2];
    for (size_t r = 0; r < nr; r++) {
        double num = 0, den = 0;
        for (size_t p = 0; p < np; p++) {
            double n = lorries->data[(v * nr + r) * np + p], x = delay->data[(v * nr + r) * np + p];
            if (isfinite(x))
                num += n * x, den += n;
        }
        out[r] = den > 0 ? num / den : NAN;
    }
}

static bool shaped(const struct res_array *x, size_t nv, size_t nr, int rank)
{
    return x->data != NULL && x->rank == rank && x->shape[0] == nv && x->shape[1] == nr;
}

static size_t index_of(char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return n;
}

/* Fills the mode rows, the targeted mode and the displacement ratio of c; w holds (nm + 3) * nr. */
static void compare_modes(const struct res_array *arr, size_t a, size_t b, struct ana_comparison *c,
                          double *w)
{
    size_t nr = c->nr, nm = c->nm, target = nm;
    double *dm = w, *tmp = w + nm * nr, *num = tmp + nr, *den = num + nr, worst = 0.0;
    for (size_t m = 0; m <= nm; m++) {
        double *d = m < nm ? dm + m * nr : num;
        paired(arr, a, b, nm, m, d, tmp);
        c->arrivals[m] = ana_summarise(d, nr, 1, c->level);
        if (m < nm && c->arrivals[m].mean < worst && c->arrivals[m].high < 0.0)
            worst = c->arrivals[m].mean, target = m;
    }
    struct ana_ci tot = c->arrivals[nm];
    c->b.prevented = (struct ana_ci){.mean = -tot.mean, .low = -tot.high, .high = -tot.low, .n = tot.n};
    c->b.ratio = (struct ana_ci){.mean = NAN, .low = NAN, .high = NAN};
    if (target == nm)
        return;
    snprintf(c->b.target, sizeof c->b.target, "%s", c->mode[target]);
    for (size_t r = 0; r < nr; r++) {
        den[r] = -dm[target * nr + r];
        num[r] = 0.0;
        for (size_t m = 0; m < nm; m++)
            if (m != target && c->arrivals[m].mean > 0.0)
                num[r] += dm[m * nr + r];
    }
    c->b.ratio = ana_ratio_of_means(num, den, nr, c->level);
}

/* Cost, cost per net arrival prevented, deaths and freight delay of c. */
static void compare_rest(const struct res_array *dth, const struct res_array *cost,
                         const struct res_array *delay, const struct res_array *lorries, size_t a, size_t b,
                         struct ana_comparison *c, double *w)
{
    size_t nr = c->nr, nm = c->nm;
    double *d = w, *tmp = w + nr;
    paired(dth, a, b, nm, nm, d, tmp);
    c->deaths = ana_summarise(d, nr, 1, c->level);
    c->b.cost_eur = NAN;
    if (cost->data != NULL) {
        size_t inner = cost->rank == 3 ? cost->shape[2] : 1;
        rows_of(cost, a, inner, inner, tmp);
        rows_of(cost, b, inner, inner, d);
        c->b.cost_eur = d[0] - tmp[0]; /* a cost is set by the scenario, the same in every replication */
    }
    const struct ana_ci *p = &c->b.prevented;
    bool sure = p->low > 0.0 && c->b.cost_eur >= 0.0;
    c->b.cost_per = (struct ana_ci){.mean = sure ? c->b.cost_eur / p->mean : NAN,
                                    .low = sure ? c->b.cost_eur / p->high : NAN,
                                    .high = sure ? c->b.cost_eur / p->low : NAN};
    c->b.freight = (struct ana_ci){.mean = NAN, .low = NAN, .high = NAN};
    if (delay->data != NULL && lorries->data != NULL) {
        freight_rows(delay, lorries, a, tmp);
        freight_rows(delay, lorries, b, d);
        for (size_t r = 0; r < nr; r++)
            d[r] -= tmp[r];
        c->b.freight = ana_summarise(d, nr, 1, c->level);
    }
}

/* Finds a and b among the variants of f; false with a message listing them. */
static bool find_pair(char **variants, size_t nv, const char *a, const char *b, size_t *ia, size_t *ib,
                      char *err, size_t errlen)
{
    *ia = index_of(variants, nv, a);
    *ib = index_of(variants, nv, b);
    if (*ia < nv && *ib < nv)
        return true;
    size_t k =
        (size_t)snprintf(err, errlen, "no variant '%s' in this file; its variants are", *ia < nv ? b : a);
    for (size_t v = 0; v < nv && k < errlen; v++)
        k += (size_t)snprintf(err + k, errlen - k, "%s %s", v ? "," : "", variants[v]);
    return false;
}

sim_status ana_decide_compare(struct res_file *f, const char *a, const char *b, struct ana_comparison *out,
                              char *err, size_t errlen)
{
    char **variants = NULL, **modes = NULL;
    size_t nv = 0, nm = 0, ia = 0, ib = 0;
    struct res_array arr = {0}, dth = {0}, cost = {0}, delay = {0}, lorries = {0};
    struct ana_comparison *c = calloc(1, sizeof *c);
    double *w = NULL;
    sim_status st = c == NULL ? SIM_ENOMEM : SIM_OK;
    if (st == SIM_OK && (res_read_labels(f, "variant", &variants, &nv) != SIM_OK ||
                         res_read_labels(f, "mode", &modes, &nm) != SIM_OK || nm > ANA_DECIDE_MAXMODES ||
                         res_read(f, "totals", "arrivals", &arr) != SIM_OK ||
                         res_read(f, "totals", "deaths", &dth) != SIM_OK || arr.rank != 3 ||
                         arr.shape[0] != nv || !shaped(&dth, nv, arr.shape[1], 3) || arr.shape[2] != nm)) {
        snprintf(err, errlen, "the file has no arrivals by variant and mode to compare");
        st = SIM_EINVAL;
    }
    if (st == SIM_OK && !find_pair(variants, nv, a, b, &ia, &ib, err, errlen))
        st = SIM_EINVAL;
    size_t nr = st == SIM_OK ? arr.shape[1] : 0;
    if (st == SIM_OK && (w = malloc((nm + 3) * (nr ? nr : 1) * sizeof *w)) == NULL)
        st = SIM_ENOMEM;
    if (st == SIM_OK) {
        if (res_read(f, "totals", "intervention_cost_eur", &cost) != SIM_OK || !shaped(&cost, nv, nr, 2) ||
            nr == 0)
            res_array_free(&cost);
        if (res_read(f, "totals", "freight_delay_mean_min", &delay) != SIM_OK ||
            res_read(f, "totals", "lorries_arrived", &lorries) != SIM_OK || !shaped(&delay, nv, nr, 3) ||
            !shaped(&lorries, nv, nr, 3) || delay.shape[2] != lorries.shape[2]) {
            res_array_free(&delay);
            res_array_free(&lorries);
        }
        snprintf(c->a, sizeof c->a, "%s", a);
        snprintf(c->b.variant, sizeof c->b.variant, "%s", b);
        c->nm = nm;
        c->nr = nr;
        c->level = 0.95;
        for (size_t m = 0; m < nm; m++)
            snprintf(c->mode[m], sizeof c->mode[m], "%s", modes[m]);
        snprintf(c->mode[nm], sizeof c->mode[nm], "total");
        compare_modes(&arr, ia, ib, c, w);
        compare_rest(&dth, &cost, &delay, &lorries, ia, ib, c, w);
        *out = *c;
    }
    struct res_array *all[] = {&arr, &dth, &cost, &delay, &lorries};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        res_array_free(all[i]);
    res_labels_free(variants, nv);
    res_labels_free(modes, nm);
    free(w);
    free(c);
    return st;
}
