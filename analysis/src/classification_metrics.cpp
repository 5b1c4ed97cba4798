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
  // (1/n) Σ L_i, the Mlp's data term itself (not F(θ) − (l2/2)‖θ‖², which loses the loss's
  // digits to cancellation when the penalty dominates), and the outputs of the same forward pass.
  Mat outputs;
  const double loss = mlp->data_loss(theta, &outputs);
  const Dataset& data = mlp->data();
  Index wrong = 0;
  for (Index i = 0; i < data.size(); ++i)
    if (predicted_class(outputs, i) != data.labels[static_cast<std::size_t>(i)]) ++wrong;
  // error = (1/n) Σ 1[ŷ_i ≠ y_i].
  return ClassificationMetrics{loss, static_cast<double>(wrong) / static_cast<double>(data.size())};
}

}  // namespace optdyn::analysis
