/* cmd_info_study.h: the study part of `dispsim info`: the decision table, the study's detail and
 * comparisons between two variants. They print to stdout (command-line code, not library code). */
#ifndef CMD_INFO_STUDY_H
#define CMD_INFO_STUDY_H

#include "../../results/res.h"

/* The decision table of a study (one row per variant, ranked by cost per net arrival prevented);
 * prints nothing for a file without a study. */
void cli__info_decisions(struct res_file *f);

/* The detail of a study: per variant, the paired change in arrivals by mode (paired and unpaired
 * intervals, variance removed by common random numbers), deaths and the decision's numbers.
 * Returns CLI_OK (nothing printed without a study). */
int cli__info_study(struct res_file *f);

/* The study under parameter uncertainty of a run with --posterior (cmd_info_post.c): per variant,
 * each metric's combined and Monte Carlo-only intervals and the parameter share. Prints nothing for
 * a file without posterior draws. */
void cli__info_study_posterior(struct res_file *f, const char *const *variants, size_t nv);

/* Variant b against variant a, paired by replication. CLI_OK, or CLI_USAGE with a message on
 * stderr when a or b is not a variant of the file. */
int cli__info_compare(struct res_file *f, const char *a, const char *b);

#endif
