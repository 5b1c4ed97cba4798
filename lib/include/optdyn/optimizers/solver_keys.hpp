#pragma once
// The linear-solver keys shared by the curvature-based methods, declared once. A parameter
// struct that uses them has the members
//   tol, max_iterations                         krylov_keys: the Krylov solve (CG or MINRES)
//                                               of gauss_newton, natural_gradient and below
//   solver (SymmetricSolver), tol, max_iterations, dense_max
//                                               symmetric_solver_keys: newton, damped_newton,
//                                               levenberg_marquardt
// The solves themselves: lib/src/optimizers/symmetric_solve.hpp.
#include <string>
#include <utility>
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn {

// A symmetric solve A x = b: auto (dense when D ≤ dense_max, else minres), dense (LDLᵀ with a
// pseudo-inverse fallback), cg (stops at negative curvature), minres (indefinite A too).
enum class SymmetricSolver { automatic, dense, cg, minres };

// The largest D for which a method forms and factors a dense D × D matrix (O(D³) flops and
// 8D² bytes per step: 5000 is ~1e11 flops and 200 MB), as `optdyn eval --hessian`.
inline constexpr Index kMaxDenseDimension = 5000;

// tol ∈ (0, 1] (relative residual); max_iterations ∈ [0, 2⁴⁰] products per solve, 0: 2·D.
// `solver` names the method in the help lines ("CG", "Krylov").
template <class P>
void krylov_keys(ParamTable<P>& t, const std::string& solver) {
  t.real("tol", &P::tol, Range::above(0.0, 1.0), solver + " relative residual")
      .integer("max_iterations", &P::max_iterations, 0, 1L << 40, solver + " products per solve (0: 2·D)");
}

// solver (one of `allowed`), the Krylov keys, dense_max ∈ [0, kMaxDenseDimension].
template <class P>
void symmetric_solver_keys(ParamTable<P>& t, std::vector<std::pair<std::string, SymmetricSolver>> allowed,
                           std::string solver_help, const std::string& krylov) {
  t.choice("solver", &P::solver, std::move(allowed), std::move(solver_help));
  krylov_keys(t, krylov);
  t.integer("dense_max", &P::dense_max, 0, kMaxDenseDimension, "largest D solved densely by solver=auto");
}

}  // namespace optdyn
