// Deep linear network = Mlp with linear activations, no biases, mse (deep_linear.hpp).
#include "optdyn/objectives/deep_linear.hpp"

#include <limits>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn {

RegistryEntry<ObjectivePtr> deep_linear_entry() {
  RegistryEntry<ObjectivePtr> e;
  e.name = "deep_linear";
  e.help = "deep linear network W_L...W_1 x, squared loss, no biases (Saxe et al. 2013)";
  // Default: Saxe et al.'s hierarchical data (32 one-hot items, 1000 features) through one
  // hidden layer of 32 units, their Fig. 3 setting.
  e.params = with_data_params(
      {
          {"widths", "32-32-1000", "layer widths input-hidden...-output, '-' separated (any depth)"},
          {"l2", "0", "adds (l2/2)‖θ‖² to the mean loss"},
      },
      {{"data", "hierarchical"}});
  e.make = [](const Spec& spec) -> ObjectivePtr {
    MlpArchitecture arch;
    for (long w : spec.integer_list("widths", '-', 1, 1L << 20)) arch.widths.push_back(w);
    if (arch.widths.size() < 2) throw InputError("key 'widths': need at least an input and an output width");
    arch.activation = Activation::linear;
    arch.loss = MlpLoss::mse;
    arch.bias = false;
    arch.l2 = spec.real("l2", 0.0, std::numeric_limits<double>::max());
    return make_mlp(spec, std::move(arch));
  };
  return e;
}

}  // namespace optdyn
