// SVAG, the stochastic variance amplified gradient method (Li, Malladi & Arora 2021, "On the
// validity of modeling SGD with stochastic differential equations", NeurIPS, Definition 4.1;
// doc/references.md, "SVAG and the weak error"). With two independent minibatch gradients
// g₁, g₂ at the same θ and amplification l ≥ 1,
//   θ ← θ − (η/l)·[r₁ g₁ + r₂ g₂],   r₁,₂ = (1 ± √(2l − 1))/2.
// r₁ + r₂ = 1 keeps the mean gradient ∇F; r₁² + r₂² = l multiplies the gradient noise
// covariance Σ_B (of one minibatch gradient) by l. So one step moves the mean by −(η/l)∇F and
// has covariance (η/l)²·l·Σ_B = (η/l)·ηΣ_B: over the time Δt = η/l per step that is the drift
// −∇F dt and the diffusion ηΣ_B dt of the Itô SDE
//   dθ = −∇F(θ) dt + (ηΣ_B(θ))^{1/2} dW,   step k ↔ t = k·η/l,
// to which SVAG converges weakly (order 1 in 1/l) as l → ∞ (their Theorem 4.3); l = 1 is SGD.
//
// Conventions.
//  * g₁ is the step loop's gradient (oracle.gradient, the next minibatch); g₂ is drawn inside
//    the update by a second oracle.gradient call at the same θ (the minibatch after it). With
//    sampling=replacement the two batches are independent, as the definition requires; the
//    batches of one shuffled epoch are disjoint and so negatively correlated (the step's
//    covariance is then (η/l)²[l·V + (1 − l)·C], C = Cov(g₁, g₂); not SVAG's).
//  * l = 1 (r₂ = 0) draws no second gradient: the map is sgd:lr=η bit for bit, on the same
//    sampler stream, with the same evals. On a deterministic (full-batch) oracle g₂ = g₁, so it
//    is not evaluated again, and the step is GD with step η/l.
//  * Gradient modifiers (clipping, weight decay) are refused: they would act on g₁ alone.
//    Schedules scale η.
#include <cmath>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/svag.hpp"

namespace optdyn {
namespace {

class Svag : public Optimizer {
 public:
  Svag(const SvagParams& p, std::string spec) : Optimizer(std::move(spec), p.lr), l_(p.l) {}

 protected:
  void reset_state(Index dim) override { g2_.resize(dim); }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    if (l_ == 1.0) {  // r₁ = 1, r₂ = 0: SGD
      theta.noalias() -= eta * g;
      return;
    }
    const Vec& g2 = second_gradient(theta, g, t);
    const double root = std::sqrt(2.0 * l_ - 1.0);
    const double c1 = eta / l_ * (1.0 + root) / 2.0, c2 = eta / l_ * (1.0 - root) / 2.0;  // (η/l)·r₁,₂
    theta.noalias() -= c1 * g + c2 * g2;
  }
  void collect_state(std::vector<StateView>&) const override {}
  bool accepts_transformed_gradient() const override { return false; }

 private:
  // g₂: an independent minibatch gradient at θ (g₁ itself on a deterministic oracle).
  const Vec& second_gradient(const Vec& theta, const Vec& g1, std::uint64_t t) {
    if (oracle().deterministic()) return g1;
    const double loss = oracle().gradient(theta, g2_);
    if (!std::isfinite(loss) || !g2_.allFinite())
      throw DivergenceError("svag second gradient at step " + std::to_string(t) + ": non-finite loss or gradient");
    return g2_;
  }

  double l_;
  Vec g2_;  // scratch: drawn afresh every step, so not state
};

}  // namespace

const ParamTable<SvagParams>& SvagParams::table() {
  static const auto t =
      ParamTable<SvagParams>("optimizer", "svag",
                             "SVAG (Li, Malladi & Arora 2021): θ ← θ − (lr/l)·(r₁g₁ + r₂g₂), r = (1 ± √(2l−1))/2, "
                             "two independent minibatch gradients; l = 1 is sgd")
          .real("lr", &SvagParams::lr, Range::positive(), "learning rate η of the simulated SGD")
          .real("l", &SvagParams::l, Range::closed(1.0, 1e9), "variance amplification l (SDE time η/l per step)");
  return t;
}

OptimizerPtr make_svag(const SvagParams& params) { return make_typed_optimizer<Svag>(params); }

OptimizerEntry svag_entry() { return typed_optimizer_entry<Svag, SvagParams>(); }

}  // namespace optdyn
