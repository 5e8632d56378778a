/* mdl_watch.h: the ports' watch-lists of vehicles (or hauliers) for ANPR.
 *
 * One table holds the listings of every port: for each listed key (a vehicle or a haulier id) and
 * each port, the interval [start, until) of its listing there. A port lists a key when a group is
 * found on that vehicle in its search, or when a group found in the UK within 72 hours is traced
 * back to a vehicle that passed it; a listing lasts `days`, and listing a key again before it
 * expires extends the interval. Local ANPR reads only its own port's listings; integrated ANPR
 * also reads the other ports' listings, each from `lag` days after it began.
 *
 * A fixed-capacity open-addressing hash table allocated at creation: adding never allocates.
 * When it holds `capacity` keys, expired keys are dropped by rebuilding into a second table of the
 * same size; a table still full after that refuses the key. Not thread-safe: one per thread. */
#ifndef MDL_WATCH_H
#define MDL_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sim_status.h"

struct mdl_watch;

/* Creates an empty table for `capacity` keys (at least 1) over `nports` ports (at least 1).
 * SIM_EINVAL on a zero size, SIM_ENOMEM. */
sim_status mdl_watch_create(size_t capacity, size_t nports, struct mdl_watch **out);

/* Frees the table; accepts NULL. */
void mdl_watch_destroy(struct mdl_watch *w);

/* Empties the table (before a replication). */
void mdl_watch_clear(struct mdl_watch *w);

/* Lists `key` (not UINT32_MAX) at `port` over [start, start + days); `now` (<= start) is the
 * present, for dropping what expired. SIM_ENOMEM (nothing allocated) when `capacity` keys are
 * still listed at `now`: the scenario's watchlist_capacity is too small. */
sim_status mdl_watch_add(struct mdl_watch *w, uint32_t key, unsigned port, double start, double days,
                         double now);

/* Whether `key` is listed as port `port` sees it at time t: its own listing when start <= t <
 * until; with `shared`, also another port's listing when start + lag <= t < until + lag. */
bool mdl_watch_listed(const struct mdl_watch *w, uint32_t key, unsigned port, double t, bool shared,
                      double lag);

/* Keys currently held (listed, or expired and not yet dropped). */
size_t mdl_watch_size(const struct mdl_watch *w);

#endif
