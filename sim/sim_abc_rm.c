/* ABC-SMC by resample-move (Del Moral, Doucet and Jasra 2012): the adaptive tolerance, systematic
 * resampling and the pseudo-marginal Metropolis-Hastings move (see sim_abc.h). */
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim_abc_priv.h"
#include "sim_rng.h"

/* Replications of particle i in d (n x reps) within e; NaN never is. */
static unsigned within(const struct sim_abc *a, const double *d, size_t i, double e)
{
    unsigned k = 0;
    for (unsigned r = 0; r < a->reps; r++)
        k += d[i * a->reps + r] <= e;
    return k;
}

/* The weight of particle i once the tolerance moves from prev to e: w_i k_i(e) / k_i(prev), the
 * ratio of the two ABC likelihood estimates. */
static double reweighted(const struct sim_abc *a, size_t i, double e, double prev)
{
    unsigned k0 = a->w[i] > 0.0 ? within(a, a->dcur, i, prev) : 0;
    return k0 == 0 ? 0.0 : a->w[i] * within(a, a->dcur, i, e) / k0;
}

static double ess_at(const struct sim_abc *a, double e, double prev)
{
    double s = 0.0, s2 = 0.0;
    for (size_t i = 0; i < a->n; i++) {
        double v = reweighted(a, i, e, prev);
        s += v, s2 += v * v;
    }
    return s2 > 0.0 ? s * s / s2 : 0.0;
}

/* The smallest of the population's distances at or below prev at which the reweighted population
 * keeps alpha of its effective sample size (found by bisection over the sorted distances, as the
 * ESS falls with the tolerance), clamped to [final tolerance, prev]. +infinity when no distance is
 * finite. */
static double next_tolerance(struct sim_abc *a, double prev)
{
    size_t m = 0;
    for (size_t i = 0; i < (size_t)a->n * a->reps; i++)
        if (a->w[i / a->reps] > 0.0 && a->dcur[i] <= prev)
            a->sorted[m++] = a->dcur[i];
    if (m == 0)
        return INFINITY;
    sim__abc_sort(a->sorted, m);
    double target = a->o.alpha * ess_at(a, prev, prev);
    size_t lo = 0, hi = m - 1; /* the ESS at sorted[hi] is at least the target */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ess_at(a, a->sorted[mid], prev) >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    double e = a->sorted[lo] > a->o.final_tolerance ? a->sorted[lo] : a->o.final_tolerance;
    return e < prev ? e : prev;
}

/* Moves the tolerance from prev to e: reweights and normalises; returns the new ESS. */
static double reweigh(struct sim_abc *a, double e, double prev)
{
    double s = 0.0, s2 = 0.0;
    for (size_t i = 0; i < a->n; i++)
        s += a->logw[i] = reweighted(a, i, e, prev);
    for (size_t i = 0; i < a->n; i++) {
        a->w[i] = a->logw[i] / s;
        s2 += a->w[i] * a->w[i];
    }
    return 1.0 / s2;
}

/* Systematic resampling (one uniform from its own stream): particle, distances and source. */
static void resample(struct sim_abc *a)
{
    gsl_rng_set(a->rng, sim_seed_mix(a->o.seed, a->n, 2u * a->gen));
    double u = gsl_rng_uniform(a->rng), cum = a->w[0];
    size_t d = a->d, reps = a->reps, j = 0;
    unsigned *gen = a->k, *idx = a->tmpu;
    for (size_t i = 0; i < a->n; i++) {
        double t = ((double)i + u) / (double)a->n;
        while (cum < t && j + 1 < a->n)
            cum += a->w[++j];
        memcpy(a->theta + i * d, a->cur + j * d, d * sizeof *a->theta);
        memcpy(a->sorted + i * reps, a->dcur + j * reps, reps * sizeof *a->sorted);
        gen[i] = a->src_gen[j], idx[i] = a->src_idx[j];
    }
    memcpy(a->cur, a->theta, a->n * d * sizeof *a->cur);
    memcpy(a->dcur, a->sorted, a->n * reps * sizeof *a->dcur);
    memcpy(a->src_gen, gen, a->n * sizeof *gen);
    memcpy(a->src_idx, idx, a->n * sizeof *idx);
    for (size_t i = 0; i < a->n; i++)
        a->w[i] = 1.0 / (double)a->n;
}

/* The moves' scale: every parameter mapped onto the whole real line, so that a random walk never
 * leaves the prior's support. With bounded priors a walk on the natural scale does, and in 17
 * dimensions it did for about 85% of the moves: the chance that all coordinates stay inside is the
 * product of 17 chances. A bounded support [lo, hi] maps by the logit of the position t within it
 * (a log-uniform's on log x), a half-line by the log of the distance to its end, a normal stays. */
static void support_of(const struct sim_prior *p, double *lo, double *hi)
{
    sim_prior_support(p, lo, hi);
    if (sim__abc_log_scale(p))
        *lo = log(*lo), *hi = log(*hi);
}

/* The position of x in (0, 1) within a bounded support; the prior's ends, reachable by a draw of
 * measure zero, are held just inside so the logit stays finite. */
static double position(const struct sim_prior *p, double x, double lo, double hi)
{
    double v = sim__abc_log_scale(p) ? log(x) : x, t = (v - lo) / (hi - lo);
    return t < 1e-15 ? 1e-15 : t > 1.0 - 1e-15 ? 1.0 - 1e-15 : t;
}

static double to_move(const struct sim_prior *p, double x)
{
    double lo, hi;
    support_of(p, &lo, &hi);
    if (isfinite(lo) && isfinite(hi)) {
        double t = position(p, x, lo, hi);
        return log(t) - log1p(-t);
    }
    return isfinite(lo) ? log(x - lo) : isfinite(hi) ? log(hi - x) : x;
}

static double from_move(const struct sim_prior *p, double u)
{
    double lo, hi;
    support_of(p, &lo, &hi);
    if (isfinite(lo) && isfinite(hi)) {
        double v = lo + (hi - lo) / (1.0 + exp(-u));
        return sim__abc_log_scale(p) ? exp(v) : v;
    }
    return isfinite(lo) ? lo + exp(u) : isfinite(hi) ? hi - exp(u) : u;
}

/* log |dx/du| at x: the Jacobian that turns the prior's density in x into its density in u. */
static double log_jacobian(const struct sim_prior *p, double x)
{
    double lo, hi;
    support_of(p, &lo, &hi);
    if (isfinite(lo) && isfinite(hi)) {
        double t = position(p, x, lo, hi);
        return log(hi - lo) + log(t) + log1p(-t) + (sim__abc_log_scale(p) ? log(x) : 0.0);
    }
    return isfinite(lo) ? log(x - lo) : isfinite(hi) ? log(hi - x) : 0.0;
}

/* The log prior density on the moves' scale, where the random walk is symmetric. */
static double log_prior_move(const struct sim_abc *a, const double *x)
{
    double l = sim__abc_log_prior(a, x);
    for (unsigned j = 0; j < a->d; j++)
        l += log_jacobian(&a->priors[j], x[j]);
    return l;
}

sim_status sim__abc_rm_propose(struct sim_abc *a)
{
    unsigned d = a->d;
    if (a->gen == 0) {
        for (unsigned i = 0; i < a->n; i++) {
            gsl_rng_set(a->rng, sim_seed_mix(a->o.seed, i, 0));
            for (unsigned j = 0; j < d; j++)
                a->theta[(size_t)i * d + j] = sim_prior_sample(&a->priors[j], a->rng);
        }
        return SIM_OK;
    }
    unsigned moves = a->o.moves > 1 ? a->o.moves : 1;
    if (a->since_tolerance >= moves) {
        double e = next_tolerance(a, a->eps);
        a->ess_pending = reweigh(a, e, a->eps);
        a->eps = e, a->since_tolerance = 0;
    } else {
        a->ess_pending = reweigh(a, a->eps, a->eps);
    }
    if (a->ess_pending < 0.5 * a->n)
        resample(a);
    sim__abc_set_kernel(a, 2.38 * 2.38 / d, to_move);
    for (unsigned i = 0; i < a->n; i++) {
        double *x = a->theta + (size_t)i * d, z[SIM__ABC_MAX_DIM];
        const double *from = a->kcur + (size_t)i * d;
        gsl_rng_set(a->rng, sim_seed_mix(a->o.seed, i, 2u * a->gen));
        for (unsigned j = 0; j < d; j++)
            z[j] = gsl_ran_ugaussian(a->rng);
        for (unsigned r = 0; r < d; r++) {
            double s = from[r];
            for (unsigned c = 0; c <= r; c++)
                s += a->chol[r * d + c] * z[c];
            x[r] = from_move(&a->priors[r], s);
        }
        a->unif[i] = gsl_rng_uniform_pos(a->rng);
        a->live[i] = a->w[i] > 0.0 && sim__abc_in_support(a, x);
        if (!a->live[i])
            memcpy(x, a->cur + (size_t)i * d, d * sizeof *x);
    }
    return SIM_OK;
}

/* Generation 0: the prior sample and its distances become the population at eps_0. */
static void first(struct sim_abc *a, const double *dist)
{
    size_t n = a->n, reps = a->reps;
    memcpy(a->cur, a->theta, n * a->d * sizeof *a->cur);
    memcpy(a->dcur, dist, n * reps * sizeof *a->dcur);
    for (size_t i = 0; i < n; i++)
        a->w[i] = 1.0 / (double)n, a->src_gen[i] = 0, a->src_idx[i] = (unsigned)i;
    double e = next_tolerance(a, INFINITY);
    if (isinf(e)) {
        a->done = true;
        return;
    }
    a->ess_pending = reweigh(a, e, INFINITY);
    size_t in = 0;
    for (size_t i = 0; i < n; i++)
        in += within(a, a->dcur, i, e);
    a->eps = e;
    a->acc[0] = (double)in / (double)(n * reps);
}

/* A move step: each live proposal replaces its particle with the Metropolis-Hastings probability. */
static void move_step(struct sim_abc *a, const double *dist, unsigned g)
{
    size_t d = a->d, reps = a->reps, live = 0, accepted = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (!a->live[i])
            continue;
        live++;
        unsigned k1 = within(a, dist, i, a->eps), k0 = within(a, a->dcur, i, a->eps);
        if (k1 == 0)
            continue;
        double *x = a->theta + i * d, *y = a->cur + i * d;
        double lr = log((double)k1 / k0) + log_prior_move(a, x) - log_prior_move(a, y);
        if (log(a->unif[i]) >= lr)
            continue;
        accepted++;
        memcpy(y, x, d * sizeof *y);
        memcpy(a->dcur + i * reps, dist + i * reps, reps * sizeof *a->dcur);
        a->src_gen[i] = a->gen, a->src_idx[i] = (unsigned)i;
    }
    a->acc[g] = live > 0 ? (double)accepted / (double)live : 0.0;
    a->since_tolerance++;
}

void sim__abc_rm_update(struct sim_abc *a, const double *dist)
{
    unsigned g = a->completed;
    a->proposed = false;
    if (a->gen == 0)
        first(a, dist);
    else
        move_step(a, dist, g);
    if (a->done)
        return;
    a->tol[g] = a->eps;
    a->ess[g] = a->ess_pending;
    a->completed++, a->gen++;
    unsigned moves = a->o.moves > 1 ? a->o.moves : 1;
    a->done = a->completed >= a->o.generations ||
              (a->o.final_tolerance > 0.0 && a->eps <= a->o.final_tolerance && a->since_tolerance >= moves) ||
              (g > 0 && a->acc[g] < a->o.min_acceptance);
}
