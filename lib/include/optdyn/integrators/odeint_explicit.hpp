#pragma once
// Parameters and typed factories of the explicit Boost.Odeint integrators; the methods, their
// error control and sources are in lib/src/integrators/odeint_explicit.cpp.
//
//   IntegratorPtr euler = make_euler({.h = 0.01});
//   IntegratorPtr dopri = make_dopri5({.control = {.rtol = 1e-10, .atol = 1e-12}});
#include "optdyn/core/params.hpp"
#include "optdyn/integrators/adaptive_keys.hpp"
#include "optdyn/integrators/integrator.hpp"

namespace optdyn {

struct EulerParams {
  double h = 0.01;  // step size (> 0; record times are hit exactly)
  friend bool operator==(const EulerParams&, const EulerParams&) = default;
  static const ParamTable<EulerParams>& table();
};

struct Rk4Params {
  double h = 0.01;
  friend bool operator==(const Rk4Params&, const Rk4Params&) = default;
  static const ParamTable<Rk4Params>& table();
};

struct AdamsBashforthMoultonParams {
  double h = 0.01;  // a shortened step before a record time restarts the history
  long order = 4;   // number of steps = order, 1..8
  friend bool operator==(const AdamsBashforthMoultonParams&, const AdamsBashforthMoultonParams&) = default;
  static const ParamTable<AdamsBashforthMoultonParams>& table();
};

struct CashKarp54Params {
  AdaptiveStepParams control{};
  friend bool operator==(const CashKarp54Params&, const CashKarp54Params&) = default;
  static const ParamTable<CashKarp54Params>& table();
};

struct Dopri5Params {
  AdaptiveStepParams control{};
  friend bool operator==(const Dopri5Params&, const Dopri5Params&) = default;
  static const ParamTable<Dopri5Params>& table();
};

struct Fehlberg78Params {
  AdaptiveStepParams control{};
  friend bool operator==(const Fehlberg78Params&, const Fehlberg78Params&) = default;
  static const ParamTable<Fehlberg78Params>& table();
};

struct BulirschStoerParams {
  AdaptiveStepParams control{};
  friend bool operator==(const BulirschStoerParams&, const BulirschStoerParams&) = default;
  static const ParamTable<BulirschStoerParams>& table();
};

IntegratorPtr make_euler(const EulerParams& params = {});
IntegratorPtr make_rk4(const Rk4Params& params = {});
IntegratorPtr make_adams_bashforth_moulton(const AdamsBashforthMoultonParams& params = {});
IntegratorPtr make_cash_karp54(const CashKarp54Params& params = {});
IntegratorPtr make_dopri5(const Dopri5Params& params = {});
IntegratorPtr make_fehlberg78(const Fehlberg78Params& params = {});
IntegratorPtr make_bulirsch_stoer(const BulirschStoerParams& params = {});

}  // namespace optdyn
