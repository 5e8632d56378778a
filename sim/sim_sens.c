/* Saltelli designs, Jansen estimators with bootstrap intervals, and Morris elementary effects. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "sim_rng.h"
#include "sim_sens.h"

sim_status sim_sens_saltelli(unsigned d, size_t n, double *u)
{
    if (d == 0 || d > SIM_SENS_MAX_SOBOL_DIM || n < 2)
        return SIM_EINVAL;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 2 * d);
    if (q == NULL)
        return SIM_ENOMEM;
    double v[2 * SIM_SENS_MAX_SOBOL_DIM];
    gsl_qrng_get(q, v); /* the origin: skipped, it sits on every face of the cube */
    for (size_t j = 0; j < n; j++) {
        gsl_qrng_get(q, v);
        double *a = u + j * d, *b = u + (n + j) * d;
        memcpy(a, v, d * sizeof *v);
        memcpy(b, v + d, d * sizeof *v);
        for (unsigned i = 0; i < d; i++) {
            double *ab = u + ((2 + i) * n + j) * d;
            memcpy(ab, a, d * sizeof *v);
            ab[i] = b[i];
        }
    }
    gsl_qrng_free(q);
    return SIM_OK;
}

/* Jansen's estimators over the rows idx[0..n-1] (NULL: rows 0..n-1). */
static void jansen(unsigned d, size_t n, const double *y, const size_t *idx, double *s1, double *st)
{
    const double *ya = y, *yb = y + n;
    double sum = 0.0, sum2 = 0.0;
    for (size_t k = 0; k < n; k++) {
        size_t j = idx ? idx[k] : k;
        sum += ya[j] + yb[j];
    }
    double mean = sum / (2.0 * (double)n);
    for (size_t k = 0; k < n; k++) {
        size_t j = idx ? idx[k] : k;
        sum2 += (ya[j] - mean) * (ya[j] - mean) + (yb[j] - mean) * (yb[j] - mean);
    }
    double var = sum2 / (2.0 * (double)n - 1.0);
    for (unsigned i = 0; i < d; i++) {
        const double *yab = y + (2 + i) * n;
        double e1 = 0.0, et = 0.0;
        for (size_t k = 0; k < n; k++) {
            size_t j = idx ? idx[k] : k;
            e1 += (yb[j] - yab[j]) * (yb[j] - yab[j]);
            et += (ya[j] - yab[j]) * (ya[j] - yab[j]);
        }
        s1[i] = 1.0 - e1 / (2.0 * (double)n * var);
        st[i] = et / (2.0 * (double)n * var);
    }
}

static int cmp_double(const void *x, const void *y)
{
    double u = *(const double *)x, v = *(const double *)y;
    return (u > v) - (u < v);
}

/* Percentile interval of v[0..m-1] (sorted in place) at `level`. */
static void percentile(double *v, size_t m, double level, double *lo, double *hi)
{
    qsort(v, m, sizeof *v, cmp_double);
    double a = 0.5 * (1.0 - level);
    size_t i = (size_t)floor(a * (double)(m - 1)), j = (size_t)ceil((1.0 - a) * (double)(m - 1));
    *lo = v[i], *hi = v[j];
}

static sim_status bootstrap(unsigned d, size_t n, const double *y, unsigned nboot, double level,
                            uint64_t seed, struct sim_sobol_index *out)
{
    sim_status st = SIM_ENOMEM;
    size_t *idx = malloc(n * sizeof *idx);
    double *b1 = malloc((size_t)nboot * d * sizeof *b1), *bt = malloc((size_t)nboot * d * sizeof *bt);
    double *col = malloc(nboot * sizeof *col);
    gsl_rng *r = gsl_rng_alloc(sim_rng_philox);
    if (idx == NULL || b1 == NULL || bt == NULL || col == NULL || r == NULL)
        goto done;
    for (unsigned b = 0; b < nboot; b++) {
        gsl_rng_set(r, sim_seed_mix(seed, b, 0));
        for (size_t k = 0; k < n; k++)
            idx[k] = (size_t)gsl_rng_uniform_int(r, n);
        jansen(d, n, y, idx, b1 + (size_t)b * d, bt + (size_t)b * d);
    }
    for (unsigned i = 0; i < d; i++) {
        for (unsigned b = 0; b < nboot; b++)
            col[b] = b1[(size_t)b * d + i];
        percentile(col, nboot, level, &out[i].s1_lo, &out[i].s1_hi);
        for (unsigned b = 0; b < nboot; b++)
            col[b] = bt[(size_t)b * d + i];
        percentile(col, nboot, level, &out[i].st_lo, &out[i].st_hi);
    }
    st = SIM_OK;
done:
    free(idx), free(b1), free(bt), free(col);
    if (r != NULL)
        gsl_rng_free(r);
    return st;
}

sim_status sim_sens_sobol(unsigned d, size_t n, const double *y, unsigned nboot, double level, uint64_t seed,
                          struct sim_sobol_index *out)
{
    if (d == 0 || d > SIM_SENS_MAX_SOBOL_DIM || n < 2 || !(level > 0.0 && level < 1.0))
        return SIM_EINVAL;
    bool varies = false;
    for (size_t k = 0; k < (d + 2) * n; k++) {
        if (!isfinite(y[k]))
            return SIM_EINVAL;
        varies |= y[k] != y[0];
    }
    if (!varies)
        return SIM_EINVAL;
    double s1[SIM_SENS_MAX_SOBOL_DIM], st[SIM_SENS_MAX_SOBOL_DIM];
    jansen(d, n, y, NULL, s1, st);
    struct sim_sobol_index tmp[SIM_SENS_MAX_SOBOL_DIM];
    for (unsigned i = 0; i < d; i++)
        tmp[i] = (struct sim_sobol_index){s1[i], NAN, NAN, st[i], NAN, NAN};
    if (nboot > 0) {
        sim_status s = bootstrap(d, n, y, nboot, level, seed, tmp);
        if (s != SIM_OK)
            return s;
    }
    memcpy(out, tmp, d * sizeof *out);
    return SIM_OK;
}

sim_status sim_sens_morris_design(unsigned d, unsigned r, unsigned p, uint64_t seed, double *u)
{
    if (d == 0 || d > 1000 || r == 0 || p < 2 || p % 2 != 0)
        return SIM_EINVAL;
    unsigned *order = malloc(d * sizeof *order);
    gsl_rng *g = gsl_rng_alloc(sim_rng_philox);
    if (order == NULL || g == NULL) {
        free(order);
        if (g != NULL)
            gsl_rng_free(g);
        return SIM_ENOMEM;
    }
    double step = 1.0 / (p - 1), delta = p / (2.0 * (p - 1));
    for (unsigned t = 0; t < r; t++) {
        gsl_rng_set(g, sim_seed_mix(seed, t, 1));
        double *x = u + (size_t)t * (d + 1) * d;
        for (unsigned i = 0; i < d; i++) {
            x[i] = step * (double)gsl_rng_uniform_int(g, p);
            order[i] = i;
        }
        for (unsigned i = d; i > 1; i--) { /* Fisher-Yates */
            unsigned j = (unsigned)gsl_rng_uniform_int(g, i), tmp = order[i - 1];
            order[i - 1] = order[j], order[j] = tmp;
        }
        for (unsigned s = 0; s < d; s++) {
            double *next = x + (size_t)(s + 1) * d;
            memcpy(next, x + (size_t)s * d, d * sizeof *x);
            unsigned k = order[s];
            next[k] += next[k] + delta <= 1.0 + 1e-12 ? delta : -delta;
        }
    }
    free(order);
    gsl_rng_free(g);
    return SIM_OK;
}

sim_status sim_sens_morris(unsigned d, unsigned r, const double *u, const double *y,
                           struct sim_morris_effect *out)
{
    if (d == 0 || r == 0)
        return SIM_EINVAL;
    double *sum = calloc(4 * (size_t)d, sizeof *sum);
    if (sum == NULL)
        return SIM_ENOMEM;
    /* sum: Welford's running mean; cnt: effects seen (r when every trajectory moves each once). */
    double *sabs = sum + d, *m2 = sum + 2 * (size_t)d, *cnt = sum + 3 * (size_t)d;
    sim_status st = SIM_OK;
    for (unsigned t = 0; t < r && st == SIM_OK; t++) {
        const double *x = u + (size_t)t * (d + 1) * d, *f = y + (size_t)t * (d + 1);
        for (unsigned s = 0; s < d && st == SIM_OK; s++) {
            const double *a = x + (size_t)s * d, *b = a + d;
            unsigned moved = d, nmoved = 0;
            for (unsigned i = 0; i < d; i++)
                if (a[i] != b[i])
                    moved = i, nmoved++;
            if (nmoved != 1 || !isfinite(f[s]) || !isfinite(f[s + 1])) {
                st = SIM_EINVAL;
                break;
            }
            double ee = (f[s + 1] - f[s]) / (b[moved] - a[moved]);
            double dev = ee - sum[moved];
            cnt[moved] += 1.0;
            sum[moved] += dev / cnt[moved];
            m2[moved] += dev * (ee - sum[moved]);
            sabs[moved] += fabs(ee);
        }
    }
    for (unsigned i = 0; i < d && st == SIM_OK; i++) {
        double v = cnt[i] > 1.0 ? m2[i] / (cnt[i] - 1.0) : 0.0;
        out[i] = (struct sim_morris_effect){sum[i], cnt[i] > 0.0 ? sabs[i] / cnt[i] : 0.0, sqrt(v)};
    }
    free(sum);
    return st;
}
