#pragma once
// Each discrete optimizer that has a continuous limit names it (doc/design.md: "Each optimizer
// that has a continuous limit names its flow"; issue 4).
//
//   ContinuousLimit c = continuous_limit("momentum:lr=0.01,mu=0.9");
//   // c.flow = "heavy_ball:mass=...,friction=...", step k  ↔  t = c.time_at_step(k)
//
// Step k of the optimizer (k = 0 is θ₀) corresponds to time t_k = k·time_per_step on the
// flow's clock (so t₀ > 0 flows are compared from the first step with t_k ≥ t₀). The
// modified (backward-error) flow, when one is known, is a second flow that the map follows
// to higher order (Barrett & Dherin 2021 for GD).
#include <string>
#include <string_view>

#include "optdyn/core/types.hpp"
#include "optdyn/optimizers/minibatch_sampler.hpp"

namespace optdyn {

struct ContinuousLimit {
  std::string optimizer;      // the resolved optimizer spec
  std::string flow;           // resolved flow spec of the limit
  double time_per_step = 0;   // Δt: step k ↔ t = k·Δt
  std::string modified_flow;  // resolved spec of the modified flow; empty when none is known
  std::string correspondence; // one line: which limit, and its source
  double time_at_step(double k) const { return k * time_per_step; }
};

// InputError naming the optimizer (or modifier) when no continuous limit is implemented
// (e.g. schedules other than `constant`, clipping, delta_bar_delta).
ContinuousLimit continuous_limit(std::string_view optimizer_spec);

// The stochastic limit of minibatch SGD (`gd`, or `sgd` without momentum) with batch size
// `batch` drawn by `sampling`: flow = sgd_sde order 1 with per-sample noise, modified_flow
// = order 2 (Li, Tai & E 2017), time per step lr. sampling=replacement ↔ covariance Σ/B,
// shuffle ↔ (Σ/B)(n−B)/(n−1) (sgd_sde's sampling=without; batches of one epoch are also
// correlated, which the SDE ignores); cyclic has no SDE limit (InputError). Everything
// else: InputError naming the optimizer. batch = 0 (full batch) is continuous_limit's case.
ContinuousLimit stochastic_limit(std::string_view optimizer_spec, Index batch, Sampling sampling = Sampling::replacement);

}  // namespace optdyn
