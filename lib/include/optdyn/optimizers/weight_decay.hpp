#pragma once
// Coupled L2 weight decay's parameters and typed factory (modifier.hpp); the map is in
// lib/src/optimizers/weight_decay.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/modifier.hpp"

namespace optdyn {

// g ← g + wd·θ (penalty (wd/2)‖θ‖², wd ≥ 0).
struct WeightDecayParams {
  double wd = 0.0;
  static const ParamTable<WeightDecayParams>& table();
};

ModifierPtr make_weight_decay(const WeightDecayParams& params = {});

}  // namespace optdyn
