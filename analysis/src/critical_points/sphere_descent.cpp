// An optimizer on the sphere by retraction after every step (sphere_descent.hpp).
#include "optdyn/analysis/critical_points/sphere_descent.hpp"

#include <cmath>

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn::analysis {

SphereDescent descend_on_sphere(const Objective& f, const Vec& start, const SphereDescentParams& params) {
  const double radius = start.norm();
  if (!(radius > 0.0)) throw InputError("sphere descent: the start is 0");
  if (params.max_steps < 1) throw InputError("sphere descent: max_steps must be >= 1");
  if (!(params.tol > 0.0)) throw InputError("sphere descent: tol must be > 0");
  OptimizerPtr opt = make_optimizer(params.optimizer);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f);
  const double root_d = std::sqrt(static_cast<double>(f.dim()));
  SphereDescent run{start, 0, 0.0, false};
  while (run.steps < params.max_steps) {
    const Vec u = run.theta / radius;
    opt->step(run.theta, oracle);
    ++run.steps;
    const Vec& g = opt->last_gradient();
    run.gradient_rms = (g - u * u.dot(g)).norm() / root_d;  // ‖P∇F‖/√D at the point before the step
    run.theta *= radius / run.theta.norm();                  // the retraction θ ← s θ/‖θ‖
    if (run.gradient_rms < params.tol) {
      run.converged = true;
      break;
    }
  }
  return run;
}

}  // namespace optdyn::analysis
