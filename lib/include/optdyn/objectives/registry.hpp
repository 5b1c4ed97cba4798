#pragma once
// Every objective by name: `make_objective("quadratic:dim=50,kappa=1000,seed=1")`, or typed:
// `make_quadratic({.dim = 50, .kappa = 1000, .seed = 1})` (each objective's header).
#include <string>
#include <string_view>
#include <utility>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

using ObjectiveRegistry = Registry<ObjectivePtr>;
using ObjectiveEntry = ObjectiveRegistry::Entry;

const ObjectiveRegistry& objective_registry();

inline ObjectivePtr make_objective(std::string_view spec) { return objective_registry().make(spec); }

// The registry entry of an objective with typed parameters P (P::table()): the factory reads
// the resolved spec into P and calls build(p, canonical spec), so the objective's spec() is the
// resolved spec text as given.
template <class P, class Build>
ObjectiveEntry typed_objective_entry(Build build) {
  return P::table().template entry<ObjectivePtr>(
      [build](const P& p, std::string spec) -> ObjectivePtr { return build(p, std::move(spec)); });
}

// The typed factory behind make_quadratic(...) and friends: the table's checks (InputError
// naming the key, as for a spec string), then build(p, to_spec(p)).
template <class P, class Build>
auto make_typed_objective(const P& p, Build build) {
  P::table().check(p);
  return build(p, P::table().to_spec(p));
}

}  // namespace optdyn
