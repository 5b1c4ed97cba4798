// Heavy-ball momentum (Polyak 1964) in the three conventions the seeds use. State v.
//
//   convention=classic         v ← μv + ηg;        θ ← θ − v            (seeds 001, 002;
//                              Sutskever et al. 2013 without look-ahead; Goh 2017 writes
//                              z ← βz + g, θ ← θ − αz, the same map when η is constant)
//   convention=ema             v ← μv + (1−μ)g;    θ ← θ − ηv           (seed 000)
//   convention=bias_corrected  v ← μv + (1−μ)g;    θ ← θ − η v/(1−μᵗ)   (seed 003, Adam's
//                              first-moment correction; seed 003 writes m with the opposite
//                              sign, m ← αm − (1−α)∇R, θ ← θ + ηm̂: the same map)
// With a schedule the conventions differ beyond scaling: classic puts η_t inside v, the
// others scale the whole average. torch.optim.SGD's form is `sgd`.
#include <cmath>

#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/momentum.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Momentum : public Optimizer {
 public:
  using Convention = MomentumParams::Convention;

  Momentum(const MomentumParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr), mu_(p.mu), convention_(p.convention) {}

 protected:
  void reset_state(Index dim) override { v_.setZero(dim); }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    const double mu = mu_;
    switch (convention_) {
      case Convention::classic:
        for_each_chunk(theta.size(), [&](Index i, Index n) {
          v_.segment(i, n) = mu * v_.segment(i, n) + eta * g.segment(i, n);
          theta.segment(i, n) -= v_.segment(i, n);
        });
        break;
      case Convention::ema:
      case Convention::bias_corrected: {
        const double c = convention_ == Convention::ema ? eta : eta / (1.0 - std::pow(mu, static_cast<double>(t)));
        for_each_chunk(theta.size(), [&](Index i, Index n) {
          v_.segment(i, n) = mu * v_.segment(i, n) + (1.0 - mu) * g.segment(i, n);
          theta.segment(i, n) -= c * v_.segment(i, n);
        });
        break;
      }
    }
  }
  void collect_state(std::vector<StateView>& out) const override { out.push_back({"v", &v_}); }

 private:
  double mu_;
  Convention convention_;
  Vec v_;
};

}  // namespace

const ParamTable<MomentumParams>& MomentumParams::table() {
  using C = MomentumParams::Convention;
  static const auto t =
      ParamTable<MomentumParams>(
          "optimizer", "momentum",
          "heavy ball; classic v=μv+ηg, θ−=v | ema v=μv+(1−μ)g, θ−=ηv | bias_corrected θ−=ηv/(1−μᵗ)")
          .real("lr", &MomentumParams::lr, Range::positive(), "learning rate η")
          .real("mu", &MomentumParams::mu, Range::closed(0.0, 1.0), "momentum μ")
          .choice("convention", &MomentumParams::convention,
                  {{"classic", C::classic}, {"ema", C::ema}, {"bias_corrected", C::bias_corrected}},
                  "classic (seeds 001/002), ema (seed 000), bias_corrected (seed 003)")
          .rule([](const MomentumParams& p, const Spec& s) {
            if (p.convention == C::bias_corrected && p.mu == 1.0)
              s.reject("mu", "must be < 1 with convention=bias_corrected");
          });
  return t;
}

OptimizerPtr make_momentum(const MomentumParams& params) { return make_typed_optimizer<Momentum>(params); }

OptimizerEntry momentum_entry() { return typed_optimizer_entry<Momentum, MomentumParams>(); }

}  // namespace optdyn
