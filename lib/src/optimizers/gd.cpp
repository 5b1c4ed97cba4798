// Gradient descent: θ ← θ − η g  (Cauchy 1847; seed 000 "batch/vanilla gradient descent").
// GD, SGD and minibatch SGD are this one map; which gradient g is — full batch, one sample,
// a minibatch — is the Oracle's business (oracle.hpp, `optdyn run --batch B`).
#include "optdyn/optimizers/chunked.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Gd : public Optimizer {
 public:
  explicit Gd(const Spec& s) : Optimizer(s.canonical(), s.positive("lr")) {}

 protected:
  void reset_state(Index) override {}
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override { theta.noalias() -= eta * g; }
  void collect_state(std::vector<StateView>&) const override {}
};

}  // namespace

OptimizerEntry gd_entry() {
  return optimizer_entry<Gd>("gd", "gradient descent θ ← θ − lr·g (SGD/minibatch SGD with optdyn run --batch)",
                             {{"lr", "0.01", "learning rate η"}});
}

}  // namespace optdyn
