#pragma once
// Extreme eigenpairs of a symmetric operator (a Hessian at a point), matrix-free with
// Spectra's implicitly restarted Lanczos (SymEigsSolver), or dense with Eigen's
// SelfAdjointEigenSolver for small dimensions (chosen automatically, and the reference).
//
// What is returned can be trusted without rerunning: every residual ‖A v − λ v‖ is
// recomputed after the solve with fresh products (not Spectra's Ritz estimate), together
// with the number of products used (solve + residual checks), the converged flag and the
// restart count.
//
// Choices (documented because they change results):
//  * ncv (Krylov subspace size) defaults to max(2k + 1, 20), capped at D; it must satisfy
//    k < ncv ≤ D.
//  * `tol` is Spectra's relative criterion: a Ritz pair (θ, v) has converged when its
//    residual estimate is ≤ tol · max(|θ|, ε^{2/3}), where θ is the Ritz value OF THE
//    OPERATOR SPectra iterates on (see the next point).
//  * Smallest eigenvalues: SmallestAlge on A by default. The alternative, LargestAlge on
//    the shifted operator σ I − A (σ = λmax estimate; shift_smallest = true), iterates in
//    the same Krylov spaces (they are shift invariant) and differs only in the scale of the
//    convergence test (relative to σ − λ instead of |λ|). Measured in spectrum_test
//    (smallest_end_shift_versus_smallest_alge): k = 10 at a random point of a D = 2,050
//    MLP, 271 products plain vs 277 shifted; a degenerate minimum with λmin = 1e-12 and
//    the rest in [0.05, 1], k = 3: 302 vs 316; both converge in both cases. So the shift
//    buys nothing here and costs a λmax estimate; it is kept as an option. (Slow
//    convergence at either end comes from clustered eigenvalues relative to the spectral
//    width, which no shift of this kind fixes; shift-invert would.)
//  * which = both computes the k largest AND the k smallest (2k pairs, two solves).
//  * Dense path: when method = automatic and D ≤ dense_threshold (1500 by default), or
//    method = dense. The full spectrum is then returned as well (for the exact index).
#include <cstdint>
#include <string>

#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

enum class SpectrumEnd { largest, smallest, both };
enum class EigenMethod { automatic, dense, lanczos };

// "largest" | "smallest" | "both"; "auto" | "always" | "never" (dense) — std::invalid_argument otherwise.
SpectrumEnd parse_spectrum_end(const std::string& text);
EigenMethod parse_dense_choice(const std::string& text);

struct EigenOptions {
  Index k = 10;
  SpectrumEnd which = SpectrumEnd::largest;
  double tol = 1e-10;
  Index ncv = 0;  // 0: default_ncv(k, D)
  Index max_iterations = 1000;
  EigenMethod method = EigenMethod::automatic;
  Index dense_threshold = 1500;
  bool shift_smallest = false;  // see above
};

Index default_ncv(Index k, Index dim);

struct EigenResult {
  std::string method;  // "dense" | "lanczos"
  // Ordered by rank: which = largest: λ_D ≥ λ_{D−1} ≥ … (descending); smallest: λ_1 ≤ λ_2 ≤ …
  // (ascending); both: the k largest (descending) then the k smallest (ascending).
  Vec eigenvalues;
  Mat eigenvectors;  // D × count, unit columns, same order
  // Position of each eigenvalue in the ascending spectrum, 1-based (1 = smallest, D = largest).
  std::vector<Index> ranks;
  Vec residuals;               // ‖A v − λ v‖₂, recomputed with fresh products
  std::uint64_t products = 0;  // operator products: solve(s) + residual checks (+ dense build)
  bool converged = false;      // every requested pair converged (always true for dense)
  Index iterations = 0;        // Spectra restarts, summed over the solves (0 for dense)
  Index ncv = 0;               // the subspace size used (0 for dense)
  double shift = 0.0;          // σ used for the smallest end (0 when not shifted)
  Vec spectrum;                // dense only: all D eigenvalues, ascending; empty for lanczos
};

// Requires 1 ≤ k ≤ D (dense) or 1 ≤ k < D and k < ncv ≤ D (lanczos); std::invalid_argument
// otherwise. Lanczos starts from Spectra's deterministic initial vector (init()).
EigenResult extreme_eigenpairs(const SymmetricOperator& op, const EigenOptions& options = {});

// All eigenvalues of a dense symmetric matrix, ascending (eigenvalues only: Householder
// tridiagonalisation + implicit QL, the cheap way to an exact index for moderate D).
Vec dense_eigenvalues(const Mat& symmetric);

}  // namespace optdyn::analysis
