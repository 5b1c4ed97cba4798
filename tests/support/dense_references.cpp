#include "support/dense_references.hpp"

#include <Eigen/Eigenvalues>

namespace optdyn::testing {

Mat dense_matrix(const std::function<void(const Vec&, Vec&)>& product, Index dim) {
  Mat m;
  Vec column;
  for (Index j = 0; j < dim; ++j) {
    product(Vec::Unit(dim, j), column);
    if (j == 0) m.resize(column.size(), dim);
    m.col(j) = column;
  }
  return m;
}

Mat residual_jacobian(const Objective& f, const Vec& theta) {
  const auto* ls = f.least_squares();
  return dense_matrix([&](const Vec& e, Vec& out) { out = ls->jacobian_vector(theta, e); }, f.dim());
}

int index_at(const Objective& f, const Vec& theta, double tol) {
  const Eigen::SelfAdjointEigenSolver<Mat> eig(f.hessian(theta));
  return static_cast<int>((eig.eigenvalues().array() < -tol).count());
}

}  // namespace optdyn::testing
