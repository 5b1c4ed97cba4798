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
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Amsgrad : public Optimizer {
 public:
  enum class Convention { seed, torch, optax };

  explicit Amsgrad(const Spec& s)
      : Optimizer(s.canonical(), s.positive("lr")),
        beta1_(s.real_below("beta1", 0.0, 1.0)),
        beta2_(s.real_below("beta2", 0.0, 1.0)),
        eps_(s.real_above("eps", 0.0, 1.0)) {  // ε = 0 would give 0/0 where g has been 0
    const std::string c = s.choice("convention", {"seed", "torch", "optax"});
    convention_ = c == "seed" ? Convention::seed : c == "torch" ? Convention::torch : Convention::optax;
  }

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

OptimizerEntry amsgrad_entry() {
  return optimizer_entry<Amsgrad>(
      "amsgrad", "AMSGrad: v̂ = max(v̂, v), θ −= lr·m/(√v̂ + ε); bias-corrected variants torch/optax",
      {{"lr", "0.001", "learning rate η"},
       {"beta1", "0.9", "EMA coefficient β₁ of g, in [0, 1)"},
       {"beta2", "0.999", "EMA coefficient β₂ of g², in [0, 1)"},
       {"eps", "1e-8", "ε added to √v̂"},
       {"convention", "seed",
        "seed (Reddi Alg. 2, max of raw v, no bias correction), torch (max of raw v, then corrected), "
        "optax (max of corrected v̂)"}});
}

}  // namespace optdyn
