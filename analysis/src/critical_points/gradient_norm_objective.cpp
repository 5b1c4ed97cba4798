#include "optdyn/analysis/critical_points/gradient_norm_objective.hpp"

#include "optdyn/core/error.hpp"

namespace optdyn::analysis {

GradientNormObjective::GradientNormObjective(const Objective& f) : f_(f) {}
GradientNormObjective::~GradientNormObjective() = default;

const BoundCurvature& GradientNormObjective::hessian_at(const Vec& theta) const {
  if (!bound_ || bound_->point() != theta) bound_ = std::make_unique<BoundCurvature>(f_, theta);
  return *bound_;
}

// G = ½‖∇F‖², ∇G = H ∇F.
double GradientNormObjective::evaluate(const Vec& theta, Batch, Vec* gradient) const {
  const Vec g = f_.gradient(theta);
  if (gradient) *gradient = hessian_at(theta) * g;
  return 0.5 * g.squaredNorm();
}

void GradientNormObjective::evaluate_hvp(const Vec&, Batch, const Vec&, Vec&) const {
  throw InputError("objective '" + spec() +
                   "': its Hessian needs third derivatives of F; use its least-squares (Gauss–Newton) view");
}

}  // namespace optdyn::analysis
