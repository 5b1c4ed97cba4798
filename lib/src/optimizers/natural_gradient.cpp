// Natural gradient (Amari 1998, "Natural gradient works efficiently in learning", Neural
// Computation 10(2); seed 004: "Δθ = −α F(θ_t)⁻¹ ∇L(θ_t)", F = E_x E_{y∼p_θ}[(∇ log p)^{⊗2}]):
//
//   (F(θ) + λI) p = −g,   θ ← θ + η p,
//
// F the Fisher of a probabilistic objective (mean negative log-likelihood; objective.hpp
// ProbabilisticAccess), chosen by `fisher`:
//   true       F = (1/B) Σ_i J_iᵀ H_i J_i exactly (output Fisher H_i; for the softmax,
//              logistic and Gaussian outputs this is the generalized Gauss–Newton matrix,
//              Martens 2014, "New insights and perspectives on the natural gradient
//              method", §9.2).
//   empirical  F = (1/B) Σ_i g_i g_iᵀ at the data labels (Martens 2014, §11: not the Fisher;
//              the seed's "need only the gradients to approximate").
//   sampled    F with one label per sample drawn from p_θ(·|x_i) (the issue's "true Fisher
//              (sampled labels)"), from an Rng seeded with `seed` at reset; fresh labels at
//              every step.
// The system is solved by conjugate gradients (linalg/krylov.hpp) on Fisher-vector products,
// from p = 0, to relative residual `tol` or `max_iterations` products. F is positive
// semidefinite: with λ = 0 and g in range(F) CG converges to the minimum-norm solution
// F⁺(−g) (Krylov spaces of F started from g stay in range(F)). The softmax Fisher is always
// singular (adding one vector to every row of the last layer's W̄ leaves softmax unchanged);
// g is orthogonal to that null space unless an l2 penalty is present, so with l2 > 0 use
// λ > 0 (λ = l2 makes F + λI the Gauss–Newton matrix of the penalised loss). On a minibatch
// oracle F is the Fisher of the step's batch (oracle.hpp). Any l2 penalty of the objective is
// in g but not in F (it is not part of the likelihood).
// Invariance (seed 004: "second order methods Δx = −εG⁻¹J are equivariant"): under θ = Aφ,
// g_φ = Aᵀg_θ and F_φ = AᵀF_θA, so A p_φ = p_θ when λ = 0 — the step does not depend on the
// parameterisation (tests/natural_gradient_test.cpp).
// Cost per step: one gradient, one Fisher bind (one forward pass) and one Fisher product
// (≈ one forward + one backward pass) per CG iteration. State: `direction` p and
// `cg_products` (the products of the last solve, a 1-vector).
#include <algorithm>

#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/krylov.hpp"
#include "optdyn/optimizers/natural_gradient.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/solver_keys.hpp"

namespace optdyn {
namespace {

class NaturalGradient final : public Optimizer {
 public:
  NaturalGradient(const NaturalGradientParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr), kind_(p.fisher), damping_(p.damping), seed_(p.seed), rng_(seed_) {
    krylov_.tol = p.tol;
    krylov_.max_iterations = p.max_iterations;
  }

 protected:
  void reset_state(Index dim) override {
    direction_.setZero(dim);
    products_.setZero(1);
    rng_ = Rng(seed_);
  }
  std::vector<OracleAccess> required_access() const override { return {OracleAccess::fisher}; }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    if (g.squaredNorm() == 0.0) {
      direction_.setZero();
      return;
    }
    const FunctionOperator fisher = oracle().fisher(theta, kind_, &rng_);
    const FunctionOperator damped(theta.size(), [&](const Vec& v, Vec& out) {  // v ↦ (F + λI) v
      fisher.apply(v, out);
      if (damping_ != 0.0) out.noalias() += damping_ * v;
    });
    KrylovOptions k = krylov_;
    if (k.max_iterations == 0) k.max_iterations = std::max<Index>(2 * theta.size(), 1);
    const KrylovResult r = conjugate_gradient(damped, -g, direction_, k);
    products_[0] = static_cast<double>(r.products);
    theta.noalias() += eta * direction_;
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"direction", &direction_});
    out.push_back({"cg_products", &products_});
  }
  // direction_ is also the warm start of the next CG solve; the Rng draws sampled-Fisher labels.
  void archive_state(StateArchive& a) override {
    Optimizer::archive_state(a);
    a.field("rng", rng_);
  }

 private:
  FisherKind kind_;
  double damping_;
  std::uint64_t seed_;
  Rng rng_;
  KrylovOptions krylov_;
  Vec direction_, products_;
};

}  // namespace

const ParamTable<NaturalGradientParams>& NaturalGradientParams::table() {
  using P = NaturalGradientParams;
  static const auto t =
      ParamTable<P>("optimizer", "natural_gradient",
                    "natural gradient (F + λI) p = −g by CG on Fisher products, θ += lr·p (Amari 1998; seed 004; "
                    "probabilistic objectives)")
          .real("lr", &P::lr, Range::positive(), "step length η")
          .choice("fisher", &P::fisher, {{"true", FisherKind::true_fisher}, {"empirical", FisherKind::empirical}, {"sampled", FisherKind::sampled}},
                  "true (exact output Fisher = GGN) | empirical (data labels) | sampled (labels from the model)")
          .real("damping", &P::damping, Range::closed(0.0, 1e300), "λ ≥ 0 added to the Fisher's diagonal")
          .seed("seed", &P::seed, "seed of the sampled labels (fisher=sampled)")
          .with([](ParamTable<P>& u) { krylov_keys(u, "CG"); });
  return t;
}

OptimizerPtr make_natural_gradient(const NaturalGradientParams& params) {
  return make_typed_optimizer<NaturalGradient>(params);
}

OptimizerEntry natural_gradient_entry() { return typed_optimizer_entry<NaturalGradient, NaturalGradientParams>(); }

}  // namespace optdyn
