#pragma once
// Deep linear network (Saxe, McClelland & Ganguli 2013, arXiv:1312.6120): f(x) = W_L ⋯ W_1 x,
// squared loss, no biases. Not a separate code path: an Mlp with linear activations, no bias
// and loss mse, so it has the same layout, gradient, R-operator HVP and least-squares view.
#include <memory>
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/objectives/training_data.hpp"

namespace optdyn {

// Default: Saxe et al.'s hierarchical data (32 one-hot items, 1000 features) through one
// hidden layer of 32 units, their Fig. 3 setting.
struct DeepLinearParams {
  std::vector<long> widths{32, 32, 1000};  // input, hidden..., output (any depth)
  double l2 = 0;
  DataParams data{.source = DataSource::hierarchical};
  static const ParamTable<DeepLinearParams>& table();
};

std::unique_ptr<Mlp> make_deep_linear(const DeepLinearParams& params = {});

// Registry entry "deep_linear" (keys: widths, l2 and the data keys).
RegistryEntry<ObjectivePtr> deep_linear_entry();

}  // namespace optdyn
