#pragma once
// Every integrator by name: `make_integrator("rk4:h=0.01")`, `make_integrator("dopri5:rtol=1e-10,atol=1e-12")`.
// Unknown names/keys and bad values are InputErrors naming the key. `optdyn list integrators`
// prints describe_integrators().
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/registry.hpp"
#include "optdyn/integrators/integrator.hpp"

namespace optdyn {

using IntegratorRegistry = Registry<IntegratorPtr>;
using IntegratorEntry = IntegratorRegistry::Entry;

const IntegratorRegistry& integrator_registry();

inline IntegratorPtr make_integrator(std::string_view spec) { return integrator_registry().make(spec); }

std::string describe_integrators();

}  // namespace optdyn
