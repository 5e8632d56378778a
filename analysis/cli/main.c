/* dispsim: Monte Carlo simulation of displacement between irregular entry modes to the UK. */
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
          "'dispsim COMMAND --help' explains each command. Exit codes follow sysexits.h:\n"
          "64 usage, 65 bad scenario data, 66 unreadable input, 70 internal error, 73 cannot create\n"
          "output, 74 I/O error, 75 interrupted.\n",
          f);
}

/* The commands but run, which starts MPI first. */
static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"validate", cli_validate},   {"info", cli_info},
    {"merge", cli_merge},         {"reproduce", cli_reproduce},
    {"report", cli_report},       {"bench", cli_bench},
    {"calibrate", cli_calibrate}, {"sensitivity", cli_sensitivity},
};

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
    if (strcmp(cmd, "run") == 0) {
        /* Only run uses MPI: under mpirun every other command runs as a plain process. */
        if (run_mpi_start(&argc, &argv) != 0)
            return CLI_SOFTWARE;
        int rc = cli_run(argc - 1, argv + 1);
        run_mpi_stop();
        return rc;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "dispsim: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return CLI_USAGE;
}
