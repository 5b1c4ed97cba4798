// Nadam (Dozat 2016, "Incorporating Nesterov momentum into Adam"). States m, v.
//   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  D = √(v/(1−β₂ᵗ)) + ε
//   convention=seed   θ ← θ − η (β₁m + (1−β₁)g)/(1−β₁ᵗ) / D
//                     (Ruder 2016, "An overview of gradient descent optimization
//                     algorithms", eq. for Nadam, as in seed 000: BOTH terms divided by
//                     1−β₁ᵗ. This is not Dozat's Algorithm 2, which corrects the momentum
//                     term by 1−β₁^{t+1} (the product of the next step's μ's) and the
//                     gradient term by 1−β₁ᵗ; we keep Ruder's form, the seed's behaviour.
//                     The seed's OCR prints √(v(1−β₂ᵗ)) for √(v/(1−β₂ᵗ)).)
//   convention=torch  μ_t = β₁(1 − ½·0.96^{tψ}),  Π_t = Π_{t−1}μ_t (Π₀ = 1),
//                     θ ← θ − η(1−μ_t)/(1−Π_t)·g/D − η μ_{t+1}/(1−Π_t μ_{t+1})·m/D
//                     (torch.optim.NAdam ≥ 2.0, momentum_decay ψ; doc/references.md, "Conventions of torch.optim". torch 1.13's
//                     single-tensor path multiplies by μ_t once more in Π_{t+1}, a bug fixed
//                     later; we follow the corrected formula.)
#include <cmath>

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/adaptive_moment_keys.hpp"
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/nadam.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Nadam : public Optimizer {
 public:
  Nadam(const NadamParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr),
        beta1_(p.beta1),
        beta2_(p.beta2),
        eps_(p.eps),
        psi_(p.momentum_decay),
        torch_(p.convention == NadamParams::Convention::torch) {}

 protected:
  void reset_state(Index dim) override {
    m_.setZero(dim);
    v_.setZero(dim);
    mu_product_ = 1.0;
  }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    const double b1 = beta1_, b2 = beta2_, eps = eps_, td = static_cast<double>(t);
    const double bc2 = 1.0 - std::pow(b2, td);
    double cg, cm;  // θ −= (cg·g + cm·m)/D
    if (torch_) {
      const double mu = b1 * (1.0 - 0.5 * std::pow(0.96, td * psi_));
      const double mu_next = b1 * (1.0 - 0.5 * std::pow(0.96, (td + 1.0) * psi_));
      mu_product_ *= mu;
      cg = eta * (1.0 - mu) / (1.0 - mu_product_);
      cm = eta * mu_next / (1.0 - mu_product_ * mu_next);
    } else {
      // Ruder (2016): m̂ uses 1−β₁ᵗ for both terms (Dozat's Algorithm 2 would use
      // 1−β₁^{t+1} for the momentum term); kept as the seed's form, see the header.
      const double bc1 = 1.0 - std::pow(b1, td);
      cg = eta * (1.0 - b1) / bc1;
      cm = eta * b1 / bc1;
    }
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      auto m = m_.segment(i, n).array();
      auto v = v_.segment(i, n).array();
      auto gi = g.segment(i, n).array();
      m = b1 * m + (1.0 - b1) * gi;
      v = b2 * v + (1.0 - b2) * gi.square();
      theta.segment(i, n).array() -= (cg * gi + cm * m) / ((v / bc2).sqrt() + eps);
    });
  }
  void archive_state(StateArchive& a) override {
    Optimizer::archive_state(a);
    a.field("mu_product", mu_product_);  // Π μ_i of the torch convention
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"m", &m_});
    out.push_back({"v", &v_});
  }

 private:
  double beta1_, beta2_, eps_, psi_;
  bool torch_;
  double mu_product_ = 1.0;
  Vec m_, v_;
};

}  // namespace

const ParamTable<NadamParams>& NadamParams::table() {
  using C = NadamParams::Convention;
  static const auto t =
      ParamTable<NadamParams>(
          "optimizer", "nadam",
          "Nadam: Ruder's (2016) θ −= lr(β₁m + (1−β₁)g)/(1−β₁ᵗ)/(√v̂+ε) (seed) or torch's momentum-decay form")
          .with(first_moment_keys<NadamParams>)
          .with(second_moment_keys<NadamParams>)
          .real("momentum_decay", &NadamParams::momentum_decay, Range::closed(0.0, 1e300),
                "ψ of torch's μ_t = β₁(1 − ½·0.96^{tψ}) (torch only)")
          .choice("convention", &NadamParams::convention, {{"seed", C::seed}, {"torch", C::torch}},
                  "seed (Ruder 2016's form of Dozat's Nadam, seed 000) or torch");
  return t;
}

OptimizerPtr make_nadam(const NadamParams& params) { return make_typed_optimizer<Nadam>(params); }

OptimizerEntry nadam_entry() { return typed_optimizer_entry<Nadam, NadamParams>(); }

}  // namespace optdyn
