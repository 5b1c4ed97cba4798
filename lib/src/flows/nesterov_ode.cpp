// Nesterov ODE  Ẍ + (r/t)Ẋ + ∇f(X) = 0  (Su, Boyd & Candès 2014, eq. (3) with r = 3 and
// Section 5 for general r: the limit of NAG with momentum (k−1)/(k+r−1) and t = k√s).
// X(0) = x₀, Ẋ(0) = 0; the friction r/t is singular at 0, so the flow starts at t₀ > 0
// (key t0) from the series solution, derived by inserting X = x₀ + a t² + b t⁴ + O(t⁶)
// (odd powers vanish: the t³ coefficient satisfies (6 + 3r)c = 0):
//   t⁰:  2a(1 + r) + ∇f(x₀) = 0            ⇒  a = −∇f(x₀)/(2(r+1))
//   t²:  4b(3 + r) + ∇²f(x₀)a = 0          ⇒  b = ∇²f(x₀)∇f(x₀)/(8(r+1)(r+3))
// so X(t₀) = x₀ − t₀²∇f/(2(r+1)) + t₀⁴∇²f∇f/(8(r+1)(r+3)),
//    Ẋ(t₀) = −t₀∇f/(r+1) + t₀³∇²f∇f/(2(r+1)(r+3))      (r = 3: /8 and /4, SBC §3),
// error O(t₀⁶‖∇²f‖²‖∇f‖); one gradient and one HVP at x₀. Not autonomous.
#include "optdyn/flows/inertial_flow.hpp"
#include "optdyn/flows/momentum_flows.hpp"
#include "optdyn/flows/registry.hpp"

namespace optdyn {
namespace {

InertialCoefficients nesterov_coefficients(const NesterovOdeFlowParams& p) {
  InertialCoefficients c;
  c.friction_over_t = p.r;
  return c;
}

class NesterovOde : public InertialFlow {
 public:
  NesterovOde(const NesterovOdeFlowParams& p, std::string spec, const Objective& f)
      : InertialFlow(f, std::move(spec), nesterov_coefficients(p), p.t0), r_(p.r) {}

  Vec initial_state(const Vec& theta0) const override {
    check_parameters(theta0);
    const double t = start_time(), r = r_;
    const Vec g = objective().gradient(theta0);
    const Vec hg = objective().hessian_vector(theta0, g);
    const Vec x = theta0 - (t * t / (2 * (r + 1))) * g + (t * t * t * t / (8 * (r + 1) * (r + 3))) * hg;
    const Vec v = -(t / (r + 1)) * g + (t * t * t / (2 * (r + 1) * (r + 3))) * hg;
    return make_state(x, v);
  }

 private:
  double r_;
};

}  // namespace

const ParamTable<NesterovOdeFlowParams>& NesterovOdeFlowParams::table() {
  using P = NesterovOdeFlowParams;
  static const auto t =
      ParamTable<P>("flow", "nesterov_ode",
                    "Su–Boyd–Candès Ẍ + (r/t)Ẋ + ∇f = 0 from t₀ > 0 with the series start (limit of NAG, t = k√s)")
          .real("r", &P::r, Range::positive(), "friction r in r/t (> 0; NAG momentum (k−1)/(k+r−1))")
          .real("t0", &P::t0, Range::positive(), "start time t₀ > 0 (series start; error O(t₀⁶))");
  return t;
}

FlowPtr make_nesterov_ode_flow(const Objective& f, const NesterovOdeFlowParams& p) { return make_typed_flow<NesterovOde>(f, p); }

FlowEntry nesterov_ode_entry() { return typed_flow_entry<NesterovOde, NesterovOdeFlowParams>(); }

}  // namespace optdyn
