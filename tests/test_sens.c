/* Sobol indices on the Ishigami function, Morris effects on functions with known effects. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "../sim/sim_sens.h"

static const double A = 7.0, B = 0.1;

static double ishigami(const double *u)
{
    double x1 = -M_PI + 2 * M_PI * u[0], x2 = -M_PI + 2 * M_PI * u[1], x3 = -M_PI + 2 * M_PI * u[2];
    return sin(x1) + A * sin(x2) * sin(x2) + B * pow(x3, 4) * sin(x1);
}

/* The closed form (Ishigami and Homma 1990; Sobol' and Levitan 1999) on [-pi, pi]^3:
 * V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0, V13 = 8 b^2 pi^8 / 225, the rest 0. */
static void exact(double s1[3], double st[3])
{
    double p4 = pow(M_PI, 4), p8 = p4 * p4;
    double v1 = 0.5 * pow(1.0 + B * p4 / 5.0, 2), v2 = A * A / 8.0, v13 = 8.0 * B * B * p8 / 225.0;
    double v = v1 + v2 + v13;
    s1[0] = v1 / v, s1[1] = v2 / v, s1[2] = 0.0;
    st[0] = (v1 + v13) / v, st[1] = v2 / v, st[2] = v13 / v;
}

Test(sens, closed_form_ishigami_indices_are_the_published_ones)
{
    double s1[3], st[3];
    exact(s1, st);
    /* Saltelli et al. 2010 quote them to four places; a check of the formulas above, not of code. */
    cr_assert(fabs(s1[0] - 0.3139) < 5e-5 && fabs(s1[1] - 0.4424) < 5e-5 && fabs(st[0] - 0.5576) < 5e-5);
    cr_assert(fabs(st[2] - 0.2437) < 5e-5);
}

Test(sens, jansen_estimators_recover_the_ishigami_indices_within_their_bootstrap_intervals)
{
    enum { D = 3, N = 8192 };
    double *u = malloc((size_t)(D + 2) * N * D * sizeof *u), *y = malloc((size_t)(D + 2) * N * sizeof *y);
    cr_assert_eq(sim_sens_saltelli(D, N, u), SIM_OK);
    for (size_t k = 0; k < (size_t)(D + 2) * N; k++) {
        for (size_t i = 0; i < D; i++)
            cr_assert(u[k * D + i] >= 0.0 && u[k * D + i] < 1.0);
        y[k] = ishigami(u + k * D);
    }
    struct sim_sobol_index idx[D];
    cr_assert_eq(sim_sens_sobol(D, N, y, 1000, 0.95, 42, idx), SIM_OK);
    double s1[3], st[3];
    exact(s1, st);
    for (int i = 0; i < D; i++) {
        cr_log_info("S%d %.4f [%.4f, %.4f] exact %.4f; ST%d %.4f [%.4f, %.4f] exact %.4f", i + 1, idx[i].s1,
                    idx[i].s1_lo, idx[i].s1_hi, s1[i], i + 1, idx[i].st, idx[i].st_lo, idx[i].st_hi, st[i]);
        cr_assert(idx[i].s1_lo <= s1[i] && s1[i] <= idx[i].s1_hi, "S%d exact %g, estimate %g in [%g, %g]",
                  i + 1, s1[i], idx[i].s1, idx[i].s1_lo, idx[i].s1_hi);
        cr_assert(idx[i].st_lo <= st[i] && st[i] <= idx[i].st_hi, "ST%d exact %g, estimate %g in [%g, %g]",
                  i + 1, st[i], idx[i].st, idx[i].st_lo, idx[i].st_hi);
        /* The intervals say something: narrower than the gaps between the indices. */
        cr_assert_lt(idx[i].st_hi - idx[i].st_lo, 0.1);
    }
    /* The same seed gives the same intervals. */
    struct sim_sobol_index again[D];
    cr_assert_eq(sim_sens_sobol(D, N, y, 1000, 0.95, 42, again), SIM_OK);
    cr_assert_eq(again[2].st_hi, idx[2].st_hi);
    free(u), free(y);
}

Test(sens, sobol_refuses_bad_input)
{
    double u[5 * 4 * 3], y[5 * 4] = {0};
    struct sim_sobol_index idx[3];
    cr_assert_eq(sim_sens_saltelli(0, 4, u), SIM_EINVAL);
    cr_assert_eq(sim_sens_saltelli(21, 4, u), SIM_EINVAL);
    cr_assert_eq(sim_sens_saltelli(3, 1, u), SIM_EINVAL);
    cr_assert_eq(sim_sens_sobol(3, 4, y, 10, 0.95, 1, idx), SIM_EINVAL); /* constant f */
    y[3] = NAN;
    cr_assert_eq(sim_sens_sobol(3, 4, y, 10, 0.95, 1, idx), SIM_EINVAL);
    y[3] = 2.375;
    cr_assert_eq(sim_sens_sobol(3, 4, y, 10, 1.0, 1, idx), SIM_EINVAL);
    cr_assert_eq(sim_sens_sobol(3, 4, y, 0, 0.95, 1, idx), SIM_OK);
    cr_assert(isnan(idx[0].s1_lo));
}

static const double C[5] = {5.0, -3.0, 1.0, 0.25, 0.0};

Test(sens, morris_recovers_linear_effects_and_ranks_them)
{
    enum { D = 5, R = 20, P = 4 };
    double *u = malloc(R * (D + 1) * D * sizeof *u), y[R * (D + 1)];
    cr_assert_eq(sim_sens_morris_design(D, R, P, 7, u), SIM_OK);
    for (int k = 0; k < R * (D + 1); k++) {
        y[k] = 1.5;
        for (int i = 0; i < D; i++) {
            double x = u[k * D + i];
            cr_assert(x >= 0.0 && x <= 1.0 + 1e-12);
            y[k] += C[i] * x;
        }
    }
    struct sim_morris_effect e[D];
    cr_assert_eq(sim_sens_morris(D, R, u, y, e), SIM_OK);
    /* A linear function's elementary effects are its coefficients exactly, up to the rounding of
     * a difference of sums of D terms of size |C| <= 5. */
    double tol = 64 * 5 * D * DBL_EPSILON / (P / (2.0 * (P - 1)));
    for (int i = 0; i < D; i++) {
        cr_assert(fabs(e[i].mu - C[i]) < tol, "mu%d = %g", i, e[i].mu);
        cr_assert(fabs(e[i].mu_star - fabs(C[i])) < tol);
        cr_assert(e[i].sigma < tol * 10);
    }
    for (int i = 0; i + 1 < D; i++)
        cr_assert_gt(e[i].mu_star, e[i + 1].mu_star); /* ranks follow |C| */
    /* An interaction x1 * x2 gives those two a spread of effects and leaves the others at none. */
    for (int k = 0; k < R * (D + 1); k++)
        y[k] += 4.0 * u[k * D] * u[k * D + 1];
    cr_assert_eq(sim_sens_morris(D, R, u, y, e), SIM_OK);
    cr_assert_gt(e[0].sigma, 0.1);
    cr_assert_gt(e[1].sigma, 0.1);
    cr_assert_lt(e[2].sigma, tol * 10);
    /* A trajectory that moves two coordinates at once is refused. */
    u[D] = u[0] + 0.5, u[D + 1] = u[1] + 0.5;
    cr_assert_eq(sim_sens_morris(D, R, u, y, e), SIM_EINVAL);
    cr_assert_eq(sim_sens_morris_design(D, R, 3, 7, u), SIM_EINVAL);
    cr_assert_eq(sim_sens_morris_design(0, R, 4, 7, u), SIM_EINVAL);
    free(u);
}
