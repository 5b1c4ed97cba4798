#pragma once
// Deep linear network (Saxe, McClelland & Ganguli 2013, arXiv:1312.6120): f(x) = W_L ⋯ W_1 x,
// squared loss, no biases. Not a separate code path: an Mlp with linear activations, no bias
// and loss mse, so it has the same layout, gradient, R-operator HVP and least-squares view.
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

// Registry entry "deep_linear" (keys: widths, l2 and the data keys).
RegistryEntry<ObjectivePtr> deep_linear_entry();

}  // namespace optdyn
