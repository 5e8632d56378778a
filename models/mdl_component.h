/* mdl_component.h: the contract between a model and the world that assembles it.
 *
 * Every model (ports, small boats, the population, ...) exports one `const struct mdl_component`
 * describing its whole lifecycle, and appears once in the component list (mdl_components.c).
 * mdl_world.c knows no model by name: it loops over the list.
 *
 * Lifecycle, for a run of scenario s:
 *   1. once per run (mdl_world_create), for every component in list order: `present(s)`; absent
 *      components take no part in anything below and get no streams. Present components receive
 *      consecutive stream ranges in list order: [first, first + nstreams(s)), named by stream_name.
 *   2. once per run, in increasing `output_order` (ties in list order): `declare` adds the
 *      component's dimensions and variables to the output table and returns the read-only data
 *      all threads share (variable ids, label storage), freed by `free_shared` at the end.
 *   3. once per thread (mdl_world_ws_create), in list order: `create` builds the component's state
 *      and the world attaches `model` to the thread's kernel (after the interventions model).
 *   4. before every replication, in list order: `bind` gives the replication's result buffer and
 *      the kernel's model id. Then the kernel runs every model's init, events and finish.
 *   5. whenever interventions change parameters (before a replication, k NULL, and during it):
 *      `refresh`, in list order.
 *   6. `destroy`, in reverse list order, when the thread's workspace is freed.
 *
 * Components find each other by name: mdl_world_shared during `declare` (components declared
 * before), mdl_world_ws_find during `create` (components created before, i.e. earlier in the
 * list). A component that needs another's outcomes subscribes to it there (see
 * mdl_ports_listen), so that the model it listens to never knows its listeners.
 *
 * Adding a model: one file pair exporting its component, one line in mdl_components.c (and its
 * source in CMakeLists.txt). Not thread-safe by itself: the world calls declare once, and each
 * thread's create/bind/refresh on its own workspace. */
#ifndef MDL_COMPONENT_H
#define MDL_COMPONENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_kernel.h"
#include "../sim/sim_out.h"
#include "mdl_scenario.h"

struct mdl_world;
struct mdl_world_ws;

/* Which parameters an intervention changed (the `sections` of refresh). */
enum { MDL_SECTION_PORTS = 1, MDL_SECTION_POPULATION = 2 };

/* What the world hands a component's `declare`. Everything is borrowed for the call. */
struct mdl_comp_decl {
    const struct mdl_scenario *s; /* the run's validated scenario; outlives the world */
    struct sim_out_table *t;      /* the table being declared; outlives the world */
    int day_dim;                  /* the world's "day" dimension: the analysis window's days */
    const struct mdl_world *w;    /* for mdl_world_shared */
};

/* What the world hands a component's `create`. Pointers are borrowed and outlive the instance. */
struct mdl_comp_env {
    const struct mdl_scenario *s;  /* the workspace's scenario: interventions write into it */
    const struct sim_out_table *t; /* the finalized output table */
    const void *shared;            /* what this component's declare returned */
    const unsigned char *months;   /* calendar month (0..11) of each simulated day */
    size_t first_stream;           /* first of the component's nstreams(s) kernel streams */
    struct mdl_world_ws *ws;       /* for mdl_world_ws_find */
};

struct mdl_component {
    /* Unique name other components find it by; by convention the name of its sim_model. */
    const char *name;
    /* Position of its outputs in the results file, declared in increasing order (ties in list
     * order). Fixed because results files are compared byte for byte: ports 0, population 1,
     * small boats 2; a new component takes the next number. */
    int output_order;
    /* Whether scenario s (validated) has this model at all. Must not fail. */
    bool (*present)(const struct mdl_scenario *s);
    /* Number of random streams it uses for s (may be 0) and the name of its i-th stream, written
     * to buf (len bytes, truncated; names are unique in a run, e.g. "traffic.calais"). */
    size_t (*nstreams)(const struct mdl_scenario *s);
    void (*stream_name)(const struct mdl_scenario *s, size_t i, char *buf, size_t len);
    /* Declares outputs and returns in *shared (owned by the world, freed with free_shared, NULL
     * allowed) what every thread's instance reads. SIM_ENOMEM, or the table's status. */
    sim_status (*declare)(const struct mdl_comp_decl *d, void **shared);
    void (*free_shared)(void *shared); /* accepts NULL */
    /* Creates one thread's instance in *self (owned by the workspace, freed with destroy).
     * SIM_ENOMEM; SIM_EINVAL if a component it needs is missing or refuses a listener. */
    sim_status (*create)(const struct mdl_comp_env *env, void **self);
    void (*destroy)(void *self); /* accepts NULL */
    /* Before each replication: results go to rep_values (table-sized, zeroed by the world), the
     * instance's events carry model_id. Must not fail or draw. */
    void (*bind)(void *self, double *rep_values, uint16_t model_id);
    /* Recomputes what the instance caches after interventions changed parameters in `sections`
     * (MDL_SECTION_*); k is NULL before a replication starts. NULL: caches nothing. */
    void (*refresh)(void *self, struct sim_kernel *k, unsigned sections);
    /* The instance's callbacks in the kernel; `self` is what create returned. */
    const struct sim_model *model;
};

/* The component list, in stream and attach order (mdl_components.c), and its length. */
extern const struct mdl_component *const mdl_components[];
extern const size_t mdl_components_count;

/* The shared data of component `name` if it is present and already declared, else NULL. */
const void *mdl_world_shared(const struct mdl_world *w, const char *name);

/* The instance of component `name` in workspace ws if it is present and already created (earlier
 * in the list), else NULL. Borrowed: lives as long as the workspace. */
void *mdl_world_ws_find(const struct mdl_world_ws *ws, const char *name);

#endif
