#pragma once
// Where the critical-point solvers start (Dauphin et al. 2014, §6, and Pennington & Bahri 2017,
// §4, start from random initialisations and from points along training runs; perturbed minima
// probe the saddles around a minimum). Randomness only through the Rng passed in.
#include <vector>

#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn::analysis {

// `count` initialisations of `init`'s scheme (initial_point.hpp), start i with seed = the
// i-th draw rng.bits() >> 1 (init.seed is ignored). InputError for count < 0 or a bad init.
std::vector<Vec> random_starts(const Objective& f, InitParams init, Index count, Rng& rng);

// `count` points uniform on the sphere ‖θ‖² = dim (normalised Gaussian vectors): the p-spin's
// configuration space. InputError for dim < 1 or count < 0.
std::vector<Vec> sphere_starts(Index dim, Index count, Rng& rng);

// θ₀, θ_k, θ_2k, … along a training run: `steps` steps of `optimizer` (reset here) on `oracle`
// from θ₀, keeping the iterate every `every` steps (θ₀ first). InputError for steps < 0,
// every < 1 or a wrong θ₀ length; the optimizer's own errors pass through.
std::vector<Vec> trajectory_starts(Optimizer& optimizer, Oracle& oracle, const Vec& theta0, Index steps, Index every);

// `count` points θ* + ρu, u uniform on the unit sphere of R^D (a normalised Gaussian vector).
// InputError for ρ < 0 or count < 0.
std::vector<Vec> perturbed_starts(const Vec& center, double radius, Index count, Rng& rng);

}  // namespace optdyn::analysis
