/* sim_abc.h: approximate Bayesian computation by sequential Monte Carlo (ABC-SMC).
 *
 * Two samplers share this interface; opts.method picks one.
 *
 * SIM_ABC_RESAMPLE_MOVE, adaptive ABC-SMC (Del Moral, Doucet and Jasra 2012). The population keeps
 * its particles and each particle keeps the distances of its replications. Before generation t > 0
 * the tolerance falls to the smallest value at which the reweighted population keeps alpha of its
 * effective sample size: particle i's weight is multiplied by k_i(eps_t) / k_i(eps_{t-1}), k_i(e)
 * its replications within e. The population is resampled (systematic) when its ESS falls below N/2.
 * Each live particle then proposes a Gaussian random-walk move with 2.38^2 / d times the
 * population's weighted covariance (Roberts and Rosenthal 2001) on a scale that maps each prior's
 * support onto the real line (logit of the position within a bounded support, a log-uniform's on
 * log x; log of the distance to the end of a half-line; a normal as it is), so no move leaves the
 * support; the move is accepted with probability min(1, k' pi(u') / (k pi(u))) (pi the prior's
 * density on that scale, Jacobian included; k and k' the replications within eps_t: a
 * pseudo-marginal Metropolis-Hastings step, exact for the ABC target). A dead particle (weight 0)
 * is not moved and needs no simulation (sim_abc_live is false for it). Every generation costs at
 * most N * reps simulations, its weights never collapse to a few particles, and opts.moves > 1
 * repeats the move step at the same tolerance for that many generations before the tolerance falls
 * again. Generation 0 draws from the prior and sets eps_0 by the same rule from equal weights.
 *
 * SIM_ABC_PMC, population Monte Carlo ABC (Beaumont, Cornuet, Marin and Robert 2009) with adaptive
 * tolerances (each tolerance an alpha-quantile of the previous generation's accepted distances).
 * The caller runs the simulations, with either sampler:
 *
 *     sim_abc_create(d, priors, &opts, &abc);
 *     while (!sim_abc_done(abc)) {
 *         const double *theta;                       // nparticles x d, row-major
 *         sim_abc_propose(abc, sim_abc_generation(abc), &theta);
 *         ... for each particle i and replication r, simulate at theta[i*d..] with the seed
 *             sim_abc_run_seed(abc, gen, i, r) and store the distance in dist[i*reps + r] ...
 *         sim_abc_update(abc, dist);
 *     }
 *
 * Generation 0 draws from the prior. Generation t > 0 picks a particle of generation t - 1 by
 * weight and moves it by a multivariate normal kernel with twice the population's weighted
 * covariance (Beaumont et al. 2009), log-uniform parameters on the log scale (where their prior is
 * flat; the proposal density carries the Jacobian); a move leaving the prior support is redrawn, particle and
 * move together, from the same generator, which only rescales the proposal density (the kernel mixture
 * restricted to the support) by a constant the normalisation removes. The tolerance eps_0 is the
 * alpha-quantile of generation 0's distances; eps_t, t > 0, is the alpha-quantile of generation
 * t - 1's distances within eps_{t-1}, so it is fixed before generation t runs and falls every
 * generation; it is never set below the final tolerance.
 * Particle i then weighs prior(theta_i) / q_t(theta_i) * k_i / reps, with k_i its replications
 * within eps_t (an unbiased estimate of the ABC likelihood, so replications leave the target
 * exact) and q_t the kernel mixture; weights are normalised to sum to 1. In many dimensions most
 * weight falls on a few particles (an ESS of 3-20 of 300 in a 17-parameter fit); resample-move
 * does not degenerate that way.
 *
 * Every draw of particle i in generation t comes from a Philox stream keyed by
 * sim_seed_mix(seed, i, 2t), and the caller's simulations use sim_abc_run_seed, so the results
 * depend on the seed and the distances only: never on threads, ranks or the order in which
 * distances were computed. Replaying the same distances through a new object gives the same bits,
 * which is how a checkpointed calibration resumes. Not thread-safe: one thread drives the object. */
#ifndef SIM_ABC_H
#define SIM_ABC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_prior.h"
#include "sim_status.h"
#include "sim_wstats.h"

/* Most generations one calibration may run (and the length of the history). */
#define SIM_ABC_MAX_GENERATIONS 200

enum sim_abc_method {
    SIM_ABC_PMC = 0,       /* Beaumont et al. 2009; the default, as before resample-move existed */
    SIM_ABC_RESAMPLE_MOVE, /* Del Moral, Doucet and Jasra 2012 */
};

struct sim_abc_opts {
    enum sim_abc_method method;
    unsigned nparticles;    /* N >= 2 */
    unsigned reps;          /* simulations per particle, >= 1 */
    uint64_t seed;          /* master seed */
    double alpha;           /* in (0, 1). PMC: the quantile of the distances giving the next
                             * tolerance. Resample-move: the share of the effective sample size
                             * each new tolerance keeps. */
    unsigned moves;         /* resample-move: generations (move steps) per tolerance, >= 1 (0 = 1);
                             * PMC: must be 0 or 1 */
    unsigned generations;   /* stop after this many generations, 1..SIM_ABC_MAX_GENERATIONS */
    double final_tolerance; /* stop once the tolerance reaches it; 0 = no such rule */
    double min_acceptance;  /* stop once the acceptance rate falls below it; 0 = no such rule */
};

struct sim_abc;

/* Allocates a calibration of `d` parameters with the given priors (copied) and options. Returns
 * SIM_EINVAL when d is 0 or above 64, a prior fails sim_prior_check or an option is out of range,
 * SIM_ENOMEM on allocation failure; *out is untouched on failure. */
sim_status sim_abc_create(unsigned d, const struct sim_prior *priors, const struct sim_abc_opts *opts,
                          struct sim_abc **out);
void sim_abc_destroy(struct sim_abc *abc); /* accepts NULL */

/* The generation the next proposals are for (0 before the first update). */
unsigned sim_abc_generation(const struct sim_abc *abc);

/* True once a stopping rule has fired (generations, final tolerance, minimum acceptance, or a
 * generation in which no particle came within the tolerance). */
bool sim_abc_done(const struct sim_abc *abc);

/* Draws the proposals of generation `gen` into an N x d row-major array owned by `abc`, valid until
 * the next call to sim_abc_update or sim_abc_destroy; repeated calls give the same array. Returns
 * SIM_EINVAL when gen is not sim_abc_generation(abc) or the calibration is done, SIM_EINVARIANT
 * when 10000 moves in a row fall outside the prior support. */
sim_status sim_abc_propose(struct sim_abc *abc, unsigned gen, const double **theta);

/* After sim_abc_propose: false when proposal i needs no simulation (resample-move: a particle of
 * weight 0); its distances are then ignored by sim_abc_update. Always true under PMC. */
bool sim_abc_live(const struct sim_abc *abc, unsigned i);

/* The seed of replication `rep` of particle `i` in generation `gen`: distinct from every other
 * (gen, i, rep) of the same master seed and from the proposal streams. Pure function. */
uint64_t sim_abc_run_seed(const struct sim_abc *abc, unsigned gen, unsigned i, unsigned rep);

/* Takes the distances dist[i*reps + r] of the proposed generation (NaN counts as +infinity), picks
 * its tolerance, weighs its particles and makes it the current population. A generation in which
 * no simulation comes within the tolerance ends the calibration and leaves the previous
 * population current. Returns SIM_EINVAL, changing nothing, when
 * no proposals are pending or a distance is negative. Allocates nothing (all scratch space comes
 * from sim_abc_create). */
sim_status sim_abc_update(struct sim_abc *abc, const double *dist);

/* The current population: generations completed, N x d particles, N weights summing to 1 (NULL
 * before the first update). */
unsigned sim_abc_completed(const struct sim_abc *abc);
const double *sim_abc_particles(const struct sim_abc *abc);
const double *sim_abc_weights(const struct sim_abc *abc);
unsigned sim_abc_dim(const struct sim_abc *abc);
unsigned sim_abc_nparticles(const struct sim_abc *abc);

/* The simulations behind current particle i: those of particle *src of generation *gen (the item
 * the caller ran as (gen, src, rep)), whose distances weigh it. PMC: the last generation, i. */
void sim_abc_source(const struct sim_abc *abc, unsigned i, unsigned *gen, unsigned *src);

/* Per completed generation g < sim_abc_completed: tolerance, acceptance rate and effective sample
 * size 1 / sum(w^2), in (0, N]. PMC: the acceptance rate is the share of the N*reps simulations
 * within the tolerance (about alpha in generation 0), the ESS that of the generation's weights.
 * Resample-move: the acceptance rate is the share of live moves accepted (generation 0: the share of
 * simulations within eps_0), the ESS that of the reweighted population before resampling. */
double sim_abc_tolerance(const struct sim_abc *abc, unsigned g);
double sim_abc_acceptance(const struct sim_abc *abc, unsigned g);
double sim_abc_ess(const struct sim_abc *abc, unsigned g);

#endif
