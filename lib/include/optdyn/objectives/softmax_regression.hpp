#pragma once
// Softmax (multinomial logistic) regression: one linear layer d → k with softmax
// cross-entropy (PyTorch's CrossEntropyLoss, mean reduction), plus (l2/2)‖θ‖². Built as an
// Mlp with widths = d-k and loss ce: same layout and derivatives.
#include <memory>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/objectives/training_data.hpp"

namespace optdyn {

struct SoftmaxRegressionParams {
  long dim = 784;     // input dimension d
  long classes = 10;  // k
  bool bias = true;
  double l2 = 0;
  DataParams data{.source = DataSource::fashion_mnist};
  static const ParamTable<SoftmaxRegressionParams>& table();
};

std::unique_ptr<Mlp> make_softmax_regression(const SoftmaxRegressionParams& params = {});

// Registry entry "softmax_regression" (keys: dim, classes, bias, l2 and the data keys).
RegistryEntry<ObjectivePtr> softmax_regression_entry();

}  // namespace optdyn
