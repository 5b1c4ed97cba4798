#include "optdyn/flows/registry.hpp"

#include <vector>

namespace optdyn {

// The entry functions named in flow_list.def, declared (each defined in its own file).
#define OPTDYN_ENTRY(f) FlowEntry f();
#define OPTDYN_ENTRIES(f) std::vector<FlowEntry> f();
#include "flow_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES

const FlowRegistry& flow_registry() {
  static const FlowRegistry registry = [] {
    FlowRegistry r("flow");
#define OPTDYN_ENTRY(f) r.add(f());
#define OPTDYN_ENTRIES(f) r.add(f());
#include "flow_list.def"
#undef OPTDYN_ENTRY
#undef OPTDYN_ENTRIES
    return r;
  }();
  return registry;
}

std::string describe_flows() { return flow_registry().describe(); }

}  // namespace optdyn
