// Delta-bar-delta (Jacobs 1988, "Increased rates of convergence through learning rate
// adaptation", Neural Networks 1; seed 001). Per-coordinate learning rates ε_i, additive
// increase and multiplicative decrease, driven by the sign agreement of the gradient δ(t)
// with an exponential average δ̄ of past gradients:
//   Δε_i = κ            if δ̄_i(t−1)·δ_i(t) > 0
//          −φ ε_i       if δ̄_i(t−1)·δ_i(t) < 0
//          0            otherwise;              ε_i ← ε_i + Δε_i
//   θ_i ← θ_i − s_t ε_i δ_i(t)                  (the new rate is used at once, as Jacobs'
//                                                 w(t+1) = w(t) − ε(t+1)δ(t))
//   δ̄_i(t) = (1−θ)δ_i(t) + θ δ̄_i(t−1)          (θ = `theta`, δ̄(0) = 0)
// s_t = the schedule factor (1 without schedules). Meant for full-batch gradients (seed 001:
// "for full batch only"). States: rate (ε), delta_bar (δ̄).
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/delta_bar_delta.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class DeltaBarDelta : public Optimizer {
 public:
  DeltaBarDelta(const DeltaBarDeltaParams& p, std::string spec)
      : Optimizer(std::move(spec), 1.0, p.lr), lr0_(p.lr), kappa_(p.kappa), phi_(p.phi), theta_(p.theta) {}

 protected:
  void reset_state(Index dim) override {
    rate_.setConstant(dim, lr0_);
    dbar_.setZero(dim);
  }
  // `eta` is the schedule factor (the base lr is 1; the rates live in rate_).
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    const double kappa = kappa_, phi = phi_, th = theta_;
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      auto rate = rate_.segment(i, n).array();
      auto dbar = dbar_.segment(i, n).array();
      auto gi = g.segment(i, n).array();
      const auto agree = dbar * gi;
      rate = (agree > 0.0).select(rate + kappa, (agree < 0.0).select(rate * (1.0 - phi), rate));
      theta.segment(i, n).array() -= eta * (rate * gi);
      dbar = (1.0 - th) * gi + th * dbar;
    });
  }
  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"rate", &rate_});
    out.push_back({"delta_bar", &dbar_});
  }

 private:
  double lr0_, kappa_, phi_, theta_;
  Vec rate_, dbar_;
};

}  // namespace

const ParamTable<DeltaBarDeltaParams>& DeltaBarDeltaParams::table() {
  using P = DeltaBarDeltaParams;
  static const auto t =
      ParamTable<P>("optimizer", "delta_bar_delta",
                    "Jacobs 1988: per-coordinate rates, +κ when g agrees with δ̄, ×(1−φ) when not")
          .real("lr", &P::lr, Range::positive(), "initial per-coordinate rate ε₀")
          .real("kappa", &P::kappa, Range::closed(0.0, 1e300), "additive increase κ")
          .real("phi", &P::phi, Range::closed(0.0, 1.0), "multiplicative decrease φ")
          .real("theta", &P::theta, Range::closed(0.0, 1.0), "averaging coefficient θ of δ̄");
  return t;
}

OptimizerPtr make_delta_bar_delta(const DeltaBarDeltaParams& params) {
  return make_typed_optimizer<DeltaBarDelta>(params);
}

OptimizerEntry delta_bar_delta_entry() { return typed_optimizer_entry<DeltaBarDelta, DeltaBarDeltaParams>(); }

}  // namespace optdyn
