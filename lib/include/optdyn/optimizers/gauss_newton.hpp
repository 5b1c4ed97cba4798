#pragma once
// Gauss–Newton's parameters and typed factory (seed 000; Nocedal & Wright §10.3); the step
// is in lib/src/optimizers/gauss_newton.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/line_search.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct GaussNewtonParams {
  double lr = 1.0;  // step length α (line_search=none) or first trial α₀ (backtracking)
  LineSearchKind line_search = LineSearchKind::none;  // none | backtracking
  double c1 = 1e-4;
  double rho = 0.5;
  double tol = 1e-10;        // CG relative residual
  Index max_iterations = 0;  // CG products per step (0: 2·D)
  static const ParamTable<GaussNewtonParams>& table();
};

OptimizerPtr make_gauss_newton(const GaussNewtonParams& params = {});

}  // namespace optdyn
