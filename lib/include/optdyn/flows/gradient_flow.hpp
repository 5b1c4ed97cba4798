#pragma once
// Gradient flow θ̇ = −∇f(θ): the continuous limit of gradient descent (t = k·η).
#include <string>

#include "optdyn/core/spec.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

class GradientFlow : public Flow {
 public:
  GradientFlow(const Spec& spec, const Objective& objective);
  std::string spec() const override { return spec_; }
  void derivative(const Vec& z, Vec& dzdt, double t) const override;
  // J v = −∇²f(θ) v (one HVP).
  void jacobian_vector(const Vec& z, double t, const Vec& v, Vec& Jv) const override;
  bool symmetric_jacobian() const override { return true; }
  // −∇²f(θ) (the objective's dense Hessian).
  Mat jacobian(const Vec& z, double t) const override;

 private:
  std::string spec_;
};

}  // namespace optdyn
