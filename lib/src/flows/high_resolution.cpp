// High-resolution ODEs of Shi, Du, Jordan & Su 2018 ("Understanding the acceleration
// phenomenon via high-resolution differential equations", arXiv:1810.08907, eqs. (1.6)–(1.8)),
// time t = k√s, state z = (X, V = Ẋ):
//   hb_high_res      Ẍ + 2√μ Ẋ + (1 + √(μs))∇f(X) = 0
//   nag_sc_high_res  Ẍ + 2√μ Ẋ + √s∇²f(X)Ẋ + (1 + √(μs))∇f(X) = 0   (the "gradient correction"
//                    √s∇²f(X)Ẋ is one HVP per evaluation)
//     both from X(t₀) = x₀ with Ẋ(t₀) chosen by key `start`:
//       paper    Ẋ(t₀) = −2√s∇f(x₀)/(1 + √(μs)) = (x₁ − x₀)/√s, the paper's initial condition
//                for the first step x₁ = x₀ − 2s∇f(x₀)/(1 + √(μs)) of both methods (momentum
//                α = (1 − √(μs))/(1 + √(μs)), y₀ = x₀). As I read the paper; the text was not
//                available to re-check here.
//       matched  Ẋ(t₀) = (x₁ − x₀)/√s − (√s/2)Ẍ(t₀) with Ẍ ≈ −(1 + √(μs))∇f(x₀), i.e.
//                −√s∇f(x₀)·(2/(1 + √(μs)) − (1 + √(μs))/2)  (→ −(3/2)√s∇f as s → 0),
//                so that X(t₀ + √s) = x₁ + O(s^{3/2}). The paper's velocity is the forward
//                difference (x₁ − x₀)/√s, off by O(√s) from Ẋ(t₀) — an O(√s) velocity error
//                that leaves an O(√s) gap between x_k and X(k√s) at fixed T; the matched
//                start leaves O(s) (continuous_limit_test measures both).
//     Autonomous: t₀ (key t0, default 0) only shifts the clock; continuous_limit uses t0 = √s
//     for Sutskever's θ_k (see there).
//   nag_c_high_res   Ẍ + (3/t)Ẋ + √s∇²f(X)Ẋ + (1 + 3√s/(2t))∇f(X) = 0 for t ≥ t₀ = 3√s/2,
//     X(t₀) = x₀, Ẋ(t₀) = −√s∇f(x₀) (the paper's start).
#include <cmath>
#include <limits>
#include <vector>

#include "optdyn/flows/inertial_flow.hpp"
#include "optdyn/flows/momentum_flows.hpp"
#include "optdyn/flows/registry.hpp"

namespace optdyn {
namespace {

enum class Variant { heavy_ball, nag_sc, nag_c };

// The keys of one flow, whatever its parameter struct (nag_c: mu, t0 and start unused).
struct Settings {
  double s = 0.01, mu = 1.0, t0 = 0.0;
  bool matched = false;
};

InertialCoefficients high_resolution_coefficients(const Settings& k, Variant variant) {
  const double step = k.s, rs = std::sqrt(step);
  InertialCoefficients c;
  c.hessian_damping = variant == Variant::heavy_ball ? 0.0 : rs;
  if (variant == Variant::nag_c) {
    c.friction_over_t = 3.0;
    c.gradient_scale_over_t = 1.5 * rs;
  } else {
    const double mu = k.mu;
    c.friction = 2.0 * std::sqrt(mu);
    c.gradient_scale = 1.0 + std::sqrt(mu * step);
  }
  return c;
}

double high_resolution_start(const Settings& k, Variant variant) {
  if (variant == Variant::nag_c) return 1.5 * std::sqrt(k.s);
  return k.t0;
}

class HighResolution : public InertialFlow {
 public:
  HighResolution(const Settings& k, std::string spec, const Objective& f, Variant variant)
      : InertialFlow(f, std::move(spec), high_resolution_coefficients(k, variant), high_resolution_start(k, variant)),
        variant_(variant),
        root_s_(std::sqrt(k.s)),
        matched_(variant != Variant::nag_c && k.matched) {}

  Vec initial_state(const Vec& theta0) const override {
    check_parameters(theta0);
    const Vec g = objective().gradient(theta0);
    // NAG-C: −√s∇f(x₀); HB/NAG-SC: −2√s∇f(x₀)/b₀ (paper) or −√s∇f(x₀)(2/b₀ − b₀/2) (matched),
    // b₀ = 1 + √(μs).
    const double b0 = coefficients().gradient_scale;
    const double scale = variant_ == Variant::nag_c ? root_s_ : matched_ ? root_s_ * (2.0 / b0 - b0 / 2.0) : 2.0 * root_s_ / b0;
    return make_state(theta0, -scale * g);
  }

 private:
  Variant variant_;
  double root_s_;
  bool matched_;
};

struct HbHighRes : HighResolution {
  HbHighRes(const HbHighResFlowParams& p, std::string spec, const Objective& f)
      : HighResolution({p.s, p.mu, p.t0, p.start == HighResolutionStart::matched}, std::move(spec), f,
                       Variant::heavy_ball) {}
};
struct NagScHighRes : HighResolution {
  NagScHighRes(const NagScHighResFlowParams& p, std::string spec, const Objective& f)
      : HighResolution({p.s, p.mu, p.t0, p.start == HighResolutionStart::matched}, std::move(spec), f,
                       Variant::nag_sc) {}
};
struct NagCHighRes : HighResolution {
  NagCHighRes(const NagCHighResFlowParams& p, std::string spec, const Objective& f)
      : HighResolution({.s = p.s}, std::move(spec), f, Variant::nag_c) {}
};

// s, shared by the three.
template <class P>
void step_key(ParamTable<P>& t) {
  t.real("s", &P::s, Range::positive(), "step size s of the discrete method (time t = k√s)");
}

// mu, t0, start: hb_high_res and nag_sc_high_res.
template <class P>
void strongly_convex_keys(ParamTable<P>& t) {
  const double max = std::numeric_limits<double>::max();
  t.real("mu", &P::mu, Range::closed(0.0, max), "strong-convexity parameter μ ≥ 0 (momentum α = (1−√(μs))/(1+√(μs)))")
      .real("t0", &P::t0, Range::closed(0.0, max), "start time (autonomous ODE: shifts the clock only)")
      .choice("start", &P::start, {{"paper", HighResolutionStart::paper}, {"matched", HighResolutionStart::matched}},
              "Ẋ(t₀): paper −2√s∇f/(1+√(μs)) | matched −√s∇f(2/(1+√(μs)) − (1+√(μs))/2)");
}

}  // namespace

const ParamTable<HbHighResFlowParams>& HbHighResFlowParams::table() {
  static const auto t =
      ParamTable<HbHighResFlowParams>("flow", "hb_high_res",
                                      "Shi et al. 2018 heavy ball: Ẍ + 2√μẊ + (1+√(μs))∇f = 0, Ẋ(t₀) = −2√s∇f/(1+√(μs))")
          .with(step_key<HbHighResFlowParams>)
          .with(strongly_convex_keys<HbHighResFlowParams>);
  return t;
}

const ParamTable<NagScHighResFlowParams>& NagScHighResFlowParams::table() {
  static const auto t =
      ParamTable<NagScHighResFlowParams>("flow", "nag_sc_high_res",
                                         "Shi et al. 2018 NAG-SC: Ẍ + 2√μẊ + √s∇²fẊ + (1+√(μs))∇f = 0 (one HVP per call)")
          .with(step_key<NagScHighResFlowParams>)
          .with(strongly_convex_keys<NagScHighResFlowParams>);
  return t;
}

const ParamTable<NagCHighResFlowParams>& NagCHighResFlowParams::table() {
  static const auto t =
      ParamTable<NagCHighResFlowParams>("flow", "nag_c_high_res",
                                        "Shi et al. 2018 NAG-C: Ẍ + (3/t)Ẋ + √s∇²fẊ + (1+3√s/(2t))∇f = 0, t ≥ 3√s/2")
          .with(step_key<NagCHighResFlowParams>);
  return t;
}

FlowPtr make_hb_high_res_flow(const Objective& f, const HbHighResFlowParams& p) { return make_typed_flow<HbHighRes>(f, p); }
FlowPtr make_nag_sc_high_res_flow(const Objective& f, const NagScHighResFlowParams& p) {
  return make_typed_flow<NagScHighRes>(f, p);
}
FlowPtr make_nag_c_high_res_flow(const Objective& f, const NagCHighResFlowParams& p) {
  return make_typed_flow<NagCHighRes>(f, p);
}

std::vector<FlowEntry> high_resolution_entries() {
  return {typed_flow_entry<HbHighRes, HbHighResFlowParams>(), typed_flow_entry<NagScHighRes, NagScHighResFlowParams>(),
          typed_flow_entry<NagCHighRes, NagCHighResFlowParams>()};
}

}  // namespace optdyn
