/* dispsim sensitivity end to end on tests/sensitivity-tiny.yaml: the indices' properties, the
 * same bytes for -j 1 and -j 2, the info tables, and bad sensitivity files refused. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../results/res_sens.h"

#define CLI_HELPERS_TMPDIR "/tmp/dispsim_sens_XXXXXX"
#include "cli_helpers.h"

TestSuite(senscli, .init = setup, .fini = teardown, .timeout = 600);

static bool same_bytes(const char *a, const char *b)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

static size_t param(const struct res_sens *s, const char *name)
{
    for (size_t j = 0; j < s->d; j++)
        if (strcmp(s->names[j], name) == 0)
            return j;
    cr_assert_fail("no parameter %s", name);
    return 0;
}

/* The indices' properties, output by output, up to their bootstrap intervals. */
static void check_indices(const struct res_sens *s)
{
    size_t d = s->d, dummy = param(s, "dummy"), bs = param(s, "b_success");
    cr_assert_eq(s->npoints, s->sobol_n * (d + 2) + s->morris_r * (d + 1));
    for (size_t k = 0; k < s->nout; k++) {
        cr_assert_eq(s->sobol_undefined[k], 0.0, "%s undefined at some points", s->out_label[k]);
        for (size_t j = 0; j < d; j++) {
            const double *f = s->s1 + (k * d + j) * 3, *t = s->st + (k * d + j) * 3;
            for (int i = 0; i < 3; i++)
                cr_assert(isfinite(f[i]) && isfinite(t[i]), "%s %s: non-finite index", s->out_label[k],
                          s->names[j]);
            cr_assert(f[1] <= f[2] && t[1] <= t[2]);
            /* In [0, 1] up to the bootstrap error: each interval meets [0, 1]. */
            cr_assert(f[1] <= 1.0 && f[2] >= 0.0, "%s %s: S1 %g [%g, %g] misses [0, 1]", s->out_label[k],
                      s->names[j], f[0], f[1], f[2]);
            cr_assert(t[1] <= 1.0 && t[2] >= 0.0, "%s %s: ST %g [%g, %g] misses [0, 1]", s->out_label[k],
                      s->names[j], t[0], t[1], t[2]);
            /* ST >= S1 up to the error: the intervals are compatible. */
            cr_assert(t[2] >= f[1], "%s %s: ST %g [%g, %g] below S1 %g [%g, %g]", s->out_label[k],
                      s->names[j], t[0], t[1], t[2], f[0], f[1], f[2]);
        }
        /* The dummy changes nothing: its ST is near 0 within its interval, and that interval lies
         * below the one of b_success, which moves every arrival. */
        const double *td = s->st + (k * d + dummy) * 3, *tb = s->st + (k * d + bs) * 3;
        cr_assert(td[1] <= 0.0 && td[0] <= td[2], "dummy ST %g [%g, %g]", td[0], td[1], td[2]);
        cr_assert(td[2] < tb[1], "%s: dummy ST [%g, %g] not below b_success's [%g, %g]", s->out_label[k],
                  td[1], td[2], tb[1], tb[2]);
        cr_assert_eq(s->mu_star[k * d + dummy], 0.0);
        cr_assert_gt(s->mu_star[k * d + bs], 0.0);
    }
}

Test(senscli, tiny_end_to_end_and_thread_count)
{
    char a[512], b[512], args[1200];
    snprintf(a, sizeof a, "%s/a.h5", tmpdir);
    snprintf(b, sizeof b, "%s/b.h5", tmpdir);
    snprintf(args, sizeof args, "sensitivity tests/sensitivity-tiny.yaml -o '%s' -j 1 -q", a);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    snprintf(args, sizeof args, "sensitivity tests/sensitivity-tiny.yaml -o '%s' -j 2 -q", b);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    cr_assert(same_bytes(a, b), "-j 1 and -j 2 differ");
    struct stat sb;
    snprintf(args, sizeof args, "%s.ckpt", a);
    cr_assert_neq(stat(args, &sb), 0, "the checkpoint stays after success");

    struct res_sens s;
    char err[512];
    cr_assert_eq(res_sens_read(a, &s, err, sizeof err), SIM_OK, "%s", err);
    cr_assert_eq(s.d, 3);
    cr_assert_eq(s.nout, 2);
    cr_assert_str_eq(s.out_label[0], "net_deterrence[anpr]");
    cr_assert_str_eq(s.out_label[1], "arrivals_change[anpr,lorry]");
    check_indices(&s);
    res_sens_free(&s);

    snprintf(args, sizeof args, "info '%s'", a);
    cr_assert_eq(dispsim(args), 0, "%s", slurp("stderr"));
    const char *out = slurp("stdout"), *t = strstr(out, "ranked by ST");
    cr_assert_not_null(t, "%s", out);
    const char *first = strstr(t, "b_success"), *dummy = strstr(t, "dummy");
    cr_assert(first != NULL && dummy != NULL && first < dummy, "b_success not ranked above the dummy:\n%s",
              out);
}

Test(senscli, existing_output_is_kept)
{
    char args[1200];
    snprintf(args, sizeof args, "%s/x.h5", tmpdir);
    FILE *f = fopen(args, "w");
    cr_assert_not_null(f);
    fputs("keep", f);
    fclose(f);
    snprintf(args, sizeof args, "sensitivity tests/sensitivity-tiny.yaml -o '%s/x.h5' -q", tmpdir);
    cr_assert_eq(dispsim(args), 73);
}

/* Every file of tests/bad/sens is refused with "FILE:LINE:COL: " and no output. */
Test(senscli, bad_files)
{
    const char *src = getenv("DISPSIM_SOURCE_DIR");
    cr_assert_not_null(src);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/bad/sens", src);
    DIR *dp = opendir(dir);
    cr_assert_not_null(dp);
    unsigned n = 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char args[1600], out[600], want[700];
        snprintf(out, sizeof out, "%s/bad.h5", tmpdir);
        snprintf(args, sizeof args, "sensitivity tests/bad/sens/%s -o '%s' -q", e->d_name, out);
        int rc = dispsim(args);
        const char *err = slurp("stderr");
        cr_assert_eq(rc, strcmp(e->d_name, "missing_study.yaml") == 0 ? 66 : 65, "%s: %d\n%s", e->d_name, rc,
                     err);
        snprintf(want, sizeof want, "tests/bad/sens/%s:", e->d_name);
        cr_assert(strncmp(err, want, strlen(want)) == 0, "%s", err);
        unsigned line = 0, col = 0;
        cr_assert_eq(sscanf(err + strlen(want), "%u:%u: ", &line, &col), 2, "%s", err);
        cr_assert(line > 0 && col > 0, "%s", err);
        struct stat sb;
        cr_assert_neq(stat(out, &sb), 0, "%s: output written", e->d_name);
        n++;
    }
    closedir(dp);
    cr_assert_geq(n, 10);
}
