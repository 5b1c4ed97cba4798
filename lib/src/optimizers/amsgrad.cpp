// AMSGrad (Reddi, Kale & Kumar 2018, "On the convergence of Adam and beyond", Algorithm 2).
// States m, v, v_hat (the running maximum; non-decreasing in every convention).
//   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
//   convention=seed   v̂ ← max(v̂, v)              θ ← θ − η m/(√v̂ + ε)
//                     (Algorithm 2 with constant β₁ and ε, seed 000: no bias correction)
//   convention=torch  v̂ ← max(v̂, v)   (raw v)    θ ← θ − (η/(1−β₁ᵗ)) m/(√v̂/√(1−β₂ᵗ) + ε)
//                     (torch.optim.Adam(amsgrad=True))
//   convention=optax  v̂ ← max(v̂, v/(1−β₂ᵗ))  (max of the bias-corrected v̂)
//                     θ ← θ − η (m/(1−β₁ᵗ))/(√v̂ + ε)   (optax.amsgrad)
// The torch and optax forms differ: bias-correcting after the max lets the effective v̂
// shrink as (1−β₂ᵗ) grows; taking the max after the correction does not.
#include <cmath>

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/adaptive_moment_keys.hpp"
#include "optdyn/optimizers/amsgrad.hpp"
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Amsgrad : public Optimizer {
 public:
  using Convention = AmsgradParams::Convention;

  Amsgrad(const AmsgradParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr), beta1_(p.beta1), beta2_(p.beta2), eps_(p.eps), convention_(p.convention) {}

 protected:
  void reset_state(Index dim) override {
    m_.setZero(dim);
    v_.setZero(dim);
    vhat_.setZero(dim);
  }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    const double b1 = beta1_, b2 = beta2_, eps = eps_, td = static_cast<double>(t);
    const double bc1 = 1.0 - std::pow(b1, td), bc2 = 1.0 - std::pow(b2, td);
    const Convention c = convention_;
    // θ −= step · m/(√v̂·scale + ε); v̂ = max(v̂, v·vscale)
    const double step = c == Convention::seed ? eta : eta / bc1;
    const double scale = c == Convention::torch ? 1.0 / std::sqrt(bc2) : 1.0;
    const double vscale = c == Convention::optax ? 1.0 / bc2 : 1.0;
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      auto m = m_.segment(i, n).array();
      auto v = v_.segment(i, n).array();
      auto vh = vhat_.segment(i, n).array();
      auto gi = g.segment(i, n).array();
      m = b1 * m + (1.0 - b1) * gi;
      v = b2 * v + (1.0 - b2) * gi.square();
      vh = vh.max(v * vscale);
      theta.segment(i, n).array() -= step * (m / (vh.sqrt() * scale + eps));
    });
  }
  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"m", &m_});
    out.push_back({"v", &v_});
    out.push_back({"v_hat", &vhat_});
  }

 private:
  double beta1_, beta2_, eps_;
  Convention convention_;
  Vec m_, v_, vhat_;
};

}  // namespace

const ParamTable<AmsgradParams>& AmsgradParams::table() {
  using C = AmsgradParams::Convention;
  static const auto t =
      ParamTable<AmsgradParams>("optimizer", "amsgrad",
                                "AMSGrad: v̂ = max(v̂, v), θ −= lr·m/(√v̂ + ε); bias-corrected variants torch/optax")
          .with(first_moment_keys<AmsgradParams>)
          .with(second_moment_keys<AmsgradParams>)
          .choice("convention", &AmsgradParams::convention, {{"seed", C::seed}, {"torch", C::torch}, {"optax", C::optax}},
                  "seed (Reddi Alg. 2, max of raw v, no bias correction), torch (max of raw v, then corrected), "
                  "optax (max of corrected v̂)");
  return t;
}

OptimizerPtr make_amsgrad(const AmsgradParams& params) { return make_typed_optimizer<Amsgrad>(params); }

OptimizerEntry amsgrad_entry() { return typed_optimizer_entry<Amsgrad, AmsgradParams>(); }

}  // namespace optdyn
