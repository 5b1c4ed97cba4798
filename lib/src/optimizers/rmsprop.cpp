// RMSprop (Tieleman & Hinton 2012, lecture 6e; Graves 2013 for the centred form).
//   v ← αv + (1−α)g²;  centred: ḡ ← αḡ + (1−α)g, ṽ = max(v − ḡ², 0), else ṽ = v;
//   (v − ḡ² ≥ 0 in exact arithmetic but can round to −1e-16·v, e.g. for a constant
//   gradient; torch.optim.RMSprop does not clamp and then gives √(negative) = NaN — we do.)
//   convention=seed   D = √(ṽ + ε)     (seed 000: ε inside the root)
//   convention=torch  D = √ṽ + ε       (torch.optim.RMSprop: ε outside, no bias correction)
//   momentum μ = 0:   θ ← θ − η g/D;   μ > 0: b ← μb + g/D, θ ← θ − η b   (torch)
// States v, g_avg (centred), b (momentum).
#include <cmath>

#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/rmsprop.hpp"

namespace optdyn {
namespace {

class Rmsprop : public Optimizer {
 public:
  Rmsprop(const RmspropParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr),
        alpha_(p.alpha),
        eps_(p.eps),
        centered_(p.centered),
        mu_(p.momentum),
        torch_(p.convention == RmspropParams::Convention::torch) {}

 protected:
  void reset_state(Index dim) override {
    v_.setZero(dim);
    gbar_.setZero(centered_ ? dim : 0);
    b_.setZero(mu_ > 0 ? dim : 0);
  }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    const double a = alpha_, eps = eps_, mu = mu_;
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      auto v = v_.segment(i, n).array();
      auto gi = g.segment(i, n).array();
      auto th = theta.segment(i, n).array();
      v = a * v + (1.0 - a) * gi.square();
      // D in the four (centred × convention) forms; each branch is one fused expression.
      auto apply = [&](const auto& D) {
        if (mu > 0) {
          auto b = b_.segment(i, n).array();
          b = mu * b + gi / D;
          th -= eta * b;
        } else {
          th -= eta * (gi / D);
        }
      };
      if (centered_) {
        auto gb = gbar_.segment(i, n).array();
        gb = a * gb + (1.0 - a) * gi;
        // ṽ = max(v − ḡ², 0): ≥ 0 in exact arithmetic, but rounding can make it −1e-16·v.
        if (torch_)
          apply((v - gb.square()).max(0.0).sqrt() + eps);
        else
          apply(((v - gb.square()).max(0.0) + eps).sqrt());
      } else {
        if (torch_)
          apply(v.sqrt() + eps);
        else
          apply((v + eps).sqrt());
      }
    });
  }
  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"v", &v_});
    if (centered_) out.push_back({"g_avg", &gbar_});
    if (mu_ > 0) out.push_back({"b", &b_});
  }

 private:
  double alpha_, eps_;
  bool centered_;
  double mu_;
  bool torch_;
  Vec v_, gbar_, b_;
};

}  // namespace

const ParamTable<RmspropParams>& RmspropParams::table() {
  using C = RmspropParams::Convention;
  static const auto t =
      ParamTable<RmspropParams>(
          "optimizer", "rmsprop",
          "RMSprop: v = αv + (1−α)g², θ −= lr·g/√(v+ε) (seed) or lr·g/(√v+ε) (torch); centred, momentum")
          .real("lr", &RmspropParams::lr, Range::positive(), "learning rate η")
          .real("alpha", &RmspropParams::alpha, Range::closed(0.0, 1.0), "EMA coefficient α of g² (seed 000's γ)")
          // ε = 0 would give 0/0 where g has been 0
          .real("eps", &RmspropParams::eps, Range::above(0.0, 1.0), "ε (inside the root: seed; outside: torch)")
          .flag("centered", &RmspropParams::centered, "subtract the squared EMA of g (Graves 2013)")
          .real("momentum", &RmspropParams::momentum, Range::closed(0.0, 1.0), "torch's momentum μ on g/D")
          .choice("convention", &RmspropParams::convention, {{"seed", C::seed}, {"torch", C::torch}},
                  "seed (ε inside the root, seed 000) or torch");
  return t;
}

OptimizerPtr make_rmsprop(const RmspropParams& params) { return make_typed_optimizer<Rmsprop>(params); }

OptimizerEntry rmsprop_entry() { return typed_optimizer_entry<Rmsprop, RmspropParams>(); }

}  // namespace optdyn
