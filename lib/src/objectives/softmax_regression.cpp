// Softmax regression = one-layer Mlp d → k with loss ce (softmax_regression.hpp).
#include "optdyn/objectives/softmax_regression.hpp"

#include <limits>

#include "optdyn/objectives/mlp.hpp"

namespace optdyn {

RegistryEntry<ObjectivePtr> softmax_regression_entry() {
  RegistryEntry<ObjectivePtr> e;
  e.name = "softmax_regression";
  e.help = "softmax regression (one linear layer d -> k, softmax cross-entropy mean loss)";
  e.params = with_data_params(
      {
          {"dim", "784", "input dimension d"},
          {"classes", "10", "number of classes k"},
          {"bias", "true", "intercept terms"},
          {"l2", "0", "adds (l2/2)‖θ‖² to the mean loss"},
      },
      {{"data", "fashion-mnist"}, {"n", "1000"}});
  e.make = [](const Spec& spec) -> ObjectivePtr {
    MlpArchitecture arch;
    arch.widths = {spec.integer("dim", 1, 1L << 20), spec.integer("classes", 1, 1L << 20)};
    arch.activation = Activation::linear;  // unused: no hidden layer
    arch.loss = MlpLoss::cross_entropy;
    arch.bias = spec.boolean("bias");
    arch.l2 = spec.real("l2", 0.0, std::numeric_limits<double>::max());
    return make_mlp(spec, std::move(arch));
  };
  return e;
}

}  // namespace optdyn
