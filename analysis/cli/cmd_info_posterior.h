/* cmd_info_posterior.h: `dispsim info POSTERIOR.h5`, the summary of a calibration's posterior file
 * (res_posterior.h). Prints to stdout (command-line code, not library code). */
#ifndef CMD_INFO_POSTERIOR_H
#define CMD_INFO_POSTERIOR_H

#include <stdbool.h>

/* Prints, per parameter, the weighted mean, median and 90% credible interval beside the prior's
 * range, the generations, the weighted correlations, the posterior predictive of every point and,
 * per target, how many of its observed periods lie inside the predictive 90% band [q05, q95].
 * With csv only rows "parameter,mean,q05,q50,q95"; with csv and predictive only rows
 * "target,period,observed,q05,q50,q95,inside" (inside 1 or 0). Returns the exit code (messages on
 * stderr). */
int cli__info_posterior(const char *path, bool csv, bool predictive);

#endif
