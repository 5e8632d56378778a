/* The civil-penalty scheme in the full model (issue 14 phase 2): scenarios/baseline.yaml, cut to
 * 300 days without warm-up so that every case and pound of the run is in the outputs, against
 * the same run with no caseworkers, paired by replication (common random numbers). */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "world_helpers.h"

enum { REPS = 6 };

static const char *const cut_from[] = {"warmup_days: 90", "horizon_days: 365"};
static const char *const cut_to[] = {"warmup_days: 0", "horizon_days: 300"};

static struct world_run baseline_cut(const char *team_from, const char *team_to)
{
    const char *from[3] = {cut_from[0], cut_from[1], team_from};
    const char *to[3] = {cut_to[0], cut_to[1], team_to};
    char *text = baseline_with(from, to, team_from != NULL ? 3 : 2);
    struct world_run r = world_run_text(text, REPS, 20250325);
    free(text);
    return r;
}

/* Half-width of the paired 95% Student-t interval of d[0..n). */
static double half_width(const double *d, size_t n, double *mean)
{
    double m = 0.0, v = 0.0;
    for (size_t i = 0; i < n; i++)
        m += d[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        v += (d[i] - m) * (d[i] - m) / (double)(n - 1);
    *mean = m;
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sqrt(v / (double)n);
}

Test(cecps_world, zero_caseworkers_impose_nothing_keep_every_referral_and_fewer_hauliers_secure,
     .timeout = 600)
{
    struct world_run base = baseline_cut(NULL, NULL);
    struct world_run none = baseline_cut("team: {staff: 5,", "team: {staff: 0,");
    double d[REPS];
    for (size_t r = 0; r < REPS; r++) {
        double referrals = total(none.w, none.v, r, "referrals", 0);
        cr_expect_gt(referrals, 100.0, "replication %zu: incidents are referred", r);
        cr_expect_eq(total(none.w, none.v, r, "penalties_imposed", 0), 0.0, "replication %zu", r);
        cr_expect_eq(total(none.w, none.v, r, "penalty_value_gbp", 0), 0.0, "replication %zu", r);
        cr_expect_eq(total(none.w, none.v, r, "team_backlog_end", 0), referrals,
                     "replication %zu: every referral waits (no lapse before 365 days)", r);
        cr_expect_gt(total(base.w, base.v, r, "penalties_imposed", 0), 0.0, "replication %zu", r);
        d[r] = total(base.w, base.v, r, "secured_share_end", 0) -
               total(none.w, none.v, r, "secured_share_end", 0);
    }
    double mean, hw = half_width(d, REPS, &mean);
    cr_expect(mean - hw > 0.0, "hauliers securing, baseline minus no team: %g +- %g (paired 95%%)", mean, hw);
    world_run_free(&base);
    world_run_free(&none);
}

/* Without warm-up the window holds the whole ledger: imposed = collected + cancelled or reduced +
 * written off + outstanding, replication by replication (the model checks it in pence as an
 * invariant at the end of every replication, which would have failed the run). */
Test(cecps_world, money_is_conserved_in_every_replication_of_the_full_model, .timeout = 600)
{
    struct world_run base = baseline_cut(NULL, NULL);
    for (size_t r = 0; r < REPS; r++) {
        double imposed = total(base.w, base.v, r, "penalty_value_gbp", 0);
        double parts = total(base.w, base.v, r, "debt_collected_gbp", 0) +
                       total(base.w, base.v, r, "reduced_gbp", 0) +
                       total(base.w, base.v, r, "debt_written_off_gbp", 0) +
                       total(base.w, base.v, r, "debt_outstanding_gbp", 0);
        cr_expect_gt(imposed, 1e6, "replication %zu", r);
        cr_expect(fabs(imposed - parts) <= 1e-9 * imposed, "replication %zu: imposed %.2f, parts %.2f", r,
                  imposed, parts);
        cr_expect_eq(total(base.w, base.v, r, "cases_lapsed", 0), 0.0, "replication %zu", r);
    }
    world_run_free(&base);
}
