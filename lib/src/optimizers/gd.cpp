// Gradient descent: θ ← θ − η g  (Cauchy 1847; seed 000 "batch/vanilla gradient descent").
// GD, SGD and minibatch SGD are this one map; which gradient g is — full batch, one sample,
// a minibatch — is the Oracle's business (oracle.hpp, `optdyn run --batch B`).
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Gd : public Optimizer {
 public:
  Gd(const GdParams& p, std::string spec) : Optimizer(std::move(spec), p.lr) {}

 protected:
  void reset_state(Index) override {}
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override { theta.noalias() -= eta * g; }
  void collect_state(std::vector<StateView>&) const override {}
};

}  // namespace

const ParamTable<GdParams>& GdParams::table() {
  static const auto t =
      ParamTable<GdParams>("optimizer", "gd", "gradient descent θ ← θ − lr·g (SGD/minibatch SGD with optdyn run --batch)")
          .real("lr", &GdParams::lr, Range::positive(), "learning rate η");
  return t;
}

OptimizerPtr make_gd(const GdParams& params) { return make_typed_optimizer<Gd>(params); }

OptimizerEntry gd_entry() { return typed_optimizer_entry<Gd, GdParams>(); }

}  // namespace optdyn
