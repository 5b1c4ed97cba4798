// The spec entry "mlp" and the helpers the MLP-built entries share (deep_linear,
// logistic_regression, softmax_regression).
#include "optdyn/objectives/mlp.hpp"

#include <limits>
#include <stdexcept>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/network_budget.hpp"

namespace optdyn {

// --- spec entries --------------------------------------------------------------------------

std::vector<ParamInfo> with_data_params(std::vector<ParamInfo> own,
                                        const std::vector<std::pair<std::string, std::string>>& data_defaults) {
  std::vector<ParamInfo> data = dataset_params();
  for (const auto& [key, value] : data_defaults) {
    bool found = false;
    for (auto& p : data)
      if (p.key == key) {
        p.default_value = value;
        found = true;
      }
    if (!found) throw std::logic_error("with_data_params: no data key '" + key + "'");
  }
  own.insert(own.end(), data.begin(), data.end());
  return own;
}

Dataset make_mlp_dataset(const Spec& spec, const std::vector<Index>& widths, MlpLoss loss) {
  const Index out = loss == MlpLoss::binary_cross_entropy ? 2 : widths.back();
  return make_dataset(spec, widths.front(), out);
}

ObjectivePtr make_mlp(const Spec& spec, MlpArchitecture arch) {
  // Parameters and the activations kept for backprop must fit the budget (network_budget.hpp);
  // the data matrix itself is checked by make_dataset before it is allocated.
  check_network_size(arch.widths, 1, arch.bias, "objective '" + spec.name() + "': ");
  Dataset data = make_mlp_dataset(spec, arch.widths, arch.loss);
  check_network_size(arch.widths, data.size(), arch.bias, "objective '" + spec.name() + "': ");
  return std::make_unique<Mlp>(std::move(arch), std::move(data), spec.canonical());
}

RegistryEntry<ObjectivePtr> mlp_entry() {
  RegistryEntry<ObjectivePtr> e;
  e.name = "mlp";
  e.help = "multilayer perceptron, PyTorch nn.Sequential layout; backprop gradient, R-operator HVP";
  e.params = with_data_params(
      {
          {"widths", "784-32-10", "layer widths input-hidden...-output, '-' separated"},
          {"act", "tanh", "hidden activation: tanh|relu|softplus|linear (output layer is linear)"},
          {"loss", "ce", "mse (½‖f−y‖² per sample) | ce (softmax cross-entropy) | bce (1 output, logistic)"},
          {"bias", "true", "biases in every layer"},
          {"l2", "0", "adds (l2/2)‖θ‖² to the mean loss"},
          {"input_products", "auto",
           "auto: the first layer's full-batch products skip the zeros of X when X is >= 30% zeros and the first "
           "hidden width >= 16 (exact, another summation order) | dense: always GEMMs"},
      },
      {{"data", "fashion-mnist"}, {"n", "1000"}});
  e.make = [](const Spec& spec) -> ObjectivePtr {
    MlpArchitecture arch;
    for (long w : spec.integer_list("widths", '-', 1, 1L << 20)) arch.widths.push_back(w);
    if (arch.widths.size() < 2) throw InputError("key 'widths': need at least an input and an output width");
    arch.activation = parse_activation(spec.text("act"), "act");
    arch.loss = parse_mlp_loss(spec.text("loss"), "loss");
    arch.bias = spec.boolean("bias");
    arch.l2 = spec.real("l2", 0.0, std::numeric_limits<double>::max());
    arch.sparse_input = spec.choice("input_products", {"auto", "dense"}) == "auto";
    return make_mlp(spec, std::move(arch));
  };
  return e;
}

}  // namespace optdyn
