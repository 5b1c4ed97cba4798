#pragma once
// Heavy-ball momentum's parameters and typed factory; the three conventions are in
// lib/src/optimizers/momentum.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct MomentumParams {
  // classic v = μv + ηg, θ −= v (seeds 001/002); ema v = μv + (1−μ)g, θ −= ηv (seed 000);
  // bias_corrected θ −= ηv/(1−μᵗ) (seed 003; needs μ < 1).
  enum class Convention { classic, ema, bias_corrected };
  double lr = 0.01;
  double mu = 0.9;
  Convention convention = Convention::classic;
  static const ParamTable<MomentumParams>& table();
};

OptimizerPtr make_momentum(const MomentumParams& params = {});

}  // namespace optdyn
