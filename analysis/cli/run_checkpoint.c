/* run_checkpoint.c: a run's checkpoint (results/res_ckpt.h): the key a checkpoint must match to be
 * resumed, and opening, resuming or replacing it (see run.h). */
#define _GNU_SOURCE
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
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

/* The value of line `name=` in a key or header, as a length-limited string into buf; "" if none. */
static const char *key_value(const char *key, const char *name, char *buf, size_t len)
{
    size_t n = strlen(name);
    for (const char *p = key; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, name, n) == 0 && p[n] == '=') {
            snprintf(buf, len, "%.*s", (int)strcspn(p + n + 1, "\n"), p + n + 1);
            return buf;
        }
    snprintf(buf, len, "%s", "");
    return buf;
}

/* Says, in the options' terms, how the run the checkpoint `path` (key `have`) belongs to differs
 * from this one (key `want`); bit i of `given` is set when the user gave option i of the table
 * (else its value is a default). False when no line of the keys tells. */
static bool say_other_run(const char *path, const char *have, const char *want, unsigned given)
{
    static const struct {
        const char *line, *option;
    } opts[] = {{"replications", "-r"},
                {"master_seed", "--seed"},
                {"shard", "--shard"},
                {"precision", "--precision"},
                {"batch", "--batch"}};
    char a[256], b[256];
    const char *lead = "dispsim run: %s belongs to another run: ";
    const char *todo = "give the options it was started with, or --force to discard it and start afresh";
    if (strcmp(key_value(have, "program_fnv64", a, sizeof a),
               key_value(want, "program_fnv64", b, sizeof b))) {
        fprintf(stderr, lead, path);
        fprintf(stderr,
                "another build of dispsim (%s) wrote it, and a rebuilt program may compute other "
                "results; finish it with that build, or use --force to start afresh\n",
                key_value(have, "program_version", a, sizeof a));
        return true;
    }
    if (strcmp(key_value(have, "scenario_fnv64", a, sizeof a),
               key_value(want, "scenario_fnv64", b, sizeof b))) {
        fprintf(stderr, lead, path);
        fprintf(stderr, "the scenario file changed since it was written (scenario '%s', ",
                key_value(have, "scenario_name", a, sizeof a));
        fprintf(stderr, "%s bytes then, ", key_value(have, "scenario_bytes", a, sizeof a));
        fprintf(stderr, "%s now); restore the file, or %s\n", key_value(want, "scenario_bytes", b, sizeof b),
                "use --force to start afresh with the new one");
        return true;
    }
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
        key_value(have, opts[i].line, a, sizeof a);
        key_value(want, opts[i].line, b, sizeof b);
        if (strcmp(a, b) == 0)
            continue;
        if (strcmp(opts[i].line, "precision") == 0) { /* written with %.17g, given as 0.01 */
            snprintf(a, sizeof a, "%g", strtod(a, NULL));
            snprintf(b, sizeof b, "%g", strtod(b, NULL));
        }
        /* "0/0" is no shard, "0" no --precision; batch only matters with --precision */
        bool none_a = strcmp(a, "0/0") == 0 || strcmp(a, "0") == 0,
             none_b = strcmp(b, "0/0") == 0 || strcmp(b, "0") == 0;
        fprintf(stderr, lead, path);
        if (none_b)
            fprintf(stderr, "you ran without %s, the checkpoint has %s %s; %s\n", opts[i].option,
                    opts[i].option, a, todo);
        else if (none_a)
            fprintf(stderr, "you ran %s %s, the checkpoint has none; %s\n", opts[i].option, b, todo);
        else if (!(given & (1u << i)))
            fprintf(stderr, "you ran without %s (so the scenario's %s), the checkpoint has %s %s; %s\n",
                    opts[i].option, b, opts[i].option, a, todo);
        else
            fprintf(stderr, "you ran %s %s, the checkpoint has %s %s; %s\n", opts[i].option, b,
                    opts[i].option, a, todo);
        return true;
    }
    return false;
}

/* After res_ckpt_resume refused the checkpoint `path` as another run's: says how in the options'
 * terms when its key tells, else prints the results layer's message `err`. */
static void say_mismatch(const char *path, const char *want, const struct run_opts *o, const char *err)
{
    char *have = NULL, why[512];
    size_t nitems = 0, done = 0;
    /* in the order of say_other_run's table: -r, --seed, --shard, --precision, --batch */
    unsigned given = (o->reps > 0 ? 1u : 0u) | (o->seed_set ? 2u : 0u) | (o->shards > 0 ? 4u : 0u) |
                     (o->precision > 0 ? 8u : 0u) | (o->batch > 0 ? 16u : 0u);
    if (res_ckpt_inspect(path, &have, &nitems, &done, why, sizeof why) != SIM_OK ||
        !say_other_run(path, have, want, given))
        fprintf(stderr, "dispsim run: %s\n", err);
    free(have);
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
        if (st == SIM_OK && !o->quiet) {
            char dims[96];
            run_shape(r, r->nreps, dims, sizeof dims);
            fprintf(stderr, "dispsim: resuming %s: %zu of %zu %s%s already done%s\n", path,
                    res_ckpt_count(r->ckpt), r->nitems, run_unit(r, r->nitems), dims,
                    dropped > 0 ? " (a torn last record was dropped: it runs again)" : "");
        }
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
    if (st == SIM_EINVAL && o->resume)
        return say_mismatch(path, key, o, err), cli_exit_code(st);
    if (st != SIM_OK)
        return fprintf(stderr, "dispsim run: %s\n", err), cli_exit_code(st);
    return CLI_OK;
}
