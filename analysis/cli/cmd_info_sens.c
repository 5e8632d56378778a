/* cmd_info_sens.c: the tables of a sensitivity file, parameters ranked by total-order index. */
#include "cmd_info_sens.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../results/res_sens.h"
#include "cli.h"
#include "cli_common.h"

static void print_params(const struct res_sens *s)
{
    printf("Parameters (%zu):\n  %-28s %-12s %-12s %-6s %s\n", s->d, "name", "min", "max", "scale", "path");
    for (size_t j = 0; j < s->d; j++)
        printf("  %-28s %-12.6g %-12.6g %-6s %s\n", s->names[j], s->lo[j], s->hi[j], s->scales[j],
               s->paths[j][0] ? s->paths[j] : "(dummy: sampled, never applied)");
}

/* The order of the parameters by key[k * d + j] (descending, NaN last; ties by index). */
static void rank(const struct res_sens *s, const double *key, size_t stride, size_t k, size_t *order)
{
    size_t d = s->d;
    for (size_t j = 0; j < d; j++)
        order[j] = j;
    for (size_t a = 1; a < d; a++)
        for (size_t b = a; b > 0; b--) {
            double x = key[(k * d + order[b - 1]) * stride], y = key[(k * d + order[b]) * stride];
            bool swap = (isnan(x) && !isnan(y)) || (!isnan(x) && !isnan(y) && y > x);
            if (!swap)
                break;
            size_t t = order[b - 1];
            order[b - 1] = order[b], order[b] = t;
        }
}

static void print_sobol(const struct res_sens *s, size_t k, size_t *order)
{
    double pct = 100.0 * s->level;
    printf("  Sobol (%zu base samples, %u bootstrap resamples, %.4g%% intervals), ranked by ST:\n",
           s->sobol_n, s->bootstrap, pct);
    if (s->sobol_undefined[k] > 0) {
        printf("    undefined at %.0f of %zu points (e.g. no mode falls significantly): no indices\n",
               s->sobol_undefined[k], s->sobol_n * (s->d + 2));
        return;
    }
    if (isnan(s->st[k * s->d * 3])) {
        printf("    the metric does not vary over the design: no indices\n");
        return;
    }
    rank(s, s->st, 3, k, order);
    printf("    %-28s %-26s %s\n", "parameter", "ST [interval]", "S1 [interval]");
    for (size_t i = 0; i < s->d; i++) {
        size_t j = order[i];
        const double *t = s->st + (k * s->d + j) * 3, *f = s->s1 + (k * s->d + j) * 3;
        printf("    %-28s %6.3f [%6.3f, %6.3f]   %6.3f [%6.3f, %6.3f]\n", s->names[j], t[0], t[1], t[2], f[0],
               f[1], f[2]);
    }
}

static void print_morris(const struct res_sens *s, size_t k, size_t *order)
{
    printf("  Morris (%zu trajectories, %u levels; effects per whole range, %s), ranked by mu*:\n",
           s->morris_r, s->morris_levels, s->out_units[k]);
    if (s->morris_undefined[k] > 0) {
        printf("    undefined at %.0f of %zu points: no effects\n", s->morris_undefined[k],
               s->morris_r * (s->d + 1));
        return;
    }
    rank(s, s->mu_star, 1, k, order);
    printf("    %-28s %12s %12s %12s\n", "parameter", "mu*", "mu", "sigma");
    for (size_t i = 0; i < s->d; i++) {
        size_t j = order[i], x = k * s->d + j;
        printf("    %-28s %12.4g %12.4g %12.4g\n", s->names[j], s->mu_star[x], s->mu[x], s->sigma[x]);
    }
}

int cli__info_sens(const char *path)
{
    struct res_sens s;
    char err[1024];
    sim_status st = res_sens_read(path, &s, err, sizeof err);
    if (st != SIM_OK) {
        fprintf(stderr, "dispsim info: %s\n", err);
        return cli_exit_code(st);
    }
    size_t *order = malloc((s.d + 1) * sizeof *order);
    if (order == NULL) {
        res_sens_free(&s);
        return CLI_SOFTWARE;
    }
    printf("%s: global sensitivity of %s (dispsim %s), seed %llu, %u replications per point, %zu points\n\n",
           path, s.sens_path, s.program_version, (unsigned long long)s.seed, s.reps, s.npoints);
    print_params(&s);
    for (size_t k = 0; k < s.nout; k++) {
        printf("\n%s (%s):\n", s.out_label[k], s.out_units[k]);
        if (s.sobol_n > 0)
            print_sobol(&s, k, order);
        if (s.morris_r > 0)
            print_morris(&s, k, order);
    }
    free(order);
    res_sens_free(&s);
    return CLI_OK;
}
