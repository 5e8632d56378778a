/* The event loop allocates nothing once a workspace is warm: every allocation of this process goes
 * through the counting malloc family below (an executable's definitions interpose on the C
 * library's for every shared object too), and a second run of the same replication in the same
 * workspace must count none. */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stddef.h>

#include "world_helpers.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static atomic_long allocations;

void *malloc(size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_realloc(p, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    void *p = __libc_memalign(align, n);
    if (p == NULL)
        return 12; /* ENOMEM */
    *out = p;
    return 0;
}

static long run_counting(struct mdl_world_ws *ws, uint64_t seed, uint64_t rep, double *v, size_t nv)
{
    memset(v, 0, nv * sizeof *v);
    char err[512];
    long before = atomic_load(&allocations);
    sim_status st = mdl_world_run_rep(ws, seed, rep, v, NULL, NULL, err, sizeof err);
    long n = atomic_load(&allocations) - before;
    cr_assert_eq(st, SIM_OK, "%s", err);
    return n;
}

Test(alloc, a_warm_workspace_runs_the_default_scenario_without_allocating, .timeout = 300)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/baseline.yaml", getenv("DISPSIM_SOURCE_DIR"));
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    struct mdl_scenario *s = load_text(text);
    struct mdl_world *w = NULL;
    cr_assert_eq(mdl_world_create(s, &w), SIM_OK);
    size_t nv = mdl_world_table(w)->rep_values;
    double *v = malloc(nv * sizeof *v);
    struct mdl_world_ws *ws = NULL;
    cr_assert_eq(mdl_world_ws_create(w, &ws), SIM_OK);
    long cold = run_counting(ws, 7, 0, v, nv);
    long warm = run_counting(ws, 7, 0, v, nv);
    /* The counter works (the first run grows the pools), and the second run needs nothing new. */
    cr_assert_gt(cold, 0, "the counting allocator saw no allocation at all");
    cr_assert_eq(warm, 0, "%ld allocations in a warm replication (%ld in the first)", warm, cold);
    fprintf(stderr, "allocations: %ld in the first replication, %ld in the same replication again\n", cold,
            warm);
    mdl_world_ws_destroy(ws);
    mdl_world_destroy(w);
    mdl_scenario_destroy(s);
    free(v);
}
