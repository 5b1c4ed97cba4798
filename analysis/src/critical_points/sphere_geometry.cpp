#include "optdyn/analysis/critical_points/sphere_geometry.hpp"

#include <Eigen/QR>
#include <cmath>

#include "optdyn/core/error.hpp"

namespace optdyn::analysis {
namespace {

void check_nonzero(const Vec& theta) {
  if (!(theta.norm() > 0.0)) throw InputError("sphere: θ = 0 has no direction on the sphere");
}

}  // namespace

Vec onto_sphere(const Vec& theta) {
  check_nonzero(theta);
  return (std::sqrt(static_cast<double>(theta.size())) / theta.norm()) * theta;
}

Vec riemannian_gradient(const Objective& f, const Vec& theta) {
  check_nonzero(theta);
  const Vec g = f.gradient(theta);
  const Vec u = theta.normalized();
  return g - u * u.dot(g);
}

Mat tangent_basis(const Vec& theta) {
  check_nonzero(theta);
  const Index d = theta.size();
  // Q of the QR factorisation of the single column θ: Q e₁ ∥ θ, the other columns span θ⊥.
  const Eigen::HouseholderQR<Mat> qr{Mat(theta)};
  const Mat q = qr.householderQ() * Mat::Identity(d, d);
  return q.rightCols(d - 1);
}

Mat tangent_hessian(const Objective& f, const Vec& theta) {
  const Mat b = tangent_basis(theta);
  const double shift = theta.dot(f.gradient(theta)) / theta.squaredNorm();  // θ·∇F/s²
  Mat t = b.transpose() * f.hessian(theta) * b;
  t.diagonal().array() -= shift;
  return 0.5 * (t + t.transpose());
}

}  // namespace optdyn::analysis
