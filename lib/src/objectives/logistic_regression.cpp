// Logistic regression = one-layer Mlp d → 1 with loss bce (logistic_regression.hpp).
#include "optdyn/objectives/logistic_regression.hpp"

#include <limits>

#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {

namespace {

std::unique_ptr<Mlp> build_logistic_regression(const LogisticRegressionParams& p, std::string spec) {
  MlpArchitecture arch;
  arch.widths = {p.dim, 1};
  arch.activation = Activation::linear;  // unused: no hidden layer
  arch.loss = MlpLoss::binary_cross_entropy;
  arch.bias = p.bias;
  arch.l2 = p.l2;
  return make_mlp_objective(std::move(arch), p.data, std::move(spec), LogisticRegressionParams::table().name());
}

}  // namespace

const ParamTable<LogisticRegressionParams>& LogisticRegressionParams::table() {
  using P = LogisticRegressionParams;
  static const auto t =
      ParamTable<P>("objective", "logistic_regression",
                    "logistic regression (one linear layer, BCE-with-logits mean loss, labels 0/1)")
          .integer("dim", &P::dim, 1, 1L << 20, "input dimension d")
          .flag("bias", &P::bias, "intercept term")
          .real("l2", &P::l2, Range::closed(0.0, std::numeric_limits<double>::max()), "adds (l2/2)‖θ‖² to the mean loss")
          .with(data_keys<P>);
  return t;
}

std::unique_ptr<Mlp> make_logistic_regression(const LogisticRegressionParams& params) {
  return make_typed_objective(params, build_logistic_regression);
}

RegistryEntry<ObjectivePtr> logistic_regression_entry() {
  return typed_objective_entry<LogisticRegressionParams>(build_logistic_regression);
}

}  // namespace optdyn
