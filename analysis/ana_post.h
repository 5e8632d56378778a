/* ana_post.h: study metrics under parameter uncertainty (`dispsim run STUDY --posterior P.h5`).
 *
 * The run's replications are draw-major: replication j belongs to posterior draw j / reps. For
 * each study metric with an interval (ana_study.h: change in arrivals and deaths by mode and in
 * total, net deterrence, displacement ratio, cost per net arrival prevented, freight delay added)
 * and each variant, the metric is computed per draw from that draw's replications alone, paired
 * as ana_study pairs them: a draw estimate m_k with a standard error s_k (the half-width of its
 * interval over its Student-t quantile). Over the K draws where the metric is defined (law of
 * total variance, one-way random-effects ANOVA):
 *   m     = mean of m_k                       the posterior-mean effect
 *   B     = sample variance of m_k            between draws: parameters plus Monte Carlo noise
 *   W     = mean of s_k^2                     Monte Carlo variance of one draw's estimate
 *   Vpar  = max(0, B - W)                     variance of the effect over the posterior
 *   Monte Carlo-only interval: m -+ t(K (reps - 1)) sqrt(W / K)
 *   combined interval:         m -+ t(K - 1) sqrt(Vpar (1 + 1/K) + W / K)
 * The combined interval is a predictive one for the effect at a parameter point drawn from the
 * posterior, around a centre estimated from K draws; it is never narrower than the Monte
 * Carlo-only one and equals it when Vpar is 0. The share of variance due to parameters is
 * Vpar / (Vpar + reps W): of the variance of one replication's paired outcome, the part that the
 * parameters cause (the intraclass correlation; estimable with few draws, unlike the parameters'
 * share of the combined interval, whose Monte Carlo part shrinks as 1/K). Levels are the study's
 * (Bonferroni-adjusted for several variants). Beside these, the spread of the draws themselves:
 * the 5% and 95% quantiles of m_k and the share of draws with m_k > 0. The combined interval is
 * symmetric by construction; over a posterior the effect is often skewed and of one sign in
 * every draw, which these show (each m_k still carries its draw's Monte Carlo noise). */
#ifndef ANA_POST_H
#define ANA_POST_H

#include <stddef.h>

#include "../results/res.h"
#include "../sim/sim_out.h"

/* The entries of the posterior_stat dimension of study/<metric>_posterior, in order (see
 * results/README.md). Files of dispsim 0.2.1 and before end after ANA_PS_DRAWS. */
enum ana_post_stat {
    ANA_PS_MEAN,
    ANA_PS_LOW,
    ANA_PS_HIGH,
    ANA_PS_MC_LOW,
    ANA_PS_MC_HIGH,
    ANA_PS_SHARE,
    ANA_PS_DRAWS,
    ANA_PS_Q05,
    ANA_PS_Q95,
    ANA_PS_POSITIVE,
    ANA_PS_N
};

/* The computed metrics, ready to append to the /study group (see results/README.md). */
struct ana_post;

/* Computes the metrics of a run of `nvariants` variants of ndraws * reps draw-major replications
 * each, read from `src` one variable at a time (rows as ana_study_compute_source reads them).
 * Needs ndraws >= 2 and reps >= 2. NULL with a message in err (out of memory, a read failure). */
struct ana_post *ana_post_compute(const struct sim_out_table *t, const struct res_source *src,
                                  size_t nvariants, size_t ndraws, size_t reps, char *err, size_t errlen);

/* Frees the metrics; accepts NULL. */
void ana_post_free(struct ana_post *p);

/* The datasets of `study` (ana_study_extra of the whole run, borrowed: must outlive the result)
 * followed by the posterior ones, as one /study group for res_meta.extra. Borrowed from p; NULL
 * when out of memory. */
const struct res_extra *ana_post_extra(struct ana_post *p, const struct res_extra *study);

#endif
