#include "sim_rng.h"

#include <Random123/philox.h>

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

uint64_t sim_rng_philox_tell(const gsl_rng *r)
{
    const struct philox_state *s = r->state;
    /* ctr is already past the block being consumed, or is the next block when none is. */
    return (uint64_t)s->ctr.v[0] | ((uint64_t)s->ctr.v[1] << 32);
}
