// Newton flow θ̇ = −(∇²f(θ) + εI)⁻¹∇f(θ) (continuous Newton method; Gavurin 1958, Neuberger
// 2007; ε = `damping` ≥ 0, 0 by default — the limit of damped Newton, Δt = lr): on a quadratic
// with minimiser θ* and ε = 0, θ(t) − θ* = e^{−t}(θ₀ − θ*) whatever the conditioning.
// The direction solves (∇²f + εI) d = ∇f by MINRES on exact HVPs (Paige & Saunders 1975, via
// linalg/krylov.hpp: symmetric, indefinite allowed), from d = 0, to relative residual `tol`
// within `max_iterations` products. When the solve does not reach `tol` (∇²f singular or
// too ill-conditioned at θ) the field throws FlowEvaluationError naming the point's residual:
// the flow is undefined there, and an integrator must stop rather than follow a wrong
// direction. Jacobian products: Flow's default forward difference (one solve each).
#include <stdexcept>

#include "optdyn/core/text.hpp"
#include "optdyn/flows/flow.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/linalg/krylov.hpp"

namespace optdyn {
namespace {

class NewtonFlow : public Flow {
 public:
  NewtonFlow(const Spec& s, const Objective& f) : Flow(f), spec_(s.canonical()) {
    options_.tol = s.real_below("tol", 1e-300, 1.0);  // tol = 1 would accept d = 0: the flow would not move
    options_.max_iterations = s.integer("max_iterations", 1, 1000000000L);
    damping_ = s.real("damping", 0.0, 1e300);
  }
  std::string spec() const override { return spec_; }

  void derivative(const Vec& z, Vec& dzdt, double t) const override {
    Vec g;
    objective().value_and_gradient(z, g);
    if (g.norm() == 0.0) {  // a stationary point: d = 0 without a solve
      dzdt.setZero(dim());
      return;
    }
    const LinearOperator hessian = [&](const Vec& v, Vec& hv) {
      objective().hessian_vector(z, v, hv);
      if (damping_ != 0.0) hv.noalias() += damping_ * v;
    };
    Vec d;
    const KrylovResult r = minres(hessian, g, d, options_);
    if (!r.converged)
      throw FlowEvaluationError("flow '" + spec_ + "': MINRES on ∇²f d = ∇f stopped at relative residual " +
                               format_number(r.relative_residual, 3) + " after " + std::to_string(r.products) +
                               " products (t = " + format_number(t, 6) +
                               "): the Hessian is singular or too ill-conditioned for keys tol/max_iterations");
    dzdt = -d;
  }

 private:
  std::string spec_;
  KrylovOptions options_;
  double damping_ = 0.0;
};

}  // namespace

FlowEntry newton_flow_entry() {
  return flow_entry<NewtonFlow>("newton", "Newton flow θ̇ = −(∇²f + εI)⁻¹∇f (MINRES on HVPs; throws where the solve fails)",
                                {{"damping", "0", "ε ≥ 0 added to the Hessian (the limit of damped_newton)"},
                                 {"tol", "1e-10", "MINRES relative residual"},
                                 {"max_iterations", "1000", "MINRES products per evaluation"}});
}

}  // namespace optdyn
