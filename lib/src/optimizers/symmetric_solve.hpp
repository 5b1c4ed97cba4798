#pragma once
// Internal to the curvature-based optimizers (newton.cpp, levenberg_marquardt.cpp): solve a
// symmetric system A x = b by a dense factorisation or by a Krylov method on products, with
// the keys `solver`, `tol`, `max_iterations`, `dense_max` shared by their parameter structs
// (optimizers/solver_keys.hpp).
//
//   dense   A formed densely; Eigen's LDLᵀ with diagonal pivoting; if its solution does not
//           reproduce b to 1e-8 relative (A singular or an indefinite A that 1×1 pivots
//           cannot factor), the pseudo-inverse from the eigendecomposition A = QΛQᵀ, dropping
//           |λ_i| ≤ 1e-12·max|λ| (then x is the minimum-norm least-squares solution).
//   cg      conjugate gradients on products (linalg/krylov.hpp). At an indefinite A it stops
//           at the first pᵀAp ≤ 0 and returns the iterate so far (Newton-CG, N&W Alg. 7.1):
//           a descent direction, but no longer the solution of A x = b.
//   minres  MINRES on products: the solution for indefinite A as well.
//   auto    dense when D ≤ dense_max, else minres (the method keeps its meaning at
//           indefinite A; choose cg explicitly for the truncated Newton-CG behaviour).
#include <functional>
#include <string>
#include <string_view>

#include "optdyn/core/types.hpp"
#include "optdyn/linalg/krylov.hpp"
#include "optdyn/optimizers/solver_keys.hpp"

namespace optdyn::detail {

using SolverKind = SymmetricSolver;

struct SolveOptions {
  SolverKind kind = SolverKind::automatic;
  double tol = 1e-10;
  Index max_iterations = 0;  // 0: 2·D
  Index dense_max = 1000;
  // The kind actually used for dimension d (resolves automatic).
  SolverKind resolve(Index d) const;
};

struct SolveReport {
  KrylovResult krylov;       // Krylov solvers only
  bool pseudo_inverse = false;  // dense: the LDLᵀ solution was rejected
};

// The options of a parameter struct with symmetric_solver_keys (solver_keys.hpp).
template <class P>
SolveOptions solve_options(const P& p) {
  return {p.solver, p.tol, p.max_iterations, p.dense_max};
}

using optdyn::kMaxDenseDimension;
// InputError "optimizer 'who': key 'key': ..." when dim > kMaxDenseDimension.
void check_dense_dimension(std::string_view who, std::string_view key, Index dim, std::string_view alternative);

// Dense: x = A⁻¹b (pseudo-inverse fallback as above).
SolveReport solve_dense(const Mat& A, const Vec& b, Vec& x);
// Krylov (cg or minres) on the products v ↦ A v.
SolveReport solve_krylov(SolverKind kind, const LinearOperator& A, const Vec& b, Vec& x, const SolveOptions& o);

}  // namespace optdyn::detail
