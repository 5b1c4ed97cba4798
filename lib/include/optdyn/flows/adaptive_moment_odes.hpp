#pragma once
// Parameters and typed factories of the Barakat–Bianchi ODEs of RMSprop and Adam; the fields,
// the series start and the source are in lib/src/flows/adaptive_moment_odes.cpp.
#include <optional>

#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

// S(x): full_batch (∇F)², or per_sample (1/n)Σ(∇f_i)² (a finite-sum objective; n gradients).
enum class SecondMoment { full_batch, per_sample };

// rmsprop_ode: ẋ = −∇F/(ε + √v) (eps_in_root: /√(v + ε)), v̇ = b(S − v).
struct RmspropOdeFlowParams {
  double b = 1.0;                  // rate of the second moment, (1 − α)/lr (> 0)
  double eps = 1e-8;               // ε ∈ (0, 1]
  bool eps_in_root = false;        // √(v + ε) (seed convention) instead of ε + √v (torch)
  SecondMoment second_moment = SecondMoment::full_batch;
  std::optional<double> t0{};      // start time t₀ > 0; unset = auto (1e-6/b), written t0=auto
  friend bool operator==(const RmspropOdeFlowParams&, const RmspropOdeFlowParams&) = default;
  static const ParamTable<RmspropOdeFlowParams>& table();
};

// adam_ode: ẋ = −h(t)m/(ε + √(r(t)v)), ṁ = a(∇F − m), v̇ = b(S − v).
struct AdamOdeFlowParams {
  double a = 100.0;                // rate of the first moment, (1 − β₁)/lr (> 0)
  double b = 1.0;                  // rate of the second moment, (1 − β₂)/lr (> 0)
  double eps = 1e-8;               // ε ∈ (0, 1] added to the bias-corrected √v̂
  bool bias_correction = true;     // h(t) = 1/(1 − e^{−at}), r(t) = 1/(1 − e^{−bt}) (false: 1)
  SecondMoment second_moment = SecondMoment::full_batch;
  std::optional<double> t0{};      // start time t₀ > 0; unset = auto (1e-6·min(1/a, 1/b))
  friend bool operator==(const AdamOdeFlowParams&, const AdamOdeFlowParams&) = default;
  static const ParamTable<AdamOdeFlowParams>& table();
};

FlowPtr make_rmsprop_ode_flow(const Objective& objective, const RmspropOdeFlowParams& params = {});
FlowPtr make_adam_ode_flow(const Objective& objective, const AdamOdeFlowParams& params = {});

}  // namespace optdyn
