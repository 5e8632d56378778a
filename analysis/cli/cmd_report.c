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
#include "cli.h"

static const char report_help[] =
    "usage: dispsim report RESULTS.h5 [-o REPORT.html] [--force]\n"
    "\n"
    "Writes one self-contained HTML page (charts embedded; nothing is fetched when it is viewed):\n"
    "arrivals by mode per day with 95% bands for the baseline and every variant; per variant, the\n"
    "paired change in arrivals by mode (the displacement chart); the options ranked by cost per net\n"
    "arrival prevented, with intervals; the warm-up check (Welch plot, MSER-5 truncation point);\n"
    "and the scenario text.\n"
    "\n"
    "  -o, --output FILE   the page (default: the results file's base name with .html, here)\n"
    "  -f, --force         overwrite an existing page\n"
    "\n"
    "The charts are drawn by analysis/report.py with Debian's /usr/bin/python3 (python3-h5py,\n"
    "python3-matplotlib: setup.sh installs them). DISPSIM_REPORT_SCRIPT and DISPSIM_PYTHON override\n"
    "the script and the interpreter. The page is written under a temporary name and renamed when\n"
    "complete.\n";

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
    /* The results layer checks the file (checksum, schema, completeness) before Python sees it. */
    char err[1024];
    struct res_file *f = NULL;
    sim_status st = res_open(in, &f, err, sizeof err);
    if (st != SIM_OK)
        return fprintf(stderr, "dispsim report: %s\n", err), cli_exit_code(st);
    res_close(f);
    char *page = out != NULL ? strdup(out) : cli_default_output(in, ".html");
    if (page == NULL)
        return CLI_SOFTWARE;
    rc = cli_check_output("report", page, force);
    if (rc != CLI_OK) {
        free(page);
        return rc;
    }
    const char *script = getenv("DISPSIM_REPORT_SCRIPT");
    const char *python = getenv("DISPSIM_PYTHON");
    if (script == NULL)
        script = DISPSIM_REPORT_SCRIPT;
    if (python == NULL)
        python = "/usr/bin/python3";
    if (access(script, R_OK) != 0) {
        fprintf(stderr, "dispsim report: %s: %s (set DISPSIM_REPORT_SCRIPT to analysis/report.py)\n", script,
                strerror(errno));
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
