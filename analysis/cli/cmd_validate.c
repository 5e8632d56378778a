/* dispsim validate: checks scenario, calibration and sensitivity files without running them. */
#include <stdio.h>
#include <string.h>

#include "../../models/mdl_calib.h"
#include "../../models/mdl_scenario.h"
#include "../../models/mdl_sens.h"
#include "cli.h"

static const char validate_help[] =
    "usage: dispsim validate FILE...\n"
    "       dispsim validate --reference   (print every scenario parameter: range, default, unit)\n"
    "\n"
    "Checks scenario files (YAML, see scenarios/README.md) without running them, and calibration\n"
    "(scenarios/CALIBRATION.md) and sensitivity files (scenarios/SENSITIVITY.md), told apart by\n"
    "their top-level keys (`targets` and `observed`; `study` and `metrics`), with the scenario,\n"
    "study and observed files they name. A valid file gets one line on stdout (a scenario: its\n"
    "ports, horizon, warm-up and replications; a calibration: parameters, observed points and the\n"
    "simulations it will run; a sensitivity file: parameters, variants and outputs); every\n"
    "problem is reported on stderr on its own line as FILE:LINE:COLUMN: FIELD: what was expected,\n"
    "got what.\n"
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

enum kind { SCENARIO, CALIBRATION, SENSITIVITY };

/* Which kind of file `path` is, from the keys that start a line: a calibration has `targets:` and
 * `observed:`, a sensitivity file `study:` and `metrics:`; anything else is read as a scenario
 * (whose loader then names what is wrong). */
static enum kind file_kind(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return SCENARIO;
    char line[512];
    int targets = 0, observed = 0, study = 0, metrics = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        targets |= strncmp(line, "targets:", 8) == 0;
        observed |= strncmp(line, "observed:", 9) == 0;
        study |= strncmp(line, "study:", 6) == 0;
        metrics |= strncmp(line, "metrics:", 8) == 0;
    }
    fclose(f);
    return targets && observed ? CALIBRATION : study && metrics ? SENSITIVITY : SCENARIO;
}

/* Loads `path` as a calibration or sensitivity file; prints its line or its problems. */
static int validate_other(const char *path, enum kind k)
{
    char err[16384];
    struct mdl_calib *c = NULL;
    struct mdl_sens *s = NULL;
    sim_status st = k == CALIBRATION ? mdl_calib_load(path, &c, err, sizeof err)
                                     : mdl_sens_load(path, &s, err, sizeof err);
    if (st != SIM_OK)
        return cli_load_failed(err, st);
    if (c != NULL)
        printf("%s: valid calibration (%u parameters, %u targets, %u observed points; %u particles x %u "
               "generations x %u replications at most)\n",
               path, c->parameters_count, c->targets_count, c->npoints, c->algorithm.particles,
               c->opts.generations, c->algorithm.replications);
    else
        printf("%s: valid sensitivity analysis (%u parameters, %zu variants of the study, %zu outputs, %u "
               "replications per point)\n",
               path, s->parameters_count, s->nvariants, s->noutputs, s->replications);
    mdl_calib_destroy(c);
    mdl_sens_destroy(s);
    return CLI_OK;
}

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
        enum kind k = rc == CLI_OK ? file_kind(argv[i]) : SCENARIO;
        if (rc == CLI_OK && k != SCENARIO)
            rc = validate_other(argv[i], k);
        else if (rc == CLI_OK)
            rc = cli_load_scenario(argv[i], &s);
        if (rc == CLI_OK && k == SCENARIO)
            printf("%s: valid (%u ports, %g days after %g days warm-up, %u replications)\n", argv[i],
                   s->ports_count, s->calendar.horizon_days, s->calendar.warmup_days, s->run.replications);
        else if (worst == CLI_OK || rc == CLI_NOINPUT)
            worst = rc;
        mdl_scenario_destroy(s);
    }
    return worst;
}
