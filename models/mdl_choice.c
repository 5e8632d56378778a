/* Nested logit by the textbook formulas (Train, Discrete Choice Methods, ch. 4):
 * P(i) = P(nest k) P(i | k), P(i | k) = exp(V_i / l_k) / sum_{j in k} exp(V_j / l_k),
 * P(nest k) = exp(l_k I_k) / sum_m exp(l_m I_m), I_k = ln sum_{j in k} exp(V_j / l_k).
 * Every exponent is shifted by its maximum so that nothing overflows. */
#include "mdl_choice.h"

#include <assert.h>
#include <math.h>

/* fmax without its NaN rules, which keep the compiler from inlining it; no NaN reaches here. */
static inline double larger(double a, double b)
{
    return a > b ? a : b;
}

bool mdl_choice_probs(const struct mdl_choice_set *cs, const double *v, const bool *avail, double *p)
{
    assert(cs->n <= MDL_CHOICE_MAX && cs->nnests <= MDL_CHOICE_MAX);
    double top[MDL_CHOICE_MAX], sum[MDL_CHOICE_MAX], nest_p[MDL_CHOICE_MAX], e[MDL_CHOICE_MAX];
    bool used[MDL_CHOICE_MAX] = {false};
    for (unsigned k = 0; k < cs->nnests; k++)
        top[k] = -INFINITY, sum[k] = 0.0;
    for (unsigned i = 0; i < cs->n; i++) {
        p[i] = 0.0;
        if (!avail[i])
            continue;
        unsigned k = cs->nest_of[i];
        used[k] = true;
        top[k] = larger(top[k], v[i] / cs->lambda[k]);
    }
    for (unsigned i = 0; i < cs->n; i++)
        if (avail[i]) {
            unsigned k = cs->nest_of[i];
            sum[k] += e[i] = exp(v[i] / cs->lambda[k] - top[k]);
        }
    double best = -INFINITY;
    for (unsigned k = 0; k < cs->nnests; k++)
        if (used[k]) {
            nest_p[k] = cs->lambda[k] * (top[k] + log(sum[k])); /* l_k I_k, for now */
            best = larger(best, nest_p[k]);
        }
    if (best == -INFINITY)
        return false;
    double denom = 0.0;
    for (unsigned k = 0; k < cs->nnests; k++)
        if (used[k])
            denom += nest_p[k] = exp(nest_p[k] - best);
    for (unsigned k = 0; k < cs->nnests; k++)
        if (used[k])
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
