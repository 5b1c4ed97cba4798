// Trust-region steps on the linear model (seed 004, "Adaptivity by normalization"):
// minimise F(θ) + gᵀΔ over a ball of radius ε = lr.
//   normalized_gd   ℓ₂ ball:  Δ = −ε g/‖g‖₂      (Δ = 0 when g = 0)
//   sign            ℓ∞ ball (per-coordinate trust region, |Δ_i| ≤ ε for all i):
//                   Δ_i = −ε g_i/|g_i| = −ε sign(g_i)   (sign(0) = 0; signSGD, Bernstein
//                   et al. 2018). Seed 004: normalising stochastic gradients is biased — for
//                   f = (−3x) + (x) + (x + 1), one summand at a time, it moves the wrong way.
#include <cmath>

#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class NormalizedGd : public Optimizer {
 public:
  explicit NormalizedGd(const Spec& s) : Optimizer(s.canonical(), s.positive("lr")) {}

 protected:
  void reset_state(Index) override {}
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    const double norm = g.norm();
    if (norm > 0.0) theta.noalias() -= (eta / norm) * g;
  }
  void collect_state(std::vector<StateView>&) const override {}
};

class Sign : public Optimizer {
 public:
  explicit Sign(const Spec& s) : Optimizer(s.canonical(), s.positive("lr")) {}

 protected:
  void reset_state(Index) override {}
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    theta.array() -= eta * g.array().sign();
  }
  void collect_state(std::vector<StateView>&) const override {}
};

}  // namespace

std::vector<OptimizerEntry> trust_region_entries() {
  return {
      optimizer_entry<Sign>("sign", "sign descent = per-coordinate trust-region step: θ −= lr·sign(g) (seed 004)",
                            {{"lr", "0.01", "step per coordinate ε"}}),
      optimizer_entry<NormalizedGd>("normalized_gd", "normalised GD = ℓ₂ trust-region step: θ −= lr·g/‖g‖ (seed 004)",
                                    {{"lr", "0.01", "step length ε"}}),
  };
}

}  // namespace optdyn
