/* mdl_lorry.h: the lorry mode up to the control: buying facilitation, and getting onto a lorry.
 *
 * A person who chose the lorry mode picks a port (the population's beliefs decide which) and,
 * if they can afford it, may pay a facilitator. At the boarding attempt they die with the mode's
 * death_risk; otherwise they get onto a lorry with the success probability of their kind of
 * attempt (self-organised or facilitated), reduced by the port's perimeter security (the share of
 * attempts the fences and patrols stop) and by hauliers' vehicle security (the share of lorries
 * secured, times the probability that a secured lorry defeats the attempt), and by the port's
 * open_share (at a closed port there is no lorry to board: the attempt fails). A person on a lorry
 * is then a hidden group of one for the port model (mdl_ports_board), which settles detection
 * and recording.
 *
 * Pure functions of the scenario's parameters: no state, no streams of their own; the caller
 * supplies the uniforms, so the order of draws stays the caller's. */
#ifndef MDL_LORRY_H
#define MDL_LORRY_H

#include <stdbool.h>

#include <gsl/gsl_rng.h>

#include "mdl_scenario.h"

/* How a boarding attempt ends before the control. */
enum mdl_lorry_try {
    MDL_LORRY_TRY_DIED,    /* died in the attempt */
    MDL_LORRY_TRY_REFUSED, /* stopped at the perimeter, by a secured lorry, or simply failed */
    MDL_LORRY_TRY_BOARDED, /* hidden on a lorry heading for the control */
};

/* The price a person with `budget_eur` expects to pay for lorry mode `m` (borrowed, m->lorry set):
 * the mix of facilitated and self-organised prices when they can afford a facilitator, otherwise
 * the self-organised price_eur. */
double mdl_lorry_expected_price(const struct mdl_mode *m, double budget_eur);

/* Whether a person with `budget_eur` pays a facilitator: only those who can afford one draw (one
 * uniform from r), and then with probability facilitated_share. */
bool mdl_lorry_buys_facilitation(const struct mdl_lorry *l, double budget_eur, gsl_rng *r);

/* Probability that an attempt (facilitated or not) gets onto a lorry at `port` (borrowed), given
 * that the person survives it: success x (1 - perimeter_security) x (1 - secured share x block). */
double mdl_lorry_board_probability(const struct mdl_lorry *l, const struct mdl_port *port, bool facilitated);

/* Settles an attempt at `port` from two uniforms on [0, 1): u_death against death_risk first,
 * then u_board against mdl_lorry_board_probability. */
enum mdl_lorry_try mdl_lorry_attempt(const struct mdl_lorry *l, const struct mdl_port *port, bool facilitated,
                                     double u_death, double u_board);

/* As mdl_lorry_attempt, but on one vehicle (mdl_fleet.h) whose security lets the attempt through
 * with probability `security_pass` (1 on an unsecured or complicit vehicle, 1 - secured_block on a
 * secured one) instead of the mode-wide 1 - hauliers_secured_share x secured_block. */
enum mdl_lorry_try mdl_lorry_attempt_on(const struct mdl_lorry *l, const struct mdl_port *port,
                                        bool facilitated, double security_pass, double u_death,
                                        double u_board);

#endif
