#pragma once
// Inertial (second-order) flows with time-dependent friction and Hessian-driven damping:
//
//   m Ẍ + γ(t) Ẋ + β ∇²f(X) Ẋ + b(t) ∇f(X) = 0,   γ(t) = γ₀ + r/t,   b(t) = b₀ + c/t
//
// (Attouch, Peypouquet & Redont 2016 study this family with β > 0: "inertial dynamics with
// Hessian-driven damping"). One class covers every momentum limit of issue 4:
//   heavy_ball        m, γ₀, β = 0, b = 1                       (Polyak 1964)
//   hb_high_res       m = 1, γ₀ = 2√μ, β = 0, b₀ = 1 + √(μs)      (Shi, Du, Jordan & Su 2018)
//   nag_sc_high_res   as hb_high_res with β = √s                 (idem)
//   nag_c_high_res    m = 1, r = 3, β = √s, b₀ = 1, c = 3√s/2      (idem)
//   nesterov_ode      m = 1, r, β = 0, b = 1                     (Su, Boyd & Candès 2014)
//
// State z = (X, V) with V = Ẋ (two blocks of D). The field is
//   Ẋ = V,   V̇ = −(γ(t) V + β ∇²f(X) V + b(t) ∇f(X)) / m,
// costing one gradient and, when β ≠ 0, one HVP. Its Jacobian applied to (u, w) is
//   (w,  −(γ w + β ∇²f w + β ∇³f[u]V + b ∇²f u) / m):
// exact HVPs for ∇²f u and ∇²f w; the third-derivative term ∇³f[u]V (only when β ≠ 0) is
// the central difference (∇²f(X + εu)V − ∇²f(X − εu)V)/2ε, ε = ∛u_round·(1 + ‖X‖)/‖u‖.
// ∂F/∂t is exact: (0, (r/t²·V + c/t²·∇f)/m).
#include <string>

#include "optdyn/flows/flow.hpp"

namespace optdyn {

struct InertialCoefficients {
  double mass = 1.0;             // m > 0
  double friction = 0.0;         // γ₀
  double friction_over_t = 0.0;  // r in r/t
  double hessian_damping = 0.0;  // β
  double gradient_scale = 1.0;   // b₀
  double gradient_scale_over_t = 0.0;  // c in c/t
};

class InertialFlow : public Flow {
 public:
  Index state_dim() const override { return 2 * dim(); }
  std::string spec() const override { return spec_; }
  double start_time() const override { return start_time_; }

  void derivative(const Vec& z, Vec& dzdt, double t) const override;
  void jacobian_vector(const Vec& z, double t, const Vec& v, Vec& Jv) const override;
  bool autonomous() const override {
    return coefficients_.friction_over_t == 0.0 && coefficients_.gradient_scale_over_t == 0.0;
  }
  Vec time_derivative(const Vec& z, double t) const override;

  const InertialCoefficients& coefficients() const { return coefficients_; }
  double friction_at(double t) const;        // γ(t)
  double gradient_scale_at(double t) const;  // b(t)

 protected:
  InertialFlow(const Objective& f, std::string spec, InertialCoefficients coefficients, double start_time);
  // z = (X₀, V₀) after checking θ₀'s length.
  Vec make_state(const Vec& x0, const Vec& v0) const;

 private:
  std::string spec_;
  InertialCoefficients coefficients_;
  double start_time_;
};

}  // namespace optdyn
