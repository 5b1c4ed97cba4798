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
//
// Checkpoint and resume (README, "Checkpoints and resume"). integrate() is start() and
// run() of an Integration, which can also stop at a BOUNDARY, be archived there, and be
// restored into a fresh Integration that continues exactly:
//
//   auto run = integ->start(*flow, z, t0, times);
//   run->run(observe, [&] { return !stop_requested; });      // status paused at a boundary
//   StateArchive a = StateArchive::for_saving();  run->archive(a);
//   // later, in another process, from the same specs:
//   auto again = integ->start(*flow, z, t0, times);  again->archive(loaded);  again->run(observe);
//
//  * A boundary is any moment between two steps while record times remain to be observed:
//    fixed-step methods reach one after every step and after every observation; adaptive
//    methods before every trial step — after the start, after a rejected trial, after an
//    accepted step and the observations of the record times it passed (dense-output methods,
//    dopri5 and rosenbrock4, interpolate those first, so no interpolation is ever pending).
//    A signal handled at the next boundary therefore waits for one step at most.
//  * The state at a boundary is everything the next steps depend on: t, z, the record times
//    observed, the statistics, where the steps towards the next record time stand (fixed
//    step) or the next trial step dt (adaptive), and what the method carries from step to
//    step — the FSAL derivative F(z, t) of dopri5 (and F(z) that a rejected trial of the
//    other Runge–Kutta pairs computed), the step-size memory of the Rosenbrock and
//    Bulirsch–Stoer controllers (and the latter's extrapolation order), the derivative
//    history of Adams–Bashforth–Moulton, the Rng of Euler–Maruyama. Nothing is recomputed on
//    restore, so the resumed integration takes the same steps, produces the same bits and
//    the same statistics as the uninterrupted one (tests/integration_checkpoint_test.cpp).
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "optdyn/core/state_archive.hpp"
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

// paused: stopped at a boundary by the boundary hook (Integration::run); resumable.
enum class IntegrationStatus { ok, diverged, stopped_by_observer, step_size_underflow, max_steps, solver_failed, paused };
const char* to_string(IntegrationStatus status);

struct IntegrationResult {
  IntegrationStatus status = IntegrationStatus::ok;
  double t_reached = 0.0;
  IntegrationStats stats;
  std::string message;  // one line, empty when ok
};

// Called with (t, z) at each record time; return false to stop.
using IntegrationObserver = std::function<bool(double t, const Vec& z)>;

// Called at every boundary (see above); return false to pause the integration there.
using BoundaryHook = std::function<bool()>;

// One integration in progress, from Integrator::start. It refers to the integrator, the flow
// and the record times it was started with: all three must outlive it.
class Integration {
 public:
  virtual ~Integration() = default;
  // Integrates from where it stands through the remaining record times, until the last one,
  // a stop (see the contract) or a pause at a boundary where `at_boundary` returns false. A
  // paused integration continues with the next run(). The result's stats count everything
  // since start() (restored ones included).
  virtual IntegrationResult run(const IntegrationObserver& observe, const BoundaryHook& at_boundary = {}) = 0;
  // The state at the time reached.
  virtual const Vec& state() const = 0;
  // Saves the state at a boundary (call it from `at_boundary`, or after a pause), or loads
  // one into an integration that has not run yet, started with the same flow, t0 and record
  // times by an integrator of the same spec. Loading is strict (core/state_archive.hpp): a
  // state of another method or dimension is an InputError naming the field.
  virtual void archive(StateArchive& a) = 0;
};

class Integrator {
 public:
  virtual ~Integrator() = default;
  virtual std::string spec() const = 0;
  virtual bool stochastic() const { return false; }
  // An integration of `flow` from z at t0 through `record_times`; nothing is evaluated yet.
  // InputError for an SDE flow on a deterministic integrator, for record times before t0 or
  // decreasing, and for z of the wrong length.
  virtual std::unique_ptr<Integration> start(const Flow& flow, const Vec& z, double t0,
                                             std::span<const double> record_times) = 0;
  // See the contract above: start(), run() to the end, and z ← the state reached.
  IntegrationResult integrate(const Flow& flow, Vec& z, double t0, std::span<const double> record_times,
                              const IntegrationObserver& observe);
};

using IntegratorPtr = std::unique_ptr<Integrator>;

}  // namespace optdyn
