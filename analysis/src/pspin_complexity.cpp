// The ABC 2013 complexity thresholds and the semicircle index law of the spherical p-spin
// (pspin_complexity.hpp).
#include "optdyn/analysis/pspin_complexity.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace optdyn::analysis {
namespace {

void check(int p, int k) {
  if (p < 3) throw std::invalid_argument("p-spin complexity: p must be >= 3 (p = 2 has no layered structure)");
  if (k < 0) throw std::invalid_argument("p-spin complexity: the index k must be >= 0");
}

// I₁(u) = ∫ of the semicircle log-potential (ABC 2013, eq. (2.4)), u ≤ −E_∞.
double i1(double u, double e_inf) {
  const double root = std::sqrt(u * u - e_inf * e_inf);
  return -(u / (e_inf * e_inf)) * root - std::log(-u + root) + std::log(e_inf);
}

}  // namespace

double pspin_threshold_energy(int p) {
  if (p < 2) throw std::invalid_argument("p-spin complexity: p must be >= 2");
  return 2.0 * std::sqrt((p - 1.0) / p);  // E_∞ (ABC 2013, eq. (2.3))
}

double pspin_index_complexity(int p, int k, double u) {
  check(p, k);
  const double e_inf = pspin_threshold_energy(p);
  if (!(u <= -e_inf)) throw std::invalid_argument("p-spin complexity: Θ_{k,p}(u) is for u <= −E_∞");
  // ABC 2013, Thm. 2.5: Θ_{k,p}(u) = ½ log(p−1) − (p−2)/(4(p−1)) u² − (k+1) I₁(u).
  return 0.5 * std::log(p - 1.0) - (p - 2.0) / (4.0 * (p - 1.0)) * u * u - (k + 1.0) * i1(u, e_inf);
}

double pspin_index_energy(int p, int k) {
  check(p, k);
  // Θ_{k,p}(−E_∞) = ½ log(p−1) − (p−2)/p > 0 and Θ → −∞ as u → −∞: one sign change, where
  // Θ decreases in −u (bisection on E ∈ [E_∞, E_hi]).
  double lo = pspin_threshold_energy(p), hi = 2.0 * lo;
  while (pspin_index_complexity(p, k, -hi) > 0.0) hi *= 2.0;
  for (int step = 0; step < 200 && hi - lo > 1e-15 * hi; ++step) {
    const double mid = 0.5 * (lo + hi);
    (pspin_index_complexity(p, k, -mid) > 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double pspin_index_fraction(int p, double u) {
  // Hess = GOE(semicircle radius 2√(p(p−1))) − pu: λ < 0 ⟺ s < u/E_∞ on the unit semicircle.
  const double x = u / pspin_threshold_energy(p);
  if (x <= -1.0) return 0.0;
  if (x >= 1.0) return 1.0;
  return 0.5 + (x * std::sqrt(1.0 - x * x) + std::asin(x)) / std::numbers::pi;  // F_sc(x)
}

}  // namespace optdyn::analysis
