// Trust-region steps on the linear model (seed 004, "Adaptivity by normalization"):
// minimise F(θ) + gᵀΔ over a ball of radius ε = lr.
//   normalized_gd   ℓ₂ ball:  Δ = −ε g/‖g‖₂      (Δ = 0 when g = 0)
//                   power p:  Δ = −ε g/‖g‖₂^p; p = 2 is seed 004's −ε J/‖J‖², equivariant under
//                   a scalar change of variables θ̃ = sθ (g̃ = g/s, so Δθ = Δθ̃/s = −ε g/‖g‖²),
//                   where p = 1 gives Δθ = −ε g/(s‖g‖) (1/s, "better than GD's 1/s²") and
//                   p = 0 is GD. None is equivariant under a non-scalar rescaling.
//   sign            ℓ∞ ball (per-coordinate trust region, |Δ_i| ≤ ε for all i):
//                   Δ_i = −ε g_i/|g_i| = −ε sign(g_i)   (sign(0) = 0; signSGD, Bernstein
//                   et al. 2018). Seed 004: normalising stochastic gradients is biased — for
//                   f = (−3x) + (x) + (x + 1), one summand at a time, it moves the wrong way.
#include <cmath>

#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/trust_region.hpp"

namespace optdyn {
namespace {

class NormalizedGd : public Optimizer {
 public:
  NormalizedGd(const NormalizedGdParams& p, std::string spec) : Optimizer(std::move(spec), p.lr), power_(p.power) {}

 protected:
  void reset_state(Index) override {}
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    const double norm = g.norm();
    if (norm > 0.0) theta.noalias() -= (eta / scale(norm)) * g;
  }
  void collect_state(std::vector<StateView>&) const override {}

 private:
  // ‖g‖^power (the common powers exactly as written, so power 1 is the plain ℓ₂ step).
  double scale(double norm) const {
    if (power_ == 1.0) return norm;
    if (power_ == 2.0) return norm * norm;
    return std::pow(norm, power_);
  }
  double power_;
};

class Sign : public Optimizer {
 public:
  Sign(const SignParams& p, std::string spec) : Optimizer(std::move(spec), p.lr) {}

 protected:
  void reset_state(Index) override {}
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    theta.array() -= eta * g.array().sign();
  }
  void collect_state(std::vector<StateView>&) const override {}
};

}  // namespace

const ParamTable<SignParams>& SignParams::table() {
  static const auto t =
      ParamTable<SignParams>("optimizer", "sign",
                             "sign descent = per-coordinate trust-region step: θ −= lr·sign(g) (seed 004)")
          .real("lr", &SignParams::lr, Range::positive(), "step per coordinate ε");
  return t;
}

const ParamTable<NormalizedGdParams>& NormalizedGdParams::table() {
  static const auto t =
      ParamTable<NormalizedGdParams>("optimizer", "normalized_gd",
                                     "normalised GD = ℓ₂ trust-region step: θ −= lr·g/‖g‖^power (seed 004)")
          .real("lr", &NormalizedGdParams::lr, Range::positive(), "step length ε")
          .real("power", &NormalizedGdParams::power, Range::closed(0.0, 2.0),
                "p in θ −= lr·g/‖g‖^p: 1 trust region, 2 seed 004's scale-equivariant step, 0 GD");
  return t;
}

OptimizerPtr make_sign(const SignParams& params) { return make_typed_optimizer<Sign>(params); }
OptimizerPtr make_normalized_gd(const NormalizedGdParams& params) { return make_typed_optimizer<NormalizedGd>(params); }

std::vector<OptimizerEntry> trust_region_entries() {
  return {typed_optimizer_entry<Sign, SignParams>(), typed_optimizer_entry<NormalizedGd, NormalizedGdParams>()};
}

}  // namespace optdyn
