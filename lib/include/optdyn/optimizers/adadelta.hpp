#pragma once
// Adadelta's parameters and typed factory (Zeiler 2012); the update and its conventions are
// in lib/src/optimizers/adadelta.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct AdadeltaParams {
  // seed: u tracks the actual step (ηΔ)² (seed 000); torch: u tracks Δ².
  enum class Convention { seed, torch };
  double lr = 1.0;    // Zeiler: 1
  double rho = 0.9;   // EMA coefficient ρ
  double eps = 1e-6;  // inside both roots
  Convention convention = Convention::seed;
  static const ParamTable<AdadeltaParams>& table();
};

OptimizerPtr make_adadelta(const AdadeltaParams& params = {});

}  // namespace optdyn
