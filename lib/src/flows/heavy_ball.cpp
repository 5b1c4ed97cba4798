// Heavy-ball ODE  m Ẍ + γ Ẋ + ∇f(X) = 0  (Polyak 1964, §3; the O(η²) modified equation of
// momentum with m = η(1+μ)/2, γ = 1 − μ, t = kη: continuous_limit.cpp derives it).
// State z = (X, V = Ẋ). Start X(0) = θ₀, Ẋ(0) = −v0·∇f(θ₀) (v0 = 0: at rest; the momentum
// limit uses v0 = 1/(1+μ), which puts the slow mode's amplitude right to O(η²)).
// Jacobian products are exact (one HVP): J(u, w) = (w, −(γw + ∇²f u)/m).
#include <limits>

#include "optdyn/flows/inertial_flow.hpp"
#include "optdyn/flows/registry.hpp"

namespace optdyn {
namespace {

InertialCoefficients heavy_ball_coefficients(const Spec& s) {
  InertialCoefficients c;
  c.mass = s.positive("mass");
  c.friction = s.real("friction", 0.0, std::numeric_limits<double>::max());
  return c;
}

class HeavyBall : public InertialFlow {
 public:
  HeavyBall(const Spec& s, const Objective& f)
      : InertialFlow(f, s.canonical(), heavy_ball_coefficients(s), 0.0), v0_(s.real("v0")) {}

  Vec initial_state(const Vec& theta0) const override {
    check_parameters(theta0);
    const Vec v = v0_ == 0.0 ? Vec::Zero(dim()) : Vec(-v0_ * objective().gradient(theta0));
    return make_state(theta0, v);
  }

 private:
  double v0_;
};

}  // namespace

FlowEntry heavy_ball_entry() {
  return flow_entry<HeavyBall>("heavy_ball", "heavy-ball ODE mẌ + γẊ + ∇f = 0, z = (X, Ẋ) (Polyak 1964; limit of momentum)",
                               {{"mass", "1", "mass m > 0"},
                                {"friction", "1", "friction γ ≥ 0"},
                                {"v0", "0", "initial velocity Ẋ(0) = −v0·∇f(θ₀) (0: at rest)"}});
}

}  // namespace optdyn
