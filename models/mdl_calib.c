/* mdl_calib.c: loading a calibration file: the reading (mdl_calib_read.c, shared with the
 * sensitivity loader), then validation (mdl_calib_check.c). */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "mdl_calib_priv.h"

/* ---- Loading -------------------------------------------------------------------------------- */

void mdl_calib_destroy(struct mdl_calib *c)
{
    if (c == NULL)
        return;
    for (unsigned i = 0; i < c->targets_count; i++)
        free(c->targets[i].points), c->targets[i].points = NULL;
    free(c->path), free(c->text), free(c->priors);
    mdl_world_destroy(c->world);
    mdl_scenario_destroy(c->scn);
    mdl_observed_destroy(c->obs);
    c->path = c->text = NULL, c->priors = NULL, c->world = NULL, c->scn = NULL, c->obs = NULL;
    cyaml_free(&mdl__cal_free_config, &mdl__cal_schema, c, 0);
}

static const struct mdl__cal_format format = {.schema = &mdl__cal_schema,
                                              .free_config = &mdl__cal_free_config,
                                              .root_want =
                                                  "scenario, observed, parameters, targets and algorithm"};

sim_status mdl_calib_load(const char *path, struct mdl_calib **out, char *err, size_t errlen)
{
    struct mdl__scn_diag d;
    mdl__scn_diag_init(&d, err, errlen, path);
    struct mdl__cal_file f;
    void *data = NULL;
    sim_status st = mdl__cal_file_open(&f, path, &format, &data, &d);
    struct mdl_calib *c = data;
    if (st == SIM_OK) {
        c->path = strdup(path);
        st = f.dir && c->path ? mdl__cal_validate(c, &f.idx, &d, f.dir) : SIM_ENOMEM;
    }
    if (st == SIM_OK) {
        c->text = f.text, f.text = NULL;
        *out = c, c = NULL;
    }
    mdl__scn_diag_finish(&d);
    mdl_calib_destroy(c);
    mdl__cal_file_close(&f);
    return st;
}
