#pragma once
// L-BFGS's parameters and typed factory (Liu & Nocedal 1989; N&W Alg. 7.4); the two-loop
// recursion is in lib/src/optimizers/lbfgs.cpp, the shared quasi-Newton step in
// quasi_newton.hpp there.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/line_search.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct LbfgsParams {
  Index m = 10;  // memory: number of (s, y) pairs
  LineSearchKind line_search = LineSearchKind::strong_wolfe;  // strong_wolfe | exact_quadratic
  double c1 = 1e-4;
  double c2 = 0.9;
  double skip = 1e-8;  // do not store a pair with yᵀs ≤ skip·‖s‖‖y‖
  static const ParamTable<LbfgsParams>& table();
};

OptimizerPtr make_lbfgs(const LbfgsParams& params = {});

}  // namespace optdyn
