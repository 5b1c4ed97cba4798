#pragma once
// What a found critical point carries: its loss, its gradient norm, its saddle index with the
// near-zero fraction at a stated τ, and what the solver spent (Pennington & Bahri 2017 plot
// index against loss; Dauphin et al. 2014, Fig. 1, the same with the near-zero mass).
//
// Conventions (saddle_index.hpp): with the eigenvalues λ of the Hessian (on the sphere: of the
// Riemannian Hessian on the D − 1 tangent directions, sphere_geometry.hpp),
//   index     = #{λ < −τ} / D'          near_zero = #{|λ| ≤ τ} / D'        (D' = D or D − 1),
//   τ         = max(tau, relative_tau · λ_rms),  λ_rms = ‖H‖_F/√D' = √(mean λ²)  (exact methods),
//               for kpm the τ of the estimator (tau raised to its resolution; eigenvalue_count.hpp).
// Methods: dense (all eigenvalues), inertia (Bunch–Kaufman, two factorisations; linalg/inertia.hpp),
// kpm (Chebyshev filters with an interval at kpm.level; Euclidean only). automatic: dense for
// D ≤ dense_max, inertia for D ≤ inertia_max, else kpm. Exact methods report low = high = value.
#include <cstdint>
#include <string>
#include <string_view>

#include "optdyn/analysis/critical_points/critical_point_solver.hpp"
#include "optdyn/analysis/eigenvalue_count.hpp"
#include "optdyn/core/rng.hpp"

namespace optdyn::analysis {

enum class IndexMethod { automatic, dense, inertia, kpm };
// "auto" | "dense" | "inertia" | "kpm"; InputError otherwise.
IndexMethod parse_index_method(std::string_view name);

struct CharacterisationOptions {
  IndexMethod method = IndexMethod::automatic;
  Index dense_max = 1000;
  Index inertia_max = 5000;
  double tau = 0.0;            // absolute part of τ
  double relative_tau = 1e-6;  // relative part (exact methods), in units of λ_rms
  IndexEstimateOptions kpm{};  // its tau is replaced by `tau`
};

struct CriticalPoint {
  Vec theta;
  double loss = 0.0;           // F(θ) (p-spin: the energy H(σ))
  double gradient_norm = 0.0;  // ‖∇F‖, on the sphere ‖P∇F‖
  Index dim = 0;               // D' eigenvalues counted
  std::string index_method;    // "dense" | "inertia" | "kpm"
  double tau = 0.0;
  double index = 0.0, index_low = 0.0, index_high = 0.0;
  double near_zero = 0.0, near_zero_low = 0.0, near_zero_high = 0.0;
  bool resolved = true;           // kpm: false when the estimator said "unresolved"
  std::uint64_t index_products = 0;  // kpm: Hessian-vector products of the estimate
  SolverRun solver;               // how it was found (its theta is this theta)
};

// Describes the end point of `run` (found with `method`'s geometry). `rng` draws the kpm
// probes (required for kpm, unused otherwise). InputError for bad options, kpm on the sphere,
// or D above inertia_max for the sphere (its tangent Hessian is dense).
CriticalPoint describe_critical_point(const Objective& f, SolverRun run, Geometry geometry,
                                      const CharacterisationOptions& options, Rng* rng = nullptr);

}  // namespace optdyn::analysis
