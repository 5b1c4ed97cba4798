// Natural gradient flow θ̇ = −(F(θ) + λI)⁻¹∇f(θ) (Amari 1998 in continuous time; Martens
// 2014, "New insights and perspectives on the natural gradient method", §12: the flow is
// invariant under smooth reparameterisations, the discrete method only to first order).
// F is the Fisher of a probabilistic objective (objective.hpp ProbabilisticAccess), full
// batch: `fisher=true` the exact output Fisher (= the generalized Gauss–Newton matrix for
// softmax, logistic and Gaussian outputs) or `empirical` (data labels); the sampled Fisher is
// random and has no deterministic flow. ∇f includes any l2 penalty, F does not. The
// direction solves (F + λI) d = ∇f by conjugate gradients on Fisher products
// (linalg/krylov.hpp), from d = 0, to relative residual `tol` within `max_iterations`
// products; when the solve does not converge (λ = 0 and F singular in a direction ∇f has,
// or too ill-conditioned) the field throws FlowEvaluationError: the flow is undefined there.
// It is the limit lr → 0 of natural_gradient:lr=η with t = k·η (continuous_limit.cpp).
// Jacobian products: Flow's default forward difference.
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/flow.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/linalg/krylov.hpp"

namespace optdyn {
namespace {

class NaturalGradientFlow : public Flow {
 public:
  NaturalGradientFlow(const Spec& s, const Objective& f)
      : Flow(f),
        spec_(s.canonical()),
        kind_(fisher_kind_from_name(s.choice("fisher", {"true", "empirical"}))),
        damping_(s.real("damping", 0.0, 1e300)) {
    options_.tol = s.real_above("tol", 0.0, 1.0);
    options_.max_iterations = s.integer("max_iterations", 1, 1000000000L);
    if (!f.probabilistic())
      throw InputError("flow 'natural_gradient': objective '" + f.spec() +
                       "' is not a negative log-likelihood (mlp, softmax_regression, logistic_regression)");
  }
  std::string spec() const override { return spec_; }

  void derivative(const Vec& z, Vec& dzdt, double t) const override {
    Vec g;
    objective().value_and_gradient(z, g);
    if (g.norm() == 0.0) {  // a stationary point: d = 0 without a solve
      dzdt.setZero(dim());
      return;
    }
    const ProbabilisticAccess::Product fisher = objective().probabilistic()->fisher(z, {}, kind_, nullptr);
    const LinearOperator damped = [&](const Vec& v, Vec& out) {  // v ↦ (F + λI) v
      fisher(v, out);
      if (damping_ != 0.0) out.noalias() += damping_ * v;
    };
    Vec d;
    const KrylovResult r = conjugate_gradient(damped, g, d, options_);
    if (!r.converged)
      throw FlowEvaluationError("flow '" + spec_ + "': CG on (F + λI) d = ∇f stopped at relative residual " +
                               format_number(r.relative_residual, 3) + " after " + std::to_string(r.products) +
                               " products (t = " + format_number(t, 6) +
                               "): the Fisher is singular or too ill-conditioned for keys damping/tol/max_iterations");
    dzdt = -d;
  }

 private:
  std::string spec_;
  FisherKind kind_;
  double damping_;
  KrylovOptions options_;
};

}  // namespace

FlowEntry natural_gradient_flow_entry() {
  return flow_entry<NaturalGradientFlow>(
      "natural_gradient", "natural gradient flow θ̇ = −(F + λI)⁻¹∇f (CG on Fisher products; probabilistic objectives)",
      {{"fisher", "true", "true (exact output Fisher = GGN) | empirical (data labels)"},
       {"damping", "1e-4", "λ ≥ 0 added to the Fisher's diagonal"},
       {"tol", "1e-10", "CG relative residual"},
       {"max_iterations", "1000", "CG products per evaluation"}});
}

}  // namespace optdyn
