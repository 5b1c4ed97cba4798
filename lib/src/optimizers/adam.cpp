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

#include "optdyn/optimizers/adam.hpp"
#include "optdyn/optimizers/adaptive_moment_keys.hpp"
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Adam : public Optimizer {
 public:
  Adam(const AdamParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr),
        beta1_(p.beta1),
        beta2_(p.beta2),
        eps_(p.eps),
        efficient_(p.convention == AdamParams::Convention::efficient) {}

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

const ParamTable<AdamParams>& AdamParams::table() {
  using C = AdamParams::Convention;
  static const auto t =
      ParamTable<AdamParams>("optimizer", "adam", "Adam: θ −= lr·m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)")
          .with(first_moment_keys<AdamParams>)
          .with(second_moment_keys<AdamParams>)
          .choice("convention", &AdamParams::convention,
                  {{"seed", C::seed}, {"torch", C::torch}, {"efficient", C::efficient}},
                  "seed = torch (ε added to √v̂) or efficient (ε added to √v)");
  return t;
}

OptimizerPtr make_adam(const AdamParams& params) { return make_typed_optimizer<Adam>(params); }

OptimizerEntry adam_entry() { return typed_optimizer_entry<Adam, AdamParams>(); }

}  // namespace optdyn
