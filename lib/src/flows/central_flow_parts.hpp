#pragma once
// Pieces shared by the central flows of GD (central_flow.cpp) and RMSprop
// (rmsprop_central_flow.cpp); Cohen, Damian et al., ICLR 2025; doc/references.md, "Central flows".
#include "optdyn/core/types.hpp"
#include "optdyn/linalg/operator.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::central_flow_parts {

struct TopEigenpairs {
  Vec values;   // descending
  Mat vectors;  // n × k, unit columns
};

// The k largest eigenpairs of a dense symmetric matrix (its symmetric part).
TopEigenpairs dense_top_eigenpairs(const Mat& symmetric, Index k);
// The k largest eigenpairs of a symmetric operator by Krylov–Schur (seeded, so deterministic) at
// relative residual `tol`; FlowEvaluationError when it does not converge.
TopEigenpairs krylov_top_eigenpairs(const LinearOperator& op, Index k, double tol);

// T (D × m²), column i + m·j = ∇³F(θ)[u_i, u_j] for the m columns u_i of `u` (eigenvalues
// `lambda`, in the units of uᵀHu): 4m² HVPs (third_derivative.hpp), symmetrised (T_ij = T_ji up to
// the difference error), and a column below the resolution of the difference estimate set to 0:
// ‖T_ij‖·(1 + ‖θ‖∞) ≤ max(1e-8·edge, 1e-10·√(λ_iλ_j)). The first bound says the eigenvalues, whose
// stability threshold is `edge`, change by less than 1e-8 of it over a move of θ's own size (on a
// quadratic ∇³F = 0, and its rounding noise would otherwise give X ~ 1e27); the second is the
// rounding error of the difference, ≈ ε_mach^{4/5}‖H‖‖u_i‖‖u_j‖/(1 + ‖θ‖∞) ≥ 3e-13·√(λ_iλ_j)/(…),
// with a margin: it matters where the u_i are long (RMSprop's P-normalised u where ν ≈ 0).
Mat critical_third_derivatives(const Objective& f, const Vec& theta, const Mat& u, const Vec& lambda, double edge);

// An error unless every eigenvalue is a number (an overflowing scaled Hessian gives NaN, which
// no comparison with the edge would catch).
void check_finite_eigenvalues(const Vec& values, const char* flow);

// X ⪰ 0 solving 0 ⪯ X ⟂ C + 𝒢(X) ⪰ 0 (psd_complementarity.hpp) for 𝒢's m²×m² matrix `gram`;
// FlowEvaluationError naming `flow` when there is none (no oscillation can hold the edge).
Mat oscillation_covariance(const Mat& c, const Mat& gram, double tol, const char* flow);

}  // namespace optdyn::central_flow_parts
