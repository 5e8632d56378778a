/* sim_rng.h: reproducible random streams.
 *
 * Every random number in a replication comes from a stream identified by (master seed, replication
 * index, stream id). sim_seed_mix turns that triple into a 64-bit key with a bijective hash, and the
 * generator type sim_rng_philox (Random123's Philox-4x32-10 counter-based generator wrapped as a GSL
 * generator type) uses the full 64 bits as its key. Streams are therefore independent of thread,
 * rank and timing, and two streams of the same master seed never share a key. */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Largest replication index and stream id sim_seed_mix keeps distinct. */
#define SIM_RNG_MAX_REP    ((UINT64_C(1) << 40) - 1)
#define SIM_RNG_MAX_STREAM ((UINT32_C(1) << 24) - 1)

/* Mixes (master, rep, stream) into a key. For a fixed master seed the map from (rep, stream), with
 * rep <= SIM_RNG_MAX_REP and stream <= SIM_RNG_MAX_STREAM, is injective: no two streams collide.
 * The result is never 0 (0 is remapped to a fixed odd constant outside the map's range of
 * concern), so it is also safe for GSL generators that treat seed 0 specially. Pure function. */
uint64_t sim_seed_mix(uint64_t master, uint64_t rep, uint32_t stream);

/* The Philox-4x32-10 generator as a GSL type: gsl_rng_alloc(sim_rng_philox), then
 * gsl_rng_set(r, key) with a 64-bit key from sim_seed_mix. Returns 32-bit outputs; get_double gives
 * values in [0, 1) with 32-bit resolution, like GSL's own generators. */
extern const gsl_rng_type *sim_rng_philox;

/* Positions a sim_rng_philox generator at block `block` (four 32-bit words) of the stream with key
 * `key`: the next draw is the first word of that block. With sim_rng_philox_tell this gives cheap
 * private streams, e.g. one per simulated person, resumed where they stopped, without storing a
 * generator per person. `r` must be of type sim_rng_philox. */
void sim_rng_philox_seek(gsl_rng *r, uint64_t key, uint64_t block);

/* Like sim_rng_philox_seek, in lane `lane` of the key: Philox's 128-bit counter is (block, lane),
 * so every lane is a stream of its own under one key, and lane 0 is the stream sim_rng_philox_seek
 * positions. A model can give each of many entities (e.g. each simulated person, by serial number)
 * a private stream without a key per entity; the draws stay a pure function of (key, lane, block).
 * `r` must be of type sim_rng_philox. */
void sim_rng_philox_seek_lane(gsl_rng *r, uint64_t key, uint64_t lane, uint64_t block);

/* The block a later sim_rng_philox_seek should resume from: the first block not yet drawn from
 * (the rest of a partly used block is skipped). */
uint64_t sim_rng_philox_tell(const gsl_rng *r);

/* gsl_rng_uniform(r), the same value, without GSL's indirect call when r is a sim_rng_philox. */
double sim_rng_uniform(gsl_rng *r);

/* gsl_ran_poisson(r, mu), the same value from the same draws, without GSL's two indirect calls
 * per uniform when mu <= 10 (Knuth's product of uniforms, GSL's method there); larger means are
 * GSL's own call. */
unsigned sim_rng_poisson(gsl_rng *r, double mu);

/* A unit-mean exponential variate from `r` (any GSL generator giving 32-bit words), by Marsaglia and
 * Tsang's ziggurat with 256 layers: two words per draw (53 bits of magnitude, 8 bits of layer, kept
 * apart), a logarithm only in the rare wedge and tail cases (about 1.2% of draws). Much faster than
 * -log(U), and exact in distribution. Thread-safe. */
double sim_rng_exponential(gsl_rng *r);

#endif
