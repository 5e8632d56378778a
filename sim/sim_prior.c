/* Prior distributions: sampling, densities and supports. */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "sim_prior.h"

static const double LOG_SQRT_2PI = 0.91893853320467274178;

static sim_status fail(char *why, size_t whylen, const char *msg)
{
    if (why != NULL && whylen > 0)
        snprintf(why, whylen, "%s", msg);
    return SIM_EINVAL;
}

/* The standard normal mass of [(lo - m)/s, (hi - m)/s], computed on the side of the mean where
 * the tail probabilities do not cancel. */
static double trunc_mass(const struct sim_prior *p)
{
    double za = (p->lo - p->a) / p->b, zb = (p->hi - p->a) / p->b;
    if (za > 0.0)
        return gsl_cdf_ugaussian_Q(za) - gsl_cdf_ugaussian_Q(zb);
    return gsl_cdf_ugaussian_P(zb) - gsl_cdf_ugaussian_P(za);
}

sim_status sim_prior_check(const struct sim_prior *p, char *why, size_t whylen)
{
    if (!isfinite(p->a) || !isfinite(p->b))
        return fail(why, whylen, "the parameters must be finite numbers");
    switch (p->kind) {
    case SIM_PRIOR_UNIFORM: return p->a < p->b ? SIM_OK : fail(why, whylen, "min must be below max");
    case SIM_PRIOR_LOGUNIFORM:
        return p->a > 0.0 && p->a < p->b ? SIM_OK : fail(why, whylen, "needs 0 < min < max");
    case SIM_PRIOR_NORMAL: return p->b > 0.0 ? SIM_OK : fail(why, whylen, "sd must be > 0");
    case SIM_PRIOR_TRUNCNORMAL:
        if (!(p->b > 0.0))
            return fail(why, whylen, "sd must be > 0");
        if (isnan(p->lo) || isnan(p->hi) || !(p->lo < p->hi) || (isinf(p->lo) && isinf(p->hi)))
            return fail(why, whylen, "needs lo < hi, at least one of them finite");
        return trunc_mass(p) > 1e-12 ? SIM_OK : fail(why, whylen, "[lo, hi] holds no prior mass");
    }
    return fail(why, whylen, "unknown prior kind");
}

void sim_prior_support(const struct sim_prior *p, double *lo, double *hi)
{
    switch (p->kind) {
    case SIM_PRIOR_UNIFORM:
    case SIM_PRIOR_LOGUNIFORM: *lo = p->a, *hi = p->b; return;
    case SIM_PRIOR_NORMAL: *lo = -INFINITY, *hi = INFINITY; return;
    case SIM_PRIOR_TRUNCNORMAL: *lo = p->lo, *hi = p->hi; return;
    }
}

bool sim_prior_in_support(const struct sim_prior *p, double x)
{
    double lo, hi;
    sim_prior_support(p, &lo, &hi);
    return x >= lo && x <= hi;
}

double sim_prior_sample(const struct sim_prior *p, gsl_rng *r)
{
    switch (p->kind) {
    case SIM_PRIOR_UNIFORM: return p->a + (p->b - p->a) * gsl_rng_uniform(r);
    case SIM_PRIOR_LOGUNIFORM: return exp(log(p->a) + (log(p->b) - log(p->a)) * gsl_rng_uniform(r));
    case SIM_PRIOR_NORMAL: return p->a + p->b * gsl_ran_ugaussian(r);
    case SIM_PRIOR_TRUNCNORMAL: break;
    }
    return sim_prior_quantile(p, gsl_rng_uniform_pos(r));
}

double sim_prior_quantile(const struct sim_prior *p, double u)
{
    switch (p->kind) {
    case SIM_PRIOR_UNIFORM: return p->a + (p->b - p->a) * u;
    case SIM_PRIOR_LOGUNIFORM: return exp(log(p->a) + (log(p->b) - log(p->a)) * u);
    case SIM_PRIOR_NORMAL: return p->a + p->b * gsl_cdf_ugaussian_Pinv(u);
    case SIM_PRIOR_TRUNCNORMAL: break;
    }
    double za = (p->lo - p->a) / p->b, zb = (p->hi - p->a) / p->b, z;
    if (za > 0.0) { /* right of the mean: invert the upper tail, which keeps its precision there */
        double qa = gsl_cdf_ugaussian_Q(za), qb = gsl_cdf_ugaussian_Q(zb);
        z = gsl_cdf_ugaussian_Qinv(qa - u * (qa - qb));
    } else {
        double pa = gsl_cdf_ugaussian_P(za), pb = gsl_cdf_ugaussian_P(zb);
        z = gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    }
    double x = p->a + p->b * z;
    return x < p->lo ? p->lo : x > p->hi ? p->hi : x; /* rounding at the ends */
}

double sim_prior_logpdf(const struct sim_prior *p, double x)
{
    if (!sim_prior_in_support(p, x))
        return -INFINITY;
    double z;
    switch (p->kind) {
    case SIM_PRIOR_UNIFORM: return -log(p->b - p->a);
    case SIM_PRIOR_LOGUNIFORM: return -log(x) - log(log(p->b) - log(p->a));
    case SIM_PRIOR_NORMAL: z = (x - p->a) / p->b; return -0.5 * z * z - log(p->b) - LOG_SQRT_2PI;
    case SIM_PRIOR_TRUNCNORMAL:
        z = (x - p->a) / p->b;
        return -0.5 * z * z - log(p->b) - LOG_SQRT_2PI - log(trunc_mass(p));
    }
    return -INFINITY;
}

double sim_prior_mean(const struct sim_prior *p)
{
    switch (p->kind) {
    case SIM_PRIOR_UNIFORM: return 0.5 * (p->a + p->b);
    case SIM_PRIOR_LOGUNIFORM: return (p->b - p->a) / (log(p->b) - log(p->a));
    case SIM_PRIOR_NORMAL: return p->a;
    case SIM_PRIOR_TRUNCNORMAL: break;
    }
    double za = (p->lo - p->a) / p->b, zb = (p->hi - p->a) / p->b;
    double pa = isinf(za) ? 0.0 : gsl_ran_ugaussian_pdf(za), pb = isinf(zb) ? 0.0 : gsl_ran_ugaussian_pdf(zb);
    return p->a + p->b * (pa - pb) / trunc_mass(p);
}

double sim_prior_sd(const struct sim_prior *p)
{
    double l, h, m;
    switch (p->kind) {
    case SIM_PRIOR_UNIFORM: return (p->b - p->a) / sqrt(12.0);
    case SIM_PRIOR_LOGUNIFORM:
        l = log(p->b) - log(p->a), m = (p->b - p->a) / l;
        return sqrt((p->b * p->b - p->a * p->a) / (2.0 * l) - m * m);
    case SIM_PRIOR_NORMAL: return p->b;
    case SIM_PRIOR_TRUNCNORMAL: break;
    }
    double za = (p->lo - p->a) / p->b, zb = (p->hi - p->a) / p->b, z = trunc_mass(p);
    double pa = isinf(za) ? 0.0 : gsl_ran_ugaussian_pdf(za), pb = isinf(zb) ? 0.0 : gsl_ran_ugaussian_pdf(zb);
    double ta = isinf(za) ? 0.0 : za * pa, tb = isinf(zb) ? 0.0 : zb * pb;
    l = (pa - pb) / z;
    h = 1.0 + (ta - tb) / z - l * l;
    return p->b * sqrt(h > 0.0 ? h : 0.0);
}

const char *sim_prior_kind_str(enum sim_prior_kind k)
{
    switch (k) {
    case SIM_PRIOR_UNIFORM: return "uniform";
    case SIM_PRIOR_LOGUNIFORM: return "loguniform";
    case SIM_PRIOR_NORMAL: return "normal";
    case SIM_PRIOR_TRUNCNORMAL: return "truncnormal";
    }
    return "unknown";
}
