#include "optdyn/flows/registry.hpp"

namespace optdyn {

// One entry function per flow file (formula and source there).
FlowEntry gradient_flow_entry();  // gradient_flow.cpp

const FlowRegistry& flow_registry() {
  static const FlowRegistry registry = [] {
    FlowRegistry r("flow");
    r.add(gradient_flow_entry());
    return r;
  }();
  return registry;
}

std::string describe_flows() { return flow_registry().describe(); }

}  // namespace optdyn
