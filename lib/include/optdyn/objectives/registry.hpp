#pragma once
// Every objective by name: `make_objective("quadratic:dim=50,kappa=1000,seed=1")`.
#include <string_view>

#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

using ObjectiveRegistry = Registry<ObjectivePtr>;
using ObjectiveEntry = ObjectiveRegistry::Entry;

const ObjectiveRegistry& objective_registry();

inline ObjectivePtr make_objective(std::string_view spec) { return objective_registry().make(spec); }

}  // namespace optdyn
