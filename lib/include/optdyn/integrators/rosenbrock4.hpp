#pragma once
// Parameters and typed factory of rosenbrock4 (odeint's Rosenbrock 4(3), dense Jacobian, small
// stiff problems); the method and its corrected coefficient are in lib/src/integrators/rosenbrock4.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/integrators/adaptive_keys.hpp"
#include "optdyn/integrators/integrator.hpp"

namespace optdyn {

struct Rosenbrock4Params {
  AdaptiveStepParams control{};
  long max_dim = 2000;  // largest state dimension accepted, 1..20000
  friend bool operator==(const Rosenbrock4Params&, const Rosenbrock4Params&) = default;
  static const ParamTable<Rosenbrock4Params>& table();
};

IntegratorPtr make_rosenbrock4(const Rosenbrock4Params& params = {});

}  // namespace optdyn
