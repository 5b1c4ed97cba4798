// Nesterov accelerated gradient in Sutskever's look-ahead form (Sutskever, Martens, Dahl &
// Hinton 2013, eq. 3–4; seeds 000, 002, 003):
//   v ← μv + η ∇F(θ − μv);   θ ← θ − v.
// The gradient is taken at the look-ahead point θ − μv (one extra pass to form it). On a
// quadratic with eigenvalue λ this is the linear map (v, θ−θ*) ↦ [[μ(1−ηλ), ηλ], [−μ(1−ηλ),
// 1−ηλ]]·(v, θ−θ*). torch's `nesterov=true` (sgd.cpp) is the reparameterised form.
//
// schedule=sbc: the momentum of step t (t = 1, 2, …) is μ_t = (t−2)/(t+r−2) (μ₁ = 0; v₀ = 0
// makes it irrelevant): Su, Boyd & Candès 2014's NAG
//   x_k = y_{k−1} − s∇f(y_{k−1}),  y_k = x_k + ((k−1)/(k+r−1))(x_k − x_{k−1}),  y₀ = x₀
// (r = 3 is Nesterov 1983; their §5 for general r). Alignment: with v_{t−1} = θ_{t−2} − θ_{t−1},
// step t evaluates at θ_{t−1} − μ_t v_{t−1} = θ_{t−1} + μ_t(θ_{t−1} − θ_{t−2}) and sets θ_t to
// that point minus η∇f there; so θ_t = x_t and the look-ahead of step t is y_{t−1} exactly
// when μ_t is SBC's coefficient at k = t − 1, i.e. (t−2)/(t+r−2). The key mu is unused then.
#include <string>

#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/nesterov.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Nesterov : public Optimizer {
 public:
  Nesterov(const NesterovParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr), mu_(p.mu), sbc_(p.schedule == NesterovParams::Schedule::sbc), r_(p.r) {}

 protected:
  void reset_state(Index dim) override {
    v_.setZero(dim);
    lookahead_.setZero(dim);
  }
  const Vec& query_point(const Vec& theta, double) override {
    lookahead_.noalias() = theta - momentum(steps()) * v_;
    return lookahead_;
  }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    const double mu = momentum(t);
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      v_.segment(i, n) = mu * v_.segment(i, n) + eta * g.segment(i, n);
      theta.segment(i, n) -= v_.segment(i, n);
    });
  }
  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"v", &v_});
    out.push_back({"lookahead", &lookahead_});
  }

 private:
  // μ_t: constant, or SBC's (t−2)/(t+r−2) for t ≥ 2 (0 at t = 1).
  double momentum(std::uint64_t t) const {
    if (!sbc_) return mu_;
    if (t <= 1) return 0.0;
    const double k = static_cast<double>(t) - 1.0;  // SBC's index of the look-ahead y_k, k ≥ 1
    return (k - 1.0) / (k + r_ - 1.0);
  }

  double mu_;
  bool sbc_;
  double r_;
  Vec v_, lookahead_;
};

}  // namespace

const ParamTable<NesterovParams>& NesterovParams::table() {
  using S = NesterovParams::Schedule;
  static const auto t =
      ParamTable<NesterovParams>("optimizer", "nesterov",
                                 "Nesterov, Sutskever's look-ahead form: v ← μv + η∇F(θ − μv), θ ← θ − v")
          .real("lr", &NesterovParams::lr, Range::positive(), "learning rate η")
          .real("mu", &NesterovParams::mu, Range::closed(0.0, 1.0), "momentum μ (schedule=constant)")
          .choice("schedule", &NesterovParams::schedule, {{"constant", S::constant}, {"sbc", S::sbc}},
                  "constant μ | sbc: μ_t = (t−2)/(t+r−2) (Su–Boyd–Candès 2014)")
          .real("r", &NesterovParams::r, Range::positive(), "SBC friction r > 0 (schedule=sbc; r = 3 is Nesterov 1983)");
  return t;
}

OptimizerPtr make_nesterov(const NesterovParams& params) { return make_typed_optimizer<Nesterov>(params); }

OptimizerEntry nesterov_entry() { return typed_optimizer_entry<Nesterov, NesterovParams>(); }

}  // namespace optdyn
