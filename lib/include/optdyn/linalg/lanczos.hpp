#pragma once
// Lanczos tridiagonalisation of a symmetric operator (Lanczos 1950; Golub & Van Loan,
// Matrix Computations, §10.1), with full reorthogonalisation. The one Lanczos of the
// project: the Krylov saddle-free Newton method (lib/src/optimizers/saddle_free_newton.cpp)
// uses the basis, stochastic Lanczos quadrature (analysis/src/spectral_density.cpp) the
// tridiagonal.
//
// From the unit vector v₁ = v/‖v‖, k steps build an orthonormal basis V = [v₁ … v_k] of the
// Krylov space K_k(A, v) = span{v, Av, …, A^{k−1}v} and the tridiagonal T = VᵀAV with
// diagonal α_j = v_jᵀAv_j and off-diagonal β_j = ‖w_j‖, where w_j is A v_j orthogonalised
// against v₁ … v_j (twice: "twice is enough", Parlett; this is the full reorthogonalisation
// that keeps V orthonormal to rounding, at O(D k²) flops). The iteration stops early when
// β_j ≤ 1e-12·max_i(|α_i| + β_i): K is then an invariant subspace and T's eigenvalues are
// exact eigenvalues of A.
#include <cstdint>

#include "optdyn/core/types.hpp"
#include "optdyn/linalg/operator.hpp"

namespace optdyn {

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
