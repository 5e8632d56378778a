/* cli.h: the dispsim commands, one file each (cmd_NAME.c), called by main() only. Each takes the
 * command's own argv (argv[0] is the command name) and returns a sysexits.h exit code
 * (cli_common.h); only this layer prints to stdout, and only main() exits. */
#ifndef CLI_H
#define CLI_H

#include "cli_common.h"

/* dispsim run (cmd_run.c): options, then the run orchestration of run.h. */
int cli_run(int argc, char **argv);

/* dispsim validate (cmd_validate.c): checks scenario files without running them. */
int cli_validate(int argc, char **argv);

/* dispsim validate --reference (cmd_validate_reference.c): prints the scenario parameter reference
 * (path, type, range, default, unit, description of every field) as a Markdown table. */
int cli_validate_reference(void);

/* dispsim info (cmd_info.c): summarises a results file or a checkpoint. */
int cli_info(int argc, char **argv);

/* dispsim bench (cmd_bench.c); `bench --scaling` goes on to cli_bench_scaling
 * (cmd_bench_scaling.c). */
int cli_bench(int argc, char **argv);
int cli_bench_scaling(int argc, char **argv);
/* dispsim bench --calibration CALIB.yaml (cmd_bench_calib.c): a particle run against a
 * replication of the calibration's scenario. */
int cli_bench_calib(int argc, char **argv);

/* dispsim report (cmd_report.c): the HTML page of a results file. */
int cli_report(int argc, char **argv);

/* dispsim reproduce (cmd_reproduce.c): re-runs a results file and compares it bit for bit. */
int cli_reproduce(int argc, char **argv);

/* dispsim merge (cmd_merge.c): the shard files of one run into the whole run's file. */
int cli_merge(int argc, char **argv);
int cli_calibrate(int argc, char **argv);

/* dispsim sensitivity (cmd_sensitivity.c): Sobol indices and Morris effects of a study's metrics. */
int cli_sensitivity(int argc, char **argv);

#endif
