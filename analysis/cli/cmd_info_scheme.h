/* cmd_info_scheme.h: `dispsim info --scheme`, the civil-penalty scheme's annual report
 * (cmd_info_scheme.c). Prints to stdout (command-line code, not library code). */
#ifndef CMD_INFO_SCHEME_H
#define CMD_INFO_SCHEME_H

#include <stdbool.h>

#include "../../results/res.h"

/* Prints the annual report of every variant and year, as text or (csv) as the table
 * variant,year,quantity,mean,ci95_low,ci95_high; with a scheme_off variant, the baseline's years
 * end with the deterrent effect. Returns CLI_OK, or CLI_DATAERR (message on stderr) when the file
 * has no scheme report. */
int cli__info_scheme(struct res_file *f, bool csv);

#endif
