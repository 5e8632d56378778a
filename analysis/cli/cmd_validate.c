/* dispsim validate: checks scenario files without running them. */
#include <stdio.h>
#include <string.h>

#include "../../models/mdl_scenario.h"
#include "cli.h"

static const char validate_help[] =
    "usage: dispsim validate FILE...\n"
    "       dispsim validate --reference   (print every scenario parameter: range, default, unit)\n"
    "\n"
    "Checks scenario files without running them. Every problem is reported on its own line as\n"
    "FILE:LINE:COLUMN: FIELD: what was expected, got what. Exit 0 if all files are valid, 65 if\n"
    "any has bad data, 66 if any cannot be read.\n";

int cli_validate(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(validate_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "--reference") == 0)
        return argc == 2 ? cli_validate_reference() : (fputs(validate_help, stderr), CLI_USAGE);
    int worst = CLI_OK;
    for (int i = 1; i < argc; i++) {
        struct mdl_scenario *s = NULL;
        int rc = cli_load_scenario(argv[i], &s);
        if (rc == CLI_OK)
            printf("%s: valid (%u ports, %g days after %g days warm-up, %u replications)\n", argv[i],
                   s->ports_count, s->calendar.horizon_days, s->calendar.warmup_days, s->run.replications);
        else if (worst == CLI_OK || rc == CLI_NOINPUT)
            worst = rc;
        mdl_scenario_destroy(s);
    }
    return worst;
}
