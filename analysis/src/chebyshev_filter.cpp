#include "optdyn/analysis/chebyshev_filter.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace optdyn::analysis {

using std::numbers::pi;

Vec jackson_coefficients(Index degree) {
  if (degree < 1) throw std::invalid_argument("jackson_coefficients: degree must be >= 1");
  const double m = static_cast<double>(degree + 1);  // number of moments (Weiße et al.'s N)
  const double q = pi / (m + 1.0);
  Vec g(degree + 1);
  for (Index k = 0; k <= degree; ++k) {
    const double kk = static_cast<double>(k);
    g[k] = ((m - kk + 1.0) * std::cos(q * kk) + std::sin(q * kk) / std::tan(q)) / (m + 1.0);  // Weiße et al. eq. 71
  }
  return g;
}

Vec step_coefficients(double theta_s, Index degree) {
  if (!(theta_s >= 0.0 && theta_s <= pi)) throw std::invalid_argument("step_coefficients: angle outside [0, pi]");
  Vec c(degree + 1);
  c[0] = 1.0 - theta_s / pi;  // Di Napoli, Polizzi & Saad 2016, eq. 3.3 with [a, b] = [−1, cos θ_s]
  for (Index k = 1; k <= degree; ++k) {
    const double kk = static_cast<double>(k);
    c[k] = -2.0 * std::sin(kk * theta_s) / (pi * kk);
  }
  return c;
}

Vec jackson_step_filter(double theta_s, const Vec& jackson) {
  return jackson.cwiseProduct(step_coefficients(theta_s, jackson.size() - 1));
}

double jackson_tail_mass(const Vec& g, double delta) {
  // 1 − (1/2π)∫_{−δ}^{δ} K(u) du with K(u) = 1 + 2 Σ g_k cos ku.
  double inner = delta / pi;
  for (Index k = 1; k < g.size(); ++k) {
    const double kk = static_cast<double>(k);
    inner += 2.0 * g[k] * std::sin(kk * delta) / (pi * kk);
  }
  return 1.0 - inner;
}

double jackson_margin(const Vec& g, double epsilon) {
  if (!(epsilon > 0.0 && epsilon < 1.0)) throw std::invalid_argument("jackson_margin: epsilon must lie in (0, 1)");
  double lo = 0.0, hi = pi;  // T(lo) > ε ≥ T(hi): T decreases (the kernel is positive)
  while (hi - lo > 1e-12) {
    const double mid = 0.5 * (lo + hi);
    (jackson_tail_mass(g, mid) <= epsilon ? hi : lo) = mid;
  }
  return hi;
}

double chebyshev_series(const Vec& c, double x) {
  // Clenshaw: b_k = c_k + 2x b_{k+1} − b_{k+2}; sum = c_0 + x b_1 − b_2.
  double b1 = 0.0, b2 = 0.0;
  for (Index k = c.size() - 1; k >= 1; --k) {
    const double b0 = c[k] + 2.0 * x * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  return c[0] + x * b1 - b2;
}

}  // namespace optdyn::analysis
