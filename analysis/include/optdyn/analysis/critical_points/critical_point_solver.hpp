#pragma once
// From a starting point θ₀, iterate until ‖∇F(θ)‖ ≤ tol: a critical point of F (of any index
// for gauss_newton, newton and riemannian_newton; saddle_free_newton is repelled by saddles
// and finds minima). Every method is an existing Optimizer driven by Optimizer::step; this file
// only chooses it, checks the stopping rule and counts.
//
//   gauss_newton        Levenberg–Marquardt (levenberg_marquardt.cpp) on G = ½‖∇F‖²
//                       (gradient_norm_objective.hpp): (H² + μI)δ = −H∇F (Pennington & Bahri
//                       2017; Dauphin et al. 2014). Converges to a zero of ∇F, or stalls at a
//                       local minimum of ‖∇F‖ > 0 (reported as "stalled").
//   newton              Newton on F (newton.cpp: H p = −∇F, dense or MINRES), which converges
//                       quadratically to a nearby non-degenerate critical point of any index.
//                       Safeguard: the first step that does not reduce ‖∇F‖ is undone and the
//                       rest of the budget goes to gauss_newton, the trust-region form of the
//                       same step ((H² + μI)⁻¹H∇F → H⁻¹∇F as μ → 0).
//   saddle_free_newton  (|H| + λI)p = −∇F (saddle_free_newton.cpp; Dauphin et al. 2014).
//   riemannian_newton   on the sphere ‖θ‖² = D (riemannian_newton.hpp; the start is rescaled
//                       onto it), ‖∇F‖ the Riemannian gradient norm ‖P∇F‖.
//
// Stopping: before each step the gradient norm is computed (one gradient of F; counted);
// converged when it is ≤ tol, else a step, up to max_steps. A step that leaves θ unchanged
// (LM found no decrease in max_retries solves) stops the run as stalled; a non-finite value
// (DivergenceError) as diverged. Deterministic: no randomness.
#include <cstdint>
#include <string>
#include <string_view>

#include "optdyn/analysis/critical_points/riemannian_newton.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/optimizers/levenberg_marquardt.hpp"
#include "optdyn/optimizers/newton.hpp"
#include "optdyn/optimizers/saddle_free_newton.hpp"

namespace optdyn::analysis {

enum class CriticalPointMethod { gauss_newton, newton, saddle_free_newton, riemannian_newton };

// "gauss_newton" | "newton" | "saddle_free_newton" | "riemannian_newton"; InputError otherwise.
CriticalPointMethod parse_critical_point_method(std::string_view name);
std::string_view critical_point_method_name(CriticalPointMethod method);

// Where the critical points live: R^D, or the sphere ‖θ‖² = D (riemannian_newton; p-spin).
enum class Geometry { euclidean, sphere };
Geometry geometry_of(CriticalPointMethod method);

struct CriticalPointSolverOptions {
  CriticalPointMethod method = CriticalPointMethod::gauss_newton;
  double tol = 1e-8;       // ‖∇F‖ (Riemannian on the sphere) at which a point counts as critical
  Index max_steps = 200;   // optimizer steps (a newton run's fallback steps included)
  // The optimizers' own parameters (their defaults, except LM with rule=marquardt so that λ can
  // fall back towards the Newton step when a step succeeds at λ/ν).
  LevenbergMarquardtParams gauss_newton{.rule = LevenbergMarquardtParams::Rule::marquardt};
  NewtonParams newton{};
  SaddleFreeNewtonParams saddle_free_newton{};
  RiemannianNewtonParams riemannian_newton{};
};

struct SolverRun {
  Vec theta;                  // the last iterate (on the sphere for riemannian_newton)
  bool converged = false;
  std::string stopped;        // "converged" | "max_steps" | "stalled" | "diverged: ..."
  double gradient_norm = 0.0; // at theta
  Index steps = 0;
  bool fell_back = false;     // newton: handed over to gauss_newton
  EvaluationCounts counts;    // F's counters during the run (gradients, hvps, values)
};

// InputError for a start of the wrong length, tol ≤ 0, max_steps < 0, a zero start on the
// sphere, or bad optimizer parameters (the optimizers' own messages).
SolverRun find_critical_point(const Objective& f, const Vec& start, const CriticalPointSolverOptions& options);

// ‖∇F(θ)‖, or ‖P∇F(θ)‖ on the sphere (P = I − θθᵀ/‖θ‖²).
double critical_gradient_norm(const Objective& f, const Vec& theta, Geometry geometry);

}  // namespace optdyn::analysis
