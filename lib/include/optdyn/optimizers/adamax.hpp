#pragma once
// AdaMax's parameters and typed factory (Kingma & Ba 2015, Algorithm 2); the update and its
// conventions are in lib/src/optimizers/adamax.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct AdamaxParams {
  // seed: u = max(β₂u, |g|) (Algorithm 2); torch: u = max(β₂u, |g| + ε).
  enum class Convention { seed, torch };
  double lr = 0.002;
  double beta1 = 0.9;
  double beta2 = 0.999;  // decay of the infinity norm u, in [0, 1]
  double eps = 1e-8;     // torch only
  Convention convention = Convention::seed;
  static const ParamTable<AdamaxParams>& table();
};

OptimizerPtr make_adamax(const AdamaxParams& params = {});

}  // namespace optdyn
