// Weak errors of a family of simulations and the bootstrap interval of their order
// (weak_error.hpp has the definitions).
#include "optdyn/analysis/weak_error.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "optdyn/analysis/convergence_rates.hpp"

namespace optdyn::analysis {
namespace {

void check_sizes(std::span<const double> steps, const std::vector<std::vector<double>>& samples) {
  if (steps.size() != samples.size()) throw std::invalid_argument("weak error: one sample set per step size");
}

double mean(std::span<const double> x) {
  double s = 0.0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

// The mean of a resample with replacement of x (x.size() draws).
double resampled_mean(std::span<const double> x, Rng& rng) {
  double s = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) s += x[static_cast<std::size_t>(rng.below(static_cast<Index>(x.size())))];
  return s / static_cast<double>(x.size());
}

// The order p of |m_k − m_ref| ≈ C h_k^p; NaN when some error is 0.
PowerLawFit fit(std::span<const double> steps, const std::vector<double>& means, double reference) {
  std::vector<double> errors;
  for (double m : means) errors.push_back(std::abs(m - reference));
  if (*std::min_element(errors.begin(), errors.end()) <= 0.0) return {.exponent = std::nan("")};
  return fit_power_law(steps, errors);
}

// The fit and its bootstrap; `reference(resample)` is the reference's mean (resampled or not).
WeakOrderFit bootstrap_order(std::span<const double> steps, const std::vector<std::vector<double>>& samples,
                             const std::function<double(Rng*)>& reference, Rng& rng, Index resamples,
                             double confidence) {
  check_sizes(steps, samples);
  if (steps.size() < 3) throw std::invalid_argument("weak order: needs at least three step sizes");
  if (resamples < 10) throw std::invalid_argument("weak order: needs at least ten bootstrap resamples");
  std::vector<double> means;
  for (const auto& s : samples) means.push_back(mean(s));
  const PowerLawFit point = fit(steps, means, reference(nullptr));
  if (std::isnan(point.exponent)) throw std::invalid_argument("weak order: an error of the means is exactly 0");

  WeakOrderFit out{.order = point.exponent, .prefactor = point.prefactor, .confidence = confidence,
                   .resamples = resamples};
  std::vector<double> orders;
  for (Index b = 0; b < resamples; ++b) {
    std::vector<double> m;
    for (const auto& s : samples) m.push_back(resampled_mean(s, rng));
    const double p = fit(steps, m, reference(&rng)).exponent;
    if (std::isnan(p))
      ++out.skipped;
    else
      orders.push_back(p);
  }
  if (orders.size() < 2) throw std::invalid_argument("weak order: too few usable bootstrap replicates");
  std::sort(orders.begin(), orders.end());
  const auto quantile = [&](double q) {  // the order statistic at ⌊q·(R−1)⌉
    return orders[static_cast<std::size_t>(std::lround(q * static_cast<double>(orders.size() - 1)))];
  };
  out.low = quantile((1.0 - confidence) / 2.0);
  out.high = quantile((1.0 + confidence) / 2.0);
  return out;
}

}  // namespace

std::vector<WeakErrorPoint> weak_errors(std::span<const double> steps, const std::vector<std::vector<double>>& samples,
                                        std::span<const double> reference, double confidence) {
  check_sizes(steps, samples);
  std::vector<WeakErrorPoint> out;
  for (std::size_t k = 0; k < steps.size(); ++k)
    out.push_back({steps[k], estimate_difference(samples[k], reference, confidence)});
  return out;
}

WeakOrderFit fit_weak_order(std::span<const double> steps, const std::vector<std::vector<double>>& samples,
                            std::span<const double> reference, Rng& rng, Index resamples, double confidence) {
  if (reference.size() < 2) throw std::invalid_argument("weak order: the reference needs at least two runs");
  return bootstrap_order(
      steps, samples, [&](Rng* r) { return r ? resampled_mean(reference, *r) : mean(reference); }, rng, resamples,
      confidence);
}

WeakOrderFit fit_weak_order(std::span<const double> steps, const std::vector<std::vector<double>>& samples,
                            double reference, Rng& rng, Index resamples, double confidence) {
  return bootstrap_order(steps, samples, [reference](Rng*) { return reference; }, rng, resamples, confidence);
}

}  // namespace optdyn::analysis
