#include "optdyn/analysis/hessian_operator.hpp"

#include <stdexcept>
#include <string>

#include "optdyn/core/error.hpp"

namespace optdyn::analysis {

HessianOperator::HessianOperator(const Objective& objective, const Vec& theta)
    : objective_(objective), theta_(theta) {
  if (theta.size() != objective.dim())
    throw InputError("objective '" + objective.spec() + "': parameter vector has length " +
                     std::to_string(theta.size()) + ", expected " + std::to_string(objective.dim()));
  if (const auto* mlp = dynamic_cast<const Mlp*>(&objective))
    curvature_ = std::make_unique<MlpCurvature>(mlp->bind(theta_));
}

void HessianOperator::product(const Vec& v, Vec& out) const {
  if (curvature_)
    curvature_->hvp(v, out);
  else
    objective_.hessian_vector(theta_, v, out);
}

Mat HessianOperator::dense() const {
  return symmetric_part(curvature_ ? dense_from_products(*this) : objective_.hessian(theta_));
}

}  // namespace optdyn::analysis
