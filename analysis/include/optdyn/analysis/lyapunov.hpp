#pragma once
// Stationary covariances of linear stochastic dynamics around a minimum with symmetric
// positive definite Hessian A (doc/references.md, "SVAG and the weak error").
//
// Continuous (Ornstein–Uhlenbeck, dX = −AX dt + Q^{1/2} dW): the stationary covariance solves
// the Lyapunov equation  A X + X A = Q;  in A's eigenbasis (A = V diag(λ) Vᵀ, Q̃ = VᵀQV)
//   X̃_ij = Q̃_ij / (λ_i + λ_j).
// Discrete (the linear recursion X_{k+1} = (I − hA) X_k + ξ_k, Cov ξ = Q, e.g. SGD or SVAG on a
// quadratic with step h, or Euler–Maruyama on the OU process): X = (I − hA) X (I − hA) + Q,
//   X̃_ij = Q̃_ij / (1 − (1 − hλ_i)(1 − hλ_j)) = Q̃_ij / (h(λ_i + λ_j) − h²λ_iλ_j),
// which needs |1 − hλ_i| < 1. With Q = h·Q_c it tends to the continuous solution as h → 0,
// with relative error O(h): the weak error of first-order schemes.
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

// std::invalid_argument when A is not square, symmetric and positive definite, or Q's shape differs.
Mat solve_continuous_lyapunov(const Mat& a, const Mat& q);
// std::invalid_argument also when some |1 − hλ_i| ≥ 1 (no stationary distribution).
Mat solve_discrete_lyapunov(const Mat& a, double h, const Mat& q);

}  // namespace optdyn::analysis
