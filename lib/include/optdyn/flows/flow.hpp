#pragma once
// Flow: a continuous-time vector field dz/dt = F(z, t) (+ G(z, t) dW for an SDE) on an
// extended state z (doc/design.md, "Core concepts"; Boost.Odeint's system concept).
//
// A flow knows nothing about how it is integrated (integrators/integrator.hpp does that).
// It knows:
//   * its objective f (held by reference; the objective must outlive the flow);
//   * the layout of z: the parameters θ are ALWAYS z.head(D), D = f.dim(); auxiliaries
//     (velocity, moments) follow in blocks of D;
//   * the start time t₀ (0 unless the field is singular at 0: Nesterov's r/t friction,
//     Adam's bias correction) and the map θ₀ ↦ z(t₀) (series starts where needed);
//   * the field F, its Jacobian-vector product J·v (J = ∂F/∂z, for Newton–Krylov implicit
//     integrators), a dense Jacobian and ∂F/∂t (rosenbrock4, small problems);
//   * for an SDE the diffusion: noise_dim() > 0 and G(z, t)·ξ for a noise increment ξ.
//
// Derivative calls go through the objective, whose counters (gradients, hvps) measure cost.
// Methods are const; flows that need scratch space keep it in mutable members (a flow is
// not shared across threads while it is integrated).
#include <memory>
#include <stdexcept>
#include <string>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

// Thrown by a field that cannot be evaluated at a state (e.g. the Newton flow where the
// Hessian solve fails). Integrators catch it and stop with status solver_failed, keeping
// what was recorded; it is not an InputError (the input was valid, the point is not).
class FlowEvaluationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Flow {
 public:
  explicit Flow(const Objective& objective) : objective_(objective) {}
  virtual ~Flow() = default;

  const Objective& objective() const { return objective_; }
  // D, the parameter dimension (θ = z.head(D)).
  Index dim() const { return objective_.dim(); }
  // Length of z: D × (1 + number of auxiliary blocks).
  virtual Index state_dim() const { return dim(); }
  // The resolved spec (`name:key=value,...`, every key).
  virtual std::string spec() const = 0;

  // t₀: where integration starts (> 0 for fields singular at t = 0).
  virtual double start_time() const { return 0.0; }
  // z(t₀) from θ₀ (InputError when θ₀ has the wrong length).
  virtual Vec initial_state(const Vec& theta0) const;
  // initial_state, and an InputError naming x0 when z(t₀) is not finite (e.g. a series
  // start or initial velocity whose gradient overflows at θ₀): what front ends call.
  Vec start_state(const Vec& theta0) const;
  // θ = z.head(D).
  Vec parameters(const Vec& z) const { return z.head(dim()); }

  // dz/dt = F(z, t). `dzdt` is resized by the callee.
  virtual void derivative(const Vec& z, Vec& dzdt, double t) const = 0;

  // Jv = (∂F/∂z)(z, t)·v. The default is a forward difference (F(z + εv) − F(z))/ε with
  // ε = √(machine ε)·(1 + ‖z‖)/‖v‖; flows with an exact product (HVPs) override it.
  virtual void jacobian_vector(const Vec& z, double t, const Vec& v, Vec& Jv) const;
  // True when ∂F/∂z is symmetric (e.g. −∇²f for gradient flow): implicit integrators may
  // then use MINRES instead of GMRES.
  virtual bool symmetric_jacobian() const { return false; }
  // Dense ∂F/∂z (state_dim² entries): the default stacks jacobian_vector on unit vectors.
  virtual Mat jacobian(const Vec& z, double t) const;
  // True when F does not depend on t.
  virtual bool autonomous() const { return true; }
  // ∂F/∂t: zero for autonomous flows; otherwise a central difference in t by default.
  virtual Vec time_derivative(const Vec& z, double t) const;

  // --- SDEs: dZ = F(Z, t) dt + G(Z, t) dW, W a noise_dim()-dimensional Wiener process ----
  // 0 for an ODE.
  virtual Index noise_dim() const { return 0; }
  // out = G(z, t)·xi (xi of length noise_dim()); only called when noise_dim() > 0.
  virtual void diffusion_times(const Vec& z, double t, const Vec& xi, Vec& out) const;

 protected:
  // InputError unless θ₀ has length D.
  void check_parameters(const Vec& theta0) const;

 private:
  const Objective& objective_;
};

using FlowPtr = std::unique_ptr<Flow>;

}  // namespace optdyn
