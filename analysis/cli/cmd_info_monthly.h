/* cmd_info_monthly.h: `dispsim info --monthly`, the inspector's monthly table (cmd_info_monthly.c).
 * Prints to stdout (command-line code, not library code). */
#ifndef CMD_INFO_MONTHLY_H
#define CMD_INFO_MONTHLY_H

#include <stdbool.h>

#include "../../results/res.h"

/* The monthly/ group of results file f. As a table: for each port, one row per month and panels
 * of columns (searches and detections, detections by search method, by selection, officer-days),
 * each cell the mean over replications with its 95% interval when the panel fits the width, else
 * the mean; of variant `variant`, the baseline (the first) when NULL. As CSV (`csv`): the header
 * variant,port,month,quantity,category,mean,ci95_low,ci95_high,replications and one row per
 * variant (only `variant` when given), port, month, dataset and category (empty for datasets
 * without one; port empty for days_in_window). Returns CLI_OK; CLI_USAGE (message on stderr) when
 * `variant` is not a variant of the file; CLI_DATAERR when the file has no monthly group. */
int cli__info_monthly(struct res_file *f, bool csv, const char *variant);

#endif
