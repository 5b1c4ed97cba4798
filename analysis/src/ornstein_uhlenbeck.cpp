// Moments of the OU process and of its linear discretisation (ornstein_uhlenbeck.hpp).
#include "optdyn/analysis/ornstein_uhlenbeck.hpp"

#include <Eigen/Eigenvalues>

#include "optdyn/analysis/lyapunov.hpp"

namespace optdyn::analysis {

double GaussianMoments::mean_square_norm() const { return mean.squaredNorm() + covariance.trace(); }

double GaussianMoments::mean_quadratic_form(const Mat& a) const {
  return 0.5 * (mean.dot(a * mean) + (a * covariance).trace());
}

GaussianMoments ou_moments(const Mat& a, const Mat& q, const Vec& x0, double t) {
  const Eigen::SelfAdjointEigenSolver<Mat> eig(a);
  const Vec decay = (-t * eig.eigenvalues().array()).exp();
  const Mat e = eig.eigenvectors() * decay.asDiagonal() * eig.eigenvectors().transpose();  // e^{−AT}
  const Mat x_inf = solve_continuous_lyapunov(a, q);
  return {e * x0, x_inf - e * x_inf * e};
}

GaussianMoments linear_recursion_moments(const Mat& a, double h, const Mat& r, const Vec& x0, long steps) {
  const Mat m = Mat::Identity(a.rows(), a.cols()) - h * a;
  GaussianMoments g{x0, Mat::Zero(a.rows(), a.cols())};
  for (long k = 0; k < steps; ++k) {
    g.mean = m * g.mean;
    g.covariance = m * g.covariance * m + r;
  }
  return g;
}

}  // namespace optdyn::analysis
