#pragma once
// Extreme eigenpairs of a symmetric operator (a Hessian at a point), matrix-free by Lanczos
// with thick restarts (krylov_schur.hpp, the default) or with Spectra's implicitly restarted
// Lanczos (SymEigsSolver, `solver = spectra`), or dense with Eigen's SelfAdjointEigenSolver
// for small dimensions (chosen automatically, and the reference).
//
// What is returned can be trusted without rerunning: every residual ‖A v − λ v‖ is a true
// residual, never a recurrence estimate — for Krylov–Schur from the stored products of the
// basis (A v = (AV)s, see krylov_schur.hpp; fresh products when AV would not fit in memory),
// for Spectra recomputed after the solve with fresh products — together with the number of
// products used (solve + residual checks), the converged flag and the restart count.
//
// Choices (documented because they change results):
//  * Krylov–Schur is the default because it reaches the same tolerance with fewer products
//    (one solve for both ends, no residual products, a restart that keeps half the basis):
//    measured in spectrum_test and spectrum_bench. Spectra stays one option away, and the
//    tests check the two against each other and against the dense solver.
//  * ncv (the Krylov subspace size): Spectra max(2k + 1, 20); Krylov–Schur max(2w + 1, 20)
//    with w the wanted pairs (k, or 2k for both ends); capped at D; it must satisfy
//    w < ncv ≤ D.
//  * `tol` is the relative criterion of Spectra and ARPACK: a Ritz pair (θ, v) has converged
//    when its residual is ≤ tol · max(|θ|, ε^{2/3}), where θ is the Ritz value OF THE
//    OPERATOR iterated on (see the next point).
//  * Smallest eigenvalues with Spectra: SmallestAlge on A by default. The alternative,
//    LargestAlge on the shifted operator σ I − A (σ = λmax estimate; shift_smallest = true),
//    iterates in the same Krylov spaces (they are shift invariant) and differs only in the
//    scale of the convergence test (relative to σ − λ instead of |λ|). Measured in
//    spectrum_test (smallest_end_shift_versus_smallest_alge): k = 10 at a random point of a
//    D = 2,050 MLP, 271 products plain vs 277 shifted; a degenerate minimum with λmin = 1e-12
//    and the rest in [0.05, 1], k = 3: 302 vs 316; both converge in both cases. So the shift
//    buys nothing here and costs a λmax estimate; it is kept as an option. (Slow
//    convergence at either end comes from clustered eigenvalues relative to the spectral
//    width, which no shift of this kind fixes; shift-invert would.) Krylov–Schur ignores it.
//  * which = both computes the k largest AND the k smallest: one Krylov space (Krylov–Schur)
//    or two solves (Spectra).
//  * Dense path: when method = automatic and D ≤ dense_threshold (1500 by default), or
//    method = dense. The full spectrum is then returned as well (for the exact index).
#include <cstdint>
#include <string>

#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

enum class SpectrumEnd { largest, smallest, both };
enum class EigenMethod { automatic, dense, lanczos };
enum class KrylovSolver { krylov_schur, spectra };

// "largest" | "smallest" | "both"; "auto" | "always" | "never" (dense) — std::invalid_argument otherwise.
SpectrumEnd parse_spectrum_end(const std::string& text);
EigenMethod parse_dense_choice(const std::string& text);
// "krylov_schur" | "spectra" — std::invalid_argument otherwise.
KrylovSolver parse_krylov_solver(const std::string& text);
std::string krylov_solver_name(KrylovSolver solver);

struct EigenOptions {
  Index k = 10;
  SpectrumEnd which = SpectrumEnd::largest;
  double tol = 1e-10;
  Index ncv = 0;  // 0: default_ncv(k, D)
  Index max_iterations = 1000;
  EigenMethod method = EigenMethod::automatic;
  Index dense_threshold = 1500;
  bool shift_smallest = false;  // see above (Spectra only)
  KrylovSolver solver = KrylovSolver::krylov_schur;
  std::uint64_t seed = 0;  // Krylov–Schur's start vector (Spectra has its own fixed one)
};

Index default_ncv(Index k, Index dim);  // Spectra's: max(2k + 1, 20), capped at D
// The Lanczos subspace size these options use at dimension D (the default of the solver when
// ncv = 0); std::invalid_argument naming ncv or k when it is not admissible.
Index lanczos_ncv(const EigenOptions& options, Index dim);

struct EigenResult {
  std::string method;  // "dense" | "lanczos"
  std::string solver;  // lanczos: "krylov_schur" | "spectra"; dense: ""
  // "stored_products" (Krylov–Schur's (AV)s) or "fresh_products" (one product per pair after
  // the solve: Spectra, the dense path, or Krylov–Schur when AV did not fit)
  std::string residual_source;
  // Ordered by rank: which = largest: λ_D ≥ λ_{D−1} ≥ … (descending); smallest: λ_1 ≤ λ_2 ≤ …
  // (ascending); both: the k largest (descending) then the k smallest (ascending).
  Vec eigenvalues;
  Mat eigenvectors;  // D × count, unit columns, same order
  // Position of each eigenvalue in the ascending spectrum, 1-based (1 = smallest, D = largest).
  std::vector<Index> ranks;
  Vec residuals;               // ‖A v − λ v‖₂, true residuals (see residual_source)
  std::uint64_t products = 0;  // operator products: solve(s) + residual checks (+ dense build)
  bool converged = false;      // every requested pair converged (always true for dense)
  Index iterations = 0;        // restarts, summed over the solves (0 for dense)
  Index ncv = 0;               // the subspace size used (0 for dense)
  double shift = 0.0;          // σ used for the smallest end (0 when not shifted)
  Vec spectrum;                // dense only: all D eigenvalues, ascending; empty for lanczos
};

// Requires 1 ≤ k ≤ D (dense) or lanczos_ncv admissible; std::invalid_argument otherwise.
// Deterministic: Krylov–Schur starts from Rng(seed), Spectra from its fixed init() vector.
EigenResult extreme_eigenpairs(const SymmetricOperator& op, const EigenOptions& options = {});

// All eigenvalues of a dense symmetric matrix, ascending (eigenvalues only: Householder
// tridiagonalisation + implicit QL, the cheap way to an exact index for moderate D).
Vec dense_eigenvalues(const Mat& symmetric);

}  // namespace optdyn::analysis
