// torch.optim.SGD (PyTorch documentation; doc/references.md), the PyTorch parameterisation of
// momentum SGD:  b₁ = g₁,  b_t = μ b_{t−1} + (1−τ) g_t;  d = g_t + μ b_t (nesterov) or b_t;
// θ ← θ − γ d.   With momentum μ = 0 this is plain SGD, θ ← θ − γ g.
// Note b₁ = g₁: the first step is undamped, as in torch. The other momentum conventions of
// the seeds are in momentum.cpp, Sutskever's look-ahead Nesterov in nesterov.cpp.
#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Sgd : public Optimizer {
 public:
  explicit Sgd(const Spec& s)
      : Optimizer(s.canonical(), s.positive("lr")),
        mu_(s.real("momentum", 0.0, 1.0)),
        dampening_(s.real("dampening", 0.0, 1.0)),
        nesterov_(s.boolean("nesterov")) {
    if (nesterov_ && (mu_ <= 0.0 || dampening_ != 0.0))
      throw InputError("optimizer 'sgd': key 'nesterov': requires momentum > 0 and dampening = 0 (as torch)");
  }

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

OptimizerEntry sgd_entry() {
  return optimizer_entry<Sgd>("sgd", "torch.optim.SGD: b = μb + (1−τ)g (b₁ = g₁), θ ← θ − lr·(nesterov ? g + μb : b)",
                              {{"lr", "0.01", "learning rate γ"},
                               {"momentum", "0", "momentum μ in [0, 1]"},
                               {"dampening", "0", "dampening τ in [0, 1]"},
                               {"nesterov", "false", "torch's Nesterov form d = g + μb"}});
}

}  // namespace optdyn
