#include "optdyn/analysis/time_to_criterion.hpp"

#include <cmath>

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "optdyn/optimizers/oracle.hpp"

namespace optdyn::analysis {

CriterionRun gd_time_to_criterion(const Objective& f, const Vec& theta0, double lr, double target, long max_steps) {
  OptimizerPtr gd = make_gd({.lr = lr});
  gd->reset(f.dim());
  double loss = 0.0;
  FunctionOracle oracle(f.dim(), [&](const Vec& theta, Vec& g) { return loss = f.value_and_gradient(theta, g); });
  Vec theta = theta0;
  CriterionRun r;
  const double start = f.value(theta);
  for (long k = 1; k <= max_steps + 1; ++k) {
    // The step throws on a non-finite loss or θ (core/error.hpp), long after the loss passed
    // 1e3·start: both end the run as diverged.
    bool blew_up = false;
    try {
      gd->step(theta, oracle);  // loss = F(θ_{k−1})
    } catch (const DivergenceError&) {
      blew_up = true;
    }
    r.final_loss = loss;
    if (blew_up || !std::isfinite(loss) || loss > 1e3 * start) {
      r.diverged = true;
      return r;
    }
    if (loss <= target) {
      r.steps = k - 1;
      return r;
    }
  }
  return r;
}

}  // namespace optdyn::analysis
