// Newton flow θ̇ = −(∇²f(θ) + εI)⁻¹∇f(θ) (continuous Newton method; Gavurin 1958, Neuberger
// 2007; ε = `damping` ≥ 0, 0 by default — the limit of damped Newton, Δt = lr): on a quadratic
// with minimiser θ* and ε = 0, θ(t) − θ* = e^{−t}(θ₀ − θ*) whatever the conditioning.
// The direction solves (∇²f + εI) d = ∇f by MINRES on exact HVPs (Paige & Saunders 1975, via
// linalg/krylov.hpp: symmetric, indefinite allowed); the solve, its keys and its failure
// (FlowEvaluationError) are preconditioned_gradient_flow.hpp's.
#include "optdyn/flows/newton_flow.hpp"

#include "optdyn/flows/registry.hpp"
#include "preconditioned_gradient_flow.hpp"

namespace optdyn {
namespace {

class NewtonFlow final : public PreconditionedGradientFlow {
 public:
  NewtonFlow(const NewtonFlowParams& p, std::string spec, const Objective& f)
      : PreconditionedGradientFlow(p, std::move(spec), f, "MINRES on (∇²f + εI) d = ∇f") {}

 protected:
  FunctionOperator curvature(const Vec& z) const override {
    return FunctionOperator(objective().dim(), [this, z](const Vec& v, Vec& hv) { objective().hessian_vector(z, v, hv); });
  }
  KrylovResult solve(const SymmetricOperator& A, const Vec& g, Vec& d, const KrylovOptions& o) const override {
    return minres(A, g, d, o);  // ∇²f may be indefinite
  }
};

}  // namespace

const ParamTable<NewtonFlowParams>& NewtonFlowParams::table() {
  static const auto t =
      ParamTable<NewtonFlowParams>("flow", "newton",
                                   "Newton flow θ̇ = −(∇²f + εI)⁻¹∇f (MINRES on HVPs; throws where the solve fails)")
          .with(solve_keys<NewtonFlowParams>("ε ≥ 0 added to the Hessian (the limit of damped_newton)", "MINRES"));
  return t;
}

FlowPtr make_newton_flow(const Objective& f, const NewtonFlowParams& p) { return make_typed_flow<NewtonFlow>(f, p); }

FlowEntry newton_flow_entry() { return typed_flow_entry<NewtonFlow, NewtonFlowParams>(); }

}  // namespace optdyn
