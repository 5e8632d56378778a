/* Nested logit by the textbook formulas (Train, Discrete Choice Methods, ch. 4):
 * P(i) = P(nest k) P(i | k), P(i | k) = exp(V_i / l_k) / sum_{j in k} exp(V_j / l_k),
 * P(nest k) = exp(l_k I_k) / sum_m exp(l_m I_m), I_k = ln sum_{j in k} exp(V_j / l_k).
 * Every exponent is shifted by its maximum so that nothing overflows.
 *
 * Shifting by the maximum makes one exponent of every sum exactly exp(0) = 1, and a nest with one
 * available member has I_k = V_i / l_k exactly (its sum is that 1, and ln 1 = 0). Those terms are
 * written down instead of computed: the same values bit for bit, because exp(0) and ln(1) are
 * exact, for two exponentials and a logarithm fewer per singleton nest and one fewer per sum. */
#include "mdl_choice.h"

#include <assert.h>
#include <math.h>

/* fmax without its NaN rules, which keep the compiler from inlining it; no NaN reaches here. */
static inline double larger(double a, double b)
{
    return a > b ? a : b;
}

/* exp(x) for a shifted exponent x <= 0; the maximum's own x is exactly 0 and exp(0) is exactly 1. */
static inline double shifted_exp(double x)
{
    return x == 0.0 ? 1.0 : exp(x);
}

/* Per nest k with available members: their number count[k], the first of them first[k] and the
 * largest scaled utility top[k]; x[i] = v[i] / lambda_k for each available i, and p[i] = 0 for
 * the others. The first member's x is its nest's starting maximum, as larger(-inf, x) would give. */
static void nest_tops(const struct mdl_choice_set *cs, const double *v, const bool *avail, double *x,
                      double *top, unsigned *count, unsigned *first, double *p)
{
    for (unsigned i = 0; i < cs->n; i++) {
        if (!avail[i]) {
            p[i] = 0.0;
            continue;
        }
        unsigned k = cs->nest_of[i];
        x[i] = v[i] / cs->lambda[k];
        if (count[k]++ == 0) {
            first[k] = i;
            top[k] = x[i];
        } else
            top[k] = larger(top[k], x[i]);
    }
}

bool mdl_choice_probs(const struct mdl_choice_set *cs, const double *v, const bool *avail, double *p)
{
    assert(cs->n <= MDL_CHOICE_MAX && cs->nnests <= MDL_CHOICE_MAX);
    /* Only count starts zeroed: the other per-nest values are written at a nest's first member. */
    double top[MDL_CHOICE_MAX], sum[MDL_CHOICE_MAX], nest_p[MDL_CHOICE_MAX], e[MDL_CHOICE_MAX];
    unsigned count[MDL_CHOICE_MAX] = {0}, first[MDL_CHOICE_MAX];
    nest_tops(cs, v, avail, e, top, count, first, p);
    for (unsigned i = 0; i < cs->n; i++)
        if (avail[i]) {
            unsigned k = cs->nest_of[i];
            e[i] = count[k] == 1 ? 1.0 : shifted_exp(e[i] - top[k]);
            sum[k] = i == first[k] ? e[i] : sum[k] + e[i]; /* 0 + e is e: e >= +0 */
        }
    double best = -INFINITY;
    for (unsigned k = 0; k < cs->nnests; k++)
        if (count[k] > 0) {
            /* l_k I_k, for now; ln(sum) is ln 1 = 0 for a single member */
            nest_p[k] = cs->lambda[k] * (count[k] == 1 ? top[k] : top[k] + log(sum[k]));
            best = larger(best, nest_p[k]);
        }
    if (best == -INFINITY)
        return false;
    double denom = 0.0;
    for (unsigned k = 0; k < cs->nnests; k++)
        if (count[k] > 0)
            denom += nest_p[k] = shifted_exp(nest_p[k] - best);
    for (unsigned k = 0; k < cs->nnests; k++)
        if (count[k] > 0)
            nest_p[k] /= denom * sum[k]; /* P(nest k) / sum_k: times e_i gives P(i) */
    for (unsigned i = 0; i < cs->n; i++)
        if (avail[i])
            p[i] = nest_p[cs->nest_of[i]] * e[i];
    return true;
}

unsigned mdl_choice_pick(const double *p, unsigned n, double u)
{
    double cum = 0.0;
    unsigned last = 0;
    for (unsigned i = 0; i < n; i++) {
        if (p[i] <= 0.0)
            continue;
        cum += p[i];
        last = i;
        if (u < cum)
            return i;
    }
    return last; /* u beyond a cumulative sum that rounded below 1 */
}
