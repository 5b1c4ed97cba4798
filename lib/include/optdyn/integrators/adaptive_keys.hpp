#pragma once
// The keys every adaptive integrator shares (cash_karp54, dopri5, fehlberg78, bulirsch_stoer,
// rosenbrock4), declared once and embedded in each one's parameter struct as `control`:
//
//   IntegratorPtr integ = make_dopri5({.control = {.rtol = 1e-10, .atol = 1e-12}});
#include "optdyn/core/params.hpp"

namespace optdyn {

struct AdaptiveStepParams {
  double rtol = 1e-6;          // relative tolerance (> 0)
  double atol = 1e-9;          // absolute tolerance (≥ 0)
  double h0 = 0.01;            // first trial step (> 0)
  long max_steps = 1000000;    // accepted steps allowed before the run stops (status max_steps)
  double min_step = 0.0;       // smallest step after a rejection (status step_size_underflow); 0: 1e-12·max(1, |t|)
  friend bool operator==(const AdaptiveStepParams&, const AdaptiveStepParams&) = default;
  static const ParamTable<AdaptiveStepParams>& table();
};

}  // namespace optdyn
