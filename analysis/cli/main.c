/* dispsim: Monte Carlo simulation of displacement between irregular entry modes to the UK. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "run.h"

static void usage(FILE *f)
{
    fputs("usage: dispsim COMMAND [OPTIONS]\n"
          "\n"
          "Simulates how irregular migrants in northern France choose between entry modes to the UK\n"
          "and what happens to every mode when one is disrupted (see README.md).\n"
          "\n"
          "commands:\n"
          "  run SCENARIO      simulate a scenario, write an HDF5 results file\n"
          "  validate FILE...  check scenario files, report every problem with file:line:column\n"
          "  info RESULTS.h5   summarise a results file: totals with 95% confidence intervals, and a\n"
          "                    study's paired displacement metrics\n"
          "  report RESULTS.h5 write a self-contained HTML report with charts\n"
          "  calibrate CALIB.yaml  fit scenario parameters to observed data (ABC-SMC), write a\n"
          "                    posterior file; --synthetic writes data with a known answer\n"
          "  sensitivity SENS.yaml  Sobol indices and Morris effects of a study's metrics over\n"
          "                    parameter ranges, write an HDF5 file\n"
          "  merge -o OUT.h5 SHARD.h5...  combine the files of run --shard i/N into one run's file\n"
          "  reproduce RESULTS.h5  re-run a results file from its embedded scenario and seeds, compare\n"
          "                    every dataset bit for bit\n"
          "  bench             print engine and model speed figures\n"
          "\n"
          "'dispsim COMMAND --help' explains each command: its options, defaults and exit codes.\n"
          "Exit codes follow sysexits.h: 0 success, 64 usage, 65 bad scenario data, 66 unreadable\n"
          "input, 70 internal error (a bug: please report it), 73 cannot create output, 74 I/O\n"
          "error, 75 interrupted (run again, with --resume for run).\n"
          "\n"
          "  -h, --help     this text\n"
          "      --version  the version\n"
          "\n"
          "Example:\n"
          "  dispsim validate scenarios/baseline.yaml\n"
          "  dispsim run scenarios/baseline.yaml -r 40 -o base.h5\n"
          "  dispsim info base.h5\n"
          "  dispsim report base.h5\n",
          f);
}

/* The commands but run and calibrate, which start MPI first. */
static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"validate", cli_validate},       {"info", cli_info},     {"merge", cli_merge},
    {"reproduce", cli_reproduce},     {"report", cli_report}, {"bench", cli_bench},
    {"sensitivity", cli_sensitivity},
};

/* Whether `s` ends with `ext`. */
static bool ends_with(const char *s, const char *ext)
{
    size_t n = strlen(s), k = strlen(ext);
    return n >= k && strcmp(s + n - k, ext) == 0;
}

/* One line for a command that does not exist, the command a file name suggests, and the hint. */
static int unknown_command(const char *cmd)
{
    if (cmd[0] == '-')
        fprintf(stderr, "dispsim: unknown option '%s' (options go after the command)\n", cmd);
    else
        fprintf(stderr, "dispsim: unknown command '%s'\n", cmd);
    if (ends_with(cmd, ".yaml") || ends_with(cmd, ".yml"))
        fprintf(stderr, "dispsim: to simulate that scenario: dispsim run %s\n", cmd);
    else if (ends_with(cmd, ".h5"))
        fprintf(stderr, "dispsim: to summarise that results file: dispsim info %s\n", cmd);
    fputs("dispsim: the commands are run, validate, info, report, merge, reproduce and bench; see "
          "'dispsim --help'\n",
          stderr);
    return CLI_USAGE;
}

int main(int argc, char **argv)
{
    /* GSL aborts on error by default; dispsim checks return values instead. */
    gsl_set_error_handler_off();
    cli_catch_signals();
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("dispsim %s\n", DISPSIM_VERSION);
        return CLI_OK;
    }
    if (strcmp(cmd, "run") == 0 || strcmp(cmd, "calibrate") == 0) {
        /* Only run and calibrate use MPI: under mpirun every other command runs as a plain process. */
        if (run_mpi_start(&argc, &argv) != 0)
            return CLI_SOFTWARE;
        int rc = cmd[0] == 'r' ? cli_run(argc - 1, argv + 1) : cli_calibrate(argc - 1, argv + 1);
        run_mpi_stop();
        return rc;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    return unknown_command(cmd);
}
