/* mdl_choice.h: random-utility choice probabilities (multinomial and nested logit).
 *
 * Pure functions, no state: the population model computes utilities and draws one alternative
 * with one uniform number from these probabilities, which is exact for both models. Keeping the
 * formulas here, apart from the simulation, is what lets the tests compare simulated shares with
 * them. A nested logit with every lambda equal to 1 is the multinomial logit. */
#ifndef MDL_CHOICE_H
#define MDL_CHOICE_H

#include <stdbool.h>

enum { MDL_CHOICE_MAX = 24 };

/* A partition of alternatives 0..n-1 into nests. nest_of[i] < nnests; lambda[k] in (0, 1]. */
struct mdl_choice_set {
    unsigned n, nnests;
    unsigned nest_of[MDL_CHOICE_MAX];
    double lambda[MDL_CHOICE_MAX];
};

/* Writes the choice probability of each alternative to p[n] given utilities v[n]; alternatives
 * with avail[i] false get probability 0 and do not enter the formula (their utility is not read).
 * Numerically stable for any finite utilities. Returns false, leaving p all 0, when no
 * alternative is available. */
bool mdl_choice_probs(const struct mdl_choice_set *cs, const double *v, const bool *avail, double *p);

/* Index of the alternative a uniform u in [0, 1) selects from probabilities p[n] (inverse CDF, in
 * index order); never an alternative of probability 0. */
unsigned mdl_choice_pick(const double *p, unsigned n, double u);

#endif
