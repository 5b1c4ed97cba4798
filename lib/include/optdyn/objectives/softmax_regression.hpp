#pragma once
// Softmax (multinomial logistic) regression: one linear layer d → k with softmax
// cross-entropy (PyTorch's CrossEntropyLoss, mean reduction), plus (l2/2)‖θ‖². Built as an
// Mlp with widths = d-k and loss ce: same layout and derivatives.
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

// Registry entry "softmax_regression" (keys: classes, bias, l2 and the data keys).
RegistryEntry<ObjectivePtr> softmax_regression_entry();

}  // namespace optdyn
