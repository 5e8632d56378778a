/* mdl_monthly.h: the inspector's monthly table (issue 13, recommendation 2a), per port and
 * calendar month of the analysis window.
 *
 * A component with no events and no streams: the port model and the fleet call its counters at
 * the place the event already happens (one array increment each), and it owns the `monthly/`
 * group of the results file:
 *
 *   days_in_window                 [month]                 days of each month inside the window
 *   lorries_searched               [month, port]           searches completed
 *   groups_detected                [month, port]           hidden groups detected (attempts)
 *   people_detected                [month, port]           people in them
 *   groups_detected_by_method      [month, port, method]   ... by the search method that found them
 *   groups_detected_by_selection   [month, port, selection] ... by how the lorry was selected
 *   officers_on_duty_ifc1, _ifc2   [month, port]           officer-days able to search, by qualification
 *   officers_out_of_ticket         [month, port]           officer-days present but out of ticket
 *   vehicles_unsecured_found       [month, port]           (fleet only) as totals/, per month
 *   vehicle_traces                 [month, port]           (fleet only) "failures", per month
 *
 * The `month` dimension lists the calendar months the analysis window touches, labelled "YYYY-MM";
 * a window day [w0 + d, w0 + d + 1) belongs to the month of its start, so a month partly outside
 * the window counts only its days inside (days_in_window says how many). The `method` dimension is
 * the union of the ports' method names in order of first appearance (a port without a method
 * counts 0 there); `selection` is random, targeted, watchlist (mdl_ports_selkind). Every count
 * uses the same window test as the daily series, so each monthly dataset summed over months equals
 * the per-port total of the same name, and the by-method and by-selection datasets each sum to
 * groups_detected. Per replication, like `daily/`, and independent of it. */
#ifndef MDL_MONTHLY_H
#define MDL_MONTHLY_H

#include "mdl_component.h"

/* One thread's counters (the component's instance). Opaque. */
struct mdl_monthly;

/* The single-event counters. */
enum mdl_monthly_event {
    MDL_MON_SEARCHED,  /* a search completed */
    MDL_MON_UNSECURED, /* a detection on a vehicle its haulier had not secured */
    MDL_MON_TRACE,     /* a group found in the UK traced back to a vehicle that passed the port */
};

/* Counts one event of kind e at `port` at time t (days) if t is in the analysis window. Accepts
 * NULL (no monthly table: nothing counted). No allocation; not thread-safe (one per thread). */
void mdl_monthly_add(struct mdl_monthly *mm, double t, unsigned port, enum mdl_monthly_event e);

/* Counts a hidden group of `size` people detected at `port` at time t, by the port's method index
 * `method` and by its selection kind (enum mdl_ports_selkind). Accepts NULL. */
void mdl_monthly_detected(struct mdl_monthly *mm, double t, unsigned port, unsigned method, unsigned selkind,
                          unsigned size);

/* Adds officer-days at `port` for a shift (or pool shift) beginning at t: able to search with IFC1
 * only, with IFC2, and present but out of ticket. Accepts NULL. */
void mdl_monthly_duty(struct mdl_monthly *mm, double t, unsigned port, double ifc1, double ifc2,
                      double out_of_ticket);

/* The component, named "monthly": always present, no streams, output_order 4 (after the fleet,
 * whose presence decides the vehicle datasets). Listed before "ports" in mdl_components.c so that
 * the port model and the fleet find its instance when they are created (mdl_world_ws_find); its
 * instance is a struct mdl_monthly. */
extern const struct mdl_component mdl_monthly_component;

#endif
