#include "optdyn/analysis/saddle_index.hpp"

#include <cmath>
#include <stdexcept>

#include "optdyn/linalg/inertia.hpp"

namespace optdyn::analysis {

SaddleIndex saddle_index(const Vec& eigenvalues, double tolerance) {
  if (!(tolerance >= 0.0)) throw std::invalid_argument("saddle_index: tolerance must be >= 0");
  if (eigenvalues.size() == 0) throw std::invalid_argument("saddle_index: no eigenvalues");
  SaddleIndex s;
  s.dim = eigenvalues.size();
  s.tolerance = tolerance;
  for (Index i = 0; i < s.dim; ++i) {
    const double l = eigenvalues[i];
    if (l < -tolerance)
      s.negative += 1.0;
    else if (l > tolerance)
      s.positive += 1.0;
    else
      s.near_zero += 1.0;
  }
  s.index = s.negative / static_cast<double>(s.dim);
  return s;
}

SaddleIndex saddle_index(const SpectralDensity& density, double tolerance) {
  if (!(tolerance >= 0.0)) throw std::invalid_argument("saddle_index: tolerance must be >= 0");
  SaddleIndex s;
  s.dim = density.dim;
  s.tolerance = tolerance;
  s.exact = false;
  const double d = static_cast<double>(s.dim);
  const Estimate neg = density.fraction_below(-tolerance);
  const Estimate zero = density.fraction_between(-tolerance, tolerance);
  s.index = neg.value;
  s.index_stderr = neg.stderr_;
  s.negative = neg.value * d;
  s.near_zero = zero.value * d;
  s.near_zero_stderr = zero.stderr_ * d;
  s.positive = d - s.negative - s.near_zero;
  return s;
}

SaddleIndex saddle_index_by_inertia(const Mat& h, double tolerance) {
  if (!(tolerance >= 0.0)) throw std::invalid_argument("saddle_index: tolerance must be >= 0");
  if (h.rows() == 0) throw std::invalid_argument("saddle_index: empty matrix");
  SaddleIndex s;
  s.dim = h.rows();
  s.tolerance = tolerance;
  s.negative = static_cast<double>(count_below(h, -tolerance));  // n(λ < −τ)
  Mat shifted = h;
  shifted.diagonal().array() -= tolerance;
  const Inertia above = inertia(shifted);  // n(λ ≤ τ) = negative + zero of H − τI
  s.near_zero = static_cast<double>(above.negative + above.zero) - s.negative;
  s.positive = static_cast<double>(above.positive);
  s.index = s.negative / static_cast<double>(s.dim);
  return s;
}

double log_binomial(double n, double k) {
  if (!(n >= 0.0) || !(k >= 0.0) || k > n) throw std::invalid_argument("log_binomial: need 0 <= k <= n");
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

double binary_entropy(double a) {
  if (!(a >= 0.0 && a <= 1.0)) throw std::invalid_argument("binary_entropy: alpha must lie in [0, 1]");
  double h = 0.0;
  if (a > 0.0) h -= a * std::log(a);
  if (a < 1.0) h -= (1.0 - a) * std::log1p(-a);
  return h;
}

double log_saddle_count(Index dim, double alpha) {
  if (!(alpha >= 0.0 && alpha <= 1.0)) throw std::invalid_argument("log_saddle_count: alpha must lie in [0, 1]");
  const double d = static_cast<double>(dim);
  return log_binomial(d, std::round(alpha * d));
}

}  // namespace optdyn::analysis
