#pragma once
// Extreme eigenpairs of a symmetric operator by the Krylov–Schur method (Stewart, "A
// Krylov–Schur algorithm for large eigenproblems", SIAM J. Matrix Anal. Appl. 23(3), 2001),
// which for a symmetric A is the thick-restart Lanczos method (Wu & Simon, SIAM J. Matrix
// Anal. Appl. 22(2), 2000). Written for the case where one product costs far more than
// everything else (a network Hessian: two GEMMs with the data per product), so it spends
// memory and dense O(m³) work to save products:
//
//  * The Lanczos process of lanczos.hpp (LanczosProcess, Reorthogonalization::dgks): full
//    reorthogonalisation (local three-term step, one classical Gram–Schmidt sweep and a
//    second sweep only when the first removed more than 30% of the norm: the Daniel–Gragg–
//    Kaufman–Stewart criterion, 1976), so V stays orthonormal to rounding and the projected
//    matrix H = VᵀAV is formed entry by entry: h = Vᵀ(A v_j) is column j.
//  * Both ends from one Krylov space: Lanczos converges at the two ends of the spectrum at
//    once, so λmax and λmin (the curvature monitor's pair, or `which = both`) share products
//    instead of running two solves.
//  * Thick restart: when the basis reaches m = ncv vectors, H = SΘSᵀ is diagonalised and the p
//    Ritz vectors nearest the wanted ends are kept (V ← V S_p, H ← Θ_p, no implicit QR
//    shifts), together with the last residual direction; the expansion then rebuilds the
//    arrowhead coupling b = V_pᵀ A v_{p+1} as column p of H. p = wanted + ⌊(m − wanted)/2⌋.
//  * Residuals without extra products: the products A v_j of the basis are stored (AV, one
//    more D × m block, transformed with V at every restart), so for a Ritz pair (θ, y = V s)
//    A y = (AV) s is a true product and ‖A y − θ y‖ is the real residual, not the recurrence's
//    estimate β|s_m|. When storing AV would exceed `max_stored_bytes`, the k final residuals
//    are recomputed with k fresh products instead.
//
// Convergence (as Spectra and ARPACK): a wanted Ritz pair has converged when its residual is
// ≤ tol · max(|θ|, ε^{2/3}). The cheap estimate β|s_m| is tested after every product; when
// every wanted pair passes, the true residuals are computed and must pass too (up to the
// rounding floor 64 ε ‖H‖ √m of forming them), else the iteration continues.
//
// Start: a standard normal vector from Rng(seed) (deterministic; no hidden randomness). After
// a breakdown (‖f‖ ≤ 1e-12 ‖A‖: V spans an invariant subspace) the iteration continues from a
// fresh random direction orthogonal to V.
//
// Limitation (shared by every single-vector Krylov method, ARPACK and Spectra included): one
// Krylov space holds one copy of each eigenvalue; further copies of an exactly repeated
// eigenvalue enter only through rounding or the fresh directions after a breakdown, and
// once the pairs held are exact nothing signals that copies are missing. So the multiplicity
// of an exactly repeated extreme eigenvalue can be under-counted (krylov_schur_test shows a
// case); a block method or the dense path is needed when multiplicities matter.
#include <cstdint>
#include <vector>

#include "optdyn/core/types.hpp"
#include "optdyn/linalg/operator.hpp"

namespace optdyn {

struct KrylovSchurOptions {
  Index largest = 0;             // how many of the largest eigenvalues
  Index smallest = 0;            // how many of the smallest
  Index ncv = 0;                 // maximal basis size m; 0: krylov_schur_default_ncv
  double tol = 1e-10;            // relative residual tolerance (see above)
  Index max_restarts = 1000;
  std::uint64_t seed = 0;        // start vector
  double max_stored_bytes = 2.0 * 1024 * 1024 * 1024;  // AV storage limit (bytes)
};

// max(2·wanted + 1, 20), capped at D: the same rule as Spectra's default for one end, applied
// to the total number of wanted pairs.
Index krylov_schur_default_ncv(Index wanted, Index dim);

struct KrylovSchurResult {
  Vec eigenvalues;         // the largest (descending), then the smallest (ascending)
  Mat eigenvectors;        // D × count, unit columns, same order
  Vec residuals;           // ‖A y − θ y‖₂, from stored products or fresh ones
  std::vector<bool> pair_converged;  // each pair's true residual passed the test
  bool converged = false;  // every wanted pair passed the test with its true residual
  Index restarts = 0;
  Index ncv = 0;
  std::uint64_t products = 0;      // products with A, the residual checks included
  bool stored_products = false;    // residuals from the stored AV (else from fresh products)
};

// Requires 1 ≤ largest + smallest < D and largest + smallest < ncv ≤ D; std::invalid_argument
// otherwise.
KrylovSchurResult krylov_schur(const SymmetricOperator& op, const KrylovSchurOptions& options);

}  // namespace optdyn
