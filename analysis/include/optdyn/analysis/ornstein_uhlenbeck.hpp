#pragma once
// First two moments of the Ornstein–Uhlenbeck process and of its linear discretisation
// (doc/references.md, "SVAG and the weak error"), in coordinates x = θ − θ* around the minimum
// of a quadratic with symmetric positive definite Hessian A:
//   SDE      dx = −Ax dt + Q^{1/2} dW:   E x_T = e^{−AT}x₀,
//            Cov x_T = X_∞ − e^{−AT} X_∞ e^{−AT},   AX_∞ + X_∞A = Q   (A and e^{−AT} commute);
//   map      x_{k+1} = (I − hA)x_k + ξ_k, Cov ξ = R:   m_{k+1} = (I − hA)m_k,
//            C_{k+1} = (I − hA)C_k(I − hA) + R,   m₀ = x₀, C₀ = 0.
// SGD and SVAG on the noisy quadratic model (step h = η/l, R = hηΣ_B) and Euler–Maruyama
// with step h on its SDE (R = hQ) are that map: they share these moments exactly.
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct GaussianMoments {
  Vec mean;
  Mat covariance;
  // E‖x‖² = ‖m‖² + tr C and E ½xᵀAx = ½(mᵀAm + tr AC): closed forms of two test functions.
  double mean_square_norm() const;
  double mean_quadratic_form(const Mat& a) const;  // E ½xᵀAx
};

GaussianMoments ou_moments(const Mat& a, const Mat& q, const Vec& x0, double t);
GaussianMoments linear_recursion_moments(const Mat& a, double h, const Mat& r, const Vec& x0, long steps);

}  // namespace optdyn::analysis
