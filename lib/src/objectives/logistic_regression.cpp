// Logistic regression = one-layer Mlp d → 1 with loss bce (logistic_regression.hpp).
#include "optdyn/objectives/logistic_regression.hpp"

#include <limits>

#include "optdyn/objectives/mlp.hpp"

namespace optdyn {

RegistryEntry<ObjectivePtr> logistic_regression_entry() {
  RegistryEntry<ObjectivePtr> e;
  e.name = "logistic_regression";
  e.help = "logistic regression (one linear layer, BCE-with-logits mean loss, labels 0/1)";
  // Default data: a linear teacher with 2 outputs whose argmax gives the 0/1 labels
  // (linearly separable without noise; the l2 term keeps the minimiser finite).
  e.params = with_data_params(
      {
          {"dim", "20", "input dimension d"},
          {"bias", "true", "intercept term"},
          {"l2", "1e-3", "adds (l2/2)‖θ‖² to the mean loss"},
      },
      {{"data", "teacher-linear"}, {"targets", "labels"}});
  e.make = [](const Spec& spec) -> ObjectivePtr {
    MlpArchitecture arch;
    arch.widths = {spec.integer("dim", 1, 1L << 20), 1};
    arch.activation = Activation::linear;  // unused: no hidden layer
    arch.loss = MlpLoss::binary_cross_entropy;
    arch.bias = spec.boolean("bias");
    arch.l2 = spec.real("l2", 0.0, std::numeric_limits<double>::max());
    return make_mlp(spec, std::move(arch));
  };
  return e;
}

}  // namespace optdyn
