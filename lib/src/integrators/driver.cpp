// Input checks, the record-time rule, the archived position and the shared keys of the
// integrators (driver.hpp, adaptive_keys.hpp); Integrator::integrate.
#include "driver.hpp"

#include <cmath>
#include <limits>

#include "optdyn/core/error.hpp"

namespace optdyn::integrators {

void check_inputs(const std::string& integrator_spec, bool stochastic, const Flow& flow, const Vec& z, double t0,
                  std::span<const double> record_times) {
  const std::string who = "integrator '" + integrator_spec + "': ";
  if (!stochastic && flow.noise_dim() > 0)
    throw InputError(who + "flow '" + flow.spec() + "' is an SDE (noise_dim = " + std::to_string(flow.noise_dim()) +
                     ") and this integrator is deterministic: use euler_maruyama");
  if (z.size() != flow.state_dim())
    throw InputError(who + "state has " + std::to_string(z.size()) + " entries, flow '" + flow.spec() + "' has " +
                     std::to_string(flow.state_dim()));
  if (!z.allFinite()) throw InputError(who + "initial state has non-finite entries");
  if (!std::isfinite(t0)) throw InputError(who + "start time is not finite");
  double previous = t0;
  for (std::size_t i = 0; i < record_times.size(); ++i) {
    const double t = record_times[i];
    if (!std::isfinite(t)) throw InputError(who + "record time " + std::to_string(i) + " is not finite");
    if (t < previous)
      throw InputError(who + "record time " + std::to_string(i) + " = " + format_number(t, 6) +
                       (i == 0 ? " is before the start time " : " is before the previous record time ") +
                       format_number(previous, 6) + " (record times must be non-decreasing and >= t0)");
    previous = t;
  }
}

void check_fixed_step_count(double t0, std::span<const double> record_times, double h) {
  if (record_times.empty()) return;
  const double total = (record_times.back() - t0) / h;
  if (!(total <= kMaxFixedSteps))
    throw InputError("integrator: key 'h': (t_end - t0)/h = " + format_number(total, 4) + " steps, more than " +
                     format_number(kMaxFixedSteps, 4) + " (raise h or shorten the run)");
}

Segment segment(double from, double to, double h) {
  const double ratio = (to - from) / h;
  const double nearest = std::round(ratio);
  // nearest ≥ 1: a step h far longer than the segment (ratio ≈ 0) is one shortened step, not
  // "zero whole steps" (which would leave the state where it was).
  const bool whole = nearest >= 1.0 && std::abs(ratio - nearest) <= kIntegerStepTolerance;
  return {static_cast<std::int64_t>(whole ? nearest : std::floor(ratio)), !whole};
}

void archive_position(StateArchive& a, double& t, std::size_t& next, std::size_t record_count,
                      IntegrationStats& stats) {
  a.field("t", t);
  auto observed = static_cast<std::int64_t>(next);
  a.field("next", observed, 0, static_cast<std::int64_t>(record_count));
  next = static_cast<std::size_t>(observed);
  a.scope("stats", [&] {
    a.field("steps", stats.steps);
    a.field("rejected", stats.rejected);
    a.field("rhs_evaluations", stats.rhs_evaluations);
    a.field("jacobian_products", stats.jacobian_products);
    a.field("jacobians", stats.jacobians);
    a.field("newton_iterations", stats.newton_iterations);
    a.field("linear_iterations", stats.linear_iterations);
  });
}

bool pause_requested(const BoundaryHook& at_boundary, IntegrationResult& result) {
  if (!at_boundary || at_boundary()) return false;
  result.status = IntegrationStatus::paused;
  return true;
}

AdaptiveControl adaptive_control(const AdaptiveStepParams& p) {
  AdaptiveControl c;
  c.h0 = p.h0;
  c.max_steps = static_cast<std::uint64_t>(p.max_steps);
  c.min_step = p.min_step;
  return c;
}

}  // namespace optdyn::integrators

namespace optdyn {

IntegrationResult Integrator::integrate(const Flow& flow, Vec& z, double t0, std::span<const double> record_times,
                                        const IntegrationObserver& observe) {
  const std::unique_ptr<Integration> integration = start(flow, z, t0, record_times);
  IntegrationResult result = integration->run(observe);
  z = integration->state();
  return result;
}

const ParamTable<AdaptiveStepParams>& AdaptiveStepParams::table() {
  using P = AdaptiveStepParams;
  const double max = std::numeric_limits<double>::max();
  static const auto t =
      ParamTable<P>("integrator", "adaptive", "the step control of every adaptive integrator")
          .real("rtol", &P::rtol, Range::positive(), "relative tolerance (> 0)")
          .real("atol", &P::atol, Range::closed(0.0, max), "absolute tolerance (>= 0)")
          .real("h0", &P::h0, Range::positive(), "first trial step")
          .integer("max_steps", &P::max_steps, 1, std::numeric_limits<long>::max(),
                   "accepted steps allowed before the run stops (status max_steps)")
          .real("min_step", &P::min_step, Range::closed(0.0, max),
                "smallest step after a rejection before the run stops (status step_size_underflow); "
                "0: 1e-12·max(1, |t|)");
  return t;
}

}  // namespace optdyn
