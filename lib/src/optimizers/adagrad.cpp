// Adagrad (Duchi, Hazan & Singer 2011). State G (sum of squared gradients), G₀ = S₀.
//   η̃_t = η / (1 + (t−1)·lr_decay);   G ← G + g²;
//   convention=seed   θ ← θ − η̃ g / √(G + ε)     (seed 000: ε inside the root, ε ≈ 1e-8)
//   convention=torch  θ ← θ − η̃ g / (√G + ε)     (torch.optim.Adagrad, ε = 1e-10)
// eps defaults to the convention's value when not given.
#include <cmath>

#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Adagrad : public Optimizer {
 public:
  explicit Adagrad(const Spec& s)
      : Optimizer(s.canonical(), s.positive("lr")),
        torch_(s.choice("convention", {"seed", "torch"}) == "torch"),
        eps_(s.has("eps") ? s.real("eps", 0.0, 1.0) : (torch_ ? 1e-10 : 1e-8)),
        lr_decay_(s.real("lr_decay", 0.0, 1e300)),
        s0_(s.real("initial_accumulator", 0.0, 1e300)) {
    if (!(eps_ > 0.0) && !(s0_ > 0.0))
      throw InputError("optimizer 'adagrad': key 'eps': must be > 0 "
                       "(eps = 0 with initial_accumulator = 0 divides 0/0 where the gradient has been 0)");
  }

 protected:
  void reset_state(Index dim) override { G_.setConstant(dim, s0_); }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    const double step = eta / (1.0 + static_cast<double>(t - 1) * lr_decay_), eps = eps_;
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      auto G = G_.segment(i, n).array();
      auto gi = g.segment(i, n).array();
      G += gi.square();
      if (torch_)
        theta.segment(i, n).array() -= step * (gi / (G.sqrt() + eps));
      else
        theta.segment(i, n).array() -= step * (gi / (G + eps).sqrt());
    });
  }
  void collect_state(std::vector<StateView>& out) const override { out.push_back({"G", &G_}); }

 private:
  bool torch_;
  double eps_, lr_decay_, s0_;
  Vec G_;
};

}  // namespace

OptimizerEntry adagrad_entry() {
  return optimizer_entry<Adagrad>(
      "adagrad", "Adagrad: G += g², θ −= lr·g/√(G+ε) (seed) or lr·g/(√G+ε) (torch)",
      {{"lr", "0.01", "learning rate η"},
       {"eps", "", "ε; default 1e-8 (seed) or 1e-10 (torch)"},
       {"lr_decay", "0", "η_t = η/(1 + (t−1)·lr_decay) (torch)"},
       {"initial_accumulator", "0", "G₀ (torch's initial_accumulator_value)"},
       {"convention", "seed", "seed (ε inside the root, seed 000) or torch (ε outside)"}});
}

}  // namespace optdyn
