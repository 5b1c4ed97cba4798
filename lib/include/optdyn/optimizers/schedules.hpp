#pragma once
// Learning-rate schedules' parameters and typed factories (modifier.hpp); the factors are in
// lib/src/optimizers/schedules.cpp.
#include <optional>

#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/modifier.hpp"

namespace optdyn {

// constant: factor 1.
struct ConstantParams {
  static const ParamTable<ConstantParams>& table();
};

// robbins_monro: 1/(1 + (t−1)/t0)^alpha, alpha ∈ (½, 1].
struct RobbinsMonroParams {
  double alpha = 1.0;
  double t0 = 1.0;
  static const ParamTable<RobbinsMonroParams>& table();
};

// step_lr: gamma^⌊(t−1)/every⌋ (torch StepLR).
struct StepLrParams {
  long every = 1000;
  double gamma = 0.1;
  static const ParamTable<StepLrParams>& table();
};

// cosine: min_factor + (1 − min_factor)(1 + cos(π·min(t−1, t_max)/t_max))/2; t_max required.
struct CosineParams {
  std::optional<long> t_max;
  double min_factor = 0.0;
  static const ParamTable<CosineParams>& table();
};

// inverse_sqrt: 1/√t.
struct InverseSqrtParams {
  static const ParamTable<InverseSqrtParams>& table();
};

// warmup: min(1, t/steps).
struct WarmupParams {
  long steps = 100;
  static const ParamTable<WarmupParams>& table();
};

ModifierPtr make_constant(const ConstantParams& params = {});
ModifierPtr make_robbins_monro(const RobbinsMonroParams& params = {});
ModifierPtr make_step_lr(const StepLrParams& params = {});
ModifierPtr make_cosine(const CosineParams& params);
ModifierPtr make_inverse_sqrt(const InverseSqrtParams& params = {});
ModifierPtr make_warmup(const WarmupParams& params = {});

}  // namespace optdyn
