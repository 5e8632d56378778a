/* cli_common.h: what every dispsim command shares: the exit codes and the mapping of statuses to
 * them, the monotonic clock, the signal flags, the checks of an output file, the reporting of a bad
 * option and the loading of a scenario file. Commands depend on this module (and on the run
 * orchestration in run.h), never on one another. Only the command-line layer prints. */
#ifndef CLI_COMMON_H
#define CLI_COMMON_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "../../sim/sim_status.h"

struct mdl_scenario;
struct res_file;

/* Exit codes from sysexits.h, named here so every command uses the same meaning. */
enum {
    CLI_OK = 0,
    CLI_USAGE = 64,     /* EX_USAGE: bad command line */
    CLI_DATAERR = 65,   /* EX_DATAERR: bad scenario data */
    CLI_NOINPUT = 66,   /* EX_NOINPUT: input missing or unreadable */
    CLI_SOFTWARE = 70,  /* EX_SOFTWARE: an internal invariant failed (a bug: please report) */
    CLI_CANTCREAT = 73, /* EX_CANTCREAT: cannot create the output */
    CLI_IOERR = 74,     /* EX_IOERR: input/output error */
    CLI_TEMPFAIL = 75,  /* EX_TEMPFAIL: interrupted; run again */
};

/* Maps a status from the loader or results layer to an exit code. */
int cli_exit_code(sim_status status);

/* Seconds on the monotonic clock, for timing and progress. Thread-safe. */
double cli_wall_now(void);

/* Set by the handlers cli_catch_signals installs: cli_interrupted (SIGINT, SIGTERM, SIGUSR1) means
 * start no new work; cli_abandon (SIGINT, SIGTERM) means give up the work in progress too. */
extern volatile sig_atomic_t cli_interrupted, cli_abandon;

/* Installs the handlers that set cli_interrupted and cli_abandon, and ignores SIGXFSZ so that a
 * file-size limit makes write() fail (reported) instead of killing the process. Called once, by
 * main. */
void cli_catch_signals(void);

/* Prints "dispsim CMD: " and the printf-formatted message on stderr, then, when `help` is not
 * NULL, a blank line and `help`. Returns CLI_USAGE, for `return cli_usage_error(...)`. */
int cli_usage_error(const char *cmd, const char *help, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* After getopt_long returned '?' (an unknown option) or ':' (an option without its value; the
 * optstring must start with ':' so that getopt itself prints nothing): prints one line, "dispsim
 * CMD: unknown option '--x'" or "dispsim CMD: -r needs a value", and the hint "see 'dispsim CMD
 * --help'", instead of the whole help. `c` is what getopt returned. Returns CLI_USAGE. */
int cli_bad_option(const char *cmd, int c, char **argv);

/* If `path` is a results file or a checkpoint given where a scenario was expected, prints what it
 * is and which command reads it, and returns CLI_DATAERR; CLI_OK otherwise (a file that is neither,
 * or that cannot be read, is left to the scenario loader to report). */
int cli_not_a_scenario(const char *cmd, const char *path);

/* Parses the whole string `s` as a base-10 integer in [lo, hi] into *out; false (and *out left
 * alone) otherwise. */
bool cli_parse_count(const char *s, long lo, long hi, long *out);

/* The base name of `input` without its extension, plus `ext` (".h5"), in the current directory;
 * malloc'd (the caller frees it), NULL when out of memory. */
char *cli_default_output(const char *input, const char *ext);

/* Parses the options of a command whose only options are -o/--output FILE, -f/--force and
 * -h/--help (printing `help`). *out borrows from argv. Returns -1 to go on (operands from
 * optind), else the exit code. */
int cli_output_options(int argc, char **argv, const char *help, const char **out, bool *force);

/* The options of the commands that run a checkpointed job (calibrate, sensitivity). */
struct cli_job_opts {
    const char *input; /* the one operand */
    const char *out;   /* -o/--output FILE, NULL when not given */
    const char *extra; /* the value of the command's own option (see cli_job_options), or NULL */
    int threads;       /* -j/--threads N, 0 when not given */
    bool resume, force, quiet;
};

/* Parses -o/--output FILE, -j/--threads N (1..4096), --resume, -f/--force, -q/--quiet, -h/--help
 * (printing `help` on stdout) and, when `extra` is not NULL, the option --EXTRA VALUE, then exactly
 * one operand, into *o (zeroed first; its strings borrow from argv). A bad option or operand prints
 * "dispsim CMD: " and the problem ("expected one WHAT" for the operand) with `help`, on stderr.
 * Returns -1 to go on, else the exit code (CLI_OK after --help, CLI_USAGE). */
int cli_job_options(int argc, char **argv, const char *cmd, const char *help, const char *what,
                    const char *extra, struct cli_job_opts *o);

/* Prints a file loader's message `err` (every problem, one a line) on stderr, adding the final
 * newline when it lacks one, and returns cli_exit_code(st). */
int cli_load_failed(const char *err, sim_status st);

/* Checks, before any work, that `out` can be created: not a directory, not an existing file unless
 * `force`, in a writable directory. Prints "dispsim CMD: ..." and returns CLI_CANTCREAT if not
 * (CLI_SOFTWARE when out of memory), else CLI_OK. */
int cli_check_output(const char *cmd, const char *out, bool force);

/* Opens the results file `path` (res_open: checksum, probe, schema) into *f (the caller closes it
 * with res_close). On failure prints "dispsim CMD: " and why, and returns the exit code; CLI_OK
 * otherwise. */
int cli_open_results(const char *cmd, const char *path, struct res_file **f);

/* Loads and validates the scenario file `path` into *s (the caller destroys it with
 * mdl_scenario_destroy). On failure prints every problem on stderr and returns its exit code;
 * CLI_OK otherwise. */
int cli_load_scenario(const char *path, struct mdl_scenario **s);

/* A parallel job's first failure: under `lock`, records (st, item, msg into msg[len]) when no
 * failure is recorded yet (*status is SIM_OK) or `item` comes before the recorded one, so that
 * the failure reported does not depend on the thread or rank count. */
void cli_keep_first_failure(pthread_mutex_t *lock, sim_status *status, size_t *failed_item, char *msg,
                            size_t len, size_t item, sim_status st, const char *text);

#endif
