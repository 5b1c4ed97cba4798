#include "preconditioned_gradient_flow.hpp"

#include "optdyn/core/text.hpp"

namespace optdyn {

PreconditionedGradientFlow::PreconditionedGradientFlow(const Objective& f, std::string spec, std::string system,
                                                       double damping, double tol, long max_iterations)
    : Flow(f), spec_(std::move(spec)), system_(std::move(system)), damping_(damping) {
  options_.tol = tol;
  options_.max_iterations = max_iterations;
}

void PreconditionedGradientFlow::derivative(const Vec& z, Vec& dzdt, double t) const {
  Vec g;
  objective().value_and_gradient(z, g);
  if (g.norm() == 0.0) {  // a stationary point: d = 0 without a solve
    dzdt.setZero(dim());
    return;
  }
  const FunctionOperator m = curvature(z);
  const FunctionOperator damped(m.rows(), [&](const Vec& v, Vec& out) {  // v ↦ (M + εI) v
    m.apply(v, out);
    if (damping_ != 0.0) out.noalias() += damping_ * v;
  });
  Vec d;
  const KrylovResult r = solve(damped, g, d, options_);
  if (!r.converged)
    throw FlowEvaluationError("flow '" + spec_ + "': " + system_ + " stopped at relative residual " +
                             format_number(r.relative_residual, 3) + " after " + std::to_string(r.products) +
                             " products (t = " + format_number(t, 6) +
                             "): the matrix is singular or too ill-conditioned for keys damping/tol/max_iterations");
  dzdt = -d;
}

}  // namespace optdyn
