#pragma once
// Delta-bar-delta's parameters and typed factory (Jacobs 1988); the update is in
// lib/src/optimizers/delta_bar_delta.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct DeltaBarDeltaParams {
  double lr = 0.01;      // initial per-coordinate rate ε₀
  double kappa = 0.001;  // additive increase κ
  double phi = 0.1;      // multiplicative decrease φ ∈ [0, 1]
  double theta = 0.7;    // averaging coefficient θ of δ̄, in [0, 1]
  static const ParamTable<DeltaBarDeltaParams>& table();
};

OptimizerPtr make_delta_bar_delta(const DeltaBarDeltaParams& params = {});

}  // namespace optdyn
