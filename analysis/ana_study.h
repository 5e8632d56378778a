/* ana_study.h: displacement metrics of a study, every variant against the baseline, paired by
 * replication.
 *
 * All variants of replication r ran on the same random streams, so the change in a quantity is
 * measured replication by replication, d_r = x_r(variant) - x_r(baseline), and summarised with a
 * Student-t interval; with k > 1 variants the intervals are Bonferroni-adjusted (level
 * 1 - 0.05 / k) so that all of them hold together with 95% confidence. The unpaired interval (Welch,
 * as if the variants had independent streams) and the share of variance that pairing removes,
 * 1 - var(d) / (var(x_variant) + var(x_baseline)), are reported beside it.
 *
 * Definitions (per variant):
 * - targeted mode: among the modes whose arrivals fall significantly (interval below zero), the one
 *   that falls most; none when no mode falls significantly. Stored as the mode's label.
 * - displacement ratio: the summed rise in arrivals of the other modes that rose / the fall in
 *   the targeted mode, a ratio of means with a delta-method interval; undefined (NaN) when there is
 *   no targeted mode.
 * - net deterrence: the fall in total arrivals (baseline minus variant).
 * - cost per net arrival prevented: the variant's intervention cost over the analysis window /
 *   net deterrence, interval from the deterrence interval; undefined (NaN) when the deterrence
 *   interval includes zero or lies below it.
 * - freight delay added: change in the lorry-weighted mean of freight_delay_mean_min over ports. */
#ifndef ANA_STUDY_H
#define ANA_STUDY_H

#include <stddef.h>

#include "../results/res.h"
#include "../sim/sim_out.h"

/* The computed metrics, ready to write as the /study group (see results/README.md). */
struct ana_study;

/* Computes the metrics from `values` ([nvariants][nreps][t->rep_values]) of a run whose table has
 * totals/arrivals and totals/deaths by "mode" (without them only cost and freight delay are
 * computed). Returns NULL when out of memory. */
struct ana_study *ana_study_compute(const struct sim_out_table *t, const double *values, size_t nvariants,
                                    size_t nreps);

/* As ana_study_compute, reading only the variables it needs from `src`, one at a time (a run
 * streamed through its checkpoint is never whole in memory). NULL with a message in err. */
struct ana_study *ana_study_compute_source(const struct sim_out_table *t, const struct res_source *src,
                                           size_t nvariants, size_t nreps, char *err, size_t errlen);
void ana_study_free(struct ana_study *s);

/* The datasets and dimensions to pass as res_meta.extra; borrowed from `s`. */
const struct res_extra *ana_study_extra(const struct ana_study *s);

#endif
