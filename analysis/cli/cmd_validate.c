/* dispsim validate: checks scenario files without running them. */
#include <stdio.h>
#include <string.h>

#include "../../models/mdl_scenario.h"
#include "cli.h"

static const char validate_help[] =
    "usage: dispsim validate FILE...\n"
    "       dispsim validate --reference   (print every scenario parameter: range, default, unit)\n"
    "\n"
    "Checks scenario files (YAML, see scenarios/README.md) without running them. A valid file gets\n"
    "one line on stdout (its ports, horizon, warm-up and replications); every problem is reported\n"
    "on stderr on its own line as FILE:LINE:COLUMN: FIELD: what was expected, got what.\n"
    "\n"
    "  --reference  print every scenario parameter (path, type, range, default, unit, description)\n"
    "               as a Markdown table: the reference section of scenarios/README.md is this output\n"
    "  -h, --help   this text\n"
    "\n"
    "Exit codes: 0 all files are valid; 64 bad command line; 65 a file has bad data (or is a\n"
    "results file or a checkpoint, not a scenario); 66 a file cannot be read (66 wins over 65).\n"
    "\n"
    "Example:\n"
    "  dispsim validate scenarios/*.yaml\n";

int cli_validate(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(validate_help, stdout), CLI_OK;
    if (argc > 1 && strcmp(argv[1], "--reference") == 0)
        return argc == 2 ? cli_validate_reference()
                         : cli_usage_error("validate", NULL,
                                           "--reference takes no FILE; see 'dispsim validate --help'");
    if (argc < 2)
        return cli_usage_error("validate", NULL,
                               "no FILE given, e.g. dispsim validate scenarios/baseline.yaml; see 'dispsim "
                               "validate --help'");
    int dashes = 0; /* the index of "--", after which every argument is a file */
    for (int i = 1; i < argc && dashes == 0; i++)
        if (strcmp(argv[i], "--") == 0)
            dashes = i;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error("validate", NULL,
                                   "unknown option '%s'\ndispsim validate: see 'dispsim validate --help' "
                                   "for the options (a file whose name starts with '-': ./%s)",
                                   argv[i], argv[i]);
    int worst = CLI_OK;
    for (int i = 1; i < argc; i++) {
        if (i == dashes)
            continue;
        struct mdl_scenario *s = NULL;
        int rc = cli_not_a_scenario("validate", argv[i]);
        if (rc == CLI_OK)
            rc = cli_load_scenario(argv[i], &s);
        if (rc == CLI_OK)
            printf("%s: valid (%u ports, %g days after %g days warm-up, %u replications)\n", argv[i],
                   s->ports_count, s->calendar.horizon_days, s->calendar.warmup_days, s->run.replications);
        else if (worst == CLI_OK || rc == CLI_NOINPUT)
            worst = rc;
        mdl_scenario_destroy(s);
    }
    return worst;
}
