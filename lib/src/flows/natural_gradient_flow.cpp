// Natural gradient flow θ̇ = −(F(θ) + λI)⁻¹∇f(θ) (Amari 1998 in continuous time; Martens
// 2014, "New insights and perspectives on the natural gradient method", §12: the flow is
// invariant under smooth reparameterisations, the discrete method only to first order).
// F is the Fisher of a probabilistic objective (objective.hpp ProbabilisticAccess), full
// batch: `fisher=true` the exact output Fisher (= the generalized Gauss–Newton matrix for
// softmax, logistic and Gaussian outputs) or `empirical` (data labels); the sampled Fisher is
// random and has no deterministic flow. ∇f includes any l2 penalty, F does not. The
// direction solves (F + λI) d = ∇f by conjugate gradients on Fisher products
// (linalg/krylov.hpp; F ⪰ 0); the solve, its keys and its failure (λ = 0 and F singular along
// ∇f: FlowEvaluationError) are preconditioned_gradient_flow.hpp's.
// It is the limit lr → 0 of natural_gradient:lr=η with t = k·η (continuous_limit.cpp).
// Jacobian products: Flow's default forward difference.
#include "optdyn/core/error.hpp"
#include "optdyn/flows/registry.hpp"
#include "preconditioned_gradient_flow.hpp"

namespace optdyn {
namespace {

class NaturalGradientFlow final : public PreconditionedGradientFlow {
 public:
  NaturalGradientFlow(const Spec& s, const Objective& f)
      : PreconditionedGradientFlow(s, f, "CG on (F + λI) d = ∇f"),
        kind_(fisher_kind_from_name(s.choice("fisher", {"true", "empirical"}))) {
    if (!f.probabilistic())
      throw InputError("flow 'natural_gradient': objective '" + f.spec() +
                       "' is not a negative log-likelihood (mlp, softmax_regression, logistic_regression)");
  }

 protected:
  FunctionOperator curvature(const Vec& z) const override {
    return objective().probabilistic()->fisher(z, {}, kind_, nullptr);
  }
  KrylovResult solve(const SymmetricOperator& A, const Vec& g, Vec& d, const KrylovOptions& o) const override {
    return conjugate_gradient(A, g, d, o);  // F + λI ⪰ 0
  }

 private:
  FisherKind kind_;
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
