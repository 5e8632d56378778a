/* test_badinput.c: the `dispsim` command line on malformed scenarios.
 *
 * Every file tests/bad/NAME.yaml starts with a line
 *     # expect: CODE SUBSTRING...
 * CODE is the exit status `dispsim validate` and `dispsim run` must give; each SUBSTRING (split at
 * blanks; a "double-quoted" one may hold blanks) must occur in what they print to stderr. `run`
 * must also leave its output directory empty: no results file, no temporary file.
 * DISPSIM_BIN (the program) and DISPSIM_SOURCE_DIR come from the environment (CTest sets them). */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { MAX_EXPECT = 16 };

struct expect {
    int code;
    int n;
    char subs[MAX_EXPECT][256];
};

/* Runs argv, returns its exit status (-1 if it did not exit normally) and its stderr in out. */
static int run(char *const argv[], char *out, size_t outlen)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    cr_assert_eq(rc, 0, "cannot start %s: %s", argv[0], strerror(rc));
    size_t len = 0;
    for (;;) {
        char buf[4096];
        ssize_t got = read(fds[0], buf, sizeof buf);
        if (got <= 0)
            break;
        size_t n = (size_t)got < outlen - 1 - len ? (size_t)got : outlen - 1 - len;
        memcpy(out + len, buf, n);
        len += n;
    }
    out[len] = '\0';
    close(fds[0]);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *bin(void)
{
    const char *b = getenv("DISPSIM_BIN");
    if (!b || !b[0])
        cr_skip_test("DISPSIM_BIN is not set (run through ctest)");
    return b;
}

/* Parses the "# expect:" line of `path`. */
static void read_expect(const char *path, struct expect *e)
{
    char line[2048];
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    cr_assert_not_null(fgets(line, sizeof line, f), "%s is empty", path);
    fclose(f);
    const char *p = strstr(line, "# expect:");
    cr_assert_not_null(p, "%s: first line must be '# expect: CODE SUBSTRING...'", path);
    char *end;
    e->code = (int)strtol(p + 9, &end, 10);
    cr_assert_neq(end, p + 9, "%s: no exit code in the expect line", path);
    e->n = 0;
    for (p = end;;) {
        p += strspn(p, " \t\r\n");
        if (!*p)
            break;
        cr_assert_lt(e->n, MAX_EXPECT, "%s: too many substrings", path);
        size_t len = *p == '"' ? strcspn(p + 1, "\"") : strcspn(p, " \t\r\n");
        const char *s = *p == '"' ? p + 1 : p;
        cr_assert_lt(len, sizeof e->subs[0]);
        memcpy(e->subs[e->n], s, len);
        e->subs[e->n][len] = '\0';
        e->n++;
        p = s + len + (*p == '"' && s[len] == '"');
    }
}

static bool dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *ent;
    bool empty = true;
    while ((ent = readdir(d)))
        if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
            empty = false;
    closedir(d);
    return empty;
}

/* Runs `validate` and `run` on `path`, checking status, stderr and that nothing was written. */
static void check_file(const char *path, const struct expect *e)
{
    char dir[] = "/tmp/test_badinput.XXXXXX", out[600], msg[8192];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/out.h5", dir);
    char *validate[] = {(char *)bin(), "validate", (char *)path, NULL};
    char *runv[] = {(char *)bin(), "run", (char *)path, "-o", out, "-r", "1", NULL};
    char *const *cmds[] = {validate, runv};
    for (int c = 0; c < 2; c++) {
        int code = run(cmds[c], msg, sizeof msg);
        cr_expect_eq(code, e->code, "%s %s: exit status %d, expected %d; stderr:\n%s", cmds[c][1], path, code,
                     e->code, msg);
        for (int i = 0; i < e->n; i++)
            cr_expect_not_null(strstr(msg, e->subs[i]), "%s %s: stderr lacks \"%s\":\n%s", cmds[c][1], path,
                               e->subs[i], msg);
        cr_expect(dir_is_empty(dir), "%s %s left files in %s", cmds[c][1], path, dir);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    (void)system(cmd);
}

Test(badinput, every_bad_scenario_is_refused_with_position)
{
    (void)bin();
    const char *src = getenv("DISPSIM_SOURCE_DIR");
    char pattern[1024];
    snprintf(pattern, sizeof pattern, "%s/tests/bad/*.yaml", src ? src : ".");
    glob_t g;
    cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "no files match %s", pattern);
    cr_expect_geq(g.gl_pathc, 20u, "the corpus should hold at least 20 files");
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct expect e;
        read_expect(g.gl_pathv[i], &e);
        cr_expect_geq(e.n, 1, "%s: give at least one expected substring", g.gl_pathv[i]);
        check_file(g.gl_pathv[i], &e);
    }
    globfree(&g);
}

/* Checks both commands on `path` with the given status and message. */
static void check_special(const char *path, int code, const char *sub)
{
    struct expect e = {.code = code, .n = 2};
    snprintf(e.subs[0], sizeof e.subs[0], "%s", path);
    snprintf(e.subs[1], sizeof e.subs[1], "%s", sub);
    check_file(path, &e);
}

Test(badinput, missing_file_exits_66)
{
    (void)bin();
    check_special("/nonexistent/dir/scenario.yaml", 66, "cannot read: No such file or directory");
}

Test(badinput, directory_exits_66)
{
    (void)bin();
    char dir[] = "/tmp/test_badinput_dir.XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    check_special(dir, 66, "cannot read: Is a directory");
    rmdir(dir);
}

Test(badinput, unreadable_file_exits_66)
{
    (void)bin();
    if (geteuid() == 0)
        cr_skip_test("permissions do not apply to root");
    char path[] = "/tmp/test_badinput_file.XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "dispsim: 1\n", 11), 11);
    close(fd);
    chmod(path, 0);
    check_special(path, 66, "cannot read: Permission denied");
    unlink(path);
}

Test(badinput, truly_empty_file_exits_65)
{
    (void)bin();
    char path[] = "/tmp/test_badinput_empty.XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    check_special(path, 65, "empty scenario");
    unlink(path);
}
