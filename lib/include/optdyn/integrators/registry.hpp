#pragma once
// Every integrator by name: `make_integrator("rk4:h=0.01")`, `make_integrator("dopri5:rtol=1e-10,atol=1e-12")`.
// Unknown names/keys and bad values are InputErrors naming the key. `optdyn list integrators`
// prints describe_integrators().
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/integrators/integrator.hpp"

namespace optdyn {

using IntegratorRegistry = Registry<IntegratorPtr>;
using IntegratorEntry = IntegratorRegistry::Entry;

const IntegratorRegistry& integrator_registry();

inline IntegratorPtr make_integrator(std::string_view spec) { return integrator_registry().make(spec); }

std::string describe_integrators();

// The registry entry of an integrator class T built as T(const P&, std::string spec) from its
// parameter struct P (core/params.hpp): the spec text is the user's resolved spec.
template <class T, class P>
IntegratorEntry typed_integrator_entry() {
  return P::table().template entry<IntegratorPtr>(
      [](const P& p, std::string spec) -> IntegratorPtr { return std::make_unique<T>(p, std::move(spec)); });
}

// The typed factory behind make_dopri5({...}) and friends: the table's checks, then T(p, to_spec(p)).
template <class T, class P>
IntegratorPtr make_typed_integrator(const P& p) {
  P::table().check(p);
  return std::make_unique<T>(p, P::table().to_spec(p));
}

}  // namespace optdyn
