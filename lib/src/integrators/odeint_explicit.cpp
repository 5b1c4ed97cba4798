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
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

#include "driver.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/integrators/odeint_explicit.hpp"
#include "optdyn/integrators/registry.hpp"

namespace optdyn {
namespace {

namespace odeint = boost::numeric::odeint;
using integrators::CountingSystem;

// ---------------------------------------------------------------- fixed step ----------

// euler and rk4: one odeint do_step per step; nothing is carried from one step to the next.
template <class Stepper>
struct OdeintStep {
  CountingSystem system;
  Stepper stepper;
  IntegrationStatus operator()(Vec& z, double t, double h, std::string&) {
    stepper.do_step(system, z, t, h);
    return IntegrationStatus::ok;
  }
  void archive(StateArchive&, Index) {}
};

// P: EulerParams or Rk4Params.
template <class Stepper, class P>
class OdeintFixedStep final : public Integrator {
 public:
  OdeintFixedStep(const P& p, std::string spec) : spec_(std::move(spec)), h_(p.h) {}
  std::string spec() const override { return spec_; }

  std::unique_ptr<Integration> start(const Flow& flow, const Vec& z, double t0,
                                     std::span<const double> record_times) override {
    integrators::check_inputs(spec_, false, flow, z, t0, record_times);
    return integrators::fixed_step_integration(z, t0, record_times, h_, [&flow](IntegrationStats& stats) {
      return OdeintStep<Stepper>{{&flow, &stats.rhs_evaluations}, {}};
    });
  }

 private:
  std::string spec_;
  double h_;
};

// The start-up stepper of the Adams predictor: odeint's rk4 (as in adams_bashforth_moulton),
// or — while an archived history is replayed into the predictor — a step that leaves the
// state where it is.
struct StartStepper {
  odeint::runge_kutta4<Vec> rk4;
  bool replaying = false;
  template <class System, class StateIn, class DerivIn, class StateOut>
  void do_step_dxdt_impl(System system, const StateIn& in, const DerivIn& dxdt, double t, StateOut& out, double dt) {
    if (!replaying) rk4.do_step_dxdt_impl(system, in, dxdt, t, out, dt);
  }
};

// A system that only hands back a recorded derivative (the history replay).
struct RecordedDerivative {
  const Vec* derivative;
  void operator()(const Vec&, Vec& dzdt, double) const { dzdt = *derivative; }
};

// Adams–Bashforth–Moulton PECE with `Order` steps: odeint's adams_bashforth_moulton::do_step
// (Boost 1.74) written out from its two halves, the predictor adams_bashforth — which keeps
// the history F_n, F_{n−1}, …, F_{n−Order+1} and builds it with Order − 1 rk4 steps — and the
// corrector adams_moulton, so that the history can be archived. Its history assumes equal
// steps: a step of another length (the shortened step before a record time) restarts it.
//
// The checkpoint holds the derivatives the next step uses (the predictor's step_storage()[i],
// i < the steps taken since the restart, at most Order − 1, newest first). The predictor's
// count of start-up steps is private; restoring replays the derivatives, oldest first,
// through its own start-up steps with a StartStepper that does not move the state, which
// leaves history and count exactly as the steps that made them.
template <std::size_t Order>
class AdamsStep {
 public:
  using Predictor = odeint::adams_bashforth<Order, Vec, double, Vec, double, odeint::runge_kutta4<Vec>::algebra_type,
                                            odeint::runge_kutta4<Vec>::operations_type, odeint::initially_resizer,
                                            StartStepper>;
  using Corrector = odeint::adams_moulton<Order, Vec>;

  AdamsStep(const Flow& flow, IntegrationStats& stats) : system_{&flow, &stats.rhs_evaluations} {}

  IntegrationStatus operator()(Vec& z, double t, double h, std::string&) {
    if (h != h_) restart(h);
    if (predictor_.is_initialized()) {
      predicted_.resize(z.size());
      predictor_.do_step(system_, z, t, predicted_, h);
      corrector_.do_step(system_, z, predicted_, t + h, z, h, predictor_.step_storage());
    } else {
      predictor_.do_step(system_, z, t, h);
    }
    history_ = std::min(history_ + 1, Order - 1);
    return IntegrationStatus::ok;
  }

  void archive(StateArchive& a, Index dim) {
    a.field("h", h_);
    std::vector<Vec> derivatives;
    for (std::size_t i = 0; i < history_; ++i) derivatives.push_back(predictor_.step_storage()[i].m_v);
    a.sequence("derivatives", derivatives, dim, Order - 1);
    if (a.loading()) replay(derivatives, dim);
  }

 private:
  void restart(double h) {
    predictor_.reset();
    history_ = 0;
    h_ = h;
  }

  // The predictor as the steps that left `derivatives` (newest first) in its history.
  void replay(const std::vector<Vec>& derivatives, Index dim) {
    restart(h_);
    const Vec unused = Vec::Zero(dim);
    Vec out(dim);
    predictor_.initializing_stepper().replaying = true;
    for (auto d = derivatives.rbegin(); d != derivatives.rend(); ++d)
      predictor_.do_step(RecordedDerivative{&*d}, unused, 0.0, out, h_);
    predictor_.initializing_stepper().replaying = false;
    history_ = derivatives.size();
  }

  CountingSystem system_;
  Predictor predictor_;
  Corrector corrector_;
  Vec predicted_;
  double h_ = 0.0;            // the step the history was built with (0: none yet)
  std::size_t history_ = 0;   // derivatives in the history, ≤ Order − 1
};

template <std::size_t Order>
std::unique_ptr<Integration> start_abm(double h, const Flow& flow, const Vec& z, double t0,
                                       std::span<const double> record_times) {
  return integrators::fixed_step_integration(
      z, t0, record_times, h, [&flow](IntegrationStats& stats) { return AdamsStep<Order>(flow, stats); });
}

class AdamsBashforthMoulton final : public Integrator {
 public:
  AdamsBashforthMoulton(const AdamsBashforthMoultonParams& p, std::string spec)
      : spec_(std::move(spec)), h_(p.h), order_(p.order) {}
  std::string spec() const override { return spec_; }

  std::unique_ptr<Integration> start(const Flow& flow, const Vec& z, double t0,
                                     std::span<const double> record_times) override {
    integrators::check_inputs(spec_, false, flow, z, t0, record_times);
    switch (order_) {
      case 1: return start_abm<1>(h_, flow, z, t0, record_times);
      case 2: return start_abm<2>(h_, flow, z, t0, record_times);
      case 3: return start_abm<3>(h_, flow, z, t0, record_times);
      case 4: return start_abm<4>(h_, flow, z, t0, record_times);
      case 5: return start_abm<5>(h_, flow, z, t0, record_times);
      case 6: return start_abm<6>(h_, flow, z, t0, record_times);
      case 7: return start_abm<7>(h_, flow, z, t0, record_times);
      default: return start_abm<8>(h_, flow, z, t0, record_times);
    }
  }

 private:
  std::string spec_;
  double h_;
  long order_;
};

// ------------------------------------------------------------------ adaptive ----------

// What a controlled stepper carries from one trial to the next: nothing for odeint's
// controlled_runge_kutta (its step adjuster only scales the step it is given);
// bulirsch_stoer's memory below.
template <class Controlled>
void archive_memory(StateArchive&, Controlled&, const Vec&) {}

// odeint's bulirsch_stoer (Boost 1.74) carries four private members from one step to the
// next, with no accessor: whether it has stepped since its last reset (m_first), whether its
// last trial was rejected (m_last_step_rejected), the step it proposed (m_dt_last; a trial of
// another size resets it) and the extrapolation order it tries next (m_current_k_opt). C++
// does not check access in the arguments of an explicit instantiation ([temp.spec.general]/6),
// so PrivateMember<Tag, &T::m_member> may name them and hands out the pointer-to-member
// through member(Tag{}). A member renamed by another Boost version is a compile error here;
// tests/integration_checkpoint_test.cpp checks that a restored stepper continues bit for bit.
using BsStepper = odeint::bulirsch_stoer<Vec>;

template <class Tag, typename Tag::type Pointer>
struct PrivateMember {
  friend typename Tag::type member(Tag) { return Pointer; }
};
struct BsFirst {
  using type = bool BsStepper::*;
  friend type member(BsFirst);
};
struct BsLastRejected {
  using type = bool BsStepper::*;
  friend type member(BsLastRejected);
};
struct BsLastStep {
  using type = double BsStepper::*;
  friend type member(BsLastStep);
};
struct BsOrder {
  using type = std::size_t BsStepper::*;
  friend type member(BsOrder);
};
template struct PrivateMember<BsFirst, &BsStepper::m_first>;
template struct PrivateMember<BsLastRejected, &BsStepper::m_last_step_rejected>;
template struct PrivateMember<BsLastStep, &BsStepper::m_dt_last>;
template struct PrivateMember<BsOrder, &BsStepper::m_current_k_opt>;

// m_dt_last is left uninitialised by odeint's constructor (its first step resets the stepper
// whatever it holds); 0 makes it a defined value to archive, with the same first step.
void define_last_step(BsStepper& stepper) { stepper.*member(BsLastStep{}) = 0.0; }

void archive_memory(StateArchive& a, BsStepper& stepper, const Vec& z) {
  a.field("first", stepper.*member(BsFirst{}));
  a.field("last_step_rejected", stepper.*member(BsLastRejected{}));
  a.field("last_step", stepper.*member(BsLastStep{}));
  auto order = static_cast<std::int64_t>(stepper.*member(BsOrder{}));
  a.field("order", order, 1, static_cast<std::int64_t>(BsStepper::m_k_max) - 1);
  if (!a.loading()) return;
  stepper.*member(BsOrder{}) = static_cast<std::size_t>(order);
  // Sized now, so that its first step finds nothing to resize: a resize resets the memory.
  stepper.adjust_size(z);
}

// A trial for AdaptiveIntegration over an odeint controlled stepper without dense output
// (cash_karp54, fehlberg78, bulirsch_stoer). F at the start of a step is computed once and
// reused by the trials that follow a rejection: evaluations = stages·accepted +
// (stages − 1)·rejected for the Runge–Kutta pairs. A boundary holds z, F(z) when a rejected
// trial has computed it (the next trial reuses it: archived, never evaluated again) and the
// stepper's memory.
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
  void archive(StateArchive& a, Index dim) {
    a.field("z", z_, dim);
    a.field("have_dzdt", have_dzdt_);
    if (have_dzdt_) a.field("dzdt", dzdt_, dim);
    archive_memory(a, controlled_, z_);
  }

 private:
  Controlled controlled_;
  CountingSystem system_;
  Vec z_, dzdt_, z_start_;
  bool have_dzdt_ = false;
};

// dopri5 driven trial by trial (so that rejections are counted), FSAL: F at the end of an
// accepted step is F at the start of the next; evaluations = 1 + 6·(accepted + rejected).
// Record times inside a step come from the stepper's continuous extension (calc_state),
// which uses the stages of the last accepted step. A boundary holds z and F(z, t): the
// first stage of the next trial, archived rather than evaluated again (every record time
// inside the last accepted step has been observed by then: its stages are not needed).
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
  void archive(StateArchive& a, Index dim) {
    a.field("z", z_, dim);
    a.field("dzdt", dzdt_, dim);
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

ControlledTrial<BsStepper> bulirsch_stoer_trial(double atol, double rtol, CountingSystem system) {
  BsStepper stepper(atol, rtol);
  define_last_step(stepper);
  return {std::move(stepper), system};
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

  std::unique_ptr<Integration> start(const Flow& flow, const Vec& z, double t0,
                                     std::span<const double> record_times) override {
    integrators::check_inputs(spec_, false, flow, z, t0, record_times);
    // The integration of the trial that make_trial(system) returns.
    auto with = [&](auto make_trial) {
      return integrators::adaptive_integration(z, t0, record_times, control_, [&](IntegrationStats& stats) {
        return make_trial(CountingSystem{&flow, &stats.rhs_evaluations});
      });
    };
    const double atol = atol_, rtol = rtol_;
    switch (method_) {
      case AdaptiveMethod::dopri5: return with([=](CountingSystem s) { return Dopri5Trial(atol, rtol, s); });
      case AdaptiveMethod::cash_karp54:
        return with([=](CountingSystem s) { return runge_kutta_trial<odeint::runge_kutta_cash_karp54<Vec>>(atol, rtol, s); });
      case AdaptiveMethod::fehlberg78:
        return with([=](CountingSystem s) { return runge_kutta_trial<odeint::runge_kutta_fehlberg78<Vec>>(atol, rtol, s); });
      case AdaptiveMethod::bulirsch_stoer:
        return with([=](CountingSystem s) { return bulirsch_stoer_trial(atol, rtol, s); });
    }
    throw std::logic_error("OdeintAdaptive: unknown method");
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
