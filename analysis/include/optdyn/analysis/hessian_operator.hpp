#pragma once
// The Hessian ∇²F(θ) of any Objective at a fixed θ, as every analysis algorithm takes it
// (extreme eigenpairs, SLQ, Hutchinson, curvature monitors): the objective's bound curvature
// view (objectives/objective.hpp BoundCurvature), a symmetric operator of linalg's one operator
// concept (linalg/operator.hpp: rows(), apply(v, out), counted products; Spectra reaches it
// through the adaptor in hessian_eigen.cpp). Products reuse work cached at θ where the
// objective offers it (an Mlp, and the objectives built as one: deep_linear,
// logistic_regression, softmax_regression: forward pass, output curvature and δ's) and are
// counted once, on the objective's own counters (as HVPs) and on the operator (products()).
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

using HessianOperator = BoundCurvature;

}  // namespace optdyn::analysis
