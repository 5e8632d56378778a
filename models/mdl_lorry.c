/* The lorry mode before the control: see mdl_lorry.h. */
#include "mdl_lorry.h"

#include "../sim/sim_rng.h"

double mdl_lorry_expected_price(const struct mdl_mode *m, double budget_eur)
{
    const struct mdl_lorry *l = m->lorry;
    if (budget_eur < l->facilitated_price_eur)
        return m->price_eur;
    double f = l->facilitated_share;
    return f * l->facilitated_price_eur + (1.0 - f) * m->price_eur;
}

bool mdl_lorry_buys_facilitation(const struct mdl_lorry *l, double budget_eur, gsl_rng *r)
{
    /* Short-circuit: who cannot afford a facilitator draws nothing. */
    return budget_eur >= l->facilitated_price_eur && sim_rng_uniform(r) < l->facilitated_share;
}

double mdl_lorry_board_probability(const struct mdl_lorry *l, const struct mdl_port *port, bool facilitated)
{
    double board = facilitated ? l->facilitated_success : l->self_success;
    board *= (1.0 - port->perimeter_security) * (1.0 - l->hauliers_secured_share * l->secured_block);
    board *= port->open_share; /* a closed port has no lorries to board */
    return board;
}

enum mdl_lorry_try mdl_lorry_attempt(const struct mdl_lorry *l, const struct mdl_port *port, bool facilitated,
                                     double u_death, double u_board)
{
    if (u_death < l->death_risk)
        return MDL_LORRY_TRY_DIED;
    if (u_board >= mdl_lorry_board_probability(l, port, facilitated))
        return MDL_LORRY_TRY_REFUSED;
    return MDL_LORRY_TRY_BOARDED;
}

enum mdl_lorry_try mdl_lorry_attempt_on(const struct mdl_lorry *l, const struct mdl_port *port,
                                        bool facilitated, double security_pass, double u_death,
                                        double u_board)
{
    if (u_death < l->death_risk)
        return MDL_LORRY_TRY_DIED;
    double board =
        (facilitated ? l->facilitated_success : l->self_success) * (1.0 - port->perimeter_security);
    if (u_board >= board * security_pass * port->open_share) /* a closed port: no lorry to board */
        return MDL_LORRY_TRY_REFUSED;
    return MDL_LORRY_TRY_BOARDED;
}
