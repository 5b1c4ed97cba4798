// Centring and ZCA whitening of inputs (see preprocess.hpp).
#include "optdyn/data/preprocess.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <limits>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn {

void centre_inputs(Dataset& data) {
  if (data.size() == 0) return;
  const Vec mean = data.inputs.rowwise().mean();
  data.inputs.colwise() -= mean;
}

void whiten_inputs(Dataset& data, double epsilon) {
  if (!(epsilon >= 0)) throw InputError("whiten: epsilon must be >= 0");
  if (data.size() == 0) return;
  centre_inputs(data);
  const Index n = data.size();
  const Mat covariance = (data.inputs * data.inputs.transpose()) / static_cast<double>(n);
  Eigen::SelfAdjointEigenSolver<Mat> eig(covariance);
  if (eig.info() != Eigen::Success) throw InputError("whiten: the eigendecomposition of the covariance failed");
  // Eigenvalues of a covariance are ≥ 0 up to rounding, which is of order d·ε·λ_max: below
  // that an eigenvalue is numerically zero, and ε must regularise it.
  const Vec& lambda = eig.eigenvalues();  // ascending
  const double d = static_cast<double>(lambda.size());
  const double tolerance = d * std::numeric_limits<double>::epsilon() * std::max(lambda.maxCoeff(), 0.0);
  if (lambda.minCoeff() <= tolerance && !(epsilon > tolerance)) {
    const auto zero = (lambda.array() <= tolerance).count();
    throw InputError("whiten: the input covariance is singular (" + std::to_string(zero) + " of " +
                     std::to_string(lambda.size()) + " eigenvalues <= d*eps_machine*lambda_max = " +
                     format_number(tolerance, 3) + ", e.g. fewer samples than inputs); whiten_eps = " +
                     format_number(epsilon, 3) + " is too small to regularise them: use whiten_eps > " +
                     format_number(tolerance, 3) + " (e.g. 1e-5)");
  }
  const Vec scale = (lambda.cwiseMax(0.0).array() + epsilon).rsqrt().matrix();
  const Mat& U = eig.eigenvectors();
  const Mat zca = U * scale.asDiagonal() * U.transpose();
  data.inputs = zca * data.inputs;
}

}  // namespace optdyn
