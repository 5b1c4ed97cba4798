#pragma once
// SVAG (stochastic variance amplified gradient; Li, Malladi & Arora 2021): its parameters and
// typed factory; the map, its moments and its SDE limit are in lib/src/optimizers/svag.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct SvagParams {
  double lr = 0.01;  // η of the SGD being simulated (SVAG's own step is η/l)
  double l = 1.0;    // variance amplification l ≥ 1; l = 1 is SGD
  static const ParamTable<SvagParams>& table();
};

OptimizerPtr make_svag(const SvagParams& params = {});

}  // namespace optdyn
