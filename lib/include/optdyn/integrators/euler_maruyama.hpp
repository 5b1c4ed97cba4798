#pragma once
// Parameters and typed factory of Euler–Maruyama (SDE flows; explicit Euler on ODEs); the
// method and its noise stream are in lib/src/integrators/euler_maruyama.cpp.
#include <cstdint>

#include "optdyn/core/params.hpp"
#include "optdyn/integrators/integrator.hpp"

namespace optdyn {

struct EulerMaruyamaParams {
  double h = 0.01;         // step size (> 0; a shortened step uses √(its length))
  std::uint64_t seed = 0;  // seed of the noise increments (same params ⇒ same path)
  friend bool operator==(const EulerMaruyamaParams&, const EulerMaruyamaParams&) = default;
  static const ParamTable<EulerMaruyamaParams>& table();
};

IntegratorPtr make_euler_maruyama(const EulerMaruyamaParams& params = {});

}  // namespace optdyn
