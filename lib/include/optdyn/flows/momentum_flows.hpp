#pragma once
// Parameters and typed factories of the five momentum-type flows, which share one class
// (inertial_flow.hpp: m Ẍ + (γ₀ + r/t)Ẋ + β∇²fẊ + (b₀ + c/t)∇f = 0). Fields, starts and
// sources: lib/src/flows/heavy_ball.cpp, high_resolution.cpp, nesterov_ode.cpp.
//
//   FlowPtr hb = make_heavy_ball_flow(f, {.mass = 0.0095, .friction = 0.1, .v0 = 1 / 1.9});
#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

// heavy_ball: mẌ + γẊ + ∇f = 0 (Polyak 1964), Ẋ(0) = −v0·∇f(θ₀).
struct HeavyBallFlowParams {
  double mass = 1.0;      // m > 0
  double friction = 1.0;  // γ ≥ 0
  double v0 = 0.0;        // initial velocity factor (0: at rest)
  friend bool operator==(const HeavyBallFlowParams&, const HeavyBallFlowParams&) = default;
  static const ParamTable<HeavyBallFlowParams>& table();
};

// Ẋ(t₀) of hb_high_res and nag_sc_high_res (high_resolution.cpp): the paper's forward
// difference −2√s∇f/(1+√(μs)), or the velocity that puts X(t₀ + √s) on the first iterate.
enum class HighResolutionStart { paper, matched };

// hb_high_res: Ẍ + 2√μẊ + (1+√(μs))∇f = 0 (Shi, Du, Jordan & Su 2018).
struct HbHighResFlowParams {
  double s = 0.01;  // step size of the discrete method (> 0); t = k√s
  double mu = 1.0;  // strong-convexity parameter μ ≥ 0
  double t0 = 0.0;  // start time ≥ 0 (autonomous: shifts the clock only)
  HighResolutionStart start = HighResolutionStart::paper;
  friend bool operator==(const HbHighResFlowParams&, const HbHighResFlowParams&) = default;
  static const ParamTable<HbHighResFlowParams>& table();
};

// nag_sc_high_res: Ẍ + 2√μẊ + √s∇²fẊ + (1+√(μs))∇f = 0 (idem; the keys of hb_high_res).
struct NagScHighResFlowParams {
  double s = 0.01;
  double mu = 1.0;
  double t0 = 0.0;
  HighResolutionStart start = HighResolutionStart::paper;
  friend bool operator==(const NagScHighResFlowParams&, const NagScHighResFlowParams&) = default;
  static const ParamTable<NagScHighResFlowParams>& table();
};

// nag_c_high_res: Ẍ + (3/t)Ẋ + √s∇²fẊ + (1 + 3√s/(2t))∇f = 0 from t₀ = 3√s/2 (idem).
struct NagCHighResFlowParams {
  double s = 0.01;
  friend bool operator==(const NagCHighResFlowParams&, const NagCHighResFlowParams&) = default;
  static const ParamTable<NagCHighResFlowParams>& table();
};

// nesterov_ode: Ẍ + (r/t)Ẋ + ∇f = 0 from t₀ > 0 with the series start (Su, Boyd & Candès 2014).
struct NesterovOdeFlowParams {
  double r = 3.0;     // friction r in r/t (> 0)
  double t0 = 0.001;  // start time t₀ > 0
  friend bool operator==(const NesterovOdeFlowParams&, const NesterovOdeFlowParams&) = default;
  static const ParamTable<NesterovOdeFlowParams>& table();
};

FlowPtr make_heavy_ball_flow(const Objective& objective, const HeavyBallFlowParams& params = {});
FlowPtr make_hb_high_res_flow(const Objective& objective, const HbHighResFlowParams& params = {});
FlowPtr make_nag_sc_high_res_flow(const Objective& objective, const NagScHighResFlowParams& params = {});
FlowPtr make_nag_c_high_res_flow(const Objective& objective, const NagCHighResFlowParams& params = {});
FlowPtr make_nesterov_ode_flow(const Objective& objective, const NesterovOdeFlowParams& params = {});

}  // namespace optdyn
