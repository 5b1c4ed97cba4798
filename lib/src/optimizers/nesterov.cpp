// Nesterov accelerated gradient in Sutskever's look-ahead form (Sutskever, Martens, Dahl &
// Hinton 2013, eq. 3–4; seeds 000, 002, 003):
//   v ← μv + η ∇F(θ − μv);   θ ← θ − v.
// The gradient is taken at the look-ahead point θ − μv (one extra pass to form it). On a
// quadratic with eigenvalue λ this is the linear map (v, θ−θ*) ↦ [[μ(1−ηλ), ηλ], [−μ(1−ηλ),
// 1−ηλ]]·(v, θ−θ*). torch's `nesterov=true` (sgd.cpp) is the reparameterised form.
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Nesterov : public Optimizer {
 public:
  explicit Nesterov(const Spec& s) : Optimizer(s.canonical(), s.positive("lr")), mu_(s.real("mu", 0.0, 1.0)) {}

 protected:
  void reset_state(Index dim) override {
    v_.setZero(dim);
    lookahead_.setZero(dim);
  }
  const Vec& query_point(const Vec& theta, double) override {
    lookahead_.noalias() = theta - mu_ * v_;
    return lookahead_;
  }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    const double mu = mu_;
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
  double mu_;
  Vec v_, lookahead_;
};

}  // namespace

OptimizerEntry nesterov_entry() {
  return optimizer_entry<Nesterov>("nesterov", "Nesterov, Sutskever's look-ahead form: v ← μv + η∇F(θ − μv), θ ← θ − v",
                                   {{"lr", "0.01", "learning rate η"}, {"mu", "0.9", "momentum μ in [0, 1]"}});
}

}  // namespace optdyn
