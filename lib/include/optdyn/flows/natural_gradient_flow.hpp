#pragma once
// The natural gradient flow θ̇ = −(F + λI)⁻¹∇f by CG on Fisher products (probabilistic
// objectives); the field and its source are in lib/src/flows/natural_gradient_flow.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

struct NaturalGradientFlowParams {
  // true: the exact output Fisher (= the generalized Gauss–Newton matrix); empirical: data labels.
  enum class Fisher { true_fisher, empirical };
  Fisher fisher = Fisher::true_fisher;
  double damping = 1e-4;       // λ ≥ 0 added to the Fisher's diagonal
  double tol = 1e-10;          // CG relative residual, in [1e-300, 1)
  long max_iterations = 1000;  // CG products per evaluation
  friend bool operator==(const NaturalGradientFlowParams&, const NaturalGradientFlowParams&) = default;
  static const ParamTable<NaturalGradientFlowParams>& table();
};

FlowPtr make_natural_gradient_flow(const Objective& objective, const NaturalGradientFlowParams& params = {});

}  // namespace optdyn
