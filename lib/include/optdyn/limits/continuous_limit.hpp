#pragma once
// Each discrete optimizer that has a continuous limit names it (doc/design.md: "Each optimizer
// that has a continuous limit names its flow"; issue 4).
//
//   ContinuousLimit c = continuous_limit("momentum:lr=0.01,mu=0.9");
//   // c.flow_params holds HeavyBallFlowParams{.mass = η(1+μ)/2, .friction = 1−μ, .v0 = 1/(1+μ)},
//   // c.flow its spec "heavy_ball:mass=0.0095,friction=0.1,v0=...", step k  ↔  t = c.time_at_step(k)
//   FlowPtr flow = c.make_flow(f);
//
// The limit is computed from the optimizer's typed parameters (its table read from the
// resolved spec) and answered with the flow's typed parameters: no number is printed into a
// spec and parsed again. The spec strings are to_spec of the typed parameters, for the record.
//
// Step k of the optimizer (k = 0 is θ₀) corresponds to time t_k = k·time_per_step on the
// flow's clock (so t₀ > 0 flows are compared from the first step with t_k ≥ t₀). The
// modified (backward-error) flow, when one is known, is a second flow that the map follows
// to higher order (Barrett & Dherin 2021 for GD).
#include <optional>
#include <string>
#include <string_view>

#include "optdyn/core/types.hpp"
#include "optdyn/flows/flow_params.hpp"
#include "optdyn/optimizers/minibatch_sampler.hpp"

namespace optdyn {

struct ContinuousLimit {
  std::string optimizer;       // the resolved optimizer spec
  FlowParams flow_params;      // the flow of the limit, typed
  std::string flow;            // its spec, flow_spec(flow_params)
  double time_per_step = 0;    // Δt: step k ↔ t = k·Δt
  std::optional<FlowParams> modified_flow_params;  // the modified flow, when one is known
  std::string modified_flow;   // its spec; empty when none is known
  std::string correspondence;  // one line: which limit, and its source
  double time_at_step(double k) const { return k * time_per_step; }
  // The flows on `objective`, built from the typed parameters (make_modified_flow: null when
  // there is none).
  FlowPtr make_flow(const Objective& objective) const { return optdyn::make_flow(flow_params, objective); }
  FlowPtr make_modified_flow(const Objective& objective) const {
    return modified_flow_params ? optdyn::make_flow(*modified_flow_params, objective) : nullptr;
  }
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
