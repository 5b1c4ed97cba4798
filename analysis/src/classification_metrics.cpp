// Mean loss and 0-1 error of a classifier (classification_metrics.hpp for the conventions).
#include "optdyn/analysis/classification_metrics.hpp"

#include "optdyn/objectives/mlp.hpp"

namespace optdyn::analysis {

namespace {

// The Mlp behind a classifier objective, or null.
const Mlp* classifier_mlp(const Objective& objective) {
  const auto* mlp = dynamic_cast<const Mlp*>(&objective);
  if (mlp == nullptr || mlp->data().labels.empty()) return nullptr;
  return mlp;
}

// ŷ = argmax_k f_k (first maximum), or 1[f > 0] for a single output.
int predicted_class(const Mat& outputs, Index i) {
  if (outputs.rows() == 1) return outputs(0, i) > 0.0 ? 1 : 0;
  Index best = 0;
  outputs.col(i).maxCoeff(&best);
  return static_cast<int>(best);
}

}  // namespace

bool is_classifier(const Objective& objective) { return classifier_mlp(objective) != nullptr; }

std::optional<ClassificationMetrics> classification_metrics(const Objective& objective, const Vec& theta) {
  const Mlp* mlp = classifier_mlp(objective);
  if (mlp == nullptr) return std::nullopt;
  // (1/n) Σ L_i = F(θ) − (l2/2)‖θ‖² (mlp.hpp: F is the mean loss plus the penalty). The
  // subtraction's rounding error is about ε·F(θ): the loss loses log10 of penalty/loss digits
  // when the penalty dominates. The Mlp has no counted value of its data term alone, and summing
  // the losses of predict()'s outputs here would be a second loss implementation.
  double loss = objective.value(theta);
  const double l2 = mlp->architecture().l2;
  if (l2 != 0.0) loss -= 0.5 * l2 * theta.squaredNorm();
  const Dataset& data = mlp->data();
  const Mat outputs = mlp->predict(theta, data.inputs);
  Index wrong = 0;
  for (Index i = 0; i < data.size(); ++i)
    if (predicted_class(outputs, i) != data.labels[static_cast<std::size_t>(i)]) ++wrong;
  // error = (1/n) Σ 1[ŷ_i ≠ y_i].
  return ClassificationMetrics{loss, static_cast<double>(wrong) / static_cast<double>(data.size())};
}

}  // namespace optdyn::analysis
