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
#include "optdyn/flows/natural_gradient_flow.hpp"

#include "optdyn/core/error.hpp"
#include "optdyn/flows/registry.hpp"
#include "preconditioned_gradient_flow.hpp"

namespace optdyn {
namespace {

class NaturalGradientFlow final : public PreconditionedGradientFlow {
 public:
  NaturalGradientFlow(const NaturalGradientFlowParams& p, std::string spec, const Objective& f)
      : PreconditionedGradientFlow(p, std::move(spec), f, "CG on (F + λI) d = ∇f"),
        kind_(p.fisher == NaturalGradientFlowParams::Fisher::empirical ? FisherKind::empirical : FisherKind::true_fisher) {
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

const ParamTable<NaturalGradientFlowParams>& NaturalGradientFlowParams::table() {
  using P = NaturalGradientFlowParams;
  static const auto t =
      ParamTable<P>("flow", "natural_gradient",
                    "natural gradient flow θ̇ = −(F + λI)⁻¹∇f (CG on Fisher products; probabilistic objectives)")
          .choice("fisher", &P::fisher, {{"true", P::Fisher::true_fisher}, {"empirical", P::Fisher::empirical}},
                  "true (exact output Fisher = GGN) | empirical (data labels)")
          .with(solve_keys<P>("λ ≥ 0 added to the Fisher's diagonal", "CG"));
  return t;
}

FlowPtr make_natural_gradient_flow(const Objective& f, const NaturalGradientFlowParams& p) {
  return make_typed_flow<NaturalGradientFlow>(f, p);
}

FlowEntry natural_gradient_flow_entry() { return typed_flow_entry<NaturalGradientFlow, NaturalGradientFlowParams>(); }

}  // namespace optdyn
