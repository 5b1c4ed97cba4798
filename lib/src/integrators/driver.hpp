#pragma once
// Private to lib/src/integrators: the record-time logic shared by every integrator, written
// once (integrator.hpp states the contract).
//
//   run_fixed_steps  — fixed step h (euler, rk4, adams_bashforth_moulton, implicit_euler,
//                      implicit_midpoint, euler_maruyama): exactly n steps of h to a record
//                      time when (t_next − t)/h is within 1e-9 of the integer n, otherwise
//                      ⌊(t_next − t)/h⌋ steps of h and one shortened step.
//   run_adaptive     — step-size control through a "trial" object (one try_step per call):
//                      dense-output methods (dopri5, rosenbrock4) step freely and interpolate
//                      the record times they pass; the others clip the step to land on each
//                      record time (as odeint's integrate_times does).
//
// Both check the state after every accepted step (non-finite ⇒ diverged), stop with
// solver_failed when the field throws FlowEvaluationError, and call the observer at each
// record time.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/flow.hpp"
#include "optdyn/integrators/adaptive_keys.hpp"
#include "optdyn/integrators/integrator.hpp"

namespace optdyn::integrators {

// InputError unless: z has length flow.state_dim() and finite entries, t0 is finite, the
// record times are finite, ≥ t0 and non-decreasing, and (for a deterministic integrator)
// the flow is an ODE.
void check_inputs(const std::string& integrator_spec, bool stochastic, const Flow& flow, const Vec& z, double t0,
                  std::span<const double> record_times);

// The system functor handed to odeint (which copies systems: hence pointers). Counts every
// evaluation of F in `*count`.
struct CountingSystem {
  const Flow* flow;
  std::uint64_t* count;
  void operator()(const Vec& z, Vec& dzdt, double t) const {
    ++*count;
    flow->derivative(z, dzdt, t);
  }
};

// The tolerance of the fixed-step rule "n steps of h when (t_next − t)/h is within 1e-9 of n".
inline constexpr double kIntegerStepTolerance = 1e-9;

// Fixed-step integration. `step(z, t, h, message)` advances z from t to t + h and returns
// IntegrationStatus::ok, or another status (with `message`) leaving z at t. `result` holds
// the counters the caller's step function updates; the driver adds steps, status, t_reached.
// The most steps a fixed-step run may take: (t_end − t₀)/h above it is an InputError naming
// 'h' (a typo like h=1e-300 would otherwise run for ever, or overflow the step count).
inline constexpr double kMaxFixedSteps = 1e10;

template <class Step>
void run_fixed_steps(Vec& z, double t0, std::span<const double> record_times, double h,
                     const IntegrationObserver& observe, IntegrationResult& result, Step&& step) {
  if (!record_times.empty()) {
    const double total = (record_times.back() - t0) / h;
    if (!(total <= kMaxFixedSteps))
      throw InputError("integrator: key 'h': (t_end - t0)/h = " + format_number(total, 4) + " steps, more than " +
                       format_number(kMaxFixedSteps, 4) + " (raise h or shorten the run)");
  }
  double t = t0;
  result.t_reached = t0;
  // One step of length `dt` from `from`; false when the run must stop.
  auto advance = [&](double from, double dt) {
    IntegrationStatus status = IntegrationStatus::ok;
    try {
      status = step(z, from, dt, result.message);
    } catch (const FlowEvaluationError& e) {  // the field failed at this state
      status = IntegrationStatus::solver_failed;
      result.message = e.what();
    }
    if (status != IntegrationStatus::ok) {
      result.status = status;
      result.t_reached = from;
      return false;
    }
    ++result.stats.steps;
    result.t_reached = from + dt;
    if (!z.allFinite()) {
      result.status = IntegrationStatus::diverged;
      result.message = "state not finite at t = " + format_number(from + dt, 6);
      return false;
    }
    return true;
  };
  for (const double target : record_times) {
    const double ratio = (target - t) / h;
    const double nearest = std::round(ratio);
    // nearest ≥ 1: a step h far longer than the segment (ratio ≈ 0) is one clipped step, not
    // "zero whole steps" (which would leave the state where it was).
    const bool whole = nearest >= 1.0 && std::abs(ratio - nearest) <= kIntegerStepTolerance;
    const auto n = static_cast<std::int64_t>(whole ? nearest : std::floor(ratio));
    const double t_segment = t;
    // Times t_segment + k·h (not a running sum), so that step k sits exactly at k·h.
    for (std::int64_t k = 0; k < n; ++k)
      if (!advance(t_segment + static_cast<double>(k) * h, h)) return;
    if (!whole) {
      const double t_last = t_segment + static_cast<double>(n) * h;
      if (target > t_last && !advance(t_last, target - t_last)) return;
    }
    t = target;
    result.t_reached = target;
    if (!observe(target, z)) {
      result.status = IntegrationStatus::stopped_by_observer;
      return;
    }
  }
}

// A trial step whose result is not finite has a NaN error estimate, which odeint's error
// checkers accept (every comparison with NaN is false). Every adaptive trial rejects such a
// step instead and retries it with dt shrunk by kNonFiniteShrink (odeint's largest
// decrease): a step that was merely too long (an explicit method far outside its stability
// region, overflowing) is retried shorter, and a solution that really blows up ends in
// step_size_underflow near the blow-up time.
inline constexpr double kNonFiniteShrink = 0.2;

struct AdaptiveControl {
  double h0 = 0.01;              // first trial step
  std::uint64_t max_steps = 0;   // accepted steps allowed
  double min_step = 0.0;         // 0: 1e-12·max(1, |t|)
};

// The step control of the keys every adaptive integrator shares (h0, max_steps, min_step).
AdaptiveControl adaptive_control(const AdaptiveStepParams& params);

// Adaptive integration through a trial object with
//   static constexpr bool dense;           has dense output
//   void start(const Vec& z, double t);    the initial state
//   bool try_step(double& t, double& dt);  one trial step of dt from the current state: on
//                                          acceptance advances t and the state, and sets dt
//                                          to the next suggestion; on rejection sets dt to
//                                          a smaller one
//   const Vec& state() const;              the current (last accepted) state
//   void interpolate(double t, Vec& out);  dense only: the state at t in the last step
template <class Trial>
void run_adaptive(Trial& trial, Vec& z, double t0, std::span<const double> record_times,
                  const AdaptiveControl& control, const IntegrationObserver& observe, IntegrationResult& result) {
  double t = t0, dt = control.h0;
  result.t_reached = t0;
  std::size_t next = 0;  // the first record time not yet observed
  // A field that fails at a state (FlowEvaluationError) stops the run with solver_failed;
  // z keeps the last accepted state.
  auto field_failed = [&](const FlowEvaluationError& e) {
    result.status = IntegrationStatus::solver_failed;
    result.message = e.what();
  };
  try {
    trial.start(z, t0);
  } catch (const FlowEvaluationError& e) {
    field_failed(e);
    return;
  }
  Vec interpolated;
  // Observes every record time ≤ t (interpolating those inside the last step); false = stop.
  auto observe_passed = [&](double t_previous) {
    for (; next < record_times.size() && record_times[next] <= t; ++next) {
      const double tr = record_times[next];
      const bool inside = Trial::dense && tr < t && tr > t_previous;
      if constexpr (Trial::dense)
        if (inside) trial.interpolate(tr, interpolated);
      if (!observe(tr, inside ? interpolated : trial.state())) {
        result.status = IntegrationStatus::stopped_by_observer;
        result.t_reached = tr;
        z = inside ? interpolated : trial.state();
        return false;
      }
    }
    return true;
  };
  if (!observe_passed(t0)) return;
  while (next < record_times.size()) {
    const double target = Trial::dense ? record_times.back() : record_times[next];
    if (result.stats.steps >= control.max_steps) {
      result.status = IntegrationStatus::max_steps;
      result.message = "more than max_steps = " + std::to_string(control.max_steps) + " steps before t = " +
                       format_number(target, 6);
      break;
    }
    const bool clipped = dt >= target - t;
    double trial_dt = clipped ? target - t : dt;
    const double t_previous = t;
    bool accepted = false;
    try {
      accepted = trial.try_step(t, trial_dt);
    } catch (const FlowEvaluationError& e) {
      field_failed(e);
      break;
    }
    if (!accepted) {
      ++result.stats.rejected;
      dt = trial_dt;
      const double floor = control.min_step > 0 ? control.min_step : 1e-12 * std::max(1.0, std::abs(t));
      if (!(dt >= floor)) {
        result.status = IntegrationStatus::step_size_underflow;
        result.message = "step size " + format_number(dt, 6) + " below min_step at t = " + format_number(t, 6);
        break;
      }
      continue;
    }
    ++result.stats.steps;
    // After a step clipped to a record time, keep the larger of the unclipped and the
    // suggested step (odeint's integrate_times does the same); land exactly on the target.
    dt = clipped ? std::max(dt, trial_dt) : trial_dt;
    if (clipped) t = target;
    result.t_reached = t;
    if (!trial.state().allFinite()) {
      result.status = IntegrationStatus::diverged;
      result.message = "state not finite at t = " + format_number(t, 6);
      break;
    }
    if (!observe_passed(t_previous)) return;
  }
  z = trial.state();
}

}  // namespace optdyn::integrators
