// Input checks and shared keys of the integrators (driver.hpp, adaptive_keys.hpp).
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

AdaptiveControl adaptive_control(const AdaptiveStepParams& p) {
  AdaptiveControl c;
  c.h0 = p.h0;
  c.max_steps = static_cast<std::uint64_t>(p.max_steps);
  c.min_step = p.min_step;
  return c;
}

}  // namespace optdyn::integrators

namespace optdyn {

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
