/* ABC-SMC: the interface, the kernel both samplers use, and population Monte Carlo (sim_abc_rm.c has
 * resample-move). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim_abc_priv.h"
#include "sim_rng.h"

enum { MAX_DIM = SIM__ABC_MAX_DIM, MAX_TRIES = 10000 };

static bool opts_ok(const struct sim_abc_opts *o)
{
    return o->nparticles >= 2 && o->nparticles <= (1u << 30) && o->reps >= 1 && o->reps <= (1u << 10) &&
           o->alpha > 0.0 && o->alpha < 1.0 && o->generations >= 1 &&
           o->generations <= SIM_ABC_MAX_GENERATIONS && o->final_tolerance >= 0.0 &&
           isfinite(o->final_tolerance) && o->min_acceptance >= 0.0 && o->min_acceptance < 1.0 &&
           (o->method == SIM_ABC_PMC
                ? o->moves <= 1
                : o->method == SIM_ABC_RESAMPLE_MOVE && o->moves <= SIM_ABC_MAX_GENERATIONS);
}

sim_status sim_abc_create(unsigned d, const struct sim_prior *priors, const struct sim_abc_opts *opts,
                          struct sim_abc **out)
{
    if (d == 0 || d > MAX_DIM || opts == NULL || !opts_ok(opts))
        return SIM_EINVAL;
    for (unsigned j = 0; j < d; j++)
        if (sim_prior_check(&priors[j], NULL, 0) != SIM_OK)
            return SIM_EINVAL;
    struct sim_abc *a = calloc(1, sizeof *a);
    if (a == NULL)
        return SIM_ENOMEM;
    size_t n = opts->nparticles;
    a->d = d, a->n = opts->nparticles, a->reps = opts->reps, a->o = *opts;
    a->priors = malloc(d * sizeof *a->priors);
    a->theta = malloc(n * d * sizeof *a->theta);
    a->cur = malloc(n * d * sizeof *a->cur);
    a->kcur = malloc(n * d * sizeof *a->kcur);
    a->w = malloc(n * sizeof *a->w);
    a->cum = malloc(n * sizeof *a->cum);
    a->chol = calloc((size_t)d * d, sizeof *a->chol);
    a->logw = malloc(n * sizeof *a->logw);
    a->sorted = malloc(n * opts->reps * sizeof *a->sorted);
    a->accd = malloc(n * opts->reps * sizeof *a->accd);
    a->k = malloc(n * sizeof *a->k);
    a->dcur = malloc(n * opts->reps * sizeof *a->dcur);
    a->unif = malloc(n * sizeof *a->unif);
    a->src_gen = calloc(n, sizeof *a->src_gen);
    a->src_idx = malloc(n * sizeof *a->src_idx);
    a->tmpu = malloc(n * sizeof *a->tmpu);
    a->live = malloc(n * sizeof *a->live);
    a->rng = gsl_rng_alloc(sim_rng_philox);
    if (!a->priors || !a->theta || !a->cur || !a->kcur || !a->w || !a->cum || !a->chol || !a->logw ||
        !a->sorted || !a->accd || !a->k || !a->dcur || !a->unif || !a->src_gen || !a->src_idx || !a->tmpu ||
        !a->live || !a->rng) {
        sim_abc_destroy(a);
        return SIM_ENOMEM;
    }
    memcpy(a->priors, priors, d * sizeof *priors);
    for (size_t i = 0; i < n; i++)
        a->src_idx[i] = (unsigned)i, a->live[i] = true;
    *out = a;
    return SIM_OK;
}

void sim_abc_destroy(struct sim_abc *a)
{
    if (a == NULL)
        return;
    free(a->priors), free(a->theta), free(a->cur), free(a->kcur), free(a->w), free(a->cum), free(a->chol);
    free(a->logw), free(a->sorted), free(a->accd), free(a->k);
    free(a->dcur), free(a->unif), free(a->src_gen), free(a->src_idx), free(a->tmpu), free(a->live);
    if (a->rng != NULL)
        gsl_rng_free(a->rng);
    free(a);
}

unsigned sim_abc_generation(const struct sim_abc *a)
{
    return a->gen;
}

bool sim_abc_done(const struct sim_abc *a)
{
    return a->done;
}

uint64_t sim_abc_run_seed(const struct sim_abc *a, unsigned gen, unsigned i, unsigned rep)
{
    /* Odd streams are the simulations', even ones the proposals'. */
    return sim_seed_mix(a->o.seed, (uint64_t)i * a->reps + rep, 2u * gen + 1u);
}

/* The kernel moves a log-uniform parameter on the log scale, where its prior is flat: on the
 * natural scale the prior density varies by the ratio of its ends while the kernel mixture does
 * not, so the weights prior / q would vary as much, and with several such parameters a generation's
 * effective sample size collapses (8 of 400 in a 16-parameter fit). Other priors: the natural scale. */
bool sim__abc_log_scale(const struct sim_prior *p)
{
    return p->kind == SIM_PRIOR_LOGUNIFORM;
}

static double to_kernel(const struct sim_prior *p, double x)
{
    return sim__abc_log_scale(p) ? log(x) : x;
}

static double from_kernel(const struct sim_prior *p, double u)
{
    return sim__abc_log_scale(p) ? exp(u) : u;
}

bool sim__abc_in_support(const struct sim_abc *a, const double *x)
{
    for (unsigned j = 0; j < a->d; j++)
        if (!sim_prior_in_support(&a->priors[j], x[j]))
            return false;
    return true;
}

/* The first particle whose cumulative weight exceeds u (in [0, 1)) of the total. */
static size_t pick(const struct sim_abc *a, double u)
{
    double target = u * a->cum[a->n - 1];
    size_t lo = 0, hi = a->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->cum[mid] > target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Picks a particle and moves it by the kernel until the result lies in the prior support. Since
 * particle and move are redrawn together, the proposal density is the kernel mixture restricted to
 * the support: a constant factor off the mixture, which the normalisation of the weights removes. */
static bool move(struct sim_abc *a, double *x)
{
    double z[MAX_DIM];
    for (int t = 0; t < MAX_TRIES; t++) {
        const double *from = a->kcur + pick(a, gsl_rng_uniform(a->rng)) * a->d;
        for (unsigned j = 0; j < a->d; j++)
            z[j] = gsl_ran_ugaussian(a->rng);
        for (unsigned r = 0; r < a->d; r++) {
            double s = from[r];
            for (unsigned c = 0; c <= r; c++)
                s += a->chol[r * a->d + c] * z[c];
            x[r] = from_kernel(&a->priors[r], s);
        }
        if (sim__abc_in_support(a, x))
            return true;
    }
    return false;
}

sim_status sim_abc_propose(struct sim_abc *a, unsigned gen, const double **theta)
{
    if (a->done || gen != a->gen)
        return SIM_EINVAL;
    if (!a->proposed && a->o.method == SIM_ABC_RESAMPLE_MOVE) {
        sim_status st = sim__abc_rm_propose(a);
        if (st != SIM_OK)
            return st;
        a->proposed = true;
    }
    if (!a->proposed) {
        for (unsigned i = 0; i < a->n; i++) {
            double *x = a->theta + (size_t)i * a->d;
            gsl_rng_set(a->rng, sim_seed_mix(a->o.seed, i, 2u * gen));
            if (gen == 0) {
                for (unsigned j = 0; j < a->d; j++)
                    x[j] = sim_prior_sample(&a->priors[j], a->rng);
            } else if (!move(a, x)) {
                return SIM_EINVARIANT;
            }
        }
        a->proposed = true;
    }
    *theta = a->theta;
    return SIM_OK;
}

static int cmp_double(const void *x, const void *y)
{
    double u = *(const double *)x, v = *(const double *)y;
    return (u > v) - (u < v);
}

void sim__abc_sort(double *x, size_t m)
{
    qsort(x, m, sizeof *x, cmp_double);
}

/* The alpha-quantile of x[0..m-1], sorted: the smallest value with at least alpha of them at or
 * below it. */
static double quantile(const double *x, size_t m, double alpha)
{
    size_t q = (size_t)ceil(alpha * (double)m);
    return x[q > 0 ? q - 1 : 0];
}

/* Generation 0: the alpha-quantile of its finite distances. Later generations: the alpha-quantile
 * of the previous generation's distances within its tolerance, so the tolerance is fixed before
 * the generation's simulations and falls every generation (Beaumont et al. 2009). Never below the
 * final tolerance; +infinity when no distance of generation 0 is finite. */
static double pick_tolerance(struct sim_abc *a, const double *dist)
{
    double eps;
    if (a->completed == 0) {
        size_t m = 0, total = (size_t)a->n * a->reps;
        for (size_t i = 0; i < total; i++)
            if (isfinite(dist[i]))
                a->sorted[m++] = dist[i];
        if (m == 0)
            return INFINITY;
        sim__abc_sort(a->sorted, m);
        eps = quantile(a->sorted, m, a->o.alpha);
    } else {
        eps = quantile(a->accd, a->naccd, a->o.alpha);
    }
    return eps < a->o.final_tolerance ? a->o.final_tolerance : eps;
}

/* Keeps the generation's distances within eps, sorted, for the next tolerance. */
static void keep_accepted(struct sim_abc *a, const double *dist, double eps)
{
    size_t m = 0;
    for (size_t i = 0; i < (size_t)a->n * a->reps; i++)
        if (dist[i] <= eps)
            a->accd[m++] = dist[i];
    sim__abc_sort(a->accd, m);
    a->naccd = m;
}

/* log q(x) up to a constant: log sum_j w_j exp(-|L^-1 (u - u_j)|^2 / 2) - log |du/dx|, u the
 * kernel's scale of x (the Jacobian is 1/x for each log-scale parameter). */
static double log_kernel_mix(const struct sim_abc *a, const double *x)
{
    double u[MAX_DIM], jac = 0.0;
    for (unsigned r = 0; r < a->d; r++) {
        u[r] = to_kernel(&a->priors[r], x[r]);
        jac += sim__abc_log_scale(&a->priors[r]) ? -u[r] : 0.0;
    }
    double mx = -INFINITY, s = 0.0;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned j = 0; j < a->n; j++) {
            if (a->w[j] <= 0.0)
                continue;
            const double *y = a->kcur + (size_t)j * a->d;
            double z[MAX_DIM], q = 0.0;
            for (unsigned r = 0; r < a->d; r++) { /* forward substitution */
                double v = u[r] - y[r];
                for (unsigned c = 0; c < r; c++)
                    v -= a->chol[r * a->d + c] * z[c];
                z[r] = v / a->chol[r * a->d + r];
                q += z[r] * z[r];
            }
            double l = log(a->w[j]) - 0.5 * q;
            if (pass == 0)
                mx = l > mx ? l : mx;
            else
                s += exp(l - mx);
        }
    }
    return mx + log(s) + jac;
}

double sim__abc_log_prior(const struct sim_abc *a, const double *x)
{
    double l = 0.0;
    for (unsigned j = 0; j < a->d; j++)
        l += sim_prior_logpdf(&a->priors[j], x[j]);
    return l;
}

/* Cholesky factor of m (d x d, lower triangle written to l); false when m is not positive definite. */
static bool cholesky(const double *m, unsigned d, double *l)
{
    for (unsigned r = 0; r < d; r++)
        for (unsigned c = 0; c <= r; c++) {
            double s = m[r * d + c];
            for (unsigned k = 0; k < c; k++)
                s -= l[r * d + k] * l[c * d + k];
            if (r == c) {
                if (!(s > 0.0))
                    return false;
                l[r * d + r] = sqrt(s);
            } else {
                l[r * d + c] = s / l[c * d + c];
            }
        }
    return true;
}

/* The prior's sd on the kernel's scale (a log-uniform's log is uniform on [log a, log b]), the
 * scale of the kernel's floor. */
static double kernel_sd(const struct sim_prior *p)
{
    return sim__abc_log_scale(p) ? (log(p->b) - log(p->a)) / sqrt(12.0) : sim_prior_sd(p);
}

/* The kernel of the next generation: `factor` times the weighted covariance of the population on
 * the scale `to` maps it to (PMC: twice, on the kernel's scale; Beaumont et al. 2009). A degenerate
 * population (all weight on one point, or on a line) falls back to a diagonal kernel floored at a millionth
 * of each prior's sd, so moves stay possible. */
void sim__abc_set_kernel(struct sim_abc *a, double factor, double (*to)(const struct sim_prior *, double))
{
    unsigned d = a->d;
    double cov[MAX_DIM * MAX_DIM];
    for (size_t i = 0; i < (size_t)a->n * d; i++)
        a->kcur[i] = to(&a->priors[i % d], a->cur[i]);
    sim_wstats_cov(a->kcur, a->w, a->n, d, cov, NULL);
    for (unsigned i = 0; i < d * d; i++)
        cov[i] *= factor;
    memset(a->chol, 0, (size_t)d * d * sizeof *a->chol);
    if (cholesky(cov, d, a->chol))
        return;
    memset(a->chol, 0, (size_t)d * d * sizeof *a->chol);
    for (unsigned j = 0; j < d; j++) {
        double floor = 1e-6 * kernel_sd(&a->priors[j]);
        double v = cov[j * d + j] > floor * floor ? cov[j * d + j] : floor * floor;
        a->chol[j * d + j] = sqrt(v);
    }
}

/* Log weights of the proposals at tolerance eps; returns the number of accepted simulations. */
static size_t weigh(struct sim_abc *a, const double *dist, double eps)
{
    size_t accepted = 0;
    for (unsigned i = 0; i < a->n; i++) {
        unsigned k = 0;
        for (unsigned r = 0; r < a->reps; r++)
            k += dist[(size_t)i * a->reps + r] <= eps; /* false for NaN */
        a->k[i] = k;
        accepted += k;
        if (k == 0) {
            a->logw[i] = -INFINITY;
            continue;
        }
        const double *x = a->theta + (size_t)i * a->d;
        double lq = a->gen == 0 ? sim__abc_log_prior(a, x) : log_kernel_mix(a, x);
        a->logw[i] = sim__abc_log_prior(a, x) - lq + log((double)k / a->reps);
    }
    return accepted;
}

sim_status sim_abc_update(struct sim_abc *a, const double *dist)
{
    if (!a->proposed)
        return SIM_EINVAL;
    for (size_t i = 0; i < (size_t)a->n * a->reps; i++)
        if (dist[i] < 0.0 && a->live[i / a->reps])
            return SIM_EINVAL;
    if (a->o.method == SIM_ABC_RESAMPLE_MOVE) {
        sim__abc_rm_update(a, dist);
        return SIM_OK;
    }
    double eps = pick_tolerance(a, dist);
    size_t accepted = isinf(eps) ? 0 : weigh(a, dist, eps);
    if (accepted == 0) {
        a->done = true;
        a->proposed = false;
        return SIM_OK;
    }
    double mx = -INFINITY, sum = 0.0, sum2 = 0.0;
    for (unsigned i = 0; i < a->n; i++)
        mx = a->logw[i] > mx ? a->logw[i] : mx;
    for (unsigned i = 0; i < a->n; i++)
        sum += a->w[i] = exp(a->logw[i] - mx);
    double c = 0.0;
    for (unsigned i = 0; i < a->n; i++) {
        a->w[i] /= sum;
        sum2 += a->w[i] * a->w[i];
        a->cum[i] = c += a->w[i];
    }
    memcpy(a->cur, a->theta, (size_t)a->n * a->d * sizeof *a->cur);
    unsigned g = a->completed++;
    a->tol[g] = eps;
    a->acc[g] = (double)accepted / ((double)a->n * a->reps);
    keep_accepted(a, dist, eps);
    a->ess[g] = 1.0 / sum2;
    a->gen++;
    a->proposed = false;
    for (unsigned i = 0; i < a->n; i++)
        a->src_gen[i] = a->gen - 1;
    sim__abc_set_kernel(a, 2.0, to_kernel);
    a->done = a->completed >= a->o.generations ||
              (a->o.final_tolerance > 0.0 && eps <= a->o.final_tolerance) || a->acc[g] < a->o.min_acceptance;
    return SIM_OK;
}

bool sim_abc_live(const struct sim_abc *a, unsigned i)
{
    return a->live[i];
}

void sim_abc_source(const struct sim_abc *a, unsigned i, unsigned *gen, unsigned *src)
{
    *gen = a->src_gen[i], *src = a->src_idx[i];
}

unsigned sim_abc_completed(const struct sim_abc *a)
{
    return a->completed;
}

const double *sim_abc_particles(const struct sim_abc *a)
{
    return a->completed > 0 ? a->cur : NULL;
}

const double *sim_abc_weights(const struct sim_abc *a)
{
    return a->completed > 0 ? a->w : NULL;
}

unsigned sim_abc_dim(const struct sim_abc *a)
{
    return a->d;
}

unsigned sim_abc_nparticles(const struct sim_abc *a)
{
    return a->n;
}

double sim_abc_tolerance(const struct sim_abc *a, unsigned g)
{
    return g < a->completed ? a->tol[g] : NAN;
}

double sim_abc_acceptance(const struct sim_abc *a, unsigned g)
{
    return g < a->completed ? a->acc[g] : NAN;
}

double sim_abc_ess(const struct sim_abc *a, unsigned g)
{
    return g < a->completed ? a->ess[g] : NAN;
}
