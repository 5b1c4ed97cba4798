// Gradient flow θ̇ = −∇f(θ) (Cauchy 1847; the η → 0 limit of GD with t = kη, doc/references.md
// "Modified equations"). The Jacobian of the field is −∇²f(θ): one exact HVP per product,
// symmetric, so implicit integrators can use MINRES.
#include "optdyn/flows/gradient_flow.hpp"

#include "optdyn/flows/registry.hpp"

namespace optdyn {

GradientFlow::GradientFlow(const GradientFlowParams&, std::string spec, const Objective& f)
    : Flow(f), spec_(std::move(spec)) {}

void GradientFlow::derivative(const Vec& z, Vec& dzdt, double) const {
  objective().value_and_gradient(z, dzdt);
  dzdt = -dzdt;
}

void GradientFlow::jacobian_vector(const Vec& z, double, const Vec& v, Vec& Jv) const {
  objective().hessian_vector(z, v, Jv);
  Jv = -Jv;
}

Mat GradientFlow::jacobian(const Vec& z, double) const { return -objective().hessian(z); }

const ParamTable<GradientFlowParams>& GradientFlowParams::table() {
  static const auto t =
      ParamTable<GradientFlowParams>("flow", "gradient", "gradient flow θ̇ = −∇f(θ) (limit of gd with t = k·lr)");
  return t;
}

FlowPtr make_gradient_flow(const Objective& f, const GradientFlowParams& p) { return make_typed_flow<GradientFlow>(f, p); }

FlowEntry gradient_flow_entry() { return typed_flow_entry<GradientFlow, GradientFlowParams>(); }

}  // namespace optdyn
