#pragma once
// Dense references for second-order tests: matrices assembled column by column from
// matrix-free products (A = [A e_1, …, A e_D], linalg's dense_from_products) and the saddle
// index by a dense eigensolver. Independent of the library's Krylov solvers; for small D only.
#include "optdyn/core/types.hpp"
#include "optdyn/linalg/operator.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::testing {

// The residual Jacobian J = ∂r/∂θ of a least-squares objective, by unit-vector products J e_j.
Mat residual_jacobian(const Objective& f, const Vec& theta);
// Morse index: the number of eigenvalues of ∇²F(θ) below −tol (dense eigensolver).
int index_at(const Objective& f, const Vec& theta, double tol = 1e-10);

}  // namespace optdyn::testing
