// Input checks and shared spec keys of the integrators (driver.hpp).
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

AdaptiveControl adaptive_control(const Spec& spec) {
  AdaptiveControl c;
  c.h0 = spec.positive("h0");
  c.max_steps = static_cast<std::uint64_t>(spec.integer("max_steps", 1, std::numeric_limits<long>::max()));
  c.min_step = spec.real("min_step", 0.0, std::numeric_limits<double>::max());
  return c;
}

}  // namespace optdyn::integrators
