// Modified (backward-error) flow of gradient descent with step h (Barrett & Dherin 2021,
// "Implicit gradient regularization", Theorem 3.1):
//   θ̇ = −∇f − (h/2)∇²f∇f = −∇(f + (h/4)‖∇f‖²),
// which GD with step h follows with one-step error O(h³) (gradient flow: O(h²)); t = k·h.
// Cost: one gradient and one HVP per evaluation. Jacobian products use Flow's default
// forward difference of the field: the exact Jacobian −∇²f − (h/2)(∇²f² + ∇³f[·]∇f) needs
// third derivatives.
#include "optdyn/flows/flow.hpp"
#include "optdyn/flows/registry.hpp"

namespace optdyn {
namespace {

class ModifiedGd : public Flow {
 public:
  ModifiedGd(const Spec& s, const Objective& f) : Flow(f), spec_(s.canonical()), h_(s.positive("h")) {}
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

FlowEntry modified_gd_entry() {
  return flow_entry<ModifiedGd>("modified_gd",
                                "Barrett–Dherin modified flow of GD: θ̇ = −∇(f + (h/4)‖∇f‖²) = −∇f − (h/2)∇²f∇f (one HVP)",
                                {{"h", "0.01", "GD step size h (time t = k·h)"}});
}

}  // namespace optdyn
