// Performance profiles (Dolan & Moré 2002) and the Moré–Wild convergence test; the
// conventions are in performance_profile.hpp.
#include "optdyn/analysis/performance_profile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace optdyn::analysis {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

std::vector<std::vector<double>> performance_ratios(const std::vector<std::vector<double>>& cost) {
  if (cost.empty() || cost[0].empty()) throw std::invalid_argument("performance_ratios: empty cost table");
  const std::size_t solvers = cost[0].size();
  std::vector<std::vector<double>> ratios;
  for (const std::vector<double>& row : cost) {
    if (row.size() != solvers) throw std::invalid_argument("performance_ratios: rows of different lengths");
    double best = kInf;
    for (double t : row) {
      if (std::isnan(t) || t < 0) throw std::invalid_argument("performance_ratios: a cost is negative or NaN");
      best = std::min(best, t);
    }
    std::vector<double> r(solvers, kInf);
    for (std::size_t s = 0; s < solvers; ++s)
      if (std::isfinite(row[s])) r[s] = best > 0 ? row[s] / best : (row[s] == 0 ? 1.0 : kInf);  // r = t/min t
    ratios.push_back(std::move(r));
  }
  return ratios;
}

// ρ_s(τ) = |{p : r_{p,s} ≤ τ}| / |P| (Dolan & Moré 2002, eq. 1).
std::vector<double> profile_at(const std::vector<std::vector<double>>& ratios, double tau) {
  std::vector<double> rho(ratios.empty() ? 0 : ratios[0].size(), 0.0);
  for (const std::vector<double>& row : ratios)
    for (std::size_t s = 0; s < row.size(); ++s)
      if (row[s] <= tau) rho[s] += 1.0;
  for (double& r : rho) r /= static_cast<double>(ratios.size());
  return rho;
}

PerformanceProfile performance_profile(const std::vector<std::vector<double>>& cost) {
  const std::vector<std::vector<double>> ratios = performance_ratios(cost);
  PerformanceProfile out;
  out.taus.push_back(1.0);
  for (const std::vector<double>& row : ratios)
    for (double r : row)
      if (std::isfinite(r)) out.taus.push_back(r);
  std::sort(out.taus.begin(), out.taus.end());
  out.taus.erase(std::unique(out.taus.begin(), out.taus.end()), out.taus.end());
  out.rho.assign(cost[0].size(), std::vector<double>(out.taus.size()));
  for (std::size_t k = 0; k < out.taus.size(); ++k) {
    const std::vector<double> rho = profile_at(ratios, out.taus[k]);
    for (std::size_t s = 0; s < rho.size(); ++s) out.rho[s][k] = rho[s];
  }
  return out;
}

// First cost with f ≤ f_L + tol·(f_0 − f_L) (Moré & Wild 2009, eq. 2.2).
double cost_to_target(std::span<const double> costs, std::span<const double> values, double best, double tol) {
  if (costs.size() != values.size() || costs.empty())
    throw std::invalid_argument("cost_to_target: costs and values must be non-empty and of one length");
  if (!(tol >= 0 && tol <= 1)) throw std::invalid_argument("cost_to_target: tol must lie in [0, 1]");
  const double target = best + tol * (values[0] - best);
  for (std::size_t k = 0; k < values.size(); ++k)
    if (values[k] <= target) return costs[k];  // NaN compares false: a diverged record never passes
  return kInf;
}

}  // namespace optdyn::analysis
