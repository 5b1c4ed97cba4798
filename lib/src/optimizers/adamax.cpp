// AdaMax (Kingma & Ba 2015, Algorithm 2; seed 000; torch.optim.Adamax). States m, u.
//   m ← β₁m + (1−β₁)g;
//   convention=seed   u ← max(β₂u, |g|)        (Algorithm 2, seed 000; eps unused; where
//                                               u = 0, m = 0 too and the step is 0)
//   convention=torch  u ← max(β₂u, |g| + ε)
//   θ ← θ − (η/(1−β₁ᵗ)) · m/u
#include <cmath>

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Adamax : public Optimizer {
 public:
  explicit Adamax(const Spec& s)
      : Optimizer(s.canonical(), s.positive("lr")),
        beta1_(s.real_below("beta1", 0.0, 1.0)),
        beta2_(s.real("beta2", 0.0, 1.0)),
        eps_(s.real("eps", 0.0, 1.0)),
        torch_(s.choice("convention", {"seed", "torch"}) == "torch") {
    if (torch_ && !(eps_ > 0.0))
      throw InputError("optimizer 'adamax': key 'eps': must be > 0 "
                       "(eps = 0 in the torch form divides 0/0 where the gradient has been 0; the seed form is eps-free)");
  }

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

OptimizerEntry adamax_entry() {
  return optimizer_entry<Adamax>("adamax", "AdaMax: u = max(β₂u, |g|) (+ε: torch), θ −= lr/(1−β₁ᵗ)·m/u",
                                 {{"lr", "0.002", "learning rate η"},
                                  {"beta1", "0.9", "EMA coefficient β₁ of g, in [0, 1)"},
                                  {"beta2", "0.999", "decay β₂ of the infinity norm u"},
                                  {"eps", "1e-8", "ε added to |g| (torch only)"},
                                  {"convention", "seed", "seed (Algorithm 2) or torch (u = max(β₂u, |g| + ε))"}});
}

}  // namespace optdyn
