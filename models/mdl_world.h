/* mdl_world.h: a scenario assembled into runnable models.
 *
 * A world is built once per run from a validated scenario: it declares the output table and names
 * the random streams. It is read-only afterwards and shared by all threads. Each thread then builds
 * a workspace (a kernel plus every model's state) and runs replications in it; a replication's
 * results depend only on (scenario, master seed, replication index). */
#ifndef MDL_WORLD_H
#define MDL_WORLD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_out.h"
#include "mdl_scenario.h"

struct mdl_world;
struct mdl_world_ws;

/* Builds the world for `s` (borrowed; must outlive the world). SIM_ENOMEM. */
sim_status mdl_world_create(const struct mdl_scenario *s, struct mdl_world **out);

/* Frees the world; accepts NULL. */
void mdl_world_destroy(struct mdl_world *w);

/* The output table every replication fills. Borrowed from the world. */
const struct sim_out_table *mdl_world_table(const struct mdl_world *w);

/* Number of random streams per replication and their names (borrowed). */
size_t mdl_world_nstreams(const struct mdl_world *w);
const char *const *mdl_world_stream_names(const struct mdl_world *w);

/* Creates one thread's workspace. SIM_ENOMEM. */
sim_status mdl_world_ws_create(const struct mdl_world *w, struct mdl_world_ws **out);

/* Makes the workspace's replications give up (SIM_ECANCELED, results to be discarded) soon after
 * *flag becomes non-zero; see sim_kernel_set_abort. The flag is borrowed. */
void mdl_world_ws_set_abort(struct mdl_world_ws *ws, const volatile sig_atomic_t *flag);

/* Frees a workspace; accepts NULL. */
void mdl_world_ws_destroy(struct mdl_world_ws *ws);

/* Runs replication `rep` of master seed `master_seed`. Writes the table's rep_values doubles to
 * `values`, the seed of each stream to seeds[nstreams] and the number of executed events to
 * *events (either may be NULL). On failure returns the kernel's status (e.g. SIM_EINVARIANT) with
 * a message in err. Not thread-safe per workspace; different workspaces run concurrently. */
sim_status mdl_world_run_rep(struct mdl_world_ws *ws, uint64_t master_seed, uint64_t rep, double *values,
                             uint64_t *seeds, uint64_t *events, char *err, size_t errlen);

/* The variants of the run (1 without a study: the baseline) and their names (borrowed; the
 * first is "baseline"). */
size_t mdl_world_nvariants(const struct mdl_world *w);
const char *const *mdl_world_variant_names(const struct mdl_world *w);

/* Runs replication `rep` of variant `variant` (0 is the baseline); otherwise as mdl_world_run_rep.
 * Every variant of a replication draws from the same streams: differences are paired. */
sim_status mdl_world_run_variant(struct mdl_world_ws *ws, size_t variant, uint64_t master_seed, uint64_t rep,
                                 double *values, uint64_t *seeds, uint64_t *events, char *err, size_t errlen);

/* Creates a workspace, as mdl_world_ws_create, that owns a private copy of the scenario in which
 * the parameters at field `paths[n]` (borrowed for the call; syntax of mdl_scenario_param) are
 * resolved once, for mdl_world_run_point. Returns SIM_EINVAL when a path names no numeric
 * parameter, SIM_ENOMEM, with the reason in err. Destroy with mdl_world_ws_destroy. */
sim_status mdl_world_ws_create_params(const struct mdl_world *w, const char *const *paths, size_t n,
                                      struct mdl_world_ws **out, char *err, size_t errlen);

/* Runs replication `rep` of `variant` with the parameters of mdl_world_ws_create_params set to
 * theta[n] (whole numbers rounded): writes them into the workspace's scenario, refreshes every
 * component, runs as mdl_world_run_variant, then restores the scenario's values and refreshes
 * again, so the workspace is reused by the next item unchanged. The parameters must not be ones
 * the variant's interventions change. A workspace from mdl_world_ws_create has no parameters and
 * runs as mdl_world_run_variant. Not thread-safe per workspace. */
sim_status mdl_world_run_point(struct mdl_world_ws *ws, const double *theta, size_t variant,
                               uint64_t master_seed, uint64_t rep, double *values, uint64_t *seeds,
                               uint64_t *events, char *err, size_t errlen);

#endif
