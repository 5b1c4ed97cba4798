#pragma once
// The Lanczos process of the project (Lanczos 1950; Golub & Van Loan, Matrix Computations,
// §10.1), with full reorthogonalisation, and the k-step tridiagonalisation built on it. Its
// users: Krylov–Schur (krylov_schur.hpp: thick restarts, the extreme eigenpairs of `optdyn
// spectrum` and the curvature monitors), stochastic Lanczos quadrature
// (analysis/src/spectral_density.cpp: the tridiagonal) and the Krylov saddle-free Newton method
// (lib/src/optimizers/saddle_free_newton.cpp: the basis).
//
// LanczosProcess keeps a Lanczos (Krylov) decomposition of a symmetric operator A,
//   A V_j = V_j H_j + β v_{j+1} e_jᵀ,   V = [v_1 … v_{m+1}] orthonormal to rounding,
// and extends it by one product at a time (expand): w = A v_j; the coefficients removed from w
// by the orthogonalisation are column j of H (so H = VᵀAV entry by entry: tridiagonal in exact
// arithmetic, an arrowhead after a thick restart); v_{j+1} = w/β with β = ‖w‖ after it.
// How w is orthogonalised against V (Reorthogonalization):
//   dgks   the local three-term step first (α_j = v_jᵀw and the coupling to v_{j−1} removed),
//          then one classical Gram–Schmidt sweep against all of V, and a second only when the
//          first removed more than 1 − 1/√2 of the norm (Daniel, Gragg, Kaufman & Stewart 1976).
//   twice  α_j = v_jᵀw, then two full classical Gram–Schmidt sweeps ("twice is enough",
//          Parlett). The same space and, in exact arithmetic, the same numbers; in floating
//          point other roundings, so each user keeps the one its results were produced with:
//          Krylov–Schur dgks, lanczos() twice.
// Breakdown: β ≤ 1e-12·max_j ‖A v_j‖ means V spans an invariant subspace (the Ritz values are
// exact eigenvalues of A): there is no v_{j+1} (breakdown()) until the caller either stops
// (lanczos()) or continues from a fresh direction orthogonal to V (continue_from: Krylov–Schur).
// When j = D the space is exhausted (exhausted(), β = 0).
// Thick restart (restart): V_p ← V_j S, H ← diag θ, and v_{j+1} kept as v_{p+1}; the next
// expansion rebuilds the coupling V_pᵀ A v_{p+1} as column p of H. With store_products the
// products A v_j are kept (AV, transformed by restarts too), so that A y = (AV) s for a Ritz
// vector y = V s without another product.
#include <cstdint>
#include <functional>

#include "optdyn/core/types.hpp"
#include "optdyn/linalg/operator.hpp"

namespace optdyn {

enum class Reorthogonalization { dgks, twice };

class LanczosProcess {
 public:
  // Room for `max_vectors` products (1 ≤ max_vectors ≤ D; V has one column more). The
  // operator must outlive the process. Throws std::invalid_argument for a bad size.
  LanczosProcess(const SymmetricOperator& a, Index max_vectors,
                 Reorthogonalization reorthogonalization = Reorthogonalization::dgks, bool store_products = false);

  // Empties the decomposition; v_1 = v1 (a unit vector of length D).
  void start(const Vec& v1);
  // One product: extends V_j, H_j (and AV) by one column (requires j < max_vectors and a next
  // vector: not breakdown(), not exhausted()).
  void expand();
  // After a breakdown: v_{j+1} = a direction from fresh_direction() orthogonalised against V
  // and normalised, the coupling β = 0. Up to `attempts` draws; a draw with less than 1e-8 of
  // its norm left outside V is discarded; when every draw is, the process is exhausted
  // (returns false).
  bool continue_from(const std::function<Vec()>& fresh_direction, int attempts = 3);
  // Thick restart with p = s.cols() Ritz vectors V_j s (s: j × p) and their values θ (p).
  void restart(const Mat& s, const Vec& theta);

  Index size() const { return size_; }  // j: basis vectors with products
  Index capacity() const { return capacity_; }
  // V (D × (max_vectors + 1)): columns [0, j) are V_j, column j the next vector (if any).
  const Mat& basis() const { return V_; }
  // AV (D × max_vectors), columns [0, j); empty unless stored.
  const Mat& products() const { return AV_; }
  bool stores_products() const { return store_; }
  // H (max_vectors × max_vectors); its leading j × j block is H_j.
  const Mat& projected() const { return H_; }
  double alpha() const { return alpha_; }  // v_jᵀ A v_j of the last expansion, before orthogonalisation
  double beta() const { return beta_; }    // ‖f‖ of the last expansion; 0 after a breakdown or at j = D
  double norm_estimate() const { return anorm_; }  // max_j ‖A v_j‖, a lower bound on ‖A‖
  bool breakdown() const { return breakdown_; }
  bool exhausted() const { return exhausted_; }

 private:
  const SymmetricOperator& a_;
  Index capacity_;
  Reorthogonalization reorthogonalization_;
  bool store_;
  Mat V_, AV_, H_;
  Vec w_;
  Index size_ = 0;
  double alpha_ = 0.0, beta_ = 0.0, anorm_ = 0.0;
  bool breakdown_ = false, exhausted_ = false;
};

// The k-step tridiagonalisation from v: the Lanczos process (twice) from v₁ = v/‖v‖, stopped
// after k products or at a breakdown, which ends the iteration early: K_j is then an invariant
// subspace and T's eigenvalues are exact eigenvalues of A. T = VᵀAV has the diagonal
// α_j = v_jᵀAv_j and the off-diagonal β_j (the norms of the orthogonalised products).
struct LanczosResult {
  Mat basis;   // D × steps, orthonormal columns v₁ … v_steps (empty unless keep_basis)
  Vec alpha;   // diagonal of T (size steps)
  Vec beta;    // off-diagonal of T (size steps − 1)
  Index steps = 0;
  std::uint64_t products = 0;  // applications of A (= steps)
  // T as a dense steps × steps matrix.
  Mat tridiagonal() const;
};

// At most k steps (capped at D) from v (v ≠ 0; it is normalised). The D × k basis is always
// formed (full reorthogonalisation needs it); `keep_basis = false` only does not return it.
// Throws std::invalid_argument for k < 1 or v = 0.
LanczosResult lanczos(const SymmetricOperator& A, const Vec& v, Index k, bool keep_basis = true);

}  // namespace optdyn
