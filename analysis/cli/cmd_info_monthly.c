/* dispsim info --monthly: the inspector's monthly table (models/mdl_monthly.h writes the data). */
#include "cmd_info_monthly.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ana_fmt.h"
#include "../ana_summary.h"
#include "cli.h"

/* A panel wider than this prints means only (the CSV has every interval). */
enum { WIDTH = 112, MAXCOLS = 16 };

/* One variant's values of a monthly dataset: [replication, month(, port(, category))]. */
struct slice {
    struct res_array file;
    const double *data;
    size_t nr, nk;       /* replications; categories (1 without a category axis) */
    const char *cat_dim; /* name of the category axis, NULL without one */
    bool per_port;
};

/* What the file holds: the labels of its dimensions. */
struct monthly_file {
    struct res_file *f;
    char **ports, **months, **variants;
    size_t np, nm, nv;
};

static void slice_free(struct slice *s)
{
    res_array_free(&s->file);
    memset(s, 0, sizeof *s);
}

/* Reads monthly/`name` of variant v into s. false (s empty) when it is absent or not shaped
 * [variant, replication, month(, port(, category))]. */
static bool slice_read(const struct monthly_file *m, const char *name, size_t v, struct slice *s)
{
    memset(s, 0, sizeof *s);
    if (res_read(m->f, "monthly", name, &s->file) != SIM_OK)
        return false;
    const struct res_array *a = &s->file;
    bool ok = a->rank >= 3 && a->rank <= 5 && a->dim_names[0] != NULL &&
              strcmp(a->dim_names[0], "variant") == 0 && v < a->shape[0] && a->shape[2] == m->nm &&
              (a->rank < 4 || a->shape[3] == m->np);
    if (!ok) {
        slice_free(s);
        return false;
    }
    size_t inner = 1;
    for (int k = 1; k < a->rank; k++)
        inner *= a->shape[k];
    s->data = a->data + v * inner;
    s->nr = a->shape[1];
    s->per_port = a->rank >= 4;
    s->nk = a->rank == 5 ? a->shape[4] : 1;
    s->cat_dim = a->rank == 5 ? a->dim_names[4] : NULL;
    return true;
}

/* Mean and 95% interval over replications of month mo, port p, category k. */
static struct ana_ci slice_ci(const struct monthly_file *m, const struct slice *s, size_t mo, size_t p,
                              size_t k)
{
    size_t np = s->per_port ? m->np : 1, cell = (mo * np + (s->per_port ? p : 0)) * s->nk + k;
    return ana_summarise_nonneg(s->data + cell, s->nr, m->nm * np * s->nk, 0.95);
}

/* ---- the table ---- */

struct column {
    const struct slice *s;
    size_t k;
    const char *head;
};

/* Formats the panel's cells (nm x nc, ANA_FMT_LEN each) with or without intervals; returns the
 * width of the widest line. */
static size_t fill_cells(const struct monthly_file *m, const struct column *cols, size_t nc, size_t p,
                         bool with_ci, char *cells, size_t *width)
{
    size_t total = 0;
    for (size_t c = 0; c < nc; c++) {
        width[c] = strlen(cols[c].head);
        for (size_t mo = 0; mo < m->nm; mo++) {
            struct ana_ci ci = slice_ci(m, cols[c].s, mo, p, cols[c].k);
            char *cell = cells + (mo * nc + c) * ANA_FMT_LEN;
            if (with_ci)
                ana_fmt_ci(cell, ANA_FMT_LEN, ci.mean, ci.low, ci.high, "n/a");
            else
                ana_fmt_num(cell, ANA_FMT_LEN, ci.mean, "n/a");
            size_t w = strlen(cell);
            width[c] = w > width[c] ? w : width[c];
        }
        total += width[c] + 2;
    }
    return total + 17; /* "  YYYY-MM  days " */
}

/* Prints one panel of port p: a row per month, the month's days in the window, then the columns. */
static int print_panel(const struct monthly_file *m, const char *title, const struct column *cols, size_t nc,
                       size_t p, const struct slice *days)
{
    if (nc == 0)
        return CLI_OK;
    char *cells = malloc(m->nm * nc * ANA_FMT_LEN);
    size_t width[MAXCOLS];
    if (cells == NULL)
        return CLI_SOFTWARE;
    bool with_ci = fill_cells(m, cols, nc, p, true, cells, width) <= WIDTH;
    if (!with_ci)
        fill_cells(m, cols, nc, p, false, cells, width);
    printf("\n  %s%s\n  %-7s %6s", title, with_ci ? "" : " (means; intervals with --csv)", "month", "days");
    for (size_t c = 0; c < nc; c++)
        printf("  %*s", (int)width[c], cols[c].head);
    putchar('\n');
    for (size_t mo = 0; mo < m->nm; mo++) {
        printf("  %-7s %6g", m->months[mo], slice_ci(m, days, mo, 0, 0).mean); /* 31, or 7.5 */
        for (size_t c = 0; c < nc; c++)
            printf("  %*s", (int)width[c], cells + (mo * nc + c) * ANA_FMT_LEN);
        putchar('\n');
    }
    free(cells);
    return CLI_OK;
}

/* The datasets of the table, in panel order. */
enum {
    S_DAYS,
    S_SEARCHED,
    S_GROUPS,
    S_PEOPLE,
    S_UNSECURED,
    S_TRACES,
    S_METHOD,
    S_SEL,
    S_IFC1,
    S_IFC2,
    S_TICKET,
    S_N
};
static const char *const table_sets[S_N] = {"days_in_window",
                                            "lorries_searched",
                                            "groups_detected",
                                            "people_detected",
                                            "vehicles_unsecured_found",
                                            "vehicle_traces",
                                            "groups_detected_by_method",
                                            "groups_detected_by_selection",
                                            "officers_on_duty_ifc1",
                                            "officers_on_duty_ifc2",
                                            "officers_out_of_ticket"};
static const char *const table_heads[S_N] = {
    "days", "searches", "groups detected", "people detected", "unsecured vehicles", "failures (traces)",
    "",     "",         "IFC1 on duty",    "IFC2 on duty",    "out of ticket"};

/* Adds the columns of datasets [from, to) that the file has; a dataset with categories adds one
 * column per category, headed by its label. */
static size_t add_columns(const struct slice *sl, int from, int to, char **cats, struct column *cols)
{
    size_t n = 0;
    for (int i = from; i < to; i++)
        for (size_t k = 0; sl[i].data != NULL && k < sl[i].nk && n < MAXCOLS; k++)
            cols[n++] =
                (struct column){.s = &sl[i], .k = k, .head = sl[i].cat_dim ? cats[k] : table_heads[i]};
    return n;
}

/* The category labels of a slice's last axis (NULL and 0 without one). */
static void cat_labels(const struct monthly_file *m, const struct slice *s, char ***labels, size_t *n)
{
    *labels = NULL, *n = 0;
    if (s->cat_dim != NULL && (res_read_labels(m->f, s->cat_dim, labels, n) != SIM_OK || *n != s->nk)) {
        res_labels_free(*labels, *n);
        *labels = NULL, *n = 0;
    }
}

static int print_table(const struct monthly_file *m, size_t v)
{
    struct slice sl[S_N];
    for (int i = 0; i < S_N; i++)
        slice_read(m, table_sets[i], v, &sl[i]);
    char **methods = NULL, **sels = NULL;
    size_t nmeth = 0, nsel = 0;
    cat_labels(m, &sl[S_METHOD], &methods, &nmeth);
    cat_labels(m, &sl[S_SEL], &sels, &nsel);
    if (methods == NULL)
        slice_free(&sl[S_METHOD]);
    if (sels == NULL)
        slice_free(&sl[S_SEL]);
    int rc = sl[S_DAYS].data != NULL && sl[S_SEARCHED].data != NULL ? CLI_OK : CLI_DATAERR;
    if (rc != CLI_OK)
        fprintf(stderr, "dispsim info: monthly/: days_in_window or lorries_searched missing or misshapen\n");
    else
        printf(
            "\nMonthly table (inspector's recommendation 2a), variant '%s': per port and calendar month of\n"
            "the analysis window, the mean over %zu replications [95%% CI]. A month partly outside the\n"
            "window counts only its days inside. Detections are groups (attempts).\n",
            m->nv > 0 ? m->variants[v] : "run", sl[S_SEARCHED].nr);
    struct column cols[MAXCOLS];
    for (size_t p = 0; p < m->np && rc == CLI_OK; p++) {
        printf("\n%s\n", m->ports[p]);
        size_t n = add_columns(sl, S_SEARCHED, S_UNSECURED, NULL, cols);
        rc = print_panel(m, "searches and detections", cols, n, p, &sl[S_DAYS]);
        n = add_columns(sl, S_UNSECURED, S_METHOD, NULL, cols);
        if (rc == CLI_OK)
            rc = print_panel(m, "vehicles and failures", cols, n, p, &sl[S_DAYS]);
        n = add_columns(sl, S_METHOD, S_METHOD + 1, methods, cols);
        if (rc == CLI_OK)
            rc = print_panel(m, "groups detected by search method", cols, n, p, &sl[S_DAYS]);
        n = add_columns(sl, S_SEL, S_SEL + 1, sels, cols);
        if (rc == CLI_OK)
            rc = print_panel(m, "groups detected by selection of the lorry", cols, n, p, &sl[S_DAYS]);
        n = add_columns(sl, S_IFC1, S_N, NULL, cols);
        if (rc == CLI_OK)
            rc = print_panel(m, "officers (officer-days)", cols, n, p, &sl[S_DAYS]);
    }
    res_labels_free(methods, nmeth);
    res_labels_free(sels, nsel);
    for (int i = 0; i < S_N; i++)
        slice_free(&sl[i]);
    return rc;
}

/* ---- the CSV ---- */

static void csv_num(double x)
{
    if (isfinite(x))
        printf(",%.10g", x);
    else
        putchar(',');
}

/* The rows of dataset `name` of variant v. */
static void csv_dataset(const struct monthly_file *m, const char *name, size_t v)
{
    struct slice s;
    if (!slice_read(m, name, v, &s))
        return;
    char **cats = NULL;
    size_t ncat = 0;
    cat_labels(m, &s, &cats, &ncat);
    const char *variant = m->nv > 0 ? m->variants[v] : "run";
    for (size_t p = 0; p < (s.per_port ? m->np : 1); p++)
        for (size_t mo = 0; mo < m->nm; mo++)
            for (size_t k = 0; k < s.nk && (s.cat_dim == NULL || cats != NULL); k++) {
                struct ana_ci c = slice_ci(m, &s, mo, p, k);
                printf("%s,%s,%s,%s,%s", variant, s.per_port ? m->ports[p] : "", m->months[mo], name,
                       cats != NULL ? cats[k] : "");
                csv_num(c.mean);
                csv_num(c.low);
                csv_num(c.high);
                printf(",%zu\n", c.n);
            }
    res_labels_free(cats, ncat);
    slice_free(&s);
}

static int print_csv(const struct monthly_file *m, size_t from, size_t to)
{
    char **names = NULL;
    size_t nn = 0;
    if (res_list(m->f, "monthly", &names, &nn) != SIM_OK)
        return CLI_DATAERR;
    printf("variant,port,month,quantity,category,mean,ci95_low,ci95_high,replications\n");
    for (size_t v = from; v < to; v++)
        for (size_t i = 0; i < nn; i++)
            csv_dataset(m, names[i], v);
    res_labels_free(names, nn);
    return CLI_OK;
}

/* ---- the entry point ---- */

/* The index of `variant` among the file's variants (0 when NULL); -1 with a message when absent. */
static long find_variant(const struct monthly_file *m, const char *variant)
{
    if (variant == NULL)
        return 0;
    for (size_t v = 0; v < m->nv; v++)
        if (strcmp(m->variants[v], variant) == 0)
            return (long)v;
    fprintf(stderr, "dispsim info: --variant %s: not a variant of this file; it has:", variant);
    for (size_t v = 0; v < m->nv; v++)
        fprintf(stderr, " %s", m->variants[v]);
    fputc('\n', stderr);
    return -1;
}

int cli__info_monthly(struct res_file *f, bool csv, const char *variant)
{
    struct monthly_file m = {.f = f};
    int rc = CLI_OK;
    if (res_read_labels(f, "month", &m.months, &m.nm) != SIM_OK ||
        res_read_labels(f, "port", &m.ports, &m.np) != SIM_OK) {
        fprintf(stderr, "dispsim info: the file has no monthly table (monthly/ and its month dimension): it\n"
                        "was written before they existed; run the scenario again with this dispsim\n");
        rc = CLI_DATAERR;
    }
    if (rc == CLI_OK && res_read_labels(f, "variant", &m.variants, &m.nv) != SIM_OK)
        m.nv = 0;
    long v = rc == CLI_OK ? find_variant(&m, variant) : 0;
    if (v < 0)
        rc = CLI_USAGE;
    if (rc == CLI_OK && csv)
        rc = print_csv(&m, variant != NULL ? (size_t)v : 0,
                       variant != NULL ? (size_t)v + 1 : (m.nv > 0 ? m.nv : 1));
    else if (rc == CLI_OK)
        rc = print_table(&m, (size_t)v);
    res_labels_free(m.months, m.nm);
    res_labels_free(m.ports, m.np);
    res_labels_free(m.variants, m.nv);
    return rc;
}
