// Centring and ZCA whitening of inputs (see preprocess.hpp).
#include "optdyn/data/preprocess.hpp"

#include <Eigen/Eigenvalues>

#include "optdyn/core/error.hpp"

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
  // Eigenvalues of a covariance are ≥ 0 up to rounding; clamp before adding ε.
  const Vec scale = (eig.eigenvalues().cwiseMax(0.0).array() + epsilon).rsqrt().matrix();
  if (!scale.allFinite())
    throw InputError("whiten: the covariance is singular; use whiten_eps > 0");
  const Mat& U = eig.eigenvectors();
  const Mat zca = U * scale.asDiagonal() * U.transpose();
  data.inputs = zca * data.inputs;
}

}  // namespace optdyn
