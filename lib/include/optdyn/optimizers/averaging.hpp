#pragma once
// Polyak–Ruppert averaging's parameters and typed factory (modifier.hpp); the average is in
// lib/src/optimizers/averaging.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/modifier.hpp"

namespace optdyn {

// state "average" = mean of the iterates after step `start` (θ_t itself before).
struct AverageParams {
  long start = 0;
  static const ParamTable<AverageParams>& table();
};

ModifierPtr make_average(const AverageParams& params = {});

}  // namespace optdyn
