#pragma once
// Private to lib/src/integrators: the record-time logic shared by every integrator, written
// once (integrator.hpp states the contract), as the two Integrations every integrator starts:
//
//   FixedStepIntegration<Step>    — fixed step h (euler, rk4, adams_bashforth_moulton,
//                                   implicit_euler, implicit_midpoint, euler_maruyama): exactly
//                                   n steps of h to a record time when (t_next − t)/h is within
//                                   1e-9 of the integer n, otherwise ⌊(t_next − t)/h⌋ steps of h
//                                   and one shortened step.
//   AdaptiveIntegration<Trial>    — step-size control through a "trial" object (one try_step per
//                                   call): dense-output methods (dopri5, rosenbrock4) step freely
//                                   and interpolate the record times they pass; the others clip
//                                   the step to land on each record time (as odeint's
//                                   integrate_times does).
//
// Both check the state after every accepted step (non-finite ⇒ diverged), stop with
// solver_failed when the field throws FlowEvaluationError, and call the observer at each
// record time. Both reach a boundary (integrator.hpp, "Checkpoint and resume") between any
// two steps (adaptive: trial steps, accepted or rejected) while record times remain, and
// archive there, in this order:
//   "t" (the time of the state), "next" (record times observed), "stats" (IntegrationStats);
//   fixed step: "segment_start", "segment_steps" (where the steps towards the next record time
//   stand), "z", "method" (Step::archive); adaptive: "dt" (the next trial step), "method"
//   (Trial::archive: z and what the method carries between steps).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "optdyn/core/error.hpp"
#include "optdyn/core/state_archive.hpp"
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

// The fields every integration archives first: "t", "next" (in [0, record_count]) and
// "stats" (each counter of IntegrationStats, in declaration order).
void archive_position(StateArchive& a, double& t, std::size_t& next, std::size_t record_count,
                      IntegrationStats& stats);

// At a boundary: asks `at_boundary` (when given) whether to go on; on "no" sets status paused
// and returns true.
bool pause_requested(const BoundaryHook& at_boundary, IntegrationResult& result);

// ------------------------------------------------------------------ fixed step ----------

// The tolerance of the fixed-step rule "n steps of h when (t_next − t)/h is within 1e-9 of n".
inline constexpr double kIntegerStepTolerance = 1e-9;
// The most steps a fixed-step run may take: (t_end − t₀)/h above it is an InputError naming
// 'h' (a typo like h=1e-300 would otherwise run for ever, or overflow the step count).
inline constexpr double kMaxFixedSteps = 1e10;

// InputError naming 'h' when (last record time − t0)/h exceeds kMaxFixedSteps.
void check_fixed_step_count(double t0, std::span<const double> record_times, double h);

// The steps from a record time (or t0) to the next one: `whole` steps of h, then, unless the
// distance is a whole number of steps, one shortened step.
struct Segment {
  std::int64_t whole = 0;
  bool shortened = false;
};
Segment segment(double from, double to, double h);

// Fixed-step integration. The method is a Step, made by make_step(IntegrationStats&) (so that
// it counts its evaluations into this integration's statistics), with
//   IntegrationStatus operator()(Vec& z, double t, double h, std::string& message);
//       advances z from t to t + h and returns ok, or another status (with `message`)
//       leaving z at t;
//   void archive(StateArchive& a, Index dim);
//       what it carries from step to step (nothing for a one-step method, a derivative
//       history, an Rng); dim = the length of z.
template <class Step>
class FixedStepIntegration final : public Integration {
 public:
  template <class MakeStep>
  FixedStepIntegration(const Vec& z, double t0, std::span<const double> record_times, double h, MakeStep make_step)
      : z_(z), times_(record_times), h_(h), segment_start_(t0), step_(make_step(result_.stats)) {
    check_fixed_step_count(t0, record_times, h);
    result_.t_reached = t0;
  }

  IntegrationResult run(const IntegrationObserver& observe, const BoundaryHook& at_boundary) override {
    result_.status = IntegrationStatus::ok;
    result_.message.clear();
    // A boundary after every move (a step, or an observation) while record times remain.
    while (next_ < times_.size() && !(moved_ && pause_requested(at_boundary, result_))) {
      moved_ = true;
      if (!move(observe)) break;
    }
    return result_;
  }
  const Vec& state() const override { return z_; }
  void archive(StateArchive& a) override {
    archive_position(a, result_.t_reached, next_, times_.size(), result_.stats);
    a.field("segment_start", segment_start_);
    a.field("segment_steps", segment_steps_, 0, static_cast<std::int64_t>(kMaxFixedSteps));
    a.field("z", z_);
    a.scope("method", [&] { step_.archive(a, z_.size()); });
    if (!a.loading()) return;
    moved_ = true;  // a boundary is after a move
    planned_ = false;
  }

 private:
  // One move towards the record time times_[next_]: its next whole step of h; after the last
  // one, the shortened step (if any) and the observation. Step k of a segment starts at
  // segment_start + k·h (not a running sum), so that step k sits exactly at k·h. False when
  // the integration stops.
  bool move(const IntegrationObserver& observe) {
    const double target = times_[next_];
    if (!planned_) plan_ = segment(segment_start_, target, h_);
    planned_ = true;
    if (segment_steps_ < plan_.whole) {
      const double from = segment_start_ + static_cast<double>(segment_steps_) * h_;
      ++segment_steps_;
      return advance(from, h_);
    }
    const double last = segment_start_ + static_cast<double>(plan_.whole) * h_;
    if (plan_.shortened && target > last && !advance(last, target - last)) return false;
    segment_start_ = target;
    segment_steps_ = 0;
    planned_ = false;
    ++next_;
    result_.t_reached = target;
    if (observe(target, z_)) return true;
    result_.status = IntegrationStatus::stopped_by_observer;
    return false;
  }

  // One step of length `dt` from `from`; false when the integration must stop.
  bool advance(double from, double dt) {
    IntegrationStatus status = IntegrationStatus::ok;
    try {
      status = step_(z_, from, dt, result_.message);
    } catch (const FlowEvaluationError& e) {  // the field failed at this state
      status = IntegrationStatus::solver_failed;
      result_.message = e.what();
    }
    if (status != IntegrationStatus::ok) {
      result_.status = status;
      result_.t_reached = from;
      return false;
    }
    ++result_.stats.steps;
    result_.t_reached = from + dt;
    if (z_.allFinite()) return true;
    result_.status = IntegrationStatus::diverged;
    result_.message = "state not finite at t = " + format_number(from + dt, 6);
    return false;
  }

  IntegrationResult result_;  // before step_, which counts into result_.stats
  Vec z_;
  std::span<const double> times_;
  double h_;
  std::size_t next_ = 0;            // record times observed
  double segment_start_;            // the last record time observed (t0 before the first)
  std::int64_t segment_steps_ = 0;  // whole steps taken since segment_start_
  Segment plan_;                    // the steps from segment_start_ to times_[next_] …
  bool planned_ = false;            // … once computed (not archived: a function of the above)
  bool moved_ = false;
  Step step_;
};

// A FixedStepIntegration of the Step that make_step(IntegrationStats&) returns.
template <class MakeStep>
std::unique_ptr<Integration> fixed_step_integration(const Vec& z, double t0, std::span<const double> record_times,
                                                    double h, MakeStep make_step) {
  using Step = std::invoke_result_t<MakeStep, IntegrationStats&>;
  return std::make_unique<FixedStepIntegration<Step>>(z, t0, record_times, h, std::move(make_step));
}

// ------------------------------------------------------------------ adaptive ----------

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

// Adaptive integration through a Trial, made by make_trial(IntegrationStats&), with
//   static constexpr bool dense;           has dense output
//   void start(const Vec& z, double t);    the initial state
//   bool try_step(double& t, double& dt);  one trial step of dt from the current state: on
//                                          acceptance advances t and the state, and sets dt
//                                          to the next suggestion; on rejection sets dt to
//                                          a smaller one
//   const Vec& state() const;              the current (last accepted) state
//   void interpolate(double t, Vec& out);  dense only: the state at t in the last step
//   void archive(StateArchive& a, Index dim);  between two trials (or after the start): the
//                                          state and what the method carries to the next trial
template <class Trial>
class AdaptiveIntegration final : public Integration {
 public:
  template <class MakeTrial>
  AdaptiveIntegration(const Vec& z, double t0, std::span<const double> record_times, const AdaptiveControl& control,
                      MakeTrial make_trial)
      : z_(z), times_(record_times), control_(control), t_(t0), dt_(control.h0), trial_(make_trial(result_.stats)) {
    result_.t_reached = t0;
  }

  IntegrationResult run(const IntegrationObserver& observe, const BoundaryHook& at_boundary) override {
    result_.status = IntegrationStatus::ok;
    result_.message.clear();
    bool going = started_ || start(observe);
    started_ = true;
    // A boundary before every trial: after the start, after each rejection, after each
    // accepted step's observations.
    while (going && next_ < times_.size() && !pause_requested(at_boundary, result_)) going = trial(observe);
    if (result_.status != IntegrationStatus::stopped_by_observer) z_ = trial_.state();
    return result_;
  }
  const Vec& state() const override { return z_; }
  void archive(StateArchive& a) override {
    archive_position(a, t_, next_, times_.size(), result_.stats);
    a.field("dt", dt_);
    a.scope("method", [&] { trial_.archive(a, z_.size()); });
    if (!a.loading()) return;
    started_ = true;  // a boundary is after the start
    result_.t_reached = t_;
    z_ = trial_.state();
  }

 private:
  // The trial's initial state, and the record times equal to t0; false when stopping.
  bool start(const IntegrationObserver& observe) {
    try {
      trial_.start(z_, t_);
    } catch (const FlowEvaluationError& e) {
      field_failed(e);
      return false;
    }
    return observe_passed(t_, observe);
  }

  // One trial step from (t, dt): accepted, the record times it passed are observed; rejected,
  // dt shrinks. False when the integration stops. Dense methods aim at the last record time,
  // the others clip the step to the next one.
  bool trial(const IntegrationObserver& observe) {
    const double target = Trial::dense ? times_.back() : times_[next_];
    if (result_.stats.steps >= control_.max_steps) {
      result_.status = IntegrationStatus::max_steps;
      result_.message = "more than max_steps = " + std::to_string(control_.max_steps) + " steps before t = " +
                        format_number(target, 6);
      return false;
    }
    const bool clipped = dt_ >= target - t_;
    double trial_dt = clipped ? target - t_ : dt_;
    const double t_previous = t_;
    bool accepted = false;
    try {
      accepted = trial_.try_step(t_, trial_dt);
    } catch (const FlowEvaluationError& e) {
      field_failed(e);
      return false;
    }
    if (accepted) return accept(clipped, trial_dt, target) && observe_passed(t_previous, observe);
    ++result_.stats.rejected;
    dt_ = trial_dt;
    const double floor = control_.min_step > 0 ? control_.min_step : 1e-12 * std::max(1.0, std::abs(t_));
    if (dt_ >= floor) return true;
    result_.status = IntegrationStatus::step_size_underflow;
    result_.message = "step size " + format_number(dt_, 6) + " below min_step at t = " + format_number(t_, 6);
    return false;
  }

  // After an accepted step: the next trial step and the time; false when the state is not
  // finite. After a step clipped to a record time, keep the larger of the unclipped and the
  // suggested step (odeint's integrate_times does the same); land exactly on the target.
  bool accept(bool clipped, double suggested_dt, double target) {
    ++result_.stats.steps;
    dt_ = clipped ? std::max(dt_, suggested_dt) : suggested_dt;
    if (clipped) t_ = target;
    result_.t_reached = t_;
    if (trial_.state().allFinite()) return true;
    result_.status = IntegrationStatus::diverged;
    result_.message = "state not finite at t = " + format_number(t_, 6);
    return false;
  }

  // Observes every record time ≤ t (interpolating those inside the last step); false = stop.
  bool observe_passed(double t_previous, const IntegrationObserver& observe) {
    for (; next_ < times_.size() && times_[next_] <= t_; ++next_) {
      const double tr = times_[next_];
      const bool inside = Trial::dense && tr < t_ && tr > t_previous;
      if constexpr (Trial::dense)
        if (inside) trial_.interpolate(tr, interpolated_);
      const Vec& state = inside ? interpolated_ : trial_.state();
      if (!observe(tr, state)) {
        result_.status = IntegrationStatus::stopped_by_observer;
        result_.t_reached = tr;
        z_ = state;
        return false;
      }
    }
    return true;
  }

  // A field that fails at a state (FlowEvaluationError) stops the run with solver_failed;
  // the state stays the last accepted one.
  void field_failed(const FlowEvaluationError& e) {
    result_.status = IntegrationStatus::solver_failed;
    result_.message = e.what();
  }

  IntegrationResult result_;  // before trial_, which counts into result_.stats
  Vec z_;                     // the start state; on return, the state at t_reached
  std::span<const double> times_;
  AdaptiveControl control_;
  double t_, dt_;             // the time of the trial's state; the next trial step
  std::size_t next_ = 0;      // record times observed
  bool started_ = false;
  Vec interpolated_;
  Trial trial_;
};

// An AdaptiveIntegration of the Trial that make_trial(IntegrationStats&) returns.
template <class MakeTrial>
std::unique_ptr<Integration> adaptive_integration(const Vec& z, double t0, std::span<const double> record_times,
                                                  const AdaptiveControl& control, MakeTrial make_trial) {
  using Trial = std::invoke_result_t<MakeTrial, IntegrationStats&>;
  return std::make_unique<AdaptiveIntegration<Trial>>(z, t0, record_times, control, std::move(make_trial));
}

}  // namespace optdyn::integrators
