/* The component list: every model the world may assemble, in stream and attach order (see
 * mdl_component.h). The stream numbering of results files depends on this order: ports, then
 * small boats, then the population, then the fleet, then the civil-penalty scheme (the monthly
 * table, first, has no streams). A new model is one more line here. */
#include "mdl_boats.h"
#include "mdl_cecps.h"
#include "mdl_component.h"
#include "mdl_fleet.h"
#include "mdl_monthly.h"
#include "mdl_pop.h"
#include "mdl_ports.h"

const struct mdl_component *const mdl_components[] = {
    /* No streams; first, so that the models it counts for find it when they are created. */
    &mdl_monthly_component, &mdl_ports_component, &mdl_boats_component,
    &mdl_pop_component,     &mdl_fleet_component, /* after all others: its streams come last */
    &mdl_cecps_component,                         /* needs the fleet; its streams after the fleet's */
};

const size_t mdl_components_count = sizeof mdl_components / sizeof mdl_components[0];
