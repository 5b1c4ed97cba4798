// m Ẍ + γ(t)Ẋ + β∇²f(X)Ẋ + b(t)∇f(X) = 0 as a first-order system on z = (X, V)
// (Attouch, Peypouquet & Redont 2016; the family is described in inertial_flow.hpp).
#include "optdyn/flows/inertial_flow.hpp"

#include <cmath>
#include <limits>

namespace optdyn {

InertialFlow::InertialFlow(const Objective& f, std::string spec, InertialCoefficients coefficients, double start_time)
    : Flow(f), spec_(std::move(spec)), coefficients_(coefficients), start_time_(start_time) {}

double InertialFlow::friction_at(double t) const {
  const auto& c = coefficients_;
  return c.friction_over_t == 0.0 ? c.friction : c.friction + c.friction_over_t / t;
}

double InertialFlow::gradient_scale_at(double t) const {
  const auto& c = coefficients_;
  return c.gradient_scale_over_t == 0.0 ? c.gradient_scale : c.gradient_scale + c.gradient_scale_over_t / t;
}

Vec InertialFlow::make_state(const Vec& x0, const Vec& v0) const {
  check_parameters(x0);
  Vec z(state_dim());
  z.head(dim()) = x0;
  z.tail(dim()) = v0;
  return z;
}

// Ẋ = V,  V̇ = −(γ(t)V + β∇²f(X)V + b(t)∇f(X))/m.
void InertialFlow::derivative(const Vec& z, Vec& dzdt, double t) const {
  const Index d = dim();
  const Vec x = z.head(d), v = z.tail(d);
  Vec g;
  objective().value_and_gradient(x, g);
  dzdt.resize(2 * d);
  dzdt.head(d) = v;
  auto acc = dzdt.tail(d);
  acc = -(friction_at(t) * v + gradient_scale_at(t) * g);
  if (coefficients_.hessian_damping != 0.0) {
    Vec hv;
    objective().hessian_vector(x, v, hv);
    acc -= coefficients_.hessian_damping * hv;
  }
  acc /= coefficients_.mass;
}

// J(u, w) = (w, −(γw + β∇²f w + β∇³f[u]V + b∇²f u)/m); see the header for ∇³f[u]V.
void InertialFlow::jacobian_vector(const Vec& z, double t, const Vec& dz, Vec& Jv) const {
  const Index d = dim();
  const Vec x = z.head(d), v = z.tail(d), u = dz.head(d), w = dz.tail(d);
  const double beta = coefficients_.hessian_damping;
  Vec hu;
  objective().hessian_vector(x, u, hu);
  Jv.resize(2 * d);
  Jv.head(d) = w;
  auto acc = Jv.tail(d);
  acc = -(friction_at(t) * w + gradient_scale_at(t) * hu);
  if (beta != 0.0) {
    Vec hw;
    objective().hessian_vector(x, w, hw);
    acc -= beta * hw;
    const double unorm = u.norm();
    if (unorm > 0.0) {
      const double eps = std::cbrt(std::numeric_limits<double>::epsilon()) * (1.0 + x.norm()) / unorm;
      Vec hp, hm;
      objective().hessian_vector(x + eps * u, v, hp);
      objective().hessian_vector(x - eps * u, v, hm);
      acc -= beta * (hp - hm) / (2.0 * eps);
    }
  }
  acc /= coefficients_.mass;
}

// ∂F/∂t = (0, −(γ'(t)V + b'(t)∇f)/m) with γ' = −r/t², b' = −c/t².
Vec InertialFlow::time_derivative(const Vec& z, double t) const {
  const Index d = dim();
  Vec out = Vec::Zero(2 * d);
  if (autonomous()) return out;
  const auto& c = coefficients_;
  out.tail(d) = (c.friction_over_t / (t * t)) * z.tail(d);
  if (c.gradient_scale_over_t != 0.0) out.tail(d) += (c.gradient_scale_over_t / (t * t)) * objective().gradient(z.head(d));
  out.tail(d) /= c.mass;
  return out;
}

}  // namespace optdyn
