#pragma once
// The mean loss and the 0-1 error of a classifier at θ: what a held-out evaluation (optdyn
// run's eval keys, the generalization experiment) records beside the training loss.
//
// Conventions (doc/references.md, "Generalization and early stopping")
//  * A classifier is an Mlp (mlp, softmax_regression, logistic_regression, deep_linear) whose
//    data carry class labels (Dataset::labels not empty); anything else (quadratic, Rosenbrock,
//    regression targets) is not, and gets std::nullopt.
//  * Predicted class ŷ_i = argmax_k f_k(x_i; θ) over the network outputs (the first index on a
//    tie); with one output (bce, logistic regression) ŷ_i = 1 when f(x_i) > 0 (p = σ(f) > ½), else 0.
//  * error = (1/n) Σ_i 1[ŷ_i ≠ y_i] over all n samples of the objective's data.
//  * loss = (1/n) Σ_i L(f(x_i; θ), y_i), the MEAN per-sample loss of the objective (mlp.hpp:
//    ce, bce or mse) WITHOUT the (l2/2)‖θ‖² penalty, which is not part of the data fit: the
//    Mlp's data term computed directly (Mlp::data_loss), equal to objective.value(θ) when l2 = 0.
//  * Loss and predictions come from one forward pass, counted as one full-batch value of the
//    objective (its counters: values + 1, samples + n).
#include <optional>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

// Mean loss and 0-1 error of a classifier objective at θ (argmax of the outputs vs label).
struct ClassificationMetrics {
  double loss;
  double error;
};

// std::nullopt when the objective is not a classifier (quadratic, Rosenbrock, ...).
// InputError when θ does not have the objective's dimension.
std::optional<ClassificationMetrics> classification_metrics(const Objective& objective, const Vec& theta);

// True when classification_metrics gives a value for this objective.
bool is_classifier(const Objective& objective);

}  // namespace optdyn::analysis
