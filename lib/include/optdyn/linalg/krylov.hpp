#pragma once
// Matrix-free Krylov solvers for A x = b, where A is given only by its product v ↦ A v
// (Hessian-vector products, Jacobian-vector products, Fisher-vector products; an operator of
// linalg/operator.hpp, e.g. a FunctionOperator over a lambda). Shared by
// the Newton flow, Newton–Krylov implicit integrators, and the curvature-based methods.
//
//   conjugate_gradient  A symmetric positive definite (Hestenes & Stiefel 1952; Nocedal &
//                       Wright, Numerical Optimization, Alg. 5.2).
//   minres              A symmetric, possibly indefinite (Paige & Saunders 1975).
//   gmres               any A, restarted GMRES(m) with modified Gram–Schmidt and Givens
//                       rotations (Saad & Schultz 1986).
//
// All start from x = 0 (or from x on entry when `use_initial_guess`), stop when
// ‖b − A x‖ ≤ tol·‖b‖ (relative residual) or after max_iterations products, and report the
// products used, the final relative residual and whether the tolerance was met. CG also
// stops (converged = false, negative_curvature = true) when it meets pᵀAp ≤ 0, returning the
// iterate so far: the Newton-CG convention (Nocedal & Wright, Alg. 7.1).
#include <cstdint>

#include "optdyn/core/types.hpp"
#include "optdyn/linalg/operator.hpp"

namespace optdyn {

struct KrylovOptions {
  double tol = 1e-10;            // relative residual ‖b − Ax‖/‖b‖
  Index max_iterations = 1000;   // products with A
  Index restart = 50;            // GMRES only
  bool use_initial_guess = false;
};

struct KrylovResult {
  std::uint64_t products = 0;       // applications of A
  double relative_residual = 0.0;   // ‖b − Ax‖/‖b‖ at exit (recurrence estimate)
  bool converged = false;
  bool negative_curvature = false;  // CG met pᵀAp ≤ 0
};

KrylovResult conjugate_gradient(const SymmetricOperator& A, const Vec& b, Vec& x, const KrylovOptions& options = {});
KrylovResult minres(const SymmetricOperator& A, const Vec& b, Vec& x, const KrylovOptions& options = {});
KrylovResult gmres(const LinearOperator& A, const Vec& b, Vec& x, const KrylovOptions& options = {});

}  // namespace optdyn
