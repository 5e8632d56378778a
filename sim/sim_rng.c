#include "sim_rng.h"

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <threads.h>

#include <Random123/philox.h>
#include <gsl/gsl_randist.h>

/* SplitMix64's finaliser: a bijection on 64-bit integers with good avalanche. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t sim_seed_mix(uint64_t master, uint64_t rep, uint32_t stream)
{
    /* (rep, stream) packs injectively into 64 bits; xor with a hash of the master seed and a final
     * bijective mix keep it injective for a fixed master seed. */
    uint64_t packed = ((rep & SIM_RNG_MAX_REP) << 24) | (stream & SIM_RNG_MAX_STREAM);
    uint64_t key = mix64(mix64(master + UINT64_C(0x9e3779b97f4a7c15)) ^ packed);
    return key != 0 ? key : UINT64_C(0x2545f4914f6cdd1d);
}

struct philox_state {
    philox4x32_ctr_t ctr;
    philox4x32_key_t key;
    philox4x32_ctr_t out;
    unsigned next; /* index of the next unused word of `out`; 4 means refill */
};

static void philox_set(void *vstate, unsigned long seed)
{
    struct philox_state *s = vstate;
    uint64_t k = (uint64_t)seed;
    s->key.v[0] = (uint32_t)k;
    s->key.v[1] = (uint32_t)(k >> 32);
    s->ctr.v[0] = s->ctr.v[1] = s->ctr.v[2] = s->ctr.v[3] = 0;
    s->next = 4;
}

static unsigned long philox_get(void *vstate)
{
    struct philox_state *s = vstate;
    if (s->next == 4) {
        s->out = philox4x32(s->ctr, s->key);
        /* A 128-bit counter: carrying into the next words makes the period 2^130 words. */
        if (++s->ctr.v[0] == 0 && ++s->ctr.v[1] == 0 && ++s->ctr.v[2] == 0)
            ++s->ctr.v[3];
        s->next = 0;
    }
    return s->out.v[s->next++];
}

static double philox_get_double(void *vstate)
{
    return (double)philox_get(vstate) / 4294967296.0;
}

static const gsl_rng_type philox_type = {
    "philox4x32_10", 0xffffffffUL, 0, sizeof(struct philox_state), philox_set, philox_get, philox_get_double,
};

const gsl_rng_type *sim_rng_philox = &philox_type;

void sim_rng_philox_seek(gsl_rng *r, uint64_t key, uint64_t block)
{
    struct philox_state *s = r->state;
    philox_set(s, (unsigned long)key);
    s->ctr.v[0] = (uint32_t)block;
    s->ctr.v[1] = (uint32_t)(block >> 32);
}

void sim_rng_philox_seek_lane(gsl_rng *r, uint64_t key, uint64_t lane, uint64_t block)
{
    struct philox_state *s = r->state;
    s->key.v[0] = (uint32_t)key;
    s->key.v[1] = (uint32_t)(key >> 32);
    s->ctr.v[0] = (uint32_t)block;
    s->ctr.v[1] = (uint32_t)(block >> 32);
    s->ctr.v[2] = (uint32_t)lane;
    s->ctr.v[3] = (uint32_t)(lane >> 32);
    s->next = 4;
}

uint64_t sim_rng_philox_tell(const gsl_rng *r)
{
    const struct philox_state *s = r->state;
    /* ctr is already past the block being consumed, or is the next block when none is. */
    return (uint64_t)s->ctr.v[0] | ((uint64_t)s->ctr.v[1] << 32);
}

/* ---- exponential ziggurat (Marsaglia and Tsang, J. Stat. Software 5(8), 2000) ----
 * Layer i has right edge x_i = zig_w[i] * 2^53 (x_255 = R, the base); a draw j * zig_w[i] with j
 * below zig_k[i] lies wholly under the curve and is accepted at once. Layer 0 is the base strip,
 * whose overhang is the tail beyond R. */
#define ZIG_R    7.69711747013104972
#define ZIG_AREA 3.949659822581572e-3
#define ZIG_M    9007199254740992.0 /* 2^53 */

static uint64_t zig_k[256];
static double zig_w[256], zig_f[256];
static once_flag zig_once = ONCE_FLAG_INIT;
static atomic_bool zig_ready; /* a cheap acquire load in the hot path instead of call_once */

static void zig_init(void)
{
    double de = ZIG_R, te = ZIG_R;
    double q = ZIG_AREA / exp(-de);
    zig_k[0] = (uint64_t)((de / q) * ZIG_M);
    zig_k[1] = 0;
    zig_w[0] = q / ZIG_M;
    zig_w[255] = de / ZIG_M;
    zig_f[0] = 1.0;
    zig_f[255] = exp(-de);
    for (int i = 254; i >= 1; i--) {
        de = -log(ZIG_AREA / de + exp(-de));
        zig_k[i + 1] = (uint64_t)((de / te) * ZIG_M);
        te = de;
        zig_f[i] = exp(-de);
        zig_w[i] = de / ZIG_M;
    }
    atomic_store_explicit(&zig_ready, true, memory_order_release);
}

/* philox_get's word, with the common case (a word left in the block) inline at the call site and
 * only a block's computation behind a call. */
static inline uint32_t philox_word(struct philox_state *s)
{
    if (__builtin_expect(s->next < 4, 1))
        return s->out.v[s->next++];
    return (uint32_t)philox_get(s);
}

double sim_rng_uniform(gsl_rng *r)
{
    if (r->type == &philox_type)
        return (double)philox_word(r->state) / 4294967296.0;
    return gsl_rng_uniform(r);
}

unsigned sim_rng_poisson(gsl_rng *r, double mu)
{
    if (mu > 10.0) /* GSL first splits a large mean with gamma and binomial draws */
        return gsl_ran_poisson(r, mu);
    /* Knuth's product of uniforms, as GSL does it below a mean of 10: the same operations in the
     * same order, with sim_rng_uniform's value (gsl_rng_uniform's) for each factor. */
    double emu = exp(-mu), prod = 1.0;
    unsigned k = 0;
    do {
        prod *= sim_rng_uniform(r);
        k++;
    } while (prod > emu);
    return k - 1;
}

static inline uint64_t draw64(gsl_rng *r)
{
    if (r->type == &philox_type) { /* our own generator: skip GSL's indirect calls */
        struct philox_state *s = r->state;
        uint64_t hi = philox_word(s);
        return (hi << 32) | philox_word(s);
    }
    uint64_t hi = gsl_rng_get(r);
    return (hi << 32) | gsl_rng_get(r);
}

double sim_rng_exponential(gsl_rng *r)
{
    if (!atomic_load_explicit(&zig_ready, memory_order_acquire))
        call_once(&zig_once, zig_init);
    for (;;) {
        uint64_t u = draw64(r);
        unsigned i = (unsigned)(u & 0xff);
        uint64_t j = u >> 11;
        if (j < zig_k[i])
            return (double)j * zig_w[i];
        if (i == 0) /* the tail beyond R is R plus a fresh exponential */
            return ZIG_R - log(1.0 - gsl_rng_uniform(r));
        double x = (double)j * zig_w[i];
        if (zig_f[i] + gsl_rng_uniform(r) * (zig_f[i - 1] - zig_f[i]) < exp(-x))
            return x;
    }
}
