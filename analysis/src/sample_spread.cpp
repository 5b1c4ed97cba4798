// The spread of a sample over runs: variance intervals, quantiles, correlation
// (sample_spread.hpp has the formulas).
#include "optdyn/analysis/sample_spread.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>

namespace optdyn::analysis {
namespace {

double mean(std::span<const double> x) {
  double s = 0.0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

// s² = (1/(M−1)) Σ (x − x̄)².
double sample_variance(std::span<const double> x) {
  const double m = mean(x);
  double ss = 0.0;
  for (double v : x) ss += (v - m) * (v - m);
  return ss / static_cast<double>(x.size() - 1);
}

void check(std::span<const double> values, double confidence) {
  if (values.size() < 2) throw std::invalid_argument("variance estimate: needs at least two runs");
  if (!(confidence > 0.0 && confidence < 1.0)) throw std::invalid_argument("variance estimate: confidence not in (0, 1)");
}

// Q(q) of an already sorted sample.
double sorted_quantile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

}  // namespace

VarianceEstimate estimate_variance(std::span<const double> values, double confidence) {
  check(values, confidence);
  VarianceEstimate e;
  e.variance = sample_variance(values);
  e.confidence = confidence;
  e.runs = static_cast<Index>(values.size());
  // (M−1)s²/σ² ~ χ²_{M−1} for Gaussian runs.
  const boost::math::chi_squared chi2(static_cast<double>(values.size() - 1));
  const double ss = static_cast<double>(values.size() - 1) * e.variance;
  e.chi2_low = ss / boost::math::quantile(chi2, 0.5 + confidence / 2.0);
  e.chi2_high = ss / boost::math::quantile(chi2, 0.5 - confidence / 2.0);
  e.boot_low = e.boot_high = std::numeric_limits<double>::quiet_NaN();
  return e;
}

VarianceEstimate estimate_variance(std::span<const double> values, Rng& rng, Index resamples, double confidence) {
  if (resamples < 10) throw std::invalid_argument("variance estimate: needs at least ten bootstrap resamples");
  VarianceEstimate e = estimate_variance(values, confidence);
  e.resamples = resamples;
  std::vector<double> replicates, resample(values.size());
  for (Index b = 0; b < resamples; ++b) {
    for (double& v : resample) v = values[static_cast<std::size_t>(rng.below(static_cast<Index>(values.size())))];
    replicates.push_back(sample_variance(resample));
  }
  std::sort(replicates.begin(), replicates.end());
  e.boot_low = sorted_quantile(replicates, 0.5 - confidence / 2.0);
  e.boot_high = sorted_quantile(replicates, 0.5 + confidence / 2.0);
  return e;
}

double sample_quantile(std::span<const double> values, double q) {
  if (values.empty()) throw std::invalid_argument("sample quantile: empty sample");
  if (!(q >= 0.0 && q <= 1.0)) throw std::invalid_argument("sample quantile: q not in [0, 1]");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  // An infinite order statistic at or next to the position (M−1)q is the quantile: no ∞ − ∞ or
  // 0·∞ in the interpolation (a diverged run as +∞, optimizer_zoo).
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const double lo = sorted[below], hi = sorted[std::min(below + 1, sorted.size() - 1)];
  if (std::isinf(lo) || std::isinf(hi)) return std::isinf(lo) || position == static_cast<double>(below) ? lo : hi;
  return sorted_quantile(sorted, q);
}

double pearson_correlation(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) throw std::invalid_argument("pearson correlation: needs two samples of equal length >= 2");
  const double mx = mean(x), my = mean(y);
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (!(sxx > 0.0 && syy > 0.0)) throw std::invalid_argument("pearson correlation: a sample is constant");
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace optdyn::analysis
