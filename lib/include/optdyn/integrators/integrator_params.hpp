#pragma once
// Every integrator's parameter struct as one value type: an integrator named by typed
// parameters instead of a spec string.
//
//   IntegratorParams p = parse_integrator("dopri5:rtol=1e-10,atol=1e-12");  // every key checked
//   IntegratorPtr integ = make_integrator(p);
//   integrator_spec(p) == integ->spec()
#include <string>
#include <string_view>
#include <variant>

#include "optdyn/integrators/euler_maruyama.hpp"
#include "optdyn/integrators/implicit.hpp"
#include "optdyn/integrators/integrator.hpp"
#include "optdyn/integrators/odeint_explicit.hpp"
#include "optdyn/integrators/rosenbrock4.hpp"

namespace optdyn {

using IntegratorParams =
    std::variant<EulerParams, Rk4Params, AdamsBashforthMoultonParams, CashKarp54Params, Dopri5Params, Fehlberg78Params,
                 BulirschStoerParams, ImplicitEulerParams, ImplicitMidpointParams, Rosenbrock4Params, EulerMaruyamaParams>;

// The typed parameters of an integrator spec, every key checked through its table (unknown
// names and keys, bad values: the InputErrors of make_integrator(spec)), without building it.
IntegratorParams parse_integrator(std::string_view spec);

// `name:key=value,...` of the held parameters (their table's to_spec).
std::string integrator_spec(const IntegratorParams& params);

// The integrator, by the typed factory of the held parameters.
IntegratorPtr make_integrator(const IntegratorParams& params);

}  // namespace optdyn
