#pragma once
// Small seeded MLPs on synthetic data for the network tests (mlp, kfac, natural_gradient).
#include <cstdint>
#include <utility>

#include "optdyn/core/rng.hpp"
#include "optdyn/data/dataset.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn::testing {

// d inputs, k outputs, n samples. Gaussian inputs; mse: Gaussian targets (k rows);
// cross_entropy: random labels in [0, k) with one-hot targets; binary_cross_entropy: labels
// 0/1 as a single target row.
inline Dataset synthetic_data(Index d, Index k, Index n, MlpLoss loss, std::uint64_t seed) {
  Rng rng(seed);
  Dataset data;
  data.description = "synthetic test data";
  data.inputs = rng.normal_matrix(d, n);
  if (loss == MlpLoss::mse) {
    data.targets = rng.normal_matrix(k, n);
    return data;
  }
  const Index classes = loss == MlpLoss::cross_entropy ? k : 2;
  data.targets = Mat::Zero(loss == MlpLoss::cross_entropy ? k : 1, n);
  for (Index i = 0; i < n; ++i) {
    data.labels.push_back(static_cast<int>(rng.below(classes)));
    if (loss == MlpLoss::cross_entropy)
      data.targets(data.labels.back(), i) = 1.0;
    else
      data.targets(0, i) = data.labels.back();
  }
  return data;
}

// The network `arch` on synthetic_data(input width, output width, n, arch.loss, seed).
inline Mlp synthetic_mlp(MlpArchitecture arch, Index n, std::uint64_t seed) {
  Dataset data = synthetic_data(arch.widths.front(), arch.widths.back(), n, arch.loss, seed);
  return Mlp(std::move(arch), std::move(data), "mlp-test");
}

}  // namespace optdyn::testing
