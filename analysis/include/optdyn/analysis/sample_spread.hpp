#pragma once
// The spread of a quantity over independent seeded runs (doc/references.md, "Concentration of
// final losses"): the sample variance with two confidence intervals, quantiles, and the
// correlation of two quantities measured on the same runs. The mean and its Student-t interval
// are mean_estimate.hpp; the power law of the variance against a size is fit_power_law
// (convergence_rates.hpp) applied to the variances.
//
//  * Sample variance s² = (1/(M−1)) Σ (x_r − x̄)².
//  * Chi-square interval (x_r iid Gaussian): (M−1)s²/χ²_{M−1}((1+c)/2) ≤ σ² ≤ (M−1)s²/χ²_{M−1}((1−c)/2)
//    (e.g. Casella & Berger 2002, §9.2.2). Exact for Gaussian runs; too narrow when the runs have
//    heavier tails than a Gaussian (the variance of s² grows with the kurtosis).
//  * Percentile bootstrap interval (Efron & Tibshirani 1993, ch. 13): the (1−c)/2 and (1+c)/2
//    quantiles of s² over resamples of the runs with replacement. Needs no Gaussian assumption;
//    for M in the hundreds its coverage is close to c.
//  * Quantile Q(q) of a sample: linear interpolation between order statistics at position
//    (M−1)q (Hyndman & Fan 1996, definition 7; numpy's default). ±∞ values are allowed (a
//    diverged run as +∞): an interpolation that touches an infinite order statistic gives it.
//  * Pearson correlation r = Σ(x−x̄)(y−ȳ)/√(Σ(x−x̄)² Σ(y−ȳ)²).
#include <span>

#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct VarianceEstimate {
  double variance = 0.0;                    // s²
  double chi2_low = 0.0, chi2_high = 0.0;    // Gaussian (chi-square) interval of σ²
  double boot_low = 0.0, boot_high = 0.0;    // percentile bootstrap interval of σ²
  double confidence = 0.95;
  Index runs = 0, resamples = 0;
};

// std::invalid_argument with fewer than two values, fewer than ten resamples or a confidence
// outside (0, 1). `rng` drives the resampling (same seed, same interval).
VarianceEstimate estimate_variance(std::span<const double> values, Rng& rng, Index resamples = 1000,
                                   double confidence = 0.95);
// Only the chi-square interval (resamples = 0, boot_low = boot_high = NaN).
VarianceEstimate estimate_variance(std::span<const double> values, double confidence = 0.95);

// Q(q) for q in [0, 1] (std::invalid_argument for an empty sample or q outside [0, 1]).
double sample_quantile(std::span<const double> values, double q);

// Pearson's r (std::invalid_argument for different lengths, fewer than two values, or a
// constant sample).
double pearson_correlation(std::span<const double> x, std::span<const double> y);

}  // namespace optdyn::analysis
