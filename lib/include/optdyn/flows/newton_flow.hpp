#pragma once
// The (damped) Newton flow θ̇ = −(∇²f + εI)⁻¹∇f by MINRES on HVPs; the field and its source
// are in lib/src/flows/newton_flow.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

struct NewtonFlowParams {
  double damping = 0.0;        // ε ≥ 0 added to the Hessian (the limit of damped_newton)
  double tol = 1e-10;          // MINRES relative residual, in [1e-300, 1)
  long max_iterations = 1000;  // MINRES products per evaluation
  friend bool operator==(const NewtonFlowParams&, const NewtonFlowParams&) = default;
  static const ParamTable<NewtonFlowParams>& table();
};

FlowPtr make_newton_flow(const Objective& objective, const NewtonFlowParams& params = {});

}  // namespace optdyn
