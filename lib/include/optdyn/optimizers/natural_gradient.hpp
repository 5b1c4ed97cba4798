#pragma once
// The natural gradient's parameters and typed factory (Amari 1998; seed 004); the step is in
// lib/src/optimizers/natural_gradient.cpp.
#include <cstdint>

#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct NaturalGradientParams {
  double lr = 1.0;
  // true_fisher: the exact output Fisher (= GGN); empirical: data labels; sampled: labels
  // drawn from the model (seeded).
  FisherKind fisher = FisherKind::true_fisher;
  double damping = 1e-4;     // λ ≥ 0 added to the Fisher's diagonal
  std::uint64_t seed = 0;    // of the sampled labels
  double tol = 1e-10;        // CG relative residual
  Index max_iterations = 0;  // CG products per step (0: 2·D)
  static const ParamTable<NaturalGradientParams>& table();
};

OptimizerPtr make_natural_gradient(const NaturalGradientParams& params = {});

}  // namespace optdyn
