#pragma once
// Performance profiles (Dolan & Moré 2002, "Benchmarking optimization software with
// performance profiles", Math. Program. 91; doc/references.md, "Performance profiles") and the
// convergence test that turns a run into a cost (Moré & Wild 2009, "Benchmarking
// derivative-free optimization algorithms", SIAM J. Optim. 20, eq. 2.2).
//
// Conventions: cost[p][s] is the cost solver s needed on problem p (gradient evaluations, wall
// time, ...), +inf when it did not solve p. The ratio r_{p,s} = t_{p,s} / min_s' t_{p,s'}
// (+inf when s failed or no solver solved p) and the profile
//     ρ_s(τ) = |{p : r_{p,s} ≤ τ}| / |P|,   τ ≥ 1,
// so ρ_s(1) is the fraction of problems on which s was (one of) the cheapest and ρ_s(∞) the
// fraction it solved at all. A problem no solver solved counts in |P| for every solver. When the
// best cost on a problem is 0, the solvers with cost 0 have ratio 1 and the others +inf.
#include <cstddef>
#include <span>
#include <vector>

namespace optdyn::analysis {

// r_{p,s} = t_{p,s} / min_s' t_{p,s'}. std::invalid_argument for an empty table, rows of
// different lengths, or a cost that is negative or NaN.
std::vector<std::vector<double>> performance_ratios(const std::vector<std::vector<double>>& cost);

// ρ_s(τ) for every solver s at one τ, from the ratios.
std::vector<double> profile_at(const std::vector<std::vector<double>>& ratios, double tau);

// The profile as a step function: `taus` are 1 and every distinct finite ratio, ascending
// (ρ_s only changes there); rho[s][k] = ρ_s(taus[k]).
struct PerformanceProfile {
  std::vector<double> taus;
  std::vector<std::vector<double>> rho;
};
PerformanceProfile performance_profile(const std::vector<std::vector<double>>& cost);

// Moré & Wild's convergence test: the first recorded cost at which
//     f ≤ f_L + tol·(f_0 − f_L),
// with f_0 = values[0] (the start) and f_L the best value any solver reached on the problem;
// +inf if no record passes. costs and values are the records of one run (same length,
// costs non-decreasing); a NaN value (divergence) never passes. std::invalid_argument for
// different lengths, no records, or tol outside [0, 1].
double cost_to_target(std::span<const double> costs, std::span<const double> values, double best, double tol);

}  // namespace optdyn::analysis
