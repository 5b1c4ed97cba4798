// Bunch–Kaufman LDLᵀ for the inertia (inertia.hpp). Only the trailing block S = A(k:, k:) of
// the partially factored matrix is kept, in the lower triangle of a working copy: the factor L
// is not needed for the inertia, only the pivots.
#include "optdyn/linalg/inertia.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace optdyn {

namespace {

const double kBunchKaufmanAlpha = (1.0 + std::sqrt(17.0)) / 8.0;  // Golub & Van Loan §4.4.4

// Entry (i, j) of the symmetric matrix stored in the lower triangle of s.
double sym(const Mat& s, Index i, Index j) { return i >= j ? s(i, j) : s(j, i); }

// Symmetric swap of rows/columns k ≤ r of the trailing block that starts at `from` ≤ k, in
// lower-triangle storage (LAPACK dsytf2's swap; columns before `from` are no longer read).
void swap_symmetric(Mat& s, Index from, Index k, Index r) {
  if (k == r) return;
  const Index d = s.rows();
  for (Index j = from; j < k; ++j) std::swap(s(k, j), s(r, j));
  std::swap(s(k, k), s(r, r));
  for (Index j = k + 1; j < r; ++j) std::swap(s(j, k), s(r, j));
  for (Index i = r + 1; i < d; ++i) std::swap(s(i, k), s(i, r));
}

// The signs of one pivot block's eigenvalues, added to the count.
void count_1x1(double d, Inertia& in) {
  if (d < 0.0) ++in.negative;
  else if (d > 0.0) ++in.positive;
  else ++in.zero;
}

void count_2x2(double a, double b, double c, Inertia& in) {  // [[a, b], [b, c]]
  const double det = a * c - b * b, trace = a + c;
  if (det < 0.0) {
    ++in.negative;
    ++in.positive;
  } else if (det > 0.0) {
    (trace > 0.0 ? in.positive : in.negative) += 2;
  } else {
    ++in.zero;
    count_1x1(trace, in);
  }
}

// Eliminate the 1×1 pivot d = s(k, k): S₂₂ ← S₂₂ − l lᵀ/d, l = s(k+1:, k) (lower triangle only).
void eliminate_1x1(Mat& s, Index k) {
  const Index m = s.rows() - k - 1;
  const double d = s(k, k);
  if (m == 0 || d == 0.0) return;  // d = 0 only when the column is zero: nothing to eliminate
  const Vec l = s.col(k).tail(m);
  s.bottomRightCorner(m, m).triangularView<Eigen::Lower>() -= (l / d) * l.transpose();
}

// Eliminate the 2×2 pivot E = S(k:k+1, k:k+1): S₂₂ ← S₂₂ − C E⁻¹ Cᵀ, C = S(k+2:, k:k+1).
void eliminate_2x2(Mat& s, Index k) {
  const Index m = s.rows() - k - 2;
  if (m == 0) return;
  const double a = s(k, k), b = s(k + 1, k), c = s(k + 1, k + 1);
  const double det = a * c - b * b;  // < 0 by the pivot choice
  Eigen::Matrix2d e_inv;
  e_inv << c / det, -b / det, -b / det, a / det;
  const Mat cols = s.block(k + 2, k, m, 2);
  s.bottomRightCorner(m, m).triangularView<Eigen::Lower>() -= (cols * e_inv) * cols.transpose();
}

}  // namespace

Inertia inertia(const Mat& a) {
  if (a.rows() != a.cols()) throw std::invalid_argument("inertia: matrix is not square");
  if (!a.allFinite()) throw std::invalid_argument("inertia: matrix has inf/NaN entries");
  Mat s = a.triangularView<Eigen::Lower>();
  const Index d = s.rows();
  Inertia in;
  Index k = 0;
  while (k < d) {
    const Index m = d - k - 1;
    Index r = k;  // the row of ω₁
    double omega1 = 0.0;
    if (m > 0) {
      omega1 = s.col(k).tail(m).cwiseAbs().maxCoeff(&r);
      r += k + 1;
    }
    const double akk = std::abs(s(k, k));
    bool one_by_one = omega1 == 0.0 || akk >= kBunchKaufmanAlpha * omega1;
    if (!one_by_one) {
      double omega_r = 0.0;  // max_{i ≠ r} |s_ir| over the trailing block
      for (Index i = k; i < d; ++i)
        if (i != r) omega_r = std::max(omega_r, std::abs(sym(s, i, r)));
      if (akk * omega_r >= kBunchKaufmanAlpha * omega1 * omega1) {
        one_by_one = true;
      } else if (std::abs(s(r, r)) >= kBunchKaufmanAlpha * omega_r) {
        swap_symmetric(s, k, k, r);
        one_by_one = true;
      }
    }
    if (one_by_one) {
      count_1x1(s(k, k), in);
      eliminate_1x1(s, k);
      k += 1;
    } else {
      swap_symmetric(s, k, k + 1, r);
      count_2x2(s(k, k), s(k + 1, k), s(k + 1, k + 1), in);
      eliminate_2x2(s, k);
      k += 2;
    }
  }
  return in;
}

Index count_below(const Mat& a, double sigma) {
  Mat shifted = a;
  shifted.diagonal().array() -= sigma;
  return inertia(shifted).negative;
}

}  // namespace optdyn
