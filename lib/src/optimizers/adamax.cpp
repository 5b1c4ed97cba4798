// AdaMax (Kingma & Ba 2015, Algorithm 2; seed 000; torch.optim.Adamax). States m, u.
//   m ← β₁m + (1−β₁)g;
//   convention=seed   u ← max(β₂u, |g|)        (Algorithm 2, seed 000; eps unused; where
//                                               u = 0, m = 0 too and the step is 0)
//   convention=torch  u ← max(β₂u, |g| + ε)
//   θ ← θ − (η/(1−β₁ᵗ)) · m/u
#include <cmath>

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/adamax.hpp"
#include "optdyn/optimizers/adaptive_moment_keys.hpp"
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Adamax : public Optimizer {
 public:
  Adamax(const AdamaxParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr),
        beta1_(p.beta1),
        beta2_(p.beta2),
        eps_(p.eps),
        torch_(p.convention == AdamaxParams::Convention::torch) {}

 protected:
  void reset_state(Index dim) override {
    m_.setZero(dim);
    u_.setZero(dim);
  }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    const double b1 = beta1_, b2 = beta2_, add = torch_ ? eps_ : 0.0;
    const double step = eta / (1.0 - std::pow(b1, static_cast<double>(t)));
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      auto m = m_.segment(i, n).array();
      auto u = u_.segment(i, n).array();
      auto gi = g.segment(i, n).array();
      m = b1 * m + (1.0 - b1) * gi;
      u = (b2 * u).max(gi.abs() + add);
      if (torch_)
        theta.segment(i, n).array() -= step * (m / u);
      else
        theta.segment(i, n).array() -= step * (u > 0.0).select(m / u, 0.0);
    });
  }
  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"m", &m_});
    out.push_back({"u", &u_});
  }

 private:
  double beta1_, beta2_, eps_;
  bool torch_;
  Vec m_, u_;
};

}  // namespace

const ParamTable<AdamaxParams>& AdamaxParams::table() {
  using C = AdamaxParams::Convention;
  static const auto t =
      ParamTable<AdamaxParams>("optimizer", "adamax", "AdaMax: u = max(β₂u, |g|) (+ε: torch), θ −= lr/(1−β₁ᵗ)·m/u")
          .with(first_moment_keys<AdamaxParams>)
          .real("beta2", &AdamaxParams::beta2, Range::closed(0.0, 1.0), "decay β₂ of the infinity norm u")
          .real("eps", &AdamaxParams::eps, Range::closed(0.0, 1.0), "ε added to |g| (torch only)")
          .choice("convention", &AdamaxParams::convention, {{"seed", C::seed}, {"torch", C::torch}},
                  "seed (Algorithm 2) or torch (u = max(β₂u, |g| + ε))")
          .rule([](const AdamaxParams& p, const Spec& s) {
            if (p.convention == C::torch && !(p.eps > 0.0))
              s.reject("eps", "must be > 0 (eps = 0 in the torch form divides 0/0 where the gradient has been 0; "
                              "the seed form is eps-free)");
          });
  return t;
}

OptimizerPtr make_adamax(const AdamaxParams& params) { return make_typed_optimizer<Adamax>(params); }

OptimizerEntry adamax_entry() { return typed_optimizer_entry<Adamax, AdamaxParams>(); }

}  // namespace optdyn
