#include "support/dense_references.hpp"

#include <Eigen/Eigenvalues>

namespace optdyn::testing {

Mat residual_jacobian(const Objective& f, const Vec& theta) {
  const auto* ls = f.least_squares();
  return dense_from_products([&](const Vec& e, Vec& out) { out = ls->jacobian_vector(theta, e); }, f.dim());
}

int index_at(const Objective& f, const Vec& theta, double tol) {
  const Eigen::SelfAdjointEigenSolver<Mat> eig(f.hessian(theta));
  return static_cast<int>((eig.eigenvalues().array() < -tol).count());
}

}  // namespace optdyn::testing
