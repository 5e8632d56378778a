/* calib_ckpt.c: the checkpoint plumbing shared by `dispsim calibrate` and `dispsim sensitivity`:
 * both key their checkpoint by hashes of their texts and open it the same way (resume, refuse or
 * replace). */
#include <stdio.h>
#include <sys/stat.h>

#include "calib.h"
#include "cli_common.h"

uint64_t calib_text_hash(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (; s != NULL && *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

int calib_ckpt_open(const struct calib_ckpt_words *w, const char *path, const char *key,
                    const struct res_ckpt_shape *shape, bool resume, bool force, bool quiet,
                    struct res_ckpt **out)
{
    char err[1024];
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    sim_status st;
    if (resume && exists) {
        st = res_ckpt_resume(path, key, shape, out, NULL, err, sizeof err);
        if (st == SIM_OK && !quiet)
            fprintf(stderr, "dispsim %s: resuming: %zu %s kept in %s\n", w->cmd, res_ckpt_count(*out),
                    w->unit, path);
    } else {
        if (exists && !force) {
            fprintf(stderr,
                    "dispsim %s: %s exists (an interrupted %s): --resume continues it, "
                    "--force starts afresh\n",
                    w->cmd, path, w->what);
            return CLI_CANTCREAT;
        }
        st = exists ? res_ckpt_remove(path, err, sizeof err) : SIM_OK;
        if (st == SIM_OK)
            st = res_ckpt_create(path, key, shape, out, err, sizeof err);
    }
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim %s: %s\n", w->cmd, err);
        return cli_exit_code(st);
    }
    return CLI_OK;
}
