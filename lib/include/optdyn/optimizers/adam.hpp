#pragma once
// Adam's parameters and typed factory (Kingma & Ba 2015, Algorithm 1); the update and its
// conventions are in lib/src/optimizers/adam.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct AdamParams {
  // seed = torch: ε added to √v̂; efficient: ε added to √v (Kingma & Ba §2, last paragraph).
  enum class Convention { seed, torch, efficient };
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  Convention convention = Convention::seed;
  static const ParamTable<AdamParams>& table();
};

OptimizerPtr make_adam(const AdamParams& params = {});

}  // namespace optdyn
