#include "optdyn/flows/registry.hpp"

#include <vector>

namespace optdyn {

// One entry function per flow file (formula and source there).
FlowEntry gradient_flow_entry();                    // gradient_flow.cpp
FlowEntry modified_gd_entry();                      // modified_gd.cpp
FlowEntry heavy_ball_entry();                       // heavy_ball.cpp
std::vector<FlowEntry> high_resolution_entries();   // high_resolution.cpp: hb/nag_sc/nag_c_high_res
FlowEntry nesterov_ode_entry();                     // nesterov_ode.cpp
std::vector<FlowEntry> adaptive_moment_entries();   // adaptive_moment_odes.cpp: rmsprop_ode, adam_ode
FlowEntry newton_flow_entry();                      // newton_flow.cpp
FlowEntry saddle_free_flow_entry();                 // saddle_free_flow.cpp
FlowEntry natural_gradient_flow_entry();            // natural_gradient_flow.cpp
FlowEntry sgd_sde_entry();                          // sgd_sde.cpp

const FlowRegistry& flow_registry() {
  static const FlowRegistry registry = [] {
    FlowRegistry r("flow");
    r.add(gradient_flow_entry());
    r.add(modified_gd_entry());
    r.add(heavy_ball_entry());
    for (auto& e : high_resolution_entries()) r.add(std::move(e));
    r.add(nesterov_ode_entry());
    for (auto& e : adaptive_moment_entries()) r.add(std::move(e));
    r.add(newton_flow_entry());
    r.add(saddle_free_flow_entry());
    r.add(natural_gradient_flow_entry());
    r.add(sgd_sde_entry());
    return r;
  }();
  return registry;
}

std::string describe_flows() { return flow_registry().describe(); }

}  // namespace optdyn
