/* The inspector's monthly table: see mdl_monthly.h. */
#include "mdl_monthly.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdl_ports.h"

enum {
    V_DAYS,
    V_SEARCHED,
    V_GROUPS,
    V_PEOPLE,
    V_BY_METHOD,
    V_BY_SEL,
    V_DUTY1,
    V_DUTY2,
    V_NO_TICKET,
    V_UNSECURED,
    V_TRACES,
    V_COUNT
};

enum { LABEL_LEN = 8 }; /* "YYYY-MM" and its terminator */

static const struct {
    const char *name, *units, *description;
} var_info[V_COUNT] = {
    {"days_in_window", "days",
     "days of each calendar month inside the analysis window: a month partly outside it counts only "
     "these days in every monthly dataset"},
    {"lorries_searched", "lorries", "searches completed in the month (days inside the analysis window only)"},
    {"groups_detected", "groups",
     "hidden groups detected in a search (attempts detected) in the month (days inside the window only)"},
    {"people_detected", "people", "people in the groups detected in the month (days inside the window only)"},
    {"groups_detected_by_method", "groups",
     "groups detected in the month by the search method that found them (sums over methods to "
     "groups_detected; days inside the window only)"},
    {"groups_detected_by_selection", "groups",
     "groups detected in the month by how their lorry was selected: random (the next lorry a free "
     "team took, or the random policy), targeted (risk targeting, or the targeted policy), watchlist "
     "(an ANPR watch-list hit); sums to groups_detected (days inside the window only)"},
    {"officers_on_duty_ifc1", "officer-days",
     "officer-days on duty able to search holding IFC1 only, counted on the day each shift begins "
     "(days inside the window only)"},
    {"officers_on_duty_ifc2", "officer-days",
     "officer-days on duty able to search holding IFC2 (flexible pool included), counted on the day "
     "each shift begins (days inside the window only)"},
    {"officers_out_of_ticket", "officer-days",
     "officer-days present but out of their personal-safety ticket (cannot search), counted on the "
     "day each shift begins (days inside the window only)"},
    {"vehicles_unsecured_found", "vehicles",
     "searches that found a group on a vehicle its haulier had not secured, in the month (days inside "
     "the window only)"},
    {"vehicle_traces", "vehicles",
     "failures: groups found in the UK within 72 h traced back to a vehicle that passed the port, "
     "counted at the crossing, in the month (days inside the window only)"},
};

static const char *const selection_labels[MDL_SEL_COUNT] = {"random", "targeted", "watchlist"};

/* What every thread reads: variable ids and the calendar of the window. */
struct monthly_vars {
    int month_dim, method_dim, sel_dim;
    int var[V_COUNT]; /* -1 when not declared (vehicle datasets without a fleet) */
    size_t ndays, nmonths, nmethods, nports;
    uint32_t *month_of;         /* ndays: month index of each window day */
    double *days;               /* nmonths: days of the window in each month */
    char *label_buf;            /* nmonths * LABEL_LEN */
    const char **labels;        /* nmonths, into label_buf */
    const char **method_labels; /* nmethods, borrowed from the scenario */
    uint32_t *method_first;     /* nports: first entry of each port in method_map */
    uint32_t *method_map;       /* a port's method index -> index in the method dimension */
};

struct mdl_monthly {
    double w0, w1;            /* the analysis window, first: what every count tests */
    const uint32_t *month_of; /* ids->month_of, ndays and nports copied: one load less per count */
    size_t ndays, nports;
    double *out;
    const struct monthly_vars *ids;
    size_t off[V_COUNT]; /* each variable's start in the replication buffer, SIZE_MAX if absent */
};

/* ---- counting: the hot path ---- */

/* The index of (month, port) of time t, or SIZE_MAX outside the analysis window. */
static size_t cell(const struct mdl_monthly *mm, double t, unsigned port)
{
    if (!(t >= mm->w0) || t >= mm->w1)
        return SIZE_MAX;
    size_t day = (size_t)(t - mm->w0);
    if (day >= mm->ndays)
        day = mm->ndays - 1; /* as the daily series: a partial last day */
    return (size_t)mm->month_of[day] * mm->nports + port;
}

void mdl_monthly_add(struct mdl_monthly *mm, double t, unsigned port, enum mdl_monthly_event e)
{
    static const int var_of[] = {
        [MDL_MON_SEARCHED] = V_SEARCHED, [MDL_MON_UNSECURED] = V_UNSECURED, [MDL_MON_TRACE] = V_TRACES};
    size_t c = mm != NULL ? cell(mm, t, port) : SIZE_MAX;
    if (c != SIZE_MAX && mm->off[var_of[e]] != SIZE_MAX)
        mm->out[mm->off[var_of[e]] + c] += 1.0;
}

void mdl_monthly_detected(struct mdl_monthly *mm, double t, unsigned port, unsigned method, unsigned selkind,
                          unsigned size)
{
    size_t c = mm != NULL ? cell(mm, t, port) : SIZE_MAX;
    if (c == SIZE_MAX)
        return;
    const struct monthly_vars *v = mm->ids;
    mm->out[mm->off[V_GROUPS] + c] += 1.0;
    mm->out[mm->off[V_PEOPLE] + c] += (double)size;
    mm->out[mm->off[V_BY_METHOD] + c * v->nmethods + v->method_map[v->method_first[port] + method]] += 1.0;
    mm->out[mm->off[V_BY_SEL] + c * MDL_SEL_COUNT + selkind] += 1.0;
}

void mdl_monthly_duty(struct mdl_monthly *mm, double t, unsigned port, double ifc1, double ifc2,
                      double out_of_ticket)
{
    size_t c = mm != NULL ? cell(mm, t, port) : SIZE_MAX;
    if (c == SIZE_MAX)
        return;
    mm->out[mm->off[V_DUTY1] + c] += ifc1;
    mm->out[mm->off[V_DUTY2] + c] += ifc2;
    mm->out[mm->off[V_NO_TICKET] + c] += out_of_ticket;
}

/* ---- the calendar of the window ---- */

static void free_vars(void *shared)
{
    struct monthly_vars *v = shared;
    if (v == NULL)
        return;
    free(v->month_of);
    free(v->days);
    free(v->label_buf);
    free(v->labels);
    free(v->method_labels);
    free(v->method_first);
    free(v->method_map);
    free(v);
}

/* Advances the date (y, m 0..11, d 1..31) by one day. */
static void next_day(int *y, int *m, int *d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    if (++*d > mdays[*m] + (*m == 1 && leap)) {
        *d = 1;
        if (++*m == 12)
            *m = 0, ++*y;
    }
}

/* Months of the window: window day j starts at w0 + j, on simulated day floor(w0 + j). */
static sim_status build_calendar(struct monthly_vars *v, const struct mdl_scenario *s)
{
    double w0 = s->calendar.warmup_days, w1 = w0 + s->calendar.horizon_days;
    v->ndays = (size_t)ceil(s->calendar.horizon_days);
    v->month_of = malloc((v->ndays ? v->ndays : 1) * sizeof *v->month_of);
    v->days = calloc(v->ndays ? v->ndays : 1, sizeof *v->days); /* at most one month a day */
    v->label_buf = malloc((v->ndays ? v->ndays : 1) * LABEL_LEN);
    v->labels = calloc(v->ndays ? v->ndays : 1, sizeof *v->labels);
    if (v->month_of == NULL || v->days == NULL || v->label_buf == NULL || v->labels == NULL)
        return SIM_ENOMEM;
    const char *sd = s->calendar.start_date;
    int y = atoi(sd), m = atoi(sd + 5) - 1, d = atoi(sd + 8), ly = -1, lm = -1;
    size_t day = 0;
    for (size_t j = 0; j < v->ndays; j++) {
        for (size_t target = (size_t)floor(w0 + (double)j); day < target; day++)
            next_day(&y, &m, &d);
        if (y != ly || m != lm) {
            char *lab = v->label_buf + v->nmonths * LABEL_LEN;
            snprintf(lab, LABEL_LEN, "%04d-%02d", y % 10000, m + 1);
            v->labels[v->nmonths++] = lab;
            ly = y, lm = m;
        }
        v->month_of[j] = (uint32_t)(v->nmonths - 1);
        v->days[v->nmonths - 1] += fmin(1.0, w1 - (w0 + (double)j));
    }
    return SIM_OK;
}

/* The method dimension: the union of the ports' method names, in order of first appearance. */
static sim_status build_methods(struct monthly_vars *v, const struct mdl_scenario *s)
{
    size_t all = 0;
    for (size_t p = 0; p < s->ports_count; p++)
        all += s->ports[p].methods_count;
    v->nports = s->ports_count;
    v->method_labels = calloc(all ? all : 1, sizeof *v->method_labels);
    v->method_map = malloc((all ? all : 1) * sizeof *v->method_map);
    v->method_first = malloc((v->nports ? v->nports : 1) * sizeof *v->method_first);
    if (v->method_labels == NULL || v->method_map == NULL || v->method_first == NULL)
        return SIM_ENOMEM;
    uint32_t e = 0;
    for (size_t p = 0; p < s->ports_count; p++) {
        v->method_first[p] = e;
        for (size_t i = 0; i < s->ports[p].methods_count; i++, e++) {
            const char *name = s->ports[p].methods[i].name;
            size_t k = 0;
            while (k < v->nmethods && strcmp(v->method_labels[k], name) != 0)
                k++;
            if (k == v->nmethods)
                v->method_labels[v->nmethods++] = name;
            v->method_map[e] = (uint32_t)k;
        }
    }
    return SIM_OK;
}

/* ---- declaration ---- */

static sim_status add_dims(struct monthly_vars *v, struct sim_out_table *t)
{
    struct sim_out_dim month = {.name = "month",
                                .size = v->nmonths,
                                .labels = v->labels,
                                .units = "",
                                .description = "calendar month (YYYY-MM) of the analysis window"};
    struct sim_out_dim method = {.name = "method",
                                 .size = v->nmethods,
                                 .labels = v->method_labels,
                                 .units = "",
                                 .description = "search method (the union of the ports' methods)"};
    struct sim_out_dim sel = {.name = "selection",
                              .size = MDL_SEL_COUNT,
                              .labels = selection_labels,
                              .units = "",
                              .description = "how a searched lorry was selected"};
    sim_status st = sim_out_add_dim(t, &month, &v->month_dim);
    if (st == SIM_OK)
        st = sim_out_add_dim(t, &method, &v->method_dim);
    if (st == SIM_OK)
        st = sim_out_add_dim(t, &sel, &v->sel_dim);
    return st;
}

static sim_status comp_declare(const struct mdl_comp_decl *d, void **shared)
{
    const struct mdl_ports_vars *pv = mdl_world_shared(d->w, "ports");
    if (pv == NULL)
        return SIM_EINVAL;
    struct monthly_vars *v = calloc(1, sizeof *v);
    if (v == NULL)
        return SIM_ENOMEM;
    *shared = v; /* the world frees it even when declaring fails */
    sim_status st = build_calendar(v, d->s);
    if (st == SIM_OK)
        st = build_methods(v, d->s);
    if (st == SIM_OK)
        st = add_dims(v, d->t);
    bool fleet = mdl_world_shared(d->w, "fleet") != NULL;
    for (int i = 0; i < V_COUNT && st == SIM_OK; i++) {
        v->var[i] = -1;
        if ((i == V_UNSECURED || i == V_TRACES) && !fleet)
            continue;
        bool days = i == V_DUTY1 || i == V_DUTY2 || i == V_NO_TICKET || i == V_DAYS;
        struct sim_out_var var = {
            .group = "monthly",
            .name = var_info[i].name,
            .units = var_info[i].units,
            .description = var_info[i].description,
            .kind = days ? SIM_OUT_REAL : SIM_OUT_COUNT,
            .rank = i == V_DAYS                         ? 1
                    : i == V_BY_METHOD || i == V_BY_SEL ? 3
                                                        : 2,
            .dims = {v->month_dim, pv->port_dim, i == V_BY_METHOD ? v->method_dim : v->sel_dim}};
        st = sim_out_add_var(d->t, &var, &v->var[i]);
    }
    return st;
}

/* ---- the instance ---- */

static sim_status comp_create(const struct mdl_comp_env *env, void **self)
{
    struct mdl_monthly *mm = calloc(1, sizeof *mm);
    if (mm == NULL)
        return SIM_ENOMEM;
    mm->ids = env->shared;
    mm->w0 = env->s->calendar.warmup_days;
    mm->w1 = mm->w0 + env->s->calendar.horizon_days;
    mm->month_of = mm->ids->month_of;
    mm->ndays = mm->ids->ndays;
    mm->nports = mm->ids->nports;
    for (int i = 0; i < V_COUNT; i++)
        mm->off[i] = mm->ids->var[i] >= 0 ? env->t->offset[mm->ids->var[i]] : SIZE_MAX;
    *self = mm;
    return SIM_OK;
}

static void comp_destroy(void *self)
{
    free(self);
}

/* The days of each month are the same in every replication: written with the buffer. */
static void comp_bind(void *self, double *rep_values, uint16_t model_id)
{
    struct mdl_monthly *mm = self;
    (void)model_id; /* no events */
    mm->out = rep_values;
    memcpy(rep_values + mm->off[V_DAYS], mm->ids->days, mm->ids->nmonths * sizeof *mm->ids->days);
}

static bool comp_present(const struct mdl_scenario *s)
{
    (void)s;
    return true; /* every scenario has ports */
}

static size_t comp_nstreams(const struct mdl_scenario *s)
{
    (void)s;
    return 0;
}

static void comp_stream_name(const struct mdl_scenario *s, size_t i, char *buf, size_t len)
{
    (void)s, (void)i;
    snprintf(buf, len, "monthly"); /* never called: no streams */
}

/* No init, events or finish: the counters are written as they happen and the world zeroes the
 * buffer before every replication. */
static const struct sim_model monthly_model = {.name = "monthly"};

const struct mdl_component mdl_monthly_component = {.name = "monthly",
                                                    .output_order = 4,
                                                    .present = comp_present,
                                                    .nstreams = comp_nstreams,
                                                    .stream_name = comp_stream_name,
                                                    .declare = comp_declare,
                                                    .free_shared = free_vars,
                                                    .create = comp_create,
                                                    .destroy = comp_destroy,
                                                    .bind = comp_bind,
                                                    .refresh = NULL,
                                                    .model = &monthly_model};
