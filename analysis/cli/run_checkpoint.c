/* run_checkpoint.c: a run's checkpoint (results/res_ckpt.h): the key a checkpoint must match to be
 * resumed, and opening, resuming or replacing it (see run.h). */
#define _GNU_SOURCE
#include "run.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../../models/mdl_scenario.h"
#include "cli_common.h"
#include "run_post.h"

/* A 64-bit FNV-1a of n bytes, continuing h (14695981039346656037 to start). */
static uint64_t fnv64(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

/* A hash of this program's executable: a rebuilt dispsim whose code changed may compute other
 * results, so it must not resume a checkpoint the old one wrote. 0 if it cannot be read. */
static uint64_t program_hash(void)
{
    FILE *f = fopen("/proc/self/exe", "rb");
    if (f == NULL)
        return 0;
    unsigned char buf[65536];
    uint64_t h = 14695981039346656037ull;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = fnv64(h, buf, n);
    fclose(f);
    return h;
}

/* What a checkpoint must match to be resumed: everything that decides which items run and what
 * they produce. 64-bit FNV-1a hashes stand for the scenario text and the executable. */
static void checkpoint_key(const struct run *r, const struct run_opts *o, const struct mdl_scenario *s,
                           char *key, size_t len)
{
    uint64_t h = fnv64(14695981039346656037ull, (const unsigned char *)s->text, strlen(s->text));
    snprintf(key, len,
             "program_version=%s\nprogram_fnv64=%016llx\nscenario_name=%.200s\nscenario_fnv64=%016llx\n"
             "scenario_bytes=%zu\n"
             "master_seed=%llu\nreplications=%zu\nvariants=%zu\nshard=%ld/%ld\nprecision=%.17g\nbatch=%ld\n",
             DISPSIM_VERSION, (unsigned long long)program_hash(), s->name, (unsigned long long)h,
             strlen(s->text), (unsigned long long)r->seed, r->nreps, r->nvariants, o->shard, o->shards,
             o->precision, o->precision > 0 ? (o->batch > 0 ? o->batch : 10) : 0);
    if (r->post != NULL) { /* the draws depend on the posterior file and their number */
        size_t used = strlen(key);
        snprintf(key + used, len - used, "posterior_fnv64=%016llx\ndraws=%zu\n",
                 (unsigned long long)r->post->fnv64, r->ndraws);
    }
}

/* Opens the run's checkpoint: resumed with --resume, else created (an old one is kept unless
 * --force). Prints why not and returns the exit code. */
int run_open_checkpoint(struct run *r, const struct run_opts *o, const struct mdl_scenario *s,
                        const char *path)
{
    char key[1024], err[1024];
    checkpoint_key(r, o, s, key, sizeof key);
    const struct res_ckpt_shape shape = {r->nitems, r->rep_values, r->nstreams};
    sim_status st;
    if (o->resume) {
        size_t dropped = 0;
        st = res_ckpt_resume(path, key, &shape, &r->ckpt, &dropped, err, sizeof err);
        if (st == SIM_ENOENT)
            return fprintf(stderr, "dispsim run: %s: no checkpoint to resume; run without --resume\n", path),
                   CLI_NOINPUT;
        if (st == SIM_OK && run_reload(r) != SIM_OK)
            return fprintf(stderr, "dispsim run: %s\n", r->fail_msg), CLI_IOERR;
        if (st == SIM_OK && !o->quiet)
            fprintf(stderr, "dispsim: resuming %s: %zu of %zu replications%s already done%s\n", path,
                    res_ckpt_count(r->ckpt), r->nitems, r->nvariants > 1 ? " of all variants" : "",
                    dropped > 0 ? " (a torn last record was dropped)" : "");
    } else {
        struct stat sb;
        if (stat(path, &sb) == 0 && !o->force)
            return fprintf(stderr,
                           "dispsim run: %s: a checkpoint of an interrupted run exists; add --resume to "
                           "continue it, or --force to discard it\n",
                           path),
                   CLI_CANTCREAT;
        st = o->force ? res_ckpt_remove(path, err, sizeof err) : SIM_OK; /* refused while a run holds it */
        if (st == SIM_OK)
            st = res_ckpt_create(path, key, &shape, &r->ckpt, err, sizeof err);
    }
    if (st != SIM_OK)
        return fprintf(stderr, "dispsim run: %s\n", err), cli_exit_code(st);
    return CLI_OK;
}
