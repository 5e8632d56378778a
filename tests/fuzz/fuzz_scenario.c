/* fuzz_scenario.c: libFuzzer harness for the scenario loader and validator.
 *
 * Each input is a scenario file: it goes through mdl_scenario_load (libyaml, libcyaml, the path
 * index and every validation rule), exactly what `dispsim validate` does, and a scenario that
 * loads is assembled into a world with one thread's workspace, as `dispsim run` does before its
 * first replication. Beyond the sanitizers' reports, the harness checks the loader's contract:
 * a refusal always comes with a message naming the file, and a success with none. */
#include "fuzz_file.h"

#include <string.h>

#include "../../models/mdl_scenario.h"
#include "../../models/mdl_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file(data, size, ".yaml");
    struct mdl_scenario *s = NULL;
    char err[8192];
    sim_status st = mdl_scenario_load(path, &s, err, sizeof err);
    if (st != SIM_OK) {
        if (s != NULL || strstr(err, path) != err)
            abort(); /* a refusal must leave *out alone and say which file is wrong */
        return 0;
    }
    if (s == NULL || err[0] != '\0')
        abort();
    struct mdl_world *w = NULL;
    struct mdl_world_ws *ws = NULL;
    if (mdl_world_create(s, &w) == SIM_OK && mdl_world_ws_create(w, &ws) == SIM_OK)
        mdl_world_ws_destroy(ws);
    mdl_world_destroy(w);
    mdl_scenario_destroy(s);
    return 0;
}
