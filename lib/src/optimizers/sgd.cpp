// torch.optim.SGD (PyTorch documentation; doc/references.md), the PyTorch parameterisation of
// momentum SGD:  b₁ = g₁,  b_t = μ b_{t−1} + (1−τ) g_t;  d = g_t + μ b_t (nesterov) or b_t;
// θ ← θ − γ d.   With momentum μ = 0 this is plain SGD, θ ← θ − γ g.
// Note b₁ = g₁: the first step is undamped, as in torch. The other momentum conventions of
// the seeds are in momentum.cpp, Sutskever's look-ahead Nesterov in nesterov.cpp.
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/sgd.hpp"

namespace optdyn {
namespace {

class Sgd : public Optimizer {
 public:
  Sgd(const SgdParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr), mu_(p.momentum), dampening_(p.dampening), nesterov_(p.nesterov) {}

 protected:
  void reset_state(Index dim) override { b_.setZero(dim); }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    if (mu_ == 0.0) {
      theta.noalias() -= eta * g;
      return;
    }
    const double mu = mu_, keep = 1.0 - dampening_;
    for_each_chunk(theta.size(), [&](Index i, Index n) {
      auto b = b_.segment(i, n);
      auto gi = g.segment(i, n);
      if (t == 1)
        b = gi;
      else
        b = mu * b + keep * gi;
      if (nesterov_)
        theta.segment(i, n) -= eta * (gi + mu * b);
      else
        theta.segment(i, n) -= eta * b;
    });
  }
  void collect_state(std::vector<StateView>& out) const override { out.push_back({"b", &b_}); }

 private:
  double mu_, dampening_;
  bool nesterov_;
  Vec b_;
};

}  // namespace

const ParamTable<SgdParams>& SgdParams::table() {
  static const auto t =
      ParamTable<SgdParams>("optimizer", "sgd",
                            "torch.optim.SGD: b = μb + (1−τ)g (b₁ = g₁), θ ← θ − lr·(nesterov ? g + μb : b)")
          .real("lr", &SgdParams::lr, Range::positive(), "learning rate γ")
          .real("momentum", &SgdParams::momentum, Range::closed(0.0, 1.0), "momentum μ")
          .real("dampening", &SgdParams::dampening, Range::closed(0.0, 1.0), "dampening τ")
          .flag("nesterov", &SgdParams::nesterov, "torch's Nesterov form d = g + μb")
          .rule([](const SgdParams& p, const Spec& s) {
            if (p.nesterov && (p.momentum <= 0.0 || p.dampening != 0.0))
              s.reject("nesterov", "requires momentum > 0 and dampening = 0 (as torch)");
          });
  return t;
}

OptimizerPtr make_sgd(const SgdParams& params) { return make_typed_optimizer<Sgd>(params); }

OptimizerEntry sgd_entry() { return typed_optimizer_entry<Sgd, SgdParams>(); }

}  // namespace optdyn
