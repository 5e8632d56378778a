/* dispsim report: a self-contained HTML page from a results file, drawn by analysis/report.py. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../results/res.h"
#include "../../results/res_posterior.h"
#include "../../results/res_ckpt.h"
#include "../../results/res_sens.h"
#include "cli.h"

static const char report_help[] =
    "usage: dispsim report RESULTS.h5 [-o REPORT.html] [--force]\n"
    "\n"
    "Writes one self-contained HTML page (charts embedded; nothing is fetched when it is viewed):\n"
    "the variants with their descriptions and interventions (dates from the stored scenario);\n"
    "net arrivals prevented against cost, with intervals, and the options ranked by cost per net\n"
    "arrival prevented; arrivals by mode per calendar day with 95% bands, one colour per variant,\n"
    "marked where its interventions start and end; per variant, the paired change in arrivals by\n"
    "mode (the displacement chart); for measures at the ports or on lorries, the change at each\n"
    "port; the warm-up check (Welch plot, MSER-5 truncation as a warm-up in days); the scenario.\n"
    "Given a checkpoint (OUT.h5.ckpt) it says so and exits with 75.\n"
    "\n"
    "  -o, --output FILE   the page (default: the results file's base name with .html, here)\n"
    "  -f, --force         overwrite an existing page\n"
    "\n"
    "The charts are drawn by report.py with Debian's /usr/bin/python3 (python3-h5py,\n"
    "python3-matplotlib, python3-yaml: setup.sh installs them). The script is found beside the\n"
    "dispsim binary (the build directory) or in ../share/dispsim/ from it (an installed copy);\n"
    "DISPSIM_REPORT_SCRIPT and DISPSIM_PYTHON override the script and the interpreter. The page\n"
    "is written under a temporary name and renamed when complete.\n";

/* Where report.py is, relative to the running binary: beside it (CMake copies it into the build
 * directory) or in ../share/dispsim (cmake --install). Writes the path into buf; false if neither
 * is readable (buf then holds the installed location, for the message). */
static bool find_script(char *buf, size_t n)
{
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return snprintf(buf, n, "report.py"), false;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash != NULL)
        *slash = '\0';
    static const char *const where[] = {"report.py", "../share/dispsim/report.py"};
    for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
        snprintf(buf, n, "%s/%s", exe, where[i]);
        if (access(buf, R_OK) == 0)
            return true;
    }
    return false;
}

/* A checkpoint is an unfinished run, never results: say so plainly (exit 75, like info). */
static int refuse_checkpoint(const char *in)
{
    fprintf(stderr,
            "dispsim report: %s is the checkpoint of an interrupted run, not results: there is nothing to "
            "report yet. 'dispsim info %s' tells how far it got; the command that started the run plus "
            "--resume finishes it.\n",
            in, in);
    return CLI_TEMPFAIL;
}

/* The script to run: $DISPSIM_REPORT_SCRIPT, else the one find_script finds (its path in buf).
 * NULL, with a message, when it cannot be read. */
static const char *report_script(char *buf, size_t n)
{
    const char *script = getenv("DISPSIM_REPORT_SCRIPT");
    if (script == NULL && !find_script(buf, n)) {
        fprintf(stderr,
                "dispsim report: cannot find report.py beside the dispsim binary or at %s (set "
                "DISPSIM_REPORT_SCRIPT to analysis/report.py)\n",
                buf);
        return NULL;
    }
    if (script == NULL)
        script = buf;
    if (access(script, R_OK) != 0) {
        fprintf(stderr, "dispsim report: %s: %s (set DISPSIM_REPORT_SCRIPT to analysis/report.py)\n", script,
                strerror(errno));
        return NULL;
    }
    return script;
}

int cli_report(int argc, char **argv)
{
    const char *out = NULL;
    bool force = false;
    int rc = cli_output_options(argc, argv, report_help, &out, &force);
    if (rc >= 0)
        return rc;
    if (optind != argc - 1)
        return fprintf(stderr, "dispsim report: expected exactly one RESULTS.h5\n\n%s", report_help),
               CLI_USAGE;
    const char *in = argv[optind];
    if (res_ckpt_is(in))
        return refuse_checkpoint(in);
    /* The results layer checks the file (checksum, schema, completeness) before Python sees it. */
    char err[1024];
    struct res_file *f = NULL;
    sim_status st =
        res_posterior_is(in) || res_sens_is(in)
            ? SIM_OK
            : res_open(in, &f, err, sizeof err); /* report.py reads posterior and sensitivity files */
    if (st != SIM_OK)
        return fprintf(stderr, "dispsim report: %s\n", err), cli_exit_code(st);
    if (f != NULL)
        res_close(f);
    char *page = out != NULL ? strdup(out) : cli_default_output(in, ".html");
    if (page == NULL)
        return CLI_SOFTWARE;
    rc = cli_check_output("report", page, force);
    if (rc != CLI_OK) {
        free(page);
        return rc;
    }
    const char *python = getenv("DISPSIM_PYTHON");
    char found[4200];
    const char *script = report_script(found, sizeof found);
    if (python == NULL)
        python = "/usr/bin/python3";
    if (script == NULL) {
        free(page);
        return CLI_SOFTWARE;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl(python, python, script, in, page, (char *)NULL);
        fprintf(stderr, "dispsim report: cannot run %s: %s (setup.sh installs python3-matplotlib)\n", python,
                strerror(errno));
        _exit(CLI_SOFTWARE);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        fprintf(stderr, "dispsim report: cannot start %s: %s\n", python, strerror(errno));
        rc = CLI_SOFTWARE;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        fprintf(stderr, "dispsim report: drawing the report failed (%s exited with %d); no page written\n",
                script, code);
        rc = code == CLI_CANTCREAT ? CLI_CANTCREAT : CLI_SOFTWARE;
    }
    free(page);
    return rc;
}
