#pragma once
// BFGS's parameters and typed factory (N&W Alg. 6.1, eq. 6.17); the update is in
// lib/src/optimizers/bfgs.cpp, the shared quasi-Newton step in quasi_newton.hpp there.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/line_search.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct BfgsParams {
  LineSearchKind line_search = LineSearchKind::strong_wolfe;  // strong_wolfe | exact_quadratic
  double c1 = 1e-4;
  double c2 = 0.9;
  bool initial_scaling = true;  // H₀ = (yᵀs/yᵀy) I before the first update (N&W 6.20)
  double skip = 1e-8;           // skip the update when yᵀs ≤ skip·‖s‖‖y‖
  static const ParamTable<BfgsParams>& table();
};

OptimizerPtr make_bfgs(const BfgsParams& params = {});

}  // namespace optdyn
