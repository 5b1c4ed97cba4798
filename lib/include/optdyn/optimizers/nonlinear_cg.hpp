#pragma once
// Nonlinear CG's parameters and typed factory (Fletcher & Reeves 1964; Polak & Ribière 1969;
// N&W §5.2); the step, restarts and line search are in lib/src/optimizers/nonlinear_cg.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/line_search.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct NonlinearCgParams {
  enum class Beta { fletcher_reeves, polak_ribiere, polak_ribiere_plus };
  Beta beta = Beta::polak_ribiere_plus;
  Index restart = 0;     // restart every n steps (0: n = D)
  double powell = 0.1;   // restart when |gᵀg_prev|/‖g‖² ≥ powell (N&W 5.52); 0 = never
  LineSearchKind line_search = LineSearchKind::strong_wolfe;  // strong_wolfe | exact_quadratic
  double c1 = 1e-4;
  double c2 = 0.1;       // N&W's choice for NCG; Fletcher–Reeves needs c2 < ½
  static const ParamTable<NonlinearCgParams>& table();
};

OptimizerPtr make_nonlinear_cg(const NonlinearCgParams& params = {});

}  // namespace optdyn
