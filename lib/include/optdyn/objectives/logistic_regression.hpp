#pragma once
// Logistic regression: one linear layer with one output and binary cross-entropy
// (PyTorch's BCEWithLogitsLoss, mean reduction), plus (l2/2)‖θ‖². Built as an Mlp with
// widths = d-1 and loss bce: same layout ("0.weight", "0.bias") and derivatives.
#include <memory>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/objectives/training_data.hpp"

namespace optdyn {

// Default data: a linear teacher with 2 outputs whose argmax gives the 0/1 labels (linearly
// separable without noise; the l2 term keeps the minimiser finite).
struct LogisticRegressionParams {
  long dim = 20;  // input dimension d
  bool bias = true;
  double l2 = 1e-3;
  DataParams data{.source = DataSource::teacher_linear, .targets = DataParams::Targets::labels};
  static const ParamTable<LogisticRegressionParams>& table();
};

std::unique_ptr<Mlp> make_logistic_regression(const LogisticRegressionParams& params = {});

// Registry entry "logistic_regression" (keys: dim, bias, l2 and the data keys).
RegistryEntry<ObjectivePtr> logistic_regression_entry();

}  // namespace optdyn
