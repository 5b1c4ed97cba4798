#pragma once
// Dense references for second-order tests: matrices assembled column by column from
// matrix-free products (A = [A e_1, …, A e_D]) and the saddle index by a dense eigensolver.
// Independent of the library's Krylov solvers; for small D only.
#include <functional>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::testing {

// [A e_1, …, A e_D] for a linear map given as product(v, out): out = A v (A is D × D or
// rectangular; the number of rows is the size of out).
Mat dense_matrix(const std::function<void(const Vec&, Vec&)>& product, Index dim);
// The residual Jacobian J = ∂r/∂θ of a least-squares objective, by unit-vector products J e_j.
Mat residual_jacobian(const Objective& f, const Vec& theta);
// Morse index: the number of eigenvalues of ∇²F(θ) below −tol (dense eigensolver).
int index_at(const Objective& f, const Vec& theta, double tol = 1e-10);

}  // namespace optdyn::testing
