#pragma once
// The weak error of a family of simulations and its order (doc/references.md, "SVAG and the
// weak error"). A scheme with step h (SVAG: h = η/l on the SDE's clock; Euler–Maruyama: its h)
// has weak order p for a test function φ when |E φ(X^h_T) − E φ(X_T)| ≤ C h^p. Here both
// expectations are means over independent seeded runs: each simulation k contributes the
// values φ(X^{h_k}_T) of its runs, the reference (the SDE by a much finer scheme, or the
// finest member of the family) its own runs.
//
//  * weak_errors: for every k the signed difference E φ_k − E φ_ref with its Welch interval
//    (mean_estimate.hpp); the error is its absolute value. A difference whose interval
//    contains 0 is below the Monte Carlo resolution of the runs.
//  * fit_weak_order: the least-squares slope p of ln|E φ_k − E φ_ref| against ln h_k
//    (fit_power_law) from the means, and a percentile bootstrap interval of p (Efron &
//    Tibshirani 1993, ch. 13): every simulation's runs and the reference's runs are resampled
//    with replacement, the slope refitted, and the (1−c)/2 and (1+c)/2 quantiles of the
//    replicates taken. The bootstrap carries the Monte Carlo noise of every mean, including
//    the shared reference, into the interval (which the OLS interval of the fit does not).
//    A replicate with an error of exactly 0 (log undefined) is skipped and counted.
#include <span>
#include <vector>

#include "optdyn/analysis/mean_estimate.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct WeakErrorPoint {
  double step = 0.0;          // h_k
  MeanEstimate difference;    // E φ_k − E φ_ref
};

struct WeakOrderFit {
  double order = 0.0;               // p from the means
  double prefactor = 0.0;           // C
  double low = 0.0, high = 0.0;     // bootstrap percentile interval of p
  double confidence = 0.95;
  Index resamples = 0, skipped = 0;
};

// samples[k]: the runs of simulation k (at step steps[k]); reference: the reference's runs.
// std::invalid_argument when the sizes disagree or a set has fewer than two runs.
std::vector<WeakErrorPoint> weak_errors(std::span<const double> steps, const std::vector<std::vector<double>>& samples,
                                        std::span<const double> reference, double confidence = 0.95);

// Needs at least three simulations (std::invalid_argument otherwise, or when an error of the
// means is 0). `rng` drives the resampling (pass a seeded one: same seed, same interval).
WeakOrderFit fit_weak_order(std::span<const double> steps, const std::vector<std::vector<double>>& samples,
                            std::span<const double> reference, Rng& rng, Index resamples = 1000,
                            double confidence = 0.95);
// The same against a known reference value E φ(X_T) (a closed form): only the simulations are
// resampled.
WeakOrderFit fit_weak_order(std::span<const double> steps, const std::vector<std::vector<double>>& samples,
                            double reference, Rng& rng, Index resamples = 1000, double confidence = 0.95);

}  // namespace optdyn::analysis
