/* cli_helpers.h: the harness of the test suites that run the dispsim binary end to end
 * (test_cli.c, test_postrun.c, test_senscli.c). Each includes it once, after <criterion/criterion.h>,
 * having defined CLI_HELPERS_TMPDIR to its mkdtemp template ("/tmp/dispsim_cli_XXXXXX"), and
 * declares its suite with `.init = setup, .fini = teardown`. Everything here is static: one copy per
 * suite, one temporary directory per test (Criterion runs each test in its own process). */
#ifndef CLI_HELPERS_H
#define CLI_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#ifndef CLI_HELPERS_TMPDIR
#error "define CLI_HELPERS_TMPDIR (a mkdtemp template) before including cli_helpers.h"
#endif

/* The test's temporary directory: created by setup, removed with its contents by teardown. */
static char tmpdir[] = CLI_HELPERS_TMPDIR;

static inline void setup(void)
{
    cr_assert_not_null(mkdtemp(tmpdir));
}

static inline void teardown(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

/* Runs the binary $DISPSIM_BIN with `args` (a shell fragment) from $DISPSIM_SOURCE_DIR (both set
 * by ctest), its stdout and stderr into tmpdir/stdout and tmpdir/stderr; returns its exit status
 * (a test failure if it did not exit). */
static inline int dispsim(const char *args)
{
    const char *bin = getenv("DISPSIM_BIN"), *src = getenv("DISPSIM_SOURCE_DIR");
    cr_assert_not_null(bin, "DISPSIM_BIN not set (run through ctest)");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >'%s/stdout' 2>'%s/stderr'", src, bin, args, tmpdir,
             tmpdir);
    int st = system(cmd);
    cr_assert(WIFEXITED(st));
    return WEXITSTATUS(st);
}

/* The first MiB of tmpdir/`name`, NUL-terminated, in a static buffer that the next call
 * overwrites; a test failure if the file cannot be opened. */
static inline char *slurp(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

#endif
