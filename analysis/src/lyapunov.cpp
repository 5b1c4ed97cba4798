// Continuous and discrete Lyapunov equations in A's eigenbasis (lyapunov.hpp has the formulas).
#include "optdyn/analysis/lyapunov.hpp"

#include <cmath>
#include <functional>
#include <stdexcept>

#include <Eigen/Eigenvalues>

namespace optdyn::analysis {
namespace {

// X = V [Q̃_ij / d(λ_i, λ_j)] Vᵀ with Q̃ = VᵀQV: the solution of every equation above.
Mat solve_in_eigenbasis(const Mat& a, const Mat& q, const std::function<double(double, double)>& denominator) {
  if (a.rows() != a.cols() || q.rows() != a.rows() || q.cols() != a.cols())
    throw std::invalid_argument("lyapunov: A and Q must be square of one size");
  if ((a - a.transpose()).norm() > 1e-12 * a.norm()) throw std::invalid_argument("lyapunov: A is not symmetric");
  const Eigen::SelfAdjointEigenSolver<Mat> eig(a);
  const Vec& lambda = eig.eigenvalues();
  if (lambda.minCoeff() <= 0.0) throw std::invalid_argument("lyapunov: A is not positive definite");
  const Mat& v = eig.eigenvectors();
  Mat x = v.transpose() * q * v;
  for (Index i = 0; i < x.rows(); ++i)
    for (Index j = 0; j < x.cols(); ++j) x(i, j) /= denominator(lambda[i], lambda[j]);
  return v * x * v.transpose();
}

}  // namespace

Mat solve_continuous_lyapunov(const Mat& a, const Mat& q) {
  return solve_in_eigenbasis(a, q, [](double li, double lj) { return li + lj; });
}

Mat solve_discrete_lyapunov(const Mat& a, double h, const Mat& q) {
  if (!(h > 0.0)) throw std::invalid_argument("lyapunov: step h must be > 0");
  return solve_in_eigenbasis(a, q, [h](double li, double lj) {
    if (std::abs(1.0 - h * li) >= 1.0 || std::abs(1.0 - h * lj) >= 1.0)
      throw std::invalid_argument("lyapunov: |1 − hλ| ≥ 1, the recursion has no stationary distribution");
    return h * (li + lj) - h * h * li * lj;
  });
}

}  // namespace optdyn::analysis
