// IntegratorParams: parsing through the tables, to_spec and the typed factory of whichever
// integrator the variant holds (integrator_params.hpp).
#include "optdyn/integrators/integrator_params.hpp"

#include <stdexcept>
#include <utility>

#include "optdyn/integrators/registry.hpp"

namespace optdyn {
namespace {

IntegratorPtr make_one(const EulerParams& p) { return make_euler(p); }
IntegratorPtr make_one(const Rk4Params& p) { return make_rk4(p); }
IntegratorPtr make_one(const AdamsBashforthMoultonParams& p) { return make_adams_bashforth_moulton(p); }
IntegratorPtr make_one(const CashKarp54Params& p) { return make_cash_karp54(p); }
IntegratorPtr make_one(const Dopri5Params& p) { return make_dopri5(p); }
IntegratorPtr make_one(const Fehlberg78Params& p) { return make_fehlberg78(p); }
IntegratorPtr make_one(const BulirschStoerParams& p) { return make_bulirsch_stoer(p); }
IntegratorPtr make_one(const ImplicitEulerParams& p) { return make_implicit_euler(p); }
IntegratorPtr make_one(const ImplicitMidpointParams& p) { return make_implicit_midpoint(p); }
IntegratorPtr make_one(const Rosenbrock4Params& p) { return make_rosenbrock4(p); }
IntegratorPtr make_one(const EulerMaruyamaParams& p) { return make_euler_maruyama(p); }

// The alternative whose table has the spec's name, read from the resolved spec.
template <std::size_t... I>
IntegratorParams read_integrator(const Spec& s, std::index_sequence<I...>) {
  IntegratorParams out;
  const bool found = ((std::variant_alternative_t<I, IntegratorParams>::table().name() == s.name()
                           ? (out = std::variant_alternative_t<I, IntegratorParams>::table().from_spec(s), true)
                           : false) ||
                      ...);
  if (!found) throw std::logic_error("integrator '" + s.name() + "' is registered but not in IntegratorParams");
  return out;
}

}  // namespace

IntegratorParams parse_integrator(std::string_view spec) {
  return read_integrator(integrator_registry().resolve(spec),
                         std::make_index_sequence<std::variant_size_v<IntegratorParams>>{});
}

std::string integrator_spec(const IntegratorParams& params) {
  return std::visit([](const auto& p) { return std::decay_t<decltype(p)>::table().to_spec(p); }, params);
}

IntegratorPtr make_integrator(const IntegratorParams& params) {
  return std::visit([](const auto& p) { return make_one(p); }, params);
}

}  // namespace optdyn
