#pragma once
// The squared gradient norm G(θ) = ½‖∇F(θ)‖² of an objective F, as an Objective whose zeros
// are exactly the critical points of F (of any index), so that an existing least-squares
// optimizer finds them: minimising G by Gauss–Newton / Levenberg–Marquardt is the method of
// Pennington & Bahri 2017 (§4) and Dauphin et al. 2014 (§6) for locating saddles.
//
// Least-squares view (objective.hpp, LeastSquaresAccess): residuals r(θ) = ∇F(θ) (m = D), whose
// Jacobian is the Hessian, J = ∂∇F/∂θ = H (symmetric). So the Gauss–Newton matrix is JᵀJ = H²
// and the Levenberg–Marquardt system of levenberg_marquardt.cpp reads
//   (H² + μI) δ = −Jᵀr = −H ∇F,
// which tends to Newton's step on F, δ = −H⁻¹∇F, as μ → 0 (H nonsingular): μ is the
// trust-region multiplier that safeguards Newton far from a critical point. Near a degenerate
// critical point (H singular) the step stays in the range of H, the minimum-norm solution.
//
// G itself: value ½‖∇F‖² (one gradient of F), gradient ∇G = H∇F (one more HVP). Its Hessian
// H² + Σ_i (∂_i F) ∇²(∂_i F) needs third derivatives of F, which no objective provides: the
// HVP of G is an InputError (every derivative of an Objective is exact; only the Gauss–Newton
// part H² is available, through least_squares()).
//
// Costs land on F's counters (gradients, hvps). At one θ the products reuse one bound
// curvature of F (Objective::bind: an Mlp's forward pass is done once per point), rebuilt when θ
// changes. Not thread-safe; F must outlive this object.
#include <memory>
#include <string>

#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

class GradientNormObjective final : public Objective, private LeastSquaresAccess {
 public:
  explicit GradientNormObjective(const Objective& f);
  ~GradientNormObjective() override;

  Index dim() const override { return f_.dim(); }
  std::string spec() const override { return "gradient_norm(" + f_.spec() + ")"; }
  const LeastSquaresAccess* least_squares() const override { return this; }
  const Objective& base() const { return f_; }

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;

 private:
  Index num_residuals() const override { return f_.dim(); }
  Vec residuals(const Vec& theta) const override { return f_.gradient(theta); }
  Vec jacobian_vector(const Vec& theta, const Vec& v) const override { return hessian_at(theta) * v; }
  Vec jacobian_transpose_vector(const Vec& theta, const Vec& u) const override { return hessian_at(theta) * u; }
  // F's curvature bound at θ (rebuilt when θ differs from the last point).
  const BoundCurvature& hessian_at(const Vec& theta) const;

  const Objective& f_;
  mutable std::unique_ptr<BoundCurvature> bound_;
};

}  // namespace optdyn::analysis
