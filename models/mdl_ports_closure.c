/* Closures and freight diversion at the controls (vehicles' hooks into the port model).
 *
 * A port's `open_share` (1 open, 0 closed, between: a capacity cut; an intervention may set it
 * for a time) scales its own traffic; the traffic it loses goes to the other ports, each
 * receiving the share w_i x open_i x Y_i / sum over the other ports k of w_k x open_k x Y_k
 * (w = diversion_weight, Y = lorries_per_year), keeping the hour-of-week profile of the port it
 * comes from. So the traffic of port i is open_i x own_i + sum_j (1 - open_j) x own_j x d_ji. If
 * no other port is open, the lost traffic is lost. Exogenous hidden groups scale with open_i.
 *
 * When a port closes (open_share 0), the groups waiting there to board are returned to France:
 * they are reported with outcome MDL_LORRY_RETURNED (the population counts a failed attempt and
 * re-chooses) and no group may stay hidden at a closed port (checked at the end of each
 * replication). Groups already in the search queue are searched as usual. */
#include <string.h>

#include "mdl_ports_priv.h"

void mdl__ports_divert(struct mdl_ports *m, struct port *arr)
{
    size_t n = m->nports;
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any |= arr[i].p->open_share < 1.0;
    if (!any)
        return; /* all open: the own rates stand, bit for bit */
    double(*own)[HOURS_PER_WEEK] = (double(*)[HOURS_PER_WEEK])m->divert_mem;
    double(*extra)[HOURS_PER_WEEK] = own + n;
    for (size_t i = 0; i < n; i++) {
        memcpy(own[i], arr[i].rate, sizeof own[i]);
        memset(extra[i], 0, sizeof extra[i]);
    }
    for (size_t j = 0; j < n; j++) {
        const struct mdl_port *pj = arr[j].p;
        if (pj->open_share >= 1.0)
            continue;
        double tot = 0.0;
        for (size_t k = 0; k < n; k++)
            if (k != j)
                tot += arr[k].p->diversion_weight * arr[k].p->open_share * arr[k].p->lorries_per_year;
        if (!(tot > 0.0))
            continue; /* nowhere to go */
        for (size_t i = 0; i < n; i++) {
            if (i == j)
                continue;
            const struct mdl_port *pi = arr[i].p;
            double d =
                (1.0 - pj->open_share) * pi->diversion_weight * pi->open_share * pi->lorries_per_year / tot;
            for (int h = 0; h < HOURS_PER_WEEK; h++)
                extra[i][h] += d * own[j][h];
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct port *pt = &arr[i];
        double open = pt->p->open_share;
        pt->cum[0] = 0.0;
        for (int h = 0; h < HOURS_PER_WEEK; h++) {
            pt->rate[h] = open * own[i][h] + extra[i][h];
            pt->cum[h + 1] = pt->cum[h] + pt->rate[h] / 24.0;
        }
        pt->groups_rate *= open;
    }
}

void mdl__ports_return_closed(struct mdl_ports *m, struct sim_kernel *k)
{
    for (size_t i = 0; i < m->nports; i++) {
        struct port *pt = &m->ports[i];
        if (pt->p->open_share > 0.0 || pt->pend_head == PORTS_NONE)
            continue;
        uint32_t g = pt->pend_head;
        pt->pend_head = pt->pend_tail = PORTS_NONE;
        mdl__ports_cancel_carrier(m, k, i);
        while (g != PORTS_NONE) {
            struct grp *gr = &m->grps[g];
            uint32_t next = gr->next;
            mdl__ports_report(m, k, i, gr, MDL_LORRY_RETURNED);
            gr->next = m->grp_free;
            m->grp_free = g;
            g = next;
        }
    }
}

sim_status mdl__ports_check_closed(const struct mdl_ports *m, struct sim_kernel *k)
{
    for (size_t i = 0; i < m->nports; i++) {
        const struct port *pt = &m->ports[i];
        if (pt->p->open_share <= 0.0 && pt->pend_head != PORTS_NONE) {
            sim_kernel_fail(k, SIM_EINVARIANT, "ports: %s: a group is hidden at a closed port", pt->p->name);
            return SIM_EINVARIANT;
        }
    }
    return SIM_OK;
}
