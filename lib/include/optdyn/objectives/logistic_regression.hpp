#pragma once
// Logistic regression: one linear layer with one output and binary cross-entropy
// (PyTorch's BCEWithLogitsLoss, mean reduction), plus (l2/2)‖θ‖². Built as an Mlp with
// widths = d-1 and loss bce: same layout ("0.weight", "0.bias") and derivatives.
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

// Registry entry "logistic_regression" (keys: bias, l2 and the data keys).
RegistryEntry<ObjectivePtr> logistic_regression_entry();

}  // namespace optdyn
