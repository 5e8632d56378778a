/* Test helpers: write a scenario to a temporary file, run replications of it in-process. */
#ifndef WORLD_HELPERS_H
#define WORLD_HELPERS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../models/mdl_scenario.h"
#include "../models/mdl_world.h"
#include "../sim/sim_out.h"

/* Writes text to a fresh temporary .yaml file; returns its malloc'd path. */
static inline char *write_temp_yaml(const char *text)
{
    char *path = strdup("/tmp/dispsim_test_XXXXXX.yaml");
    int fd = mkstemps(path, 5);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* One port's YAML, flat traffic profile, one all-day shift, one method. */
static inline void port_yaml(char *buf, size_t len, const char *name, double per_year, unsigned officers,
                             unsigned team, double absence, const char *policy, double share, double lift,
                             unsigned max_queue, const char *dist, double detection, double groups_per_day)
{
    snprintf(buf, len,
             "  - name: %s\n"
             "    lorries_per_year: %.17g\n"
             "    hour_profile: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n"
             "    weekday_profile: [1,1,1,1,1,1,1]\n"
             "    staffing:\n"
             "      team_size: %u\n"
             "      absence_share: %.17g\n"
             "      shifts:\n"
             "        - {start_hour: 0, hours: 24, officers: %u}\n"
             "    selection: {policy: %s, share: %.17g, lift: %.17g, max_queue: %u}\n"
             "    methods:\n"
             "      - {name: m, share: 1, time_min: %s, detection: %.17g}\n"
             "    clandestine: {groups_per_day: %.17g, group_size_weights: [0.5, 0.3, 0.2]}\n"
             "    recording: {at_port_share: 0.1, within_72h_share: 0.7}\n",
             name, per_year, team, absence, officers, policy, share, lift, max_queue, dist, detection,
             groups_per_day);
}

static inline char *scenario_yaml(double warmup, double horizon, unsigned reps, const char *ports)
{
    size_t len = strlen(ports) + 512;
    char *s = malloc(len);
    snprintf(s, len,
             "dispsim: 1\nname: test\ncalendar: {start_date: 2023-01-02, warmup_days: %g, horizon_days: %g}\n"
             "run: {replications: %u, master_seed: 4242}\nports:\n%s",
             warmup, horizon, reps, ports);
    return s;
}

static inline struct mdl_scenario *load_text(const char *yaml)
{
    char *path = write_temp_yaml(yaml);
    char err[4096];
    struct mdl_scenario *s = NULL;
    sim_status st = mdl_scenario_load(path, &s, err, sizeof err);
    cr_assert_eq(st, SIM_OK, "scenario did not load: %s", err);
    unlink(path);
    free(path);
    return s;
}

/* Runs replications 0..nreps-1 single-threaded; returns nreps * rep_values doubles. */
static inline double *run_reps(const struct mdl_world *w, uint64_t seed, size_t nreps)
{
    size_t nv = mdl_world_table(w)->rep_values;
    double *v = malloc(nreps * nv * sizeof *v);
    struct mdl_world_ws *ws = NULL;
    cr_assert_eq(mdl_world_ws_create(w, &ws), SIM_OK);
    char err[512];
    for (size_t r = 0; r < nreps; r++)
        cr_assert_eq(mdl_world_run_rep(ws, seed, r, v + r * nv, NULL, NULL, err, sizeof err), SIM_OK, "%s",
                     err);
    mdl_world_ws_destroy(ws);
    return v;
}

/* Value of totals variable `name` at `port` in replication r. */
static inline double total(const struct mdl_world *w, const double *v, size_t r, const char *name,
                           size_t port)
{
    const struct sim_out_table *t = mdl_world_table(w);
    int id = sim_out_find(t, "totals", name);
    cr_assert_geq(id, 0, "no totals/%s", name);
    return v[r * t->rep_values + t->offset[id] + port];
}

/* A scenario loaded, built into a world and run: the fixture of the model tests. */
struct world_run {
    struct mdl_scenario *s;
    struct mdl_world *w;
    double *v; /* reps * rep_values doubles, from run_reps */
    size_t reps;
};

/* Loads `yaml`, builds its world and runs replications 0..reps-1 of master seed `seed`. */
static inline struct world_run world_run_text(const char *yaml, size_t reps, uint64_t seed)
{
    struct world_run r = {.reps = reps};
    r.s = load_text(yaml);
    cr_assert_eq(mdl_world_create(r.s, &r.w), SIM_OK);
    r.v = run_reps(r.w, seed, reps);
    return r;
}

static inline void world_run_free(struct world_run *r)
{
    free(r->v);
    mdl_world_destroy(r->w);
    mdl_scenario_destroy(r->s);
}

/* The text of scenarios/`file` with every `from` replaced by `to`. */
static inline char *scenario_with(const char *file, const char *const *from, const char *const *to, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s", getenv("DISPSIM_SOURCE_DIR"), file);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t cap = 1 << 20, len;
    char *text = malloc(cap);
    len = fread(text, 1, cap - 1, f);
    fclose(f);
    text[len] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t fl = strlen(from[i]), tl = strlen(to[i]);
        int hits = 0;
        for (char *at = strstr(text, from[i]); at; at = strstr(at + tl, from[i])) {
            cr_assert_lt(strlen(text) + tl, cap);
            memmove(at + tl, at + fl, strlen(at + fl) + 1);
            memcpy(at, to[i], tl);
            hits++;
        }
        cr_assert_gt(hits, 0, "%s has no '%s' to replace", file, from[i]);
    }
    return text;
}

/* The default scenario's text with every `from` replaced by `to`, and calendar/run edits. */
static inline char *baseline_with(const char *const *from, const char *const *to, size_t n)
{
    return scenario_with("baseline.yaml", from, to, n);
}

/* Runs replication 0 of `s` with `seed`, expects SIM_EINVARIANT with `msg` in the message; frees `s`. */
static inline void run_expecting(struct mdl_scenario *s, uint64_t seed, const char *msg)
{
    struct mdl_world *w = NULL;
    struct mdl_world_ws *ws = NULL;
    cr_assert_eq(mdl_world_create(s, &w), SIM_OK);
    cr_assert_eq(mdl_world_ws_create(w, &ws), SIM_OK);
    double *v = malloc(mdl_world_table(w)->rep_values * sizeof *v);
    char err[512] = "";
    cr_assert_eq(mdl_world_run_rep(ws, seed, 0, v, NULL, NULL, err, sizeof err), SIM_EINVARIANT,
                 "expected an invariant error (%s); got: %s", msg, err);
    cr_assert_not_null(strstr(err, msg), "message lacks \"%s\": %s", msg, err);
    free(v);
    mdl_world_ws_destroy(ws);
    mdl_world_destroy(w);
    mdl_scenario_destroy(s);
}

#endif
