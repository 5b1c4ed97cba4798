// Modified (backward-error) flow of gradient descent with step h (Barrett & Dherin 2021,
// "Implicit gradient regularization", Theorem 3.1):
//   θ̇ = −∇f − (h/2)∇²f∇f = −∇(f + (h/4)‖∇f‖²),
// which GD with step h follows with one-step error O(h³) (gradient flow: O(h²)); t = k·h.
// Cost: one gradient and one HVP per evaluation. Jacobian products use Flow's default
// forward difference of the field: the exact Jacobian −∇²f − (h/2)(∇²f² + ∇³f[·]∇f) needs
// third derivatives.
#include "optdyn/flows/modified_gd.hpp"

#include "optdyn/flows/registry.hpp"

namespace optdyn {
namespace {

class ModifiedGd : public Flow {
 public:
  ModifiedGd(const ModifiedGdFlowParams& p, std::string spec, const Objective& f)
      : Flow(f), spec_(std::move(spec)), h_(p.h) {}
  std::string spec() const override { return spec_; }

  void derivative(const Vec& z, Vec& dzdt, double) const override {
    Vec g, hg;
    objective().value_and_gradient(z, g);
    objective().hessian_vector(z, g, hg);
    dzdt = -g - (0.5 * h_) * hg;
  }

 private:
  std::string spec_;
  double h_;
};

}  // namespace

const ParamTable<ModifiedGdFlowParams>& ModifiedGdFlowParams::table() {
  static const auto t =
      ParamTable<ModifiedGdFlowParams>(
          "flow", "modified_gd",
          "Barrett–Dherin modified flow of GD: θ̇ = −∇(f + (h/4)‖∇f‖²) = −∇f − (h/2)∇²f∇f (one HVP)")
          .real("h", &ModifiedGdFlowParams::h, Range::positive(), "GD step size h (time t = k·h)");
  return t;
}

FlowPtr make_modified_gd_flow(const Objective& f, const ModifiedGdFlowParams& p) { return make_typed_flow<ModifiedGd>(f, p); }

FlowEntry modified_gd_entry() { return typed_flow_entry<ModifiedGd, ModifiedGdFlowParams>(); }

}  // namespace optdyn
