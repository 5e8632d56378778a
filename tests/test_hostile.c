/* test_hostile.c: the `dispsim` command line on hostile and broken inputs, end to end.
 *
 * Scenario and results files are shared between organisations, so each case here must end with a
 * clear message and the documented exit status: never a crash, a hang (every command runs under
 * timeout(1)) or a file that looks complete. Complements test_results.c (the results layer on
 * damaged files and failing writes), test_badinput.c (malformed scenario values) and test_cli.c
 * (the missing output directory). DISPSIM_BIN and DISPSIM_SOURCE_DIR come from CTest. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Seconds any one command may take, far above what each needs (under ASan too). */
enum { LIMIT_S = 120, TIMED_OUT = 124 };

static char tmp[] = "/tmp/dispsim_hostile_XXXXXX";

static void setup(void)
{
    cr_assert_not_null(mkdtemp(tmp));
}

static void teardown(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", tmp, tmp);
    (void)system(cmd);
}

TestSuite(hostile, .init = setup, .fini = teardown, .timeout = 900);

static const char *env(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0')
        cr_skip_test("%s is not set (run through ctest)", name);
    return v;
}

/* A path in the test's directory (several may be live at once). */
static const char *at(const char *name)
{
    static char bufs[8][1024];
    static int next;
    char *p = bufs[next++ % 8];
    snprintf(p, sizeof bufs[0], "%s/%s", tmp, name);
    return p;
}

/* Runs a shell command (printf format) under timeout(1), stdout and stderr into tmp/out and
 * tmp/err. Returns its exit status, TIMED_OUT if it had to be stopped, -1 for a signal. */
static int sh(const char *fmt, ...)
{
    char inner[8192], cmd[9000];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(inner, sizeof inner, fmt, ap);
    va_end(ap);
    cr_assert_lt(n, (int)sizeof inner);
    snprintf(cmd, sizeof cmd, "timeout -k 5 %d sh -c \"$HOSTILE_CMD\" >'%s/out' 2>'%s/err'", LIMIT_S, tmp,
             tmp);
    setenv("HOSTILE_CMD", inner, 1); /* no second level of quoting */
    int st = system(cmd);
    cr_assert_neq(st, -1);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *slurp(const char *name)
{
    static char buf[1 << 16];
    FILE *f = fopen(at(name), "rb");
    cr_assert_not_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Asserts exit status `code` and that stderr holds every substring given (NULL-terminated). */
static void expect(int got, int code, ...)
{
    const char *err = slurp("err");
    cr_assert_neq(got, TIMED_OUT, "the command did not finish within %d s; stderr:\n%s", LIMIT_S, err);
    cr_assert_eq(got, code, "exit status %d, expected %d; stderr:\n%s", got, code, err);
    va_list ap;
    va_start(ap, code);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
        cr_assert_not_null(strstr(err, s), "stderr lacks \"%s\":\n%s", s, err);
    va_end(ap);
}

/* Writes the baseline shortened to three days (a run of one replication takes a moment). */
static const char *short_scenario(const char *name)
{
    const char *path = at(name);
    cr_assert_eq(sh("sed 's/^  warmup_days: .*/  warmup_days: 0/; s/^  horizon_days: .*/  horizon_days: 3/' "
                    "'%s/scenarios/baseline.yaml' >'%s'",
                    env("DISPSIM_SOURCE_DIR"), path),
                 0);
    return path;
}

/* Runs the short scenario into `out`; the results file every `info` case starts from. */
static void good_results(const char *out)
{
    expect(sh("'%s' run '%s' -r 2 -j 1 -q -o '%s'", env("DISPSIM_BIN"), short_scenario("short.yaml"), out), 0,
           NULL);
}

static long file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s missing", path);
    return (long)st.st_size;
}

/* Copies the first `len` bytes of src to dst, flipping the byte at `flip` (-1: none). */
static void copy_damaged(const char *src, const char *dst, long len, long flip)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    cr_assert(in != NULL && out != NULL);
    for (long i = 0; i < len; i++) {
        int c = fgetc(in);
        cr_assert_neq(c, EOF);
        fputc(i == flip ? c ^ 0x5a : c, out);
    }
    fclose(in);
    fclose(out);
}

static bool dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s missing", dir);
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL)
        empty &= strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

/* ---- Results files given to dispsim info ------------------------------------------------------ */

static void expect_info_refuses(const char *path, int code, const char *why)
{
    expect(sh("'%s' info '%s'", env("DISPSIM_BIN"), path), code, path, why, NULL);
    cr_assert_str_eq(slurp("out"), "", "info printed figures from a bad file");
}

Test(hostile, info_refuses_a_truncated_results_file)
{
    good_results(at("good.h5"));
    long n = file_size(at("good.h5"));
    long cuts[] = {0, 8, 100, n / 2, n - 25, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        copy_damaged(at("good.h5"), at("cut.h5"), cuts[i], -1);
        expect_info_refuses(at("cut.h5"), 65, "not a");
    }
}

Test(hostile, info_refuses_a_corrupted_results_file)
{
    good_results(at("good.h5"));
    long n = file_size(at("good.h5"));
    copy_damaged(at("good.h5"), at("bad.h5"), n, n / 2);
    expect_info_refuses(at("bad.h5"), 65, "checksum mismatch");
    copy_damaged(at("good.h5"), at("bad.h5"), n, 3); /* the HDF5 signature */
    expect_info_refuses(at("bad.h5"), 65, "checksum mismatch");
}

Test(hostile, info_refuses_a_newer_schema)
{
    /* tests/data/schema99.h5: a short run whose dispsim_schema_version h5py set to 99. */
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/schema99.h5", env("DISPSIM_SOURCE_DIR"));
    expect_info_refuses(path, 65, "schema version 99 is newer than this build's 2");
}

Test(hostile, info_refuses_a_file_on_which_hdf5_crashes)
{
    /* tests/data/hdf5_crash.h5: found by tests/fuzz/fuzz_results.c, a results file without its
     * checksum trailer and seven bytes changed, on which HDF5 1.10.8 dereferences a wild pointer. */
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/hdf5_crash.h5", env("DISPSIM_SOURCE_DIR"));
    expect_info_refuses(path, 65, "not a readable HDF5 file");
}

/* ---- Scenario files built to exhaust the loader ------------------------------------------------- */

/* Writes `head`, then `item` n times separated by `sep`, then `tail` to `path`. */
static void write_repeated(const char *path, const char *head, const char *item, const char *sep, long n,
                           const char *tail)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(head, f);
    for (long i = 0; i < n; i++)
        fprintf(f, "%s%s", i > 0 ? sep : "", item);
    fputs(tail, f);
    cr_assert_eq(fclose(f), 0);
}

/* `validate` and `run` both refuse `path` with 65 and `why`, and `run` writes nothing. */
static void expect_scenario_refused(const char *path, const char *why)
{
    const char *bin = env("DISPSIM_BIN");
    cr_assert_eq(mkdir(at("outdir"), 0755), 0);
    expect(sh("'%s' validate '%s'", bin, path), 65, path, why, NULL);
    expect(sh("'%s' run '%s' -r 1 -q -o '%s/outdir/x.h5'", bin, path, tmp), 65, path, why, NULL);
    cr_assert(dir_is_empty(at("outdir")), "run left a file after refusing the scenario");
}

Test(hostile, a_million_element_list_is_refused)
{
    write_repeated(at("million.yaml"),
                   "dispsim: 1\nname: million\nports:\n  - name: calais\n    hour_profile: [", "1.5", ", ",
                   1000000, "]\n");
    expect_scenario_refused(at("million.yaml"), "scenario too large (more than 200000 values)");
}

Test(hostile, deeply_nested_lists_are_refused_quickly)
{
    /* libyaml alone needs about a minute for these (quadratic in the depth). */
    write_repeated(at("deep.yaml"), "dispsim: ", "[", "", 100000, "\n");
    expect_scenario_refused(at("deep.yaml"), "nested more than 64 levels deep");
    write_repeated(at("closed.yaml"), "dispsim: 1\nname: ", "[", "", 100000, "");
    FILE *f = fopen(at("closed.yaml"), "a");
    for (int i = 0; i < 100000; i++)
        fputc(']', f);
    fclose(f);
    expect(sh("'%s' validate '%s'", env("DISPSIM_BIN"), at("closed.yaml")), 65, "nested more than 64", NULL);
}

Test(hostile, deeply_nested_mappings_are_refused_quickly)
{
    /* libyaml alone does not finish these within minutes. */
    write_repeated(at("deepmap.yaml"), "dispsim: 1\nname: ", "{a: ", "", 100000, "1\n");
    expect_scenario_refused(at("deepmap.yaml"), "nested more than 64 levels deep");
}

Test(hostile, a_billion_laughs_alias_bomb_is_refused)
{
    /* Ten levels of ten aliases each: 10^10 nodes once expanded, 110 in the file. */
    FILE *f = fopen(at("laughs.yaml"), "w");
    cr_assert_not_null(f);
    fputs("dispsim: 1\nname: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n", f);
    for (int i = 1; i <= 9; i++) {
        fprintf(f, "x%d: &l%d [", i, i);
        for (int k = 0; k < 10; k++)
            fprintf(f, "%s*l%d", k ? ", " : "", i - 1);
        fputs("]\n", f);
    }
    fputs("description: *l9\n", f);
    fclose(f);
    expect_scenario_refused(at("laughs.yaml"), "scenario too large");
}

/* ---- Paths and output directories --------------------------------------------------------------- */

Test(hostile, paths_with_spaces_and_non_ascii_characters_work)
{
    const char *bin = env("DISPSIM_BIN");
    const char *dir = at("dossier partagé ü 日本");
    cr_assert_eq(mkdir(dir, 0755), 0);
    char scen[1024], out[1024];
    snprintf(scen, sizeof scen, "%s/scénario de référence.yaml", dir);
    snprintf(out, sizeof out, "%s/résultats ø 1.h5", dir);
    cr_assert_eq(rename(short_scenario("s.yaml"), scen), 0);
    expect(sh("'%s' validate '%s'", bin, scen), 0, NULL);
    expect(sh("'%s' run '%s' -r 1 -q -o '%s'", bin, scen, out), 0, NULL);
    expect(sh("'%s' info '%s'", bin, out), 0, NULL);
    const char *o = slurp("out");
    cr_assert_not_null(strstr(o, out), "info names the file: %s", o);
    cr_assert_not_null(strstr(o, "scénario de référence.yaml"), "info names the scenario: %s", o);
    /* Without -o the output takes the scenario's base name, in the current directory. */
    expect(sh("cd '%s' && '%s' run 'scénario de référence.yaml' -r 1 -q", dir, bin), 0, NULL);
    char def[1024];
    snprintf(def, sizeof def, "%s/scénario de référence.h5", dir);
    cr_assert_gt(file_size(def), 0);
}

/* Runs `dispsim run` on the short scenario into a fresh directory on a tmpfs mounted with `opts`
 * in a private mount namespace (so nothing is left mounted); exit status, and `listing` gets the
 * directory's contents afterwards. Skips where mounting is not allowed. */
static int run_on_tmpfs(const char *opts)
{
    const char *scen = short_scenario("s.yaml"), *mnt = at("mnt");
    cr_assert_eq(mkdir(mnt, 0755), 0);
    if (sh("unshare -m sh -c 'mount -t tmpfs -o size=1m tmpfs \"$0\"' '%s'", mnt) != 0)
        cr_skip_test("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): %s", slurp("err"));
    return sh("unshare -m sh -c 'mount -t tmpfs -o %s tmpfs \"$0\" || exit 99; \"$1\" run \"$2\" -r 1 -q -o "
              "\"$0/out.h5\"; rc=$?; ls -A \"$0\" >\"$3\"; exit $rc' '%s' '%s' '%s' '%s'",
              opts, mnt, env("DISPSIM_BIN"), scen, at("listing"));
}

Test(hostile, read_only_output_directory_exits_73_and_writes_nothing)
{
    if (geteuid() != 0) {
        const char *dir = at("ro");
        cr_assert_eq(mkdir(dir, 0555), 0);
        expect(sh("'%s' run '%s' -r 1 -q -o '%s/x.h5'", env("DISPSIM_BIN"), short_scenario("s.yaml"), dir),
               73, "not writable", NULL);
        cr_assert(dir_is_empty(dir));
        return;
    }
    /* Root writes through permissions: a read-only file system is the real thing. */
    expect(run_on_tmpfs("ro"), 73, "cannot create", "not writable", NULL);
    cr_assert_str_eq(slurp("listing"), "", "files left behind");
}

Test(hostile, file_size_limit_exits_74_and_writes_nothing)
{
    const char *dir = at("full");
    cr_assert_eq(mkdir(dir, 0755), 0);
    /* 20 kB: the file is about 90 kB, so the limit strikes in the middle of writing it. */
    expect(sh("prlimit --fsize=20000 '%s' run '%s' -r 1 -q -o '%s/x.h5'", env("DISPSIM_BIN"),
              short_scenario("s.yaml"), dir),
           74, "x.h5: write failed: File too large", "--resume", NULL);
    /* No results file, no temporary file: only the checkpoint, from which --resume writes the file
     * once there is room, without simulating again. */
    char ckpt[1024];
    snprintf(ckpt, sizeof ckpt, "%s/x.h5.ckpt", dir);
    cr_assert_eq(unlink(ckpt), 0, "the checkpoint was not kept");
    cr_assert(dir_is_empty(dir), "a partial or temporary file was left behind");
}

Test(hostile, full_file_system_exits_74_and_writes_nothing)
{
    expect(run_on_tmpfs("size=16k"), 74, "out.h5: write failed: No space left on device", "--resume", NULL);
    cr_assert_str_eq(slurp("listing"), "out.h5.ckpt\n", "files left behind, or the checkpoint lost");
}
