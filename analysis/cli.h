/* cli.h: the dispsim command-line tool's commands. Each returns a sysexits.h exit code; only this
 * layer prints to stdout, and only main() exits. */
#ifndef CLI_H
#define CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

int cli_run(int argc, char **argv);
int cli_validate(int argc, char **argv);
/* dispsim validate --reference: prints the scenario parameter reference (path, type, range, default,
 * unit, description of every field) as a Markdown table. */
int cli_validate_reference(void);
int cli_info(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_bench_scaling(int argc, char **argv); /* dispsim bench --scaling */

int cli_report(int argc, char **argv);
int cli_reproduce(int argc, char **argv);
int cli_merge(int argc, char **argv);

struct mdl_scenario;

/* Runs `reps` replications of every variant of `s` with master seed `seed` and writes them to
 * `out` (as dispsim run does). Returns an exit code. */
int cli_simulate(const struct mdl_scenario *s, size_t reps, uint64_t seed, int threads, const char *out,
                 bool quiet);

/* The base name of `input` without its extension, plus `ext` (".h5"), in the current directory;
 * malloc'd, NULL when out of memory. */
char *cli_default_output(const char *input, const char *ext);

/* Parses the options of a command whose only options are -o/--output FILE, -f/--force and
 * -h/--help (printing `help`). Returns -1 to go on (operands from optind), else the exit code. */
int cli_output_options(int argc, char **argv, const char *help, const char **out, bool *force);

/* Checks, before any work, that `out` can be created: not a directory, not an existing file unless
 * `force`, in a writable directory. Prints "dispsim CMD: ..." and returns CLI_CANTCREAT if not. */
int cli_check_output(const char *cmd, const char *out, bool force);

/* Seconds on the monotonic clock, for timing and progress. */
double cli_wall_now(void);

/* Maps a status from the loader or results layer to an exit code. */
int cli_exit_code(int status);

/* Set by the signal handlers main installs: cli_interrupted (SIGINT, SIGTERM, SIGUSR1) means start
 * no new work; cli_abandon (SIGINT, SIGTERM) means give up the work in progress too. */
extern volatile sig_atomic_t cli_interrupted, cli_abandon;

#endif
