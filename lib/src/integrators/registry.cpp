#include "optdyn/integrators/registry.hpp"

namespace optdyn {

// One entry function per integrator file (formulas and sources there).
std::vector<IntegratorEntry> odeint_explicit_entries();  // odeint_explicit.cpp
std::vector<IntegratorEntry> implicit_entries();         // implicit.cpp
IntegratorEntry rosenbrock4_entry();                     // rosenbrock4.cpp
IntegratorEntry euler_maruyama_entry();                  // euler_maruyama.cpp

const IntegratorRegistry& integrator_registry() {
  static const IntegratorRegistry registry = [] {
    IntegratorRegistry r("integrator");
    for (auto& e : odeint_explicit_entries()) r.add(std::move(e));
    for (auto& e : implicit_entries()) r.add(std::move(e));
    r.add(rosenbrock4_entry());
    r.add(euler_maruyama_entry());
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
  }
  return "unknown";
}

}  // namespace optdyn
