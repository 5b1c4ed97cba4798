// Adadelta (Zeiler 2012, Algorithm 1; seed 000; torch.optim.Adadelta). States v (EMA of g²),
// u (EMA of squared steps):
//   v ← ρv + (1−ρ)g²;  Δ = √(u + ε)/√(v + ε) · g;  θ ← θ − ηΔ;
//   convention=torch  u ← ρu + (1−ρ)Δ²          (torch: the step before the lr)
//   convention=seed   u ← ρu + (1−ρ)(ηΔ)²       (seed 000: (θ_t − θ_{t−1})², the actual step)
// The two agree for Zeiler's η = 1 (the default).
#include <cmath>

#include "optdyn/optimizers/adadelta.hpp"
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Adadelta : public Optimizer {
 public:
  Adadelta(const AdadeltaParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr),
        rho_(p.rho),
        eps_(p.eps),
        torch_(p.convention == AdadeltaParams::Convention::torch) {}

 protected:
  void reset_state(Index dim) override {
    v_.setZero(dim);
    u_.setZero(dim);
    delta_.setZero(std::min<Index>(dim, kUpdateChunk));
  }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    const double rho = rho_, eps = eps_;
    const double w = torch_ ? 1.0 : eta * eta;  // u accumulates w·Δ²
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      auto v = v_.segment(i, n).array();
      auto u = u_.segment(i, n).array();
      auto d = delta_.head(n).array();  // per-chunk scratch, stays in cache
      v = rho * v + (1.0 - rho) * g.segment(i, n).array().square();
      d = (u + eps).sqrt() / (v + eps).sqrt() * g.segment(i, n).array();
      u = rho * u + ((1.0 - rho) * w) * d.square();
      theta.segment(i, n).array() -= eta * d;
    });
  }
  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"v", &v_});
    out.push_back({"u", &u_});
  }

 private:
  double rho_, eps_;
  bool torch_;
  Vec v_, u_, delta_;
};

}  // namespace

const ParamTable<AdadeltaParams>& AdadeltaParams::table() {
  using C = AdadeltaParams::Convention;
  static const auto t =
      ParamTable<AdadeltaParams>("optimizer", "adadelta", "Adadelta: Δ = √(u+ε)/√(v+ε)·g, θ −= lr·Δ, u = ρu + (1−ρ)Δ²")
          .real("lr", &AdadeltaParams::lr, Range::positive(), "learning rate η (Zeiler: 1)")
          .real("rho", &AdadeltaParams::rho, Range::closed(0.0, 1.0), "EMA coefficient ρ")
          // ε = 0 would give 0/0 where g has been 0
          .real("eps", &AdadeltaParams::eps, Range::above(0.0, 1.0), "ε inside both roots")
          .choice("convention", &AdadeltaParams::convention, {{"seed", C::seed}, {"torch", C::torch}},
                  "seed (u tracks the step ηΔ) or torch (u tracks Δ)");
  return t;
}

OptimizerPtr make_adadelta(const AdadeltaParams& params) { return make_typed_optimizer<Adadelta>(params); }

OptimizerEntry adadelta_entry() { return typed_optimizer_entry<Adadelta, AdadeltaParams>(); }

}  // namespace optdyn
