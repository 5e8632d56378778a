/* mdl_sens.c: loading a sensitivity file: the reading (mdl_calib_read.c, shared with the
 * calibration loader), then validation (mdl_sens_check.c). */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "mdl_sens_priv.h"

/* ---- Loading -------------------------------------------------------------------------------- */

void mdl_sens_destroy(struct mdl_sens *c)
{
    if (c == NULL)
        return;
    free(c->path), free(c->text), free(c->outputs), free(c->paths);
    mdl_world_destroy(c->world);
    mdl_scenario_destroy(c->scn);
    c->path = c->text = NULL, c->outputs = NULL, c->paths = NULL, c->world = NULL, c->scn = NULL;
    cyaml_free(&mdl__sens_free_config, &mdl__sens_schema, c, 0);
}

static const struct mdl__cal_format format = {
    .schema = &mdl__sens_schema,
    .free_config = &mdl__sens_free_config,
    .root_want = "study, parameters, metrics, method, replications and seed"};

sim_status mdl_sens_load(const char *path, struct mdl_sens **out, char *err, size_t errlen)
{
    struct mdl__scn_diag d;
    mdl__scn_diag_init(&d, err, errlen, path);
    struct mdl__cal_file f;
    void *data = NULL;
    sim_status st = mdl__cal_file_open(&f, path, &format, &data, &d);
    struct mdl_sens *c = data;
    if (st == SIM_OK) {
        c->path = strdup(path);
        st = f.dir && c->path ? mdl__sens_validate(c, &f.idx, &d, f.dir) : SIM_ENOMEM;
    }
    if (st == SIM_OK) {
        c->text = f.text, f.text = NULL;
        *out = c, c = NULL;
    }
    mdl__scn_diag_finish(&d);
    mdl_sens_destroy(c);
    mdl__cal_file_close(&f);
    return st;
}
