#pragma once
// AMSGrad's parameters and typed factory (Reddi, Kale & Kumar 2018, Algorithm 2); the update
// and its conventions are in lib/src/optimizers/amsgrad.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct AmsgradParams {
  // seed: max of raw v, no bias correction; torch: max of raw v, then corrected; optax: max
  // of the corrected v̂.
  enum class Convention { seed, torch, optax };
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  Convention convention = Convention::seed;
  static const ParamTable<AmsgradParams>& table();
};

OptimizerPtr make_amsgrad(const AmsgradParams& params = {});

}  // namespace optdyn
