/* dispsim validate --reference: the scenario parameter reference, printed from the loader's table.
 *
 * One Markdown table row per field of mdl_scenario_fields(), in file order. The reference section
 * of scenarios/README.md is this output verbatim (the `reference` test compares them), so the
 * documentation cannot drift from the ranges and defaults the loader applies. */
#include <stdio.h>

#include "../../models/mdl_scenario.h"
#include "cli.h"

/* The type column: the kind of value and, for lists, how many. */
static void type_text(const struct mdl_field *f, char *out, size_t outlen)
{
    static const char *const names[] = {
        [MDL_FIELD_REAL] = "real",         [MDL_FIELD_WHOLE] = "whole number",
        [MDL_FIELD_COUNT] = "count",       [MDL_FIELD_BOOL] = "bool",
        [MDL_FIELD_LIST] = "list",         [MDL_FIELD_WEIGHTS] = "weights",
        [MDL_FIELD_DIST] = "distribution", [MDL_FIELD_TEXT] = "text",
        [MDL_FIELD_DATE] = "date",         [MDL_FIELD_CHOICE] = "choice",
    };
    const char *name = names[f->type];
    if (f->type != MDL_FIELD_LIST && f->type != MDL_FIELD_WEIGHTS)
        snprintf(out, outlen, "%s", name);
    else if (f->nmin == f->nmax)
        snprintf(out, outlen, "%s of %u", name, f->nmin);
    else
        snprintf(out, outlen, "%s of %u-%u", name, f->nmin, f->nmax);
}

int cli_validate_reference(void)
{
    size_t n = 0;
    const struct mdl_field *rows = mdl_scenario_fields(&n);
    printf("| path | type | range | default | unit | description |\n");
    printf("|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        char type[48], range[96];
        type_text(&rows[i], type, sizeof type);
        mdl_field_range_text(&rows[i], range, sizeof range);
        printf("| `%s` | %s | %s | %s | %s | %s |\n", rows[i].path, type, range, rows[i].def_text,
               rows[i].unit[0] ? rows[i].unit : "-", rows[i].desc);
    }
    return fflush(stdout) == 0 ? CLI_OK : CLI_IOERR;
}
