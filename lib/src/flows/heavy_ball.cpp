// Heavy-ball ODE  m Ẍ + γ Ẋ + ∇f(X) = 0  (Polyak 1964, §3; the O(η²) modified equation of
// momentum with m = η(1+μ)/2, γ = 1 − μ, t = kη: continuous_limit.cpp derives it).
// State z = (X, V = Ẋ). Start X(0) = θ₀, Ẋ(0) = −v0·∇f(θ₀) (v0 = 0: at rest; the momentum
// limit uses v0 = 1/(1+μ), which puts the slow mode's amplitude right to O(η²)).
// Jacobian products are exact (one HVP): J(u, w) = (w, −(γw + ∇²f u)/m).
#include <limits>

#include "optdyn/flows/inertial_flow.hpp"
#include "optdyn/flows/momentum_flows.hpp"
#include "optdyn/flows/registry.hpp"

namespace optdyn {
namespace {

InertialCoefficients heavy_ball_coefficients(const HeavyBallFlowParams& p) {
  InertialCoefficients c;
  c.mass = p.mass;
  c.friction = p.friction;
  return c;
}

class HeavyBall : public InertialFlow {
 public:
  HeavyBall(const HeavyBallFlowParams& p, std::string spec, const Objective& f)
      : InertialFlow(f, std::move(spec), heavy_ball_coefficients(p), 0.0), v0_(p.v0) {}

  Vec initial_state(const Vec& theta0) const override {
    check_parameters(theta0);
    const Vec v = v0_ == 0.0 ? Vec::Zero(dim()) : Vec(-v0_ * objective().gradient(theta0));
    return make_state(theta0, v);
  }

 private:
  double v0_;
};

}  // namespace

const ParamTable<HeavyBallFlowParams>& HeavyBallFlowParams::table() {
  using P = HeavyBallFlowParams;
  static const auto t =
      ParamTable<P>("flow", "heavy_ball", "heavy-ball ODE mẌ + γẊ + ∇f = 0, z = (X, Ẋ) (Polyak 1964; limit of momentum)")
          .real("mass", &P::mass, Range::positive(), "mass m > 0")
          .real("friction", &P::friction, Range::closed(0.0, std::numeric_limits<double>::max()), "friction γ ≥ 0")
          .real("v0", &P::v0, Range::any(), "initial velocity Ẋ(0) = −v0·∇f(θ₀) (0: at rest)");
  return t;
}

FlowPtr make_heavy_ball_flow(const Objective& f, const HeavyBallFlowParams& p) { return make_typed_flow<HeavyBall>(f, p); }

FlowEntry heavy_ball_entry() { return typed_flow_entry<HeavyBall, HeavyBallFlowParams>(); }

}  // namespace optdyn
