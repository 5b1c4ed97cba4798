// Symmetric solves for the curvature-based optimizers (see symmetric_solve.hpp).
#include "symmetric_solve.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn::detail {

SolverKind SolveOptions::resolve(Index d) const {
  if (kind != SolverKind::automatic) return kind;
  return d <= dense_max ? SolverKind::dense : SolverKind::minres;
}

SolveReport solve_dense(const Mat& A, const Vec& b, Vec& x) {
  SolveReport report;
  // An overflowed matrix or right-hand side has no meaningful solution (and the eigensolver
  // of the fallback would iterate on NaNs): the run diverged (core/error.hpp).
  if (!A.allFinite()) throw DivergenceError("linear solve (dense): matrix not finite");
  if (!b.allFinite()) throw DivergenceError("linear solve (dense): right-hand side not finite");
  const Eigen::LDLT<Mat> ldlt(A);
  if (ldlt.info() == Eigen::Success) {
    x = ldlt.solve(b);
    if (x.allFinite() && (A * x - b).norm() <= 1e-8 * std::max(b.norm(), 1e-300)) return report;
  }
  // Pseudo-inverse: x = Σ_{|λ_i| > cut} q_i (q_iᵀb)/λ_i.
  report.pseudo_inverse = true;
  const Eigen::SelfAdjointEigenSolver<Mat> eig(A);
  const Vec& lambda = eig.eigenvalues();
  const double cut = 1e-12 * lambda.cwiseAbs().maxCoeff();
  Vec c = eig.eigenvectors().transpose() * b;
  for (Index i = 0; i < c.size(); ++i) c[i] = std::abs(lambda[i]) > cut ? c[i] / lambda[i] : 0.0;
  x = eig.eigenvectors() * c;
  return report;
}

SolveReport solve_krylov(SolverKind kind, const LinearOperator& A, const Vec& b, Vec& x, const SolveOptions& o) {
  KrylovOptions k;
  k.tol = o.tol;
  k.max_iterations = o.max_iterations > 0 ? o.max_iterations : std::max<Index>(2 * b.size(), 1);
  SolveReport report;
  report.krylov = kind == SolverKind::cg ? conjugate_gradient(A, b, x, k) : minres(A, b, x, k);
  if (!x.allFinite())
    throw DivergenceError(std::string("linear solve (") + (kind == SolverKind::cg ? "cg" : "minres") +
                          "): solution not finite");
  return report;
}

void check_dense_dimension(std::string_view who, std::string_view key, Index dim, std::string_view alternative) {
  if (dim <= kMaxDenseDimension) return;
  const double gib = 8.0 * static_cast<double>(dim) * static_cast<double>(dim) / (1024.0 * 1024.0 * 1024.0);
  throw InputError("optimizer '" + std::string(who) + "': key '" + std::string(key) + "': a dense " +
                   std::to_string(dim) + " x " + std::to_string(dim) + " matrix (" + format_number(gib, 3) +
                   " GiB, O(D^3) per step) is beyond the limit D <= " + std::to_string(kMaxDenseDimension) + "; " +
                   std::string(alternative));
}

}  // namespace optdyn::detail
