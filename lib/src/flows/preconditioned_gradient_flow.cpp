#include "preconditioned_gradient_flow.hpp"

#include "optdyn/core/text.hpp"

namespace optdyn {

PreconditionedGradientFlow::PreconditionedGradientFlow(const Spec& s, const Objective& f, std::string system)
    : Flow(f), spec_(s.canonical()), system_(std::move(system)), damping_(s.real("damping", 0.0, 1e300)) {
  options_.tol = s.real_below("tol", 1e-300, 1.0);  // tol = 1 would accept d = 0: the flow would not move
  options_.max_iterations = s.integer("max_iterations", 1, 1000000000L);
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
