#pragma once
// The stochastic modified equation of SGD (Li, Tai & E 2017); the drift, the diffusion and the
// sampling factor are in lib/src/flows/sgd_sde.cpp. Integrate with euler_maruyama.
#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

struct SgdSdeFlowParams {
  enum class Order { first, second };           // weak order of the drift: 1 | 2
  enum class Noise { per_sample, isotropic };   // Σ from the n per-sample gradients | σ²I
  enum class Sampling { replacement, without };  // Σ/B | (Σ/B)(n−B)/(n−1)
  double lr = 0.01;  // SGD learning rate η (Δt per step), > 0
  long batch = 1;    // batch size B ≥ 1
  Order order = Order::first;
  Noise noise = Noise::per_sample;
  double sigma = 1.0;  // per-sample gradient noise σ ≥ 0 (noise=isotropic only)
  Sampling sampling = Sampling::replacement;
  friend bool operator==(const SgdSdeFlowParams&, const SgdSdeFlowParams&) = default;
  static const ParamTable<SgdSdeFlowParams>& table();
};

// InputError naming noise (per_sample on an objective that is not a finite sum) or batch
// (sampling=without with B > n).
FlowPtr make_sgd_sde_flow(const Objective& objective, const SgdSdeFlowParams& params = {});

}  // namespace optdyn
