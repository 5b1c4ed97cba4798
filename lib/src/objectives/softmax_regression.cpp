// Softmax regression = one-layer Mlp d → k with loss ce (softmax_regression.hpp).
#include "optdyn/objectives/softmax_regression.hpp"

#include <limits>

#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {

namespace {

std::unique_ptr<Mlp> build_softmax_regression(const SoftmaxRegressionParams& p, std::string spec) {
  MlpArchitecture arch;
  arch.widths = {p.dim, p.classes};
  arch.activation = Activation::linear;  // unused: no hidden layer
  arch.loss = MlpLoss::cross_entropy;
  arch.bias = p.bias;
  arch.l2 = p.l2;
  return make_mlp_objective(std::move(arch), p.data, std::move(spec), SoftmaxRegressionParams::table().name());
}

}  // namespace

const ParamTable<SoftmaxRegressionParams>& SoftmaxRegressionParams::table() {
  using P = SoftmaxRegressionParams;
  static const auto t =
      ParamTable<P>("objective", "softmax_regression",
                    "softmax regression (one linear layer d -> k, softmax cross-entropy mean loss)")
          .integer("dim", &P::dim, 1, 1L << 20, "input dimension d")
          .integer("classes", &P::classes, 1, 1L << 20, "number of classes k")
          .flag("bias", &P::bias, "intercept terms")
          .real("l2", &P::l2, Range::closed(0.0, std::numeric_limits<double>::max()), "adds (l2/2)‖θ‖² to the mean loss")
          .with(data_keys<P>);
  return t;
}

std::unique_ptr<Mlp> make_softmax_regression(const SoftmaxRegressionParams& params) {
  return make_typed_objective(params, build_softmax_regression);
}

RegistryEntry<ObjectivePtr> softmax_regression_entry() {
  return typed_objective_entry<SoftmaxRegressionParams>(build_softmax_regression);
}

}  // namespace optdyn
