/* dispsim bench --scaling: replication-years per second of the default study at 1 and 2 threads
 * and at 1 and 2 MPI ranks, parallel efficiency, the share of wall time spent writing, and peak
 * memory per thread. Each configuration is a real `dispsim run` in a child process (under mpirun
 * for ranks), timed from outside; the run reports its own phases through --timing. Prints figures;
 * asserts nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

static const char scaling_help[] =
    "usage: dispsim bench --scaling [-r REPS] [STUDY [SCENARIO]]\n"
    "\n"
    "Runs `dispsim run` on STUDY (default scenarios/inspector-study.yaml, REPS replications of\n"
    "each variant, default 6) with 1 thread, 2 threads, 1 MPI rank and 2 MPI ranks (mpirun -n K\n"
    "--oversubscribe, one thread per rank) and prints for each: wall seconds, replication-years per\n"
    "second, parallel efficiency (throughput over K times that of one thread or one rank) and the\n"
    "share of wall time spent writing the results file. Wall time is the whole command's, start-up\n"
    "and writing included; two passes go round all configurations and each prints its faster run. Then peak "
    "resident "
    "memory (VmHWM) of\n"
    "SCENARIO (default scenarios/baseline.yaml) with 1 and 2 threads and with 4 times the\n"
    "replications: the difference between 2 threads and 1 is the memory of one thread, and the\n"
    "simulation's peak does not grow with replications (finished replications go to the\n"
    "checkpoint on disk, not to memory). Needs about 3 minutes on 2 cores with the defaults.\n"
    "MPI lines are skipped when mpirun is missing or dispsim was built without MPI.\n"
    "\n"
    "  -r REPS     replications of every variant of STUDY (default 6)\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit codes: 0 done; 64 bad command line; 70 a configuration's run failed (its log is\n"
    "named) or no temporary directory.\n"
    "\n"
    "Example:\n"
    "  dispsim bench --scaling -r 12\n";

struct timing {
    double wall, years, simulate_s, write_s;
    long rss_sim_kb, rss_kb;
};

/* Runs argv (quietly: stdout and stderr to /dev/null unless it fails) and waits; exit status. */
static int spawn_wait(char *const argv[], const char *log)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void read_timing(const char *path, struct timing *t)
{
    FILE *f = fopen(path, "r");
    char line[256];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *eq = strchr(line, '=');
        if (eq == NULL)
            continue;
        *eq++ = '\0';
        if (strcmp(line, "replication_years") == 0)
            t->years = strtod(eq, NULL);
        else if (strcmp(line, "simulate_s") == 0)
            t->simulate_s = strtod(eq, NULL);
        else if (strcmp(line, "write_s") == 0)
            t->write_s = strtod(eq, NULL);
        else if (strcmp(line, "peak_rss_simulate_kb") == 0)
            t->rss_sim_kb = strtol(eq, NULL, 10);
        else if (strcmp(line, "peak_rss_kb") == 0)
            t->rss_kb = strtol(eq, NULL, 10);
    }
    if (f != NULL)
        fclose(f);
}

/* One configuration: `ranks` 0 runs dispsim directly with `threads`; otherwise under mpirun. */
static int measure_once(const char *self, const char *dir, const char *scenario, int reps, int threads,
                        int ranks, struct timing *t)
{
    char out[PATH_MAX], timing[PATH_MAX], log[PATH_MAX], r[32], j[32], n[32];
    snprintf(out, sizeof out, "%s/out.h5", dir);
    snprintf(timing, sizeof timing, "%s/timing", dir);
    snprintf(log, sizeof log, "%s/log", dir);
    snprintf(r, sizeof r, "%d", reps);
    snprintf(j, sizeof j, "%d", threads);
    snprintf(n, sizeof n, "%d", ranks);
    char *run[] = {(char *)self, "run", (char *)scenario, "-r",   r,   "-j", j, "-q", "-f",
                   "-o",         out,   "--timing",       timing, NULL};
    char *mpi[] = {"mpirun",
                   "-n",
                   n,
                   "--oversubscribe",
                   "--bind-to",
                   "none",
                   (char *)self,
                   "run",
                   (char *)scenario,
                   "-r",
                   r,
                   "-j",
                   j,
                   "-q",
                   "-f",
                   "-o",
                   out,
                   "--timing",
                   timing,
                   NULL};
    unlink(timing);
    double t0 = cli_wall_now();
    int rc = spawn_wait(ranks > 0 ? mpi : run, log);
    *t = (struct timing){.wall = cli_wall_now() - t0};
    if (rc != 0) {
        fprintf(stderr, "dispsim bench: the run failed (exit %d); its output is in %s\n", rc, log);
        return CLI_SOFTWARE;
    }
    read_timing(timing, t);
    unlink(out);
    return CLI_OK;
}

enum { PASSES = 2 }; /* passes over all configurations; each prints its fastest */

/* Keeps the faster of t and a new measurement. */
static int measure(const char *self, const char *dir, const char *scenario, int reps, int threads, int ranks,
                   struct timing *t, int pass)
{
    struct timing x;
    int rc = measure_once(self, dir, scenario, reps, threads, ranks, &x);
    if (rc == CLI_OK && (pass == 0 || x.wall < t->wall))
        *t = x;
    return rc;
}

static void print_line(const char *label, const struct timing *t, const struct timing *base, int k)
{
    double thr = t->years / t->wall;
    printf("  %-12s %7.2f s  %6.3f replication-years/s", label, t->wall, thr);
    if (base != NULL)
        printf("  efficiency %5.1f%%", 100.0 * thr / (k * base->years / base->wall));
    else
        printf("  %-17s", "");
    printf("  writing %4.1f%% of wall time\n", 100.0 * t->write_s / t->wall);
}

/* Whether mpirun runs here (and dispsim was built with MPI: it refuses ranks otherwise). */
static bool have_mpi(const char *dir)
{
    char log[PATH_MAX];
    snprintf(log, sizeof log, "%s/log", dir);
    char *argv[] = {"mpirun", "--version", NULL};
#ifdef DISPSIM_HAVE_MPI
    return spawn_wait(argv, log) == 0;
#else
    (void)argv;
    return false;
#endif
}

int cli_bench_scaling(int argc, char **argv)
{
    int reps = 6, c;
    optind = 1;
    long r = 0;
    static const struct option longs[] = {{"help", no_argument, NULL, 'h'}, {0}};
    while ((c = getopt_long(argc, argv, ":r:h", longs, NULL)) != -1) {
        if (c == 'r' && cli_parse_count(optarg, 1, 100000, &r))
            reps = (int)r;
        else if (c == 'r')
            return cli_usage_error("bench --scaling", NULL, "-r: expected a count in [1, 100000], got '%s'",
                                   optarg);
        else if (c == 'h')
            return fputs(scaling_help, stdout), CLI_OK;
        else
            return cli_bad_option("bench --scaling", c, argv);
    }
    const char *study = optind < argc ? argv[optind] : "scenarios/inspector-study.yaml";
    const char *scenario = optind + 1 < argc ? argv[optind + 1] : "scenarios/baseline.yaml";
    char self[PATH_MAX], dir[] = "/tmp/dispsim_scaling_XXXXXX";
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0 || mkdtemp(dir) == NULL)
        return fprintf(stderr, "dispsim bench: cannot find itself or make a temporary directory\n"),
               CLI_SOFTWARE;
    self[len] = '\0';
    /* mpirun refuses root without these; on a cluster they are simply unused. */
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
    struct timing t1, t2, m1, m2, a, b, big;
    int rc = CLI_OK;
    bool mpi = have_mpi(dir);
    printf("scaling: %s, %d replications of every variant\n", study, reps);
    /* The passes go round all configurations, so that the machine's drift touches each alike. */
    for (int p = 0; p < PASSES && rc == CLI_OK; p++) {
        rc = measure(self, dir, study, reps, 1, 0, &t1, p);
        if (rc == CLI_OK)
            rc = measure(self, dir, study, reps, 2, 0, &t2, p);
        if (rc == CLI_OK && mpi)
            rc = measure(self, dir, study, reps, 1, 1, &m1, p);
        if (rc == CLI_OK && mpi)
            rc = measure(self, dir, study, reps, 1, 2, &m2, p);
    }
    if (rc != CLI_OK)
        goto done;
    print_line("1 thread", &t1, NULL, 1);
    print_line("2 threads", &t2, &t1, 2);
    if (!mpi)
        printf("  MPI: skipped (mpirun not found, or dispsim built without MPI)\n");
    else {
        print_line("1 MPI rank", &m1, NULL, 1);
        print_line("2 MPI ranks", &m2, &m1, 2);
    }
    printf("memory: %s, peak resident set (VmHWM) while simulating / at the end (writing)\n", scenario);
    if ((rc = measure_once(self, dir, scenario, 4, 1, 0, &a)) != CLI_OK ||
        (rc = measure_once(self, dir, scenario, 4, 2, 0, &b)) != CLI_OK ||
        (rc = measure_once(self, dir, scenario, 16, 1, 0, &big)) != CLI_OK)
        goto done;
    printf("  1 thread,   4 replications: %6.1f MB / %6.1f MB\n", (double)a.rss_sim_kb / 1024.0,
           (double)a.rss_kb / 1024.0);
    printf("  2 threads,  4 replications: %6.1f MB / %6.1f MB\n", (double)b.rss_sim_kb / 1024.0,
           (double)b.rss_kb / 1024.0);
    printf("  1 thread,  16 replications: %6.1f MB / %6.1f MB\n", (double)big.rss_sim_kb / 1024.0,
           (double)big.rss_kb / 1024.0);
    printf("  per thread: %.1f MB; simulating 4x the replications changed the peak by %+.1f MB\n",
           (double)(b.rss_sim_kb - a.rss_sim_kb) / 1024.0, (double)(big.rss_sim_kb - a.rss_sim_kb) / 1024.0);
done:;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "dispsim bench: could not remove %s\n", dir);
    return rc;
}
