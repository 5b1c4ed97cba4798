#pragma once
// Integrator: moves a flow's state from t₀ through a list of record times, calling an
// observer at each (doc/design.md, "Core concepts"; Boost.Odeint's stepper/integrate split).
//
//   IntegratorPtr integ = make_integrator("dopri5:rtol=1e-10,atol=1e-12");
//   Vec z = flow->initial_state(theta0);
//   IntegrationResult r = integ->integrate(*flow, z, flow->start_time(), times,
//       [&](double t, const Vec& z) { ...record...; return true; });
//
// Contract (every integrator):
//  * `record_times` is non-decreasing with record_times[0] ≥ t0; the observer is called once
//    per record time, with the state AT that time (fixed-step methods shorten the step that
//    would pass a record time; when (t_next − t)/h is within 1e-9 of an integer n they take
//    exactly n steps of h, so that Euler with h = η reproduces GD; adaptive methods use dense
//    output where they have it, otherwise they clip the step to land on the record time).
//  * The observer returns false to stop (status stopped_by_observer).
//  * A non-finite state stops the run (status diverged); the observer has already seen
//    every record time before it. An adaptive step below min_step, or more than max_steps
//    steps, stop it too (status step_size_underflow / max_steps). On return z holds the
//    state at t_reached.
//  * An SDE flow (noise_dim() > 0) needs a stochastic integrator (euler_maruyama); any
//    other integrator throws InputError naming the flow. Stochastic integrators own a seeded
//    Rng from their spec (`seed=S`): same spec ⇒ same path.
//  * Stats count accepted and rejected steps, evaluations of F, Jacobian-vector products,
//    Newton iterations and Krylov products (implicit methods).
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "optdyn/core/types.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

struct IntegrationStats {
  std::uint64_t steps = 0;              // accepted steps
  std::uint64_t rejected = 0;           // rejected trial steps (adaptive methods)
  std::uint64_t rhs_evaluations = 0;    // calls of Flow::derivative
  std::uint64_t jacobian_products = 0;  // calls of Flow::jacobian_vector
  std::uint64_t jacobians = 0;          // dense Jacobians (rosenbrock4)
  std::uint64_t newton_iterations = 0;  // implicit methods
  std::uint64_t linear_iterations = 0;  // Krylov products inside Newton
};

enum class IntegrationStatus { ok, diverged, stopped_by_observer, step_size_underflow, max_steps, solver_failed };
const char* to_string(IntegrationStatus status);

struct IntegrationResult {
  IntegrationStatus status = IntegrationStatus::ok;
  double t_reached = 0.0;
  IntegrationStats stats;
  std::string message;  // one line, empty when ok
};

// Called with (t, z) at each record time; return false to stop.
using IntegrationObserver = std::function<bool(double t, const Vec& z)>;

class Integrator {
 public:
  virtual ~Integrator() = default;
  virtual std::string spec() const = 0;
  virtual bool stochastic() const { return false; }
  // See the contract above. InputError for an SDE flow on a deterministic integrator, for
  // record times before t0 or decreasing, and for z of the wrong length.
  virtual IntegrationResult integrate(const Flow& flow, Vec& z, double t0, std::span<const double> record_times,
                                      const IntegrationObserver& observe) = 0;
};

using IntegratorPtr = std::unique_ptr<Integrator>;

}  // namespace optdyn
