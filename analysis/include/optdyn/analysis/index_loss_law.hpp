#pragma once
// The index–loss relation of critical points (doc/references.md, "Index against loss"):
//  * Pennington & Bahri 2017 ("Geometry of neural network loss surfaces via random matrix
//    theory", ICML): for critical points of small index the index α (fraction of negative
//    Hessian eigenvalues) grows as the 3/2 power of the energy above a critical energy ε_c,
//        α(ε) ≈ α₀ |(ε − ε_c)/ε_c|^{3/2}   for ε > ε_c,   α = 0 for ε ≤ ε_c
//    (below ε_c the critical points are minima). fit_index_loss_law fits α₀ and ε_c by least
//    squares on (ε_i, α_i): for a fixed ε_c the model is linear in α₀ (closed form), so the
//    residual sum is minimised over ε_c alone (a log grid, then golden-section refinement).
//  * Dauphin et al. 2014 ("Identifying and attacking the saddle point problem", NIPS, Fig. 1):
//    the index grows monotonically with the training error. spearman_rho measures it: the
//    Pearson correlation of the ranks (ties get their average rank), +1 for a monotone increase.
//  * Uncertainties: a percentile bootstrap (Efron & Tibshirani 1993, ch. 13) over the points,
//    resampled with replacement and refitted.
#include <span>

#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

// α₀ max(0, (ε − ε_c)/ε_c)^exponent (ε_c > 0).
double index_loss_law(double loss, double alpha0, double eps_c, double exponent = 1.5);

struct IndexLossFit {
  double alpha0 = 0.0, eps_c = 0.0;
  double rss = 0.0;     // Σ (α_i − law(ε_i))²
  Index points = 0;
  // ε_c ended within one grid step of an end of its search range: the law does not describe
  // the points (no interior optimum), and α₀ is not meaningful.
  bool at_bound = false;
  // Bootstrap (bootstrap_index_loss_law only): standard deviations and percentile intervals.
  double alpha0_sd = 0.0, eps_c_sd = 0.0;
  double alpha0_low = 0.0, alpha0_high = 0.0, eps_c_low = 0.0, eps_c_high = 0.0;
  Index resamples = 0;
};

// Least squares over ε_c ∈ [eps_c_min, ε_max), ε_max the largest loss of a point with α > 0,
// eps_c_min = 1e-3·ε_max. std::invalid_argument for sizes that differ, a negative loss, or
// no point with α > 0 and loss > 0.
IndexLossFit fit_index_loss_law(std::span<const double> loss, std::span<const double> index, double exponent = 1.5);

// The fit plus `resamples` bootstrap refits (resamples that cannot be fitted are skipped);
// intervals at `confidence`.
IndexLossFit bootstrap_index_loss_law(std::span<const double> loss, std::span<const double> index, Rng& rng,
                                      Index resamples = 500, double confidence = 0.95, double exponent = 1.5);

// Spearman's rank correlation of x and y (NaN for fewer than two points or a constant x or y).
double spearman_rho(std::span<const double> x, std::span<const double> y);

}  // namespace optdyn::analysis
