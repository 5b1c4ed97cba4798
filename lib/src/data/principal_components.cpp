// PCA-whitened leading principal coordinates of the inputs (principal_components.hpp).
#include "optdyn/data/principal_components.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/data/preprocess.hpp"

namespace optdyn {

void project_on_principal_components(Dataset& data, Index components) {
  const Index d = data.input_dim(), n = data.size();
  if (components < 1 || components > std::min(d, n - 1))
    throw InputError("principal components: " + std::to_string(components) + " components of " + std::to_string(d) +
                     "-dimensional inputs with " + std::to_string(n) + " samples (need 1 <= m <= min(d, n - 1))");
  centre_inputs(data);
  const Mat covariance = data.inputs * data.inputs.transpose() / static_cast<double>(n);  // C = X̃X̃ᵀ/n
  Eigen::SelfAdjointEigenSolver<Mat> eig(covariance);
  if (eig.info() != Eigen::Success) throw InputError("principal components: the eigendecomposition failed");
  Mat basis(d, components);  // e_j/√λ_j, λ descending (Eigen sorts ascending)
  for (Index j = 0; j < components; ++j) {
    const double lambda = eig.eigenvalues()[d - 1 - j];
    if (!(lambda > 0.0)) throw InputError("principal components: component " + std::to_string(j) + " has zero variance");
    basis.col(j) = eig.eigenvectors().col(d - 1 - j) / std::sqrt(lambda);
  }
  data.inputs = basis.transpose() * data.inputs;  // z_i = (e_jᵀx̃_i/√λ_j)_j
}

}  // namespace optdyn
