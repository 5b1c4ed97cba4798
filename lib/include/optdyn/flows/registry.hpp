#pragma once
// Every flow by name, bound to an objective:
//
//   FlowPtr flow = make_flow("heavy_ball:mass=0.05,friction=0.1", f);
//
// Unknown names or keys and bad values are InputErrors naming the key (doc/design.md, spec
// strings). `optdyn list flows` prints describe_flows().
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/params.hpp"
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

// The registry entry of a flow class T built as T(const P&, std::string spec, objective) from
// its parameter struct P (core/params.hpp): the spec text is the user's resolved spec.
template <class T, class P>
FlowEntry typed_flow_entry() {
  return P::table().template entry<FlowPtr, const Objective&>(
      [](const P& p, std::string spec, const Objective& f) -> FlowPtr {
        return std::make_unique<T>(p, std::move(spec), f);
      });
}

// The typed factory behind make_heavy_ball_flow(f, {...}) and friends: the table's checks,
// then T(p, to_spec(p), objective).
template <class T, class P>
FlowPtr make_typed_flow(const Objective& objective, const P& p) {
  P::table().check(p);
  return std::make_unique<T>(p, P::table().to_spec(p), objective);
}

}  // namespace optdyn
