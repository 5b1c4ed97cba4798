// The explicit Boost.Odeint integrators on Eigen states (the one translation unit that
// instantiates them; odeint is template-heavy):
//
//   euler                    z ← z + h F(z, t)                               (order 1)
//   rk4                      classical Runge–Kutta                            (order 4)
//   adams_bashforth_moulton  k-step Adams–Bashforth predictor + Adams–Moulton corrector
//                            (PECE, order k; the first k − 1 steps by rk4)    (Hairer, Nørsett
//                            & Wanner, Solving ODEs I, §III.1)
//   cash_karp54              embedded RK 5(4), Cash & Karp 1990
//   dopri5                   embedded RK 5(4), Dormand & Prince 1980, FSAL, dense output
//                            (Hairer–Nørsett–Wanner's 4th-order continuous extension)
//   fehlberg78               embedded RK 7(8), Fehlberg 1968
//   bulirsch_stoer           Gragg–Bulirsch–Stoer extrapolation of the modified midpoint rule
//
// Error control (odeint's default_error_checker): a trial step is accepted when
//   max_i |err_i| / (atol + rtol·(|z_i| + h|F_i|)) ≤ 1.
// Fixed-step methods follow the record-time rule of integrator.hpp, so that euler with
// h = η takes exactly the steps of gradient descent on the gradient flow.
#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <limits>

#include "driver.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/integrators/odeint_explicit.hpp"
#include "optdyn/integrators/registry.hpp"

namespace optdyn {
namespace {

namespace odeint = boost::numeric::odeint;
using integrators::CountingSystem;

// ---------------------------------------------------------------- fixed step ----------

// euler and rk4: one odeint do_step per step (P: EulerParams or Rk4Params).
template <class Stepper, class P>
class OdeintFixedStep final : public Integrator {
 public:
  OdeintFixedStep(const P& p, std::string spec) : spec_(std::move(spec)), h_(p.h) {}
  std::string spec() const override { return spec_; }

  IntegrationResult integrate(const Flow& flow, Vec& z, double t0, std::span<const double> record_times,
                              const IntegrationObserver& observe) override {
    integrators::check_inputs(spec_, false, flow, z, t0, record_times);
    IntegrationResult result;
    const CountingSystem system{&flow, &result.stats.rhs_evaluations};
    Stepper stepper;
    integrators::run_fixed_steps(z, t0, record_times, h_, observe, result,
                                 [&](Vec& state, double t, double h, std::string&) {
                                   stepper.do_step(system, state, t, h);
                                   return IntegrationStatus::ok;
                                 });
    return result;
  }

 private:
  std::string spec_;
  double h_;
};

// Adams–Bashforth–Moulton with `Order` steps. Its history assumes equal steps: a step of
// another length (the shortened step before a record time) restarts it, and odeint then
// takes Order − 1 rk4 steps before the multistep formula resumes.
template <std::size_t Order>
IntegrationResult integrate_abm(double h_fixed, const Flow& flow, Vec& z, double t0, std::span<const double> record_times,
                                const IntegrationObserver& observe) {
  IntegrationResult result;
  const CountingSystem system{&flow, &result.stats.rhs_evaluations};
  odeint::adams_bashforth_moulton<Order, Vec> stepper;
  double h_history = 0.0;
  integrators::run_fixed_steps(z, t0, record_times, h_fixed, observe, result,
                               [&](Vec& state, double t, double h, std::string&) {
                                 if (h != h_history) {
                                   stepper.reset();
                                   h_history = h;
                                 }
                                 stepper.do_step(system, state, t, h);
                                 return IntegrationStatus::ok;
                               });
  return result;
}

class AdamsBashforthMoulton final : public Integrator {
 public:
  AdamsBashforthMoulton(const AdamsBashforthMoultonParams& p, std::string spec)
      : spec_(std::move(spec)), h_(p.h), order_(p.order) {}
  std::string spec() const override { return spec_; }

  IntegrationResult integrate(const Flow& flow, Vec& z, double t0, std::span<const double> record_times,
                              const IntegrationObserver& observe) override {
    integrators::check_inputs(spec_, false, flow, z, t0, record_times);
    switch (order_) {
      case 1: return integrate_abm<1>(h_, flow, z, t0, record_times, observe);
      case 2: return integrate_abm<2>(h_, flow, z, t0, record_times, observe);
      case 3: return integrate_abm<3>(h_, flow, z, t0, record_times, observe);
      case 4: return integrate_abm<4>(h_, flow, z, t0, record_times, observe);
      case 5: return integrate_abm<5>(h_, flow, z, t0, record_times, observe);
      case 6: return integrate_abm<6>(h_, flow, z, t0, record_times, observe);
      case 7: return integrate_abm<7>(h_, flow, z, t0, record_times, observe);
      default: return integrate_abm<8>(h_, flow, z, t0, record_times, observe);
    }
  }

 private:
  std::string spec_;
  double h_;
  long order_;
};

// ------------------------------------------------------------------ adaptive ----------

// A trial for run_adaptive over an odeint controlled stepper without dense output
// (cash_karp54, fehlberg78, bulirsch_stoer). F at the start of a step is computed once and
// reused by the trials that follow a rejection: evaluations = stages·accepted +
// (stages − 1)·rejected for the Runge–Kutta pairs.
template <class Controlled>
class ControlledTrial {
 public:
  static constexpr bool dense = false;
  ControlledTrial(Controlled controlled, CountingSystem system)
      : controlled_(std::move(controlled)), system_(system) {}

  void start(const Vec& z, double) {
    z_ = z;
    have_dzdt_ = false;
  }
  bool try_step(double& t, double& dt) {
    if (!have_dzdt_) system_(z_, dzdt_, t);
    have_dzdt_ = true;
    const double t_start = t, dt_start = dt;
    z_start_ = z_;
    if (controlled_.try_step(system_, z_, dzdt_, t, dt) != odeint::success) return false;
    if (!z_.allFinite()) {  // driver.hpp, kNonFiniteShrink
      z_.swap(z_start_);
      t = t_start;
      dt = integrators::kNonFiniteShrink * dt_start;
      return false;
    }
    have_dzdt_ = false;
    return true;
  }
  const Vec& state() const { return z_; }
  void interpolate(double, Vec&) {}

 private:
  Controlled controlled_;
  CountingSystem system_;
  Vec z_, dzdt_, z_start_;
  bool have_dzdt_ = false;
};

// dopri5 driven trial by trial (so that rejections are counted), FSAL: F at the end of an
// accepted step is F at the start of the next; evaluations = 1 + 6·(accepted + rejected).
// Record times inside a step come from the stepper's continuous extension (calc_state),
// which uses the stages of the last accepted step.
class Dopri5Trial {
 public:
  using Stepper = odeint::runge_kutta_dopri5<Vec>;
  using Controlled = odeint::controlled_runge_kutta<Stepper>;
  static constexpr bool dense = true;

  Dopri5Trial(double atol, double rtol, CountingSystem system)
      : controlled_(odeint::default_error_checker<double, Stepper::algebra_type, Stepper::operations_type>(atol, rtol)),
        system_(system) {}

  void start(const Vec& z, double t) {
    z_ = z;
    system_(z_, dzdt_, t);
    t_ = t;
  }
  bool try_step(double& t, double& dt) {
    const double t_start = t, dt_start = dt;
    if (controlled_.try_step(system_, z_, dzdt_, t, z_next_, dzdt_next_, dt) != odeint::success) return false;
    if (!z_next_.allFinite()) {  // driver.hpp, kNonFiniteShrink
      t = t_start;
      dt = integrators::kNonFiniteShrink * dt_start;
      return false;
    }
    z_.swap(z_next_);  // z_next_, dzdt_next_ now hold the state at the start of the step
    dzdt_.swap(dzdt_next_);
    t_old_ = t_start;
    t_ = t;
    return true;
  }
  const Vec& state() const { return z_; }
  void interpolate(double t, Vec& out) {
    out.resize(z_.size());
    controlled_.stepper().calc_state(t, out, z_next_, dzdt_next_, t_old_, z_, dzdt_, t_);
  }

 private:
  Controlled controlled_;
  CountingSystem system_;
  Vec z_, dzdt_, z_next_, dzdt_next_;
  double t_old_ = 0.0, t_ = 0.0;
};

enum class AdaptiveMethod { cash_karp54, dopri5, fehlberg78, bulirsch_stoer };

template <class RungeKutta>
ControlledTrial<odeint::controlled_runge_kutta<RungeKutta>> runge_kutta_trial(double atol, double rtol,
                                                                             CountingSystem system) {
  using Checker = odeint::default_error_checker<double, typename RungeKutta::algebra_type,
                                                typename RungeKutta::operations_type>;
  return {odeint::controlled_runge_kutta<RungeKutta>(Checker(atol, rtol)), system};
}

class OdeintAdaptive : public Integrator {
 public:
  OdeintAdaptive(const AdaptiveStepParams& p, std::string spec, AdaptiveMethod method)
      : spec_(std::move(spec)),
        method_(method),
        rtol_(p.rtol),
        atol_(p.atol),
        control_(integrators::adaptive_control(p)) {}
  std::string spec() const override { return spec_; }

  IntegrationResult integrate(const Flow& flow, Vec& z, double t0, std::span<const double> record_times,
                              const IntegrationObserver& observe) override {
    integrators::check_inputs(spec_, false, flow, z, t0, record_times);
    IntegrationResult result;
    const CountingSystem system{&flow, &result.stats.rhs_evaluations};
    auto run = [&](auto trial) { integrators::run_adaptive(trial, z, t0, record_times, control_, observe, result); };
    switch (method_) {
      case AdaptiveMethod::dopri5: run(Dopri5Trial(atol_, rtol_, system)); break;
      case AdaptiveMethod::cash_karp54:
        run(runge_kutta_trial<odeint::runge_kutta_cash_karp54<Vec>>(atol_, rtol_, system));
        break;
      case AdaptiveMethod::fehlberg78:
        run(runge_kutta_trial<odeint::runge_kutta_fehlberg78<Vec>>(atol_, rtol_, system));
        break;
      case AdaptiveMethod::bulirsch_stoer:
        run(ControlledTrial<odeint::bulirsch_stoer<Vec>>(odeint::bulirsch_stoer<Vec>(atol_, rtol_), system));
        break;
    }
    return result;
  }

 private:
  std::string spec_;
  AdaptiveMethod method_;
  double rtol_, atol_;
  integrators::AdaptiveControl control_;
};

// One class per adaptive method, built from its parameter struct P (members: control).
template <class P, AdaptiveMethod Method>
struct Adaptive final : OdeintAdaptive {
  Adaptive(const P& p, std::string spec) : OdeintAdaptive(p.control, std::move(spec), Method) {}
};
using CashKarp54 = Adaptive<CashKarp54Params, AdaptiveMethod::cash_karp54>;
using Dopri5 = Adaptive<Dopri5Params, AdaptiveMethod::dopri5>;
using Fehlberg78 = Adaptive<Fehlberg78Params, AdaptiveMethod::fehlberg78>;
using BulirschStoer = Adaptive<BulirschStoerParams, AdaptiveMethod::bulirsch_stoer>;
using Euler = OdeintFixedStep<odeint::euler<Vec>, EulerParams>;
using Rk4 = OdeintFixedStep<odeint::runge_kutta4<Vec>, Rk4Params>;

template <class P>
void fixed_step_key(ParamTable<P>& t) {
  t.real("h", &P::h, Range::positive(), "step size (record times are hit exactly)");
}

template <class P>
ParamTable<P> adaptive_table(std::string name, std::string help) {
  return ParamTable<P>("integrator", std::move(name), std::move(help)).embed(&P::control, AdaptiveStepParams::table());
}

}  // namespace

const ParamTable<EulerParams>& EulerParams::table() {
  static const auto t = ParamTable<EulerParams>("integrator", "euler", "explicit Euler z ← z + h F(z, t), order 1 (odeint)")
                            .with(fixed_step_key<EulerParams>);
  return t;
}

const ParamTable<Rk4Params>& Rk4Params::table() {
  static const auto t =
      ParamTable<Rk4Params>("integrator", "rk4", "classical Runge–Kutta, order 4 (odeint)").with(fixed_step_key<Rk4Params>);
  return t;
}

const ParamTable<AdamsBashforthMoultonParams>& AdamsBashforthMoultonParams::table() {
  using P = AdamsBashforthMoultonParams;
  static const auto t =
      ParamTable<P>("integrator", "adams_bashforth_moulton",
                    "Adams–Bashforth–Moulton PECE with fixed step, order = steps, rk4 start (odeint)")
          .real("h", &P::h, Range::positive(), "step size (a shortened step before a record time restarts the history)")
          .integer("order", &P::order, 1, 8, "number of steps = order, 1..8");
  return t;
}

const ParamTable<CashKarp54Params>& CashKarp54Params::table() {
  static const auto t = adaptive_table<CashKarp54Params>(
      "cash_karp54", "adaptive Cash–Karp RK 5(4), clips steps to record times (odeint)");
  return t;
}

const ParamTable<Dopri5Params>& Dopri5Params::table() {
  static const auto t = adaptive_table<Dopri5Params>(
      "dopri5", "adaptive Dormand–Prince RK 5(4), FSAL, dense output at record times (odeint)");
  return t;
}

const ParamTable<Fehlberg78Params>& Fehlberg78Params::table() {
  static const auto t = adaptive_table<Fehlberg78Params>(
      "fehlberg78", "adaptive Runge–Kutta–Fehlberg 7(8), clips steps to record times (odeint)");
  return t;
}

const ParamTable<BulirschStoerParams>& BulirschStoerParams::table() {
  static const auto t = adaptive_table<BulirschStoerParams>(
      "bulirsch_stoer", "adaptive Gragg–Bulirsch–Stoer extrapolation, clips steps to record times (odeint)");
  return t;
}

IntegratorPtr make_euler(const EulerParams& p) { return make_typed_integrator<Euler>(p); }
IntegratorPtr make_rk4(const Rk4Params& p) { return make_typed_integrator<Rk4>(p); }
IntegratorPtr make_adams_bashforth_moulton(const AdamsBashforthMoultonParams& p) {
  return make_typed_integrator<AdamsBashforthMoulton>(p);
}
IntegratorPtr make_cash_karp54(const CashKarp54Params& p) { return make_typed_integrator<CashKarp54>(p); }
IntegratorPtr make_dopri5(const Dopri5Params& p) { return make_typed_integrator<Dopri5>(p); }
IntegratorPtr make_fehlberg78(const Fehlberg78Params& p) { return make_typed_integrator<Fehlberg78>(p); }
IntegratorPtr make_bulirsch_stoer(const BulirschStoerParams& p) { return make_typed_integrator<BulirschStoer>(p); }

std::vector<IntegratorEntry> odeint_explicit_entries() {
  return {
      typed_integrator_entry<Euler, EulerParams>(),
      typed_integrator_entry<Rk4, Rk4Params>(),
      typed_integrator_entry<CashKarp54, CashKarp54Params>(),
      typed_integrator_entry<Dopri5, Dopri5Params>(),
      typed_integrator_entry<Fehlberg78, Fehlberg78Params>(),
      typed_integrator_entry<BulirschStoer, BulirschStoerParams>(),
      typed_integrator_entry<AdamsBashforthMoulton, AdamsBashforthMoultonParams>(),
  };
}

}  // namespace optdyn
