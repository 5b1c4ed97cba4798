#pragma once
// The inertia of a symmetric matrix — how many eigenvalues are negative, zero, positive —
// without its eigenvalues, by Sylvester's law of inertia: A and X A Xᵀ have the same inertia
// for any invertible X (Golub & Van Loan, Matrix Computations, 4th ed., Thm 8.1.17). The
// factorisation P A Pᵀ = L B Lᵀ (L unit lower triangular, B block diagonal with 1×1 and 2×2
// blocks) therefore gives inertia(A) = inertia(B), read block by block.
//
// The pivoting is Bunch–Kaufman's (Bunch & Kaufman 1977; Golub & Van Loan §4.4.4, the
// partial-pivoting strategy of LAPACK's dsytrf), needed because an indefinite matrix may
// have no usable 1×1 pivot at all ([[0, 1], [1, 0]]): with α = (1 + √17)/8 and, at step k,
// ω₁ = max_{i>k} |a_ik| (attained at row r) and ω_r = max_{i≠r} |a_ir|,
//   |a_kk| ≥ α ω₁            → 1×1 pivot a_kk,
//   |a_kk| ω_r ≥ α ω₁²        → 1×1 pivot a_kk,
//   |a_rr| ≥ α ω_r            → 1×1 pivot a_rr (rows/columns k and r swapped),
//   otherwise                 → 2×2 pivot on rows/columns k and r,
// which bounds the element growth by (1 + 1/α)^{D−1} (≈ 2.57^{D−1}, rarely approached) and
// makes the factorisation backward stable: the computed B is the exact block factor of A + E
// with ‖E‖ = O(u·growth·‖A‖). A 2×2 pivot chosen this way has det = a_kk a_rr − a_rk² < 0
// (|a_kk a_rr| < α² ω₁²), i.e. one negative and one positive eigenvalue.
//
// Counts below a shift σ: n(λ < σ) = number of negative eigenvalues of A − σI. Reliable
// whenever no eigenvalue of A lies within the backward error O(u·growth·‖A‖) of σ: use shifts
// well away from rounding level (the saddle index uses σ = ±τ with τ ≫ u‖A‖). A zero pivot
// (an exactly singular leading block) is counted as a zero eigenvalue and eliminated as such.
// Cost: D³/3 flops, memory one D × D copy; only the lower triangle of A is read.
#include "optdyn/core/types.hpp"

namespace optdyn {

struct Inertia {
  Index negative = 0, zero = 0, positive = 0;
};

// Inertia of the symmetric matrix a (its lower triangle is read). std::invalid_argument for a
// non-square or non-finite matrix.
Inertia inertia(const Mat& a);

// n(λ < σ): the number of eigenvalues of the symmetric matrix a below σ (inertia of a − σI).
Index count_below(const Mat& a, double sigma);

}  // namespace optdyn
