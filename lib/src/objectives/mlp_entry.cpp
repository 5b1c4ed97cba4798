// The spec entry "mlp" and the helpers the MLP-built entries share (deep_linear,
// logistic_regression, softmax_regression).
#include "optdyn/objectives/mlp.hpp"

#include <limits>
#include <memory>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/network_budget.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {

// --- spec entries --------------------------------------------------------------------------

const std::vector<std::pair<std::string, MlpLoss>>& mlp_loss_choices() {
  static const std::vector<std::pair<std::string, MlpLoss>> choices = {
      {"mse", MlpLoss::mse}, {"ce", MlpLoss::cross_entropy}, {"bce", MlpLoss::binary_cross_entropy}};
  return choices;
}

std::unique_ptr<Mlp> make_mlp_objective(MlpArchitecture arch, const DataParams& data, std::string spec,
                                        const std::string& name) {
  // Parameters and the activations kept for backprop must fit the budget (network_budget.hpp);
  // the data matrix itself is checked by make_dataset before it is allocated.
  const std::string owner = "objective '" + name + "': ";
  check_network_size(arch.widths, 1, arch.bias, owner);
  const Index outputs = arch.loss == MlpLoss::binary_cross_entropy ? 2 : arch.widths.back();
  Dataset d = make_dataset(data, arch.widths.front(), outputs, owner);
  check_network_size(arch.widths, d.size(), arch.bias, owner);
  return std::make_unique<Mlp>(std::move(arch), std::move(d), recorded_data_spec(spec, data));
}

namespace {

std::unique_ptr<Mlp> build_mlp(const MlpParams& p, std::string spec) {
  MlpArchitecture arch;
  arch.widths.assign(p.widths.begin(), p.widths.end());
  if (arch.widths.size() < 2) throw InputError("key 'widths': need at least an input and an output width");
  arch.activation = p.act;
  arch.loss = p.loss;
  arch.bias = p.bias;
  arch.l2 = p.l2;
  arch.sparse_input = p.input_products == MlpParams::InputProducts::automatic;
  return make_mlp_objective(std::move(arch), p.data, std::move(spec), MlpParams::table().name());
}

}  // namespace

const ParamTable<MlpParams>& MlpParams::table() {
  using P = MlpParams;
  static const auto t =
      ParamTable<P>("objective", "mlp", "multilayer perceptron, PyTorch nn.Sequential layout; backprop gradient, R-operator HVP")
          .integers("widths", &P::widths, '-', 1, 1L << 20, "layer widths input-hidden...-output, '-' separated")
          .choice("act", &P::act, activation_choices(),
                  "hidden activation (the output layer is linear)")
          .choice("loss", &P::loss, mlp_loss_choices(),
                  "mse: ½‖f−y‖² per sample; ce: softmax cross-entropy; bce: 1 output, logistic")
          .flag("bias", &P::bias, "biases in every layer")
          .real("l2", &P::l2, Range::closed(0.0, std::numeric_limits<double>::max()), "adds (l2/2)‖θ‖² to the mean loss")
          .choice("input_products", &P::input_products,
                  {{"auto", InputProducts::automatic}, {"dense", InputProducts::dense}},
                  "auto: the first layer's full-batch products skip the zeros of X when X is >= 30% zeros and the "
                  "first hidden width >= 16 (exact, another summation order) | dense: always GEMMs")
          .with(data_keys<P>);
  return t;
}

std::unique_ptr<Mlp> make_mlp(const MlpParams& params) { return make_typed_objective(params, build_mlp); }

RegistryEntry<ObjectivePtr> mlp_entry() { return typed_objective_entry<MlpParams>(build_mlp); }

}  // namespace optdyn
