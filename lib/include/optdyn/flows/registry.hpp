#pragma once
// Every flow by name, bound to an objective:
//
//   FlowPtr flow = make_flow("heavy_ball:mass=0.05,friction=0.1", f);
//
// Unknown names or keys and bad values are InputErrors naming the key (doc/design.md, spec
// strings). `optdyn list flows` prints describe_flows().
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/registry.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

using FlowRegistry = Registry<FlowPtr, const Objective&>;
using FlowEntry = FlowRegistry::Entry;

const FlowRegistry& flow_registry();

inline FlowPtr make_flow(std::string_view spec, const Objective& objective) {
  return flow_registry().make(spec, objective);
}

std::string describe_flows();

// A registry entry for a flow class constructible from (resolved Spec, objective).
template <class T>
FlowEntry flow_entry(std::string name, std::string help, std::vector<ParamInfo> params) {
  return {std::move(name), std::move(help), std::move(params),
          [](const Spec& s, const Objective& f) -> FlowPtr { return std::make_unique<T>(s, f); }};
}

}  // namespace optdyn
