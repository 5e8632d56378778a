/* dispsim: Monte Carlo simulation of displacement between irregular entry modes to the UK. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "../../sim/sim_status.h"
#include "cli.h"
#include "run.h"

volatile sig_atomic_t cli_interrupted = 0, cli_abandon = 0;

/* SIGUSR1 (Slurm's --signal=USR1@T warning) lets replications in progress finish; SIGTERM (the
 * time limit) and SIGINT abandon them: a checkpointed run loses at most the work in flight. */
static void on_signal(int sig)
{
    cli_interrupted = 1;
    if (sig != SIGUSR1)
        cli_abandon = 1;
}

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

double cli_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int cli_exit_code(int status)
{
    switch ((sim_status)status) {
    case SIM_OK: return CLI_OK;
    case SIM_EFORMAT:
    case SIM_EINVAL:
    case SIM_EVERSION: return CLI_DATAERR;
    case SIM_ENOENT: return CLI_NOINPUT;
    case SIM_ECREATE: return CLI_CANTCREAT;
    case SIM_EIO: return CLI_IOERR;
    case SIM_ECANCELED: return CLI_TEMPFAIL;
    case SIM_ENOMEM:
    case SIM_EINVARIANT: return CLI_SOFTWARE;
    }
    return CLI_SOFTWARE;
}

int main(int argc, char **argv)
{
    /* GSL aborts on error by default; dispsim checks return values instead. */
    gsl_set_error_handler_off();
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGUSR1, on_signal);
    /* Past a file-size limit (ulimit -f) the kernel would kill the process with SIGXFSZ in the middle
     * of writing, leaving the temporary file behind; ignored, write() fails with EFBIG and the
     * results layer reports it and removes the file, as it does for a full disk. */
    signal(SIGXFSZ, SIG_IGN);
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
    if (strcmp(cmd, "validate") == 0)
        return cli_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "info") == 0)
        return cli_info(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return cli_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "reproduce") == 0)
        return cli_reproduce(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cli_report(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0)
        return cli_bench(argc - 1, argv + 1);
    fprintf(stderr, "dispsim: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return CLI_USAGE;
}
