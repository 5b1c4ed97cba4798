#pragma once
// RMSprop's parameters and typed factory (Tieleman & Hinton 2012; Graves 2013 centred); the
// update and its conventions are in lib/src/optimizers/rmsprop.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct RmspropParams {
  // seed: D = √(ṽ + ε) (seed 000); torch: D = √ṽ + ε.
  enum class Convention { seed, torch };
  double lr = 0.01;
  double alpha = 0.99;     // EMA coefficient of g² (seed 000's γ)
  double eps = 1e-8;
  bool centered = false;   // subtract the squared EMA of g (Graves 2013)
  double momentum = 0.0;   // torch's momentum μ on g/D
  Convention convention = Convention::seed;
  static const ParamTable<RmspropParams>& table();
};

OptimizerPtr make_rmsprop(const RmspropParams& params = {});

}  // namespace optdyn
