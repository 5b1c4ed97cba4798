// Deep linear network = Mlp with linear activations, no biases, mse (deep_linear.hpp).
#include "optdyn/objectives/deep_linear.hpp"

#include <limits>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {

namespace {

std::unique_ptr<Mlp> build_deep_linear(const DeepLinearParams& p, std::string spec) {
  MlpArchitecture arch;
  arch.widths.assign(p.widths.begin(), p.widths.end());
  if (arch.widths.size() < 2) throw InputError("key 'widths': need at least an input and an output width");
  arch.activation = Activation::linear;
  arch.loss = MlpLoss::mse;
  arch.bias = false;
  arch.l2 = p.l2;
  return make_mlp_objective(std::move(arch), p.data, std::move(spec), DeepLinearParams::table().name());
}

}  // namespace

const ParamTable<DeepLinearParams>& DeepLinearParams::table() {
  using P = DeepLinearParams;
  static const auto t =
      ParamTable<P>("objective", "deep_linear",
                    "deep linear network W_L...W_1 x, squared loss, no biases (Saxe et al. 2013)")
          .integers("widths", &P::widths, '-', 1, 1L << 20,
                    "layer widths input-hidden...-output, '-' separated (any depth)")
          .real("l2", &P::l2, Range::closed(0.0, std::numeric_limits<double>::max()), "adds (l2/2)‖θ‖² to the mean loss")
          .with(data_keys<P>);
  return t;
}

std::unique_ptr<Mlp> make_deep_linear(const DeepLinearParams& params) {
  return make_typed_objective(params, build_deep_linear);
}

RegistryEntry<ObjectivePtr> deep_linear_entry() { return typed_objective_entry<DeepLinearParams>(build_deep_linear); }

}  // namespace optdyn
