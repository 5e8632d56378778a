/* cmd_info_sens.h: `dispsim info` on a sensitivity file (cmd_info_sens.c). */
#ifndef CMD_INFO_SENS_H
#define CMD_INFO_SENS_H

/* Prints the sensitivity file `path` (res_sens_is is true for it): its parameters and ranges, then
 * per output the parameters ranked by total-order Sobol index (S1, ST with intervals) and the Morris
 * statistics. Returns the exit code. */
int cli__info_sens(const char *path);

#endif
