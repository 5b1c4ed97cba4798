#pragma once
// Gradient flow θ̇ = −∇f(θ): the continuous limit of gradient descent (t = k·η).
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

// No keys.
struct GradientFlowParams {
  friend bool operator==(const GradientFlowParams&, const GradientFlowParams&) = default;
  static const ParamTable<GradientFlowParams>& table();
};

FlowPtr make_gradient_flow(const Objective& objective, const GradientFlowParams& params = {});

class GradientFlow : public Flow {
 public:
  // `spec`: the resolved spec the flow reports.
  GradientFlow(const GradientFlowParams& params, std::string spec, const Objective& objective);
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
