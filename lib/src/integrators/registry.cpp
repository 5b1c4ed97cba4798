#include "optdyn/integrators/registry.hpp"

#include <vector>

namespace optdyn {

// The entry functions named in integrator_list.def, declared (each defined in its own file).
#define OPTDYN_ENTRY(f) IntegratorEntry f();
#define OPTDYN_ENTRIES(f) std::vector<IntegratorEntry> f();
#include "integrator_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES

const IntegratorRegistry& integrator_registry() {
  static const IntegratorRegistry registry = [] {
    IntegratorRegistry r("integrator");
#define OPTDYN_ENTRY(f) r.add(f());
#define OPTDYN_ENTRIES(f) r.add(f());
#include "integrator_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES
    return r;
  }();
  return registry;
}

std::string describe_integrators() { return integrator_registry().describe(); }

const char* to_string(IntegrationStatus status) {
  switch (status) {
    case IntegrationStatus::ok: return "ok";
    case IntegrationStatus::diverged: return "diverged";
    case IntegrationStatus::stopped_by_observer: return "stopped_by_observer";
    case IntegrationStatus::step_size_underflow: return "step_size_underflow";
    case IntegrationStatus::max_steps: return "max_steps";
    case IntegrationStatus::solver_failed: return "solver_failed";
    case IntegrationStatus::paused: return "paused";
  }
  return "unknown";
}

}  // namespace optdyn
