// Adam (Kingma & Ba 2015, Algorithm 1; seeds 000, 001, 003; torch.optim.Adam). States m, v.
//   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
//   convention=seed or torch   θ ← θ − (η/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε)
//                              = θ − η m̂/(√v̂ + ε): Algorithm 1, seed 000 and torch (computed
//                              in torch's order of operations). Seed 003 prints "+η m̂": OCR.
//   convention=efficient       θ ← θ − η (√(1−β₂ᵗ)/(1−β₁ᵗ)) · m/(√v + ε): the "more efficient
//                              order" at the end of Kingma & Ba's Section 2, where ε is not
//                              rescaled by the bias correction (ensmallen, TensorFlow 1).
// First step (any convention but efficient): θ₁ − θ₀ = −η g/(|g| + ε) per coordinate.
// AMSGrad is amsgrad.cpp (torch's `amsgrad=True` is amsgrad:convention=torch).
#include <cmath>

#include "optdyn/core/error.hpp"

#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Adam : public Optimizer {
 public:
  explicit Adam(const Spec& s)
      : Optimizer(s.canonical(), s.positive("lr")),
        beta1_(s.real_below("beta1", 0.0, 1.0)),
        beta2_(s.real_below("beta2", 0.0, 1.0)),
        eps_(s.real_above("eps", 0.0, 1.0)),  // ε = 0 would give 0/0 where g has been 0
        efficient_(s.choice("convention", {"seed", "torch", "efficient"}) == "efficient") {
  }

 protected:
  void reset_state(Index dim) override {
    m_.setZero(dim);
    v_.setZero(dim);
  }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    const double b1 = beta1_, b2 = beta2_, eps = eps_;
    const double bc1 = 1.0 - std::pow(b1, static_cast<double>(t));
    const double bc2_sqrt = std::sqrt(1.0 - std::pow(b2, static_cast<double>(t)));
    const double step = efficient_ ? eta * bc2_sqrt / bc1 : eta / bc1;
    const double scale = efficient_ ? 1.0 : 1.0 / bc2_sqrt;
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      auto m = m_.segment(i, n).array();
      auto v = v_.segment(i, n).array();
      auto gi = g.segment(i, n).array();
      m = b1 * m + (1.0 - b1) * gi;
      v = b2 * v + (1.0 - b2) * gi.square();
      theta.segment(i, n).array() -= step * (m / (v.sqrt() * scale + eps));
    });
  }
  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"m", &m_});
    out.push_back({"v", &v_});
  }

 private:
  double beta1_, beta2_, eps_;
  bool efficient_;
  Vec m_, v_;
};

}  // namespace

OptimizerEntry adam_entry() {
  return optimizer_entry<Adam>("adam", "Adam: θ −= lr·m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)",
                               {{"lr", "0.001", "learning rate η"},
                                {"beta1", "0.9", "EMA coefficient β₁ of g, in [0, 1)"},
                                {"beta2", "0.999", "EMA coefficient β₂ of g², in [0, 1)"},
                                {"eps", "1e-8", "ε added to √v̂"},
                                {"convention", "seed", "seed = torch (ε added to √v̂) or efficient (ε added to √v)"}});
}

}  // namespace optdyn
