#pragma once
// The Hessian ∇²F(θ) of any Objective at a fixed θ as a symmetric operator of linalg's one
// operator concept (optdyn/linalg/operator.hpp: rows(), apply(v, out), counted products), which
// every analysis algorithm takes (extreme eigenpairs, SLQ, Hutchinson); Spectra reaches it
// through the adaptor in hessian_eigen.cpp. For an Mlp (and the objectives built as one:
// deep_linear, logistic_regression, softmax_regression) it binds θ once (MlpCurvature: forward
// pass, output curvature and δ's cached) so that every product costs only the tangent and
// backward R passes; for any other objective each product is Objective::hessian_vector
// (counted by the objective too). Products are counted here (products(); mutable, not
// thread-safe).
#include <cstdint>
#include <memory>

#include "optdyn/core/types.hpp"
#include "optdyn/linalg/operator.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

class HessianOperator final : public SymmetricOperator {
 public:
  // Keeps a reference to `objective` (which must outlive the operator) and a copy of θ.
  // Throws InputError when θ has the wrong length.
  HessianOperator(const Objective& objective, const Vec& theta);
  Index rows() const override { return objective_.dim(); }
  const Objective& objective() const { return objective_; }
  const Vec& point() const { return theta_; }
  // True when products reuse a cached forward pass (the objective is an Mlp).
  bool cached() const { return curvature_ != nullptr; }
  // The dense Hessian, symmetrised: for an Mlp D cached products (counted here); otherwise
  // Objective::hessian (a closed form where the objective has one, else D HVPs counted by
  // the objective, not here).
  Mat dense() const override;

 protected:
  void product(const Vec& v, Vec& out) const override;

 private:
  const Objective& objective_;
  Vec theta_;
  std::unique_ptr<MlpCurvature> curvature_;
};

}  // namespace optdyn::analysis
