#pragma once
// Newton's and damped Newton's parameters and typed factories (seed 000; Nocedal & Wright
// §3.3–3.4); the steps are in lib/src/optimizers/newton.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/line_search.hpp"
#include "optdyn/optimizers/optimizer.hpp"
#include "optdyn/optimizers/solver_keys.hpp"

namespace optdyn {

// newton: ∇²F p = −g, θ += lr·p (line_search=none) or Armijo backtracking from α₀ = lr.
struct NewtonParams {
  double lr = 1.0;
  LineSearchKind line_search = LineSearchKind::none;  // none | backtracking
  double c1 = 1e-4;                                   // Armijo constant
  double rho = 0.5;                                   // backtracking contraction
  SymmetricSolver solver = SymmetricSolver::automatic;
  double tol = 1e-10;        // Krylov relative residual
  Index max_iterations = 0;  // Krylov products per solve (0: 2·D)
  Index dense_max = 1000;    // largest D solved densely by solver=automatic
  static const ParamTable<NewtonParams>& table();
};

// damped_newton: (∇²F + εI) p = −g, the keys of newton plus the damping ε ≥ 0.
struct DampedNewtonParams {
  double lr = 1.0;
  double damping = 1e-3;
  LineSearchKind line_search = LineSearchKind::none;
  double c1 = 1e-4;
  double rho = 0.5;
  SymmetricSolver solver = SymmetricSolver::automatic;
  double tol = 1e-10;
  Index max_iterations = 0;
  Index dense_max = 1000;
  static const ParamTable<DampedNewtonParams>& table();
};

OptimizerPtr make_newton(const NewtonParams& params = {});
OptimizerPtr make_damped_newton(const DampedNewtonParams& params = {});

}  // namespace optdyn
