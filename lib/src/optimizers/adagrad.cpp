// Adagrad (Duchi, Hazan & Singer 2011). State G (sum of squared gradients), G₀ = S₀.
//   η̃_t = η / (1 + (t−1)·lr_decay);   G ← G + g²;
//   convention=seed   θ ← θ − η̃ g / √(G + ε)     (seed 000: ε inside the root, ε ≈ 1e-8)
//   convention=torch  θ ← θ − η̃ g / (√G + ε)     (torch.optim.Adagrad, ε = 1e-10)
// eps defaults to the convention's value when not given.
#include <cmath>

#include "optdyn/optimizers/adagrad.hpp"
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Adagrad : public Optimizer {
 public:
  Adagrad(const AdagradParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr),
        torch_(p.convention == AdagradParams::Convention::torch),
        eps_(p.effective_eps()),
        lr_decay_(p.lr_decay),
        s0_(p.initial_accumulator) {}

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

const ParamTable<AdagradParams>& AdagradParams::table() {
  using C = AdagradParams::Convention;
  static const auto t =
      ParamTable<AdagradParams>("optimizer", "adagrad", "Adagrad: G += g², θ −= lr·g/√(G+ε) (seed) or lr·g/(√G+ε) (torch)")
          .real("lr", &AdagradParams::lr, Range::positive(), "learning rate η")
          .real("eps", &AdagradParams::eps, Range::closed(0.0, 1.0), "ε; default 1e-8 (seed) or 1e-10 (torch)")
          .real("lr_decay", &AdagradParams::lr_decay, Range::closed(0.0, 1e300), "η_t = η/(1 + (t−1)·lr_decay) (torch)")
          .real("initial_accumulator", &AdagradParams::initial_accumulator, Range::closed(0.0, 1e300),
                "G₀ (torch's initial_accumulator_value)")
          .choice("convention", &AdagradParams::convention, {{"seed", C::seed}, {"torch", C::torch}},
                  "seed (ε inside the root, seed 000) or torch (ε outside)")
          .rule([](const AdagradParams& p, const Spec& s) {
            if (!(p.effective_eps() > 0.0) && !(p.initial_accumulator > 0.0))
              s.reject("eps", "must be > 0 "
                              "(eps = 0 with initial_accumulator = 0 divides 0/0 where the gradient has been 0)");
          });
  return t;
}

OptimizerPtr make_adagrad(const AdagradParams& params) { return make_typed_optimizer<Adagrad>(params); }

OptimizerEntry adagrad_entry() { return typed_optimizer_entry<Adagrad, AdagradParams>(); }

}  // namespace optdyn
