// Typed parameters of every flow and integrator (core/params.hpp): for each registry entry,
//  * to_spec/from_spec round trip, at the defaults and at non-default values of every key;
//  * the typed factory (make_x) and the registry's make from to_spec(p) build the same thing:
//    the same spec, and bit-identical integration results on a small problem;
//  * check() rejects an out-of-range value with the spec's one-line message naming the key;
//  * the registry's ParamInfo is table().info();
// and the registries hold exactly the entries tested here.
#define BOOST_TEST_MODULE flow_params
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/flows/adaptive_moment_odes.hpp"
#include "optdyn/flows/flow_params.hpp"
#include "optdyn/flows/gradient_flow.hpp"
#include "optdyn/flows/central_flow.hpp"
#include "optdyn/flows/modified_gd.hpp"
#include "optdyn/flows/momentum_flows.hpp"
#include "optdyn/flows/natural_gradient_flow.hpp"
#include "optdyn/flows/newton_flow.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/flows/saddle_free_flow.hpp"
#include "optdyn/flows/sgd_sde.hpp"
#include "optdyn/integrators/euler_maruyama.hpp"
#include "optdyn/integrators/implicit.hpp"
#include "optdyn/integrators/integrator_params.hpp"
#include "optdyn/integrators/odeint_explicit.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/integrators/rosenbrock4.hpp"
#include "optdyn/objectives/registry.hpp"

using namespace optdyn;

namespace {

std::set<std::string> tested_flows, tested_integrators;

bool same_bits(const Vec& a, const Vec& b) { return a.size() == b.size() && (a.array() == b.array()).all(); }

bool same_stats(const IntegrationStats& a, const IntegrationStats& b) {
  return a.steps == b.steps && a.rejected == b.rejected && a.rhs_evaluations == b.rhs_evaluations &&
         a.jacobian_products == b.jacobian_products && a.jacobians == b.jacobians &&
         a.newton_iterations == b.newton_iterations && a.linear_iterations == b.linear_iterations;
}

// The state at each record time (and the final state and statistics) of one integration.
struct Path {
  std::vector<Vec> states;
  Vec final_state;
  IntegrationResult result;
};

Path integrate(const Flow& flow, Integrator& integrator, const Vec& theta0, double t_end) {
  Path p;
  Vec z = flow.start_state(theta0);
  std::vector<double> times;
  for (int k = 1; k <= 4; ++k) times.push_back(flow.start_time() + (t_end - flow.start_time()) * k / 4);
  p.result = integrator.integrate(flow, z, flow.start_time(), times, [&](double, const Vec& state) {
    p.states.push_back(state);
    return true;
  });
  p.final_state = z;
  return p;
}

void require_same_path(const Path& a, const Path& b, const std::string& what) {
  BOOST_TEST((a.result.status == IntegrationStatus::ok), what);
  BOOST_TEST((a.result.status == b.result.status), what);
  BOOST_TEST(a.result.t_reached == b.result.t_reached, what);
  BOOST_TEST(same_stats(a.result.stats, b.result.stats), what);
  BOOST_TEST(same_bits(a.final_state, b.final_state), what);
  BOOST_REQUIRE_EQUAL(a.states.size(), b.states.size());
  for (std::size_t i = 0; i < a.states.size(); ++i) BOOST_TEST(same_bits(a.states[i], b.states[i]), what << " row " << i);
}

template <class Entry>
void check_info(const Entry& entry, const std::vector<ParamInfo>& info) {
  BOOST_REQUIRE_EQUAL(entry.params.size(), info.size());
  for (std::size_t i = 0; i < info.size(); ++i) {
    BOOST_TEST(entry.params[i].key == info[i].key);
    BOOST_TEST(entry.params[i].default_value == info[i].default_value, info[i].key);
    BOOST_TEST(entry.params[i].help == info[i].help, info[i].key);
    BOOST_TEST(entry.params[i].range == info[i].range, info[i].key);
  }
}

// from_spec(to_spec(p)) == p, and the spec parses to the same text again.
template <class P>
void check_round_trip(const P& p) {
  const auto& t = P::table();
  const std::string text = t.to_spec(p);
  const P back = t.from_spec(text);
  BOOST_TEST((back == p), text);
  BOOST_TEST(t.to_spec(back) == text);
}

// check() on `bad` throws an InputError naming `key`.
template <class P>
void check_rejects(const P& bad, const std::string& key) {
  const std::string name = P::table().name();
  try {
    P::table().check(bad);
    BOOST_ERROR(name << ": check accepted a bad '" << key << "'");
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()).find("key '" + key + "'") != std::string::npos, name << ": " << e.what());
  }
}

// Every test of one flow: `varied` sets every key away from its default; `bad` has an out-of-range
// `bad_key` (none when the flow has no keys). `with_defaults`: the defaults build on f.
template <class P>
void check_flow(FlowPtr (*make)(const Objective&, const P&), const P& varied, const P* bad, const std::string& bad_key,
                const Objective& f, const Vec& theta0, double t_end,
                const std::string& integrator = "dopri5:rtol=1e-8,atol=1e-10", bool with_defaults = true) {
  const auto& t = P::table();
  const std::string name = t.name();
  tested_flows.insert(name);
  check_info(flow_registry().find(name), t.info());
  BOOST_TEST(t.kind() == "flow");
  check_round_trip(P{});
  check_round_trip(varied);
  BOOST_TEST((!(varied == P{}) || t.info().empty()), name << ": the varied params equal the defaults");
  // The defaults are what the registry fills in for a bare name.
  if (with_defaults) BOOST_TEST(make_flow(name, f)->spec() == t.to_spec(P{}));
  for (const P& p : {P{}, varied}) {
    if (!with_defaults && p == P{}) continue;
    const std::string spec = t.to_spec(p);
    FlowPtr typed = make(f, p);
    FlowPtr parsed = make_flow(spec, f);
    BOOST_TEST(typed->spec() == spec);
    BOOST_TEST(parsed->spec() == spec);
    // The same through the variant of every flow's parameters.
    const FlowParams held = parse_flow(spec);
    BOOST_TEST(std::holds_alternative<P>(held));
    BOOST_TEST((std::get<P>(held) == p));
    BOOST_TEST(flow_spec(held) == spec);
    BOOST_TEST(make_flow(FlowParams(p), f)->spec() == spec);
    BOOST_TEST(typed->state_dim() == parsed->state_dim());
    BOOST_TEST(typed->noise_dim() == parsed->noise_dim());
    BOOST_TEST(typed->start_time() == parsed->start_time(), spec);
    IntegratorPtr a = make_integrator(integrator), b = make_integrator(integrator);
    require_same_path(integrate(*typed, *a, theta0, t_end), integrate(*parsed, *b, theta0, t_end), spec);
  }
  if (bad) {
    check_rejects(*bad, bad_key);
    BOOST_CHECK_THROW(make(f, *bad), InputError);
    BOOST_CHECK_THROW(make_flow(FlowParams(*bad), f), InputError);
    BOOST_CHECK_THROW(parse_flow(t.to_spec(*bad)), InputError);
  }
}

// The same for an integrator, on a flow that every integrator can integrate.
template <class P>
void check_integrator(IntegratorPtr (*make)(const P&), const P& varied, const P& bad, const std::string& bad_key,
                      const Flow& flow, const Vec& theta0, double t_end) {
  const auto& t = P::table();
  const std::string name = t.name();
  tested_integrators.insert(name);
  check_info(integrator_registry().find(name), t.info());
  BOOST_TEST(t.kind() == "integrator");
  check_round_trip(P{});
  check_round_trip(varied);
  BOOST_TEST(!(varied == P{}), name << ": the varied params equal the defaults");
  BOOST_TEST(make_integrator(name)->spec() == t.to_spec(P{}));
  for (const P& p : {P{}, varied}) {
    const std::string spec = t.to_spec(p);
    IntegratorPtr typed = make(p), parsed = make_integrator(spec);
    BOOST_TEST(typed->spec() == spec);
    BOOST_TEST(parsed->spec() == spec);
    const IntegratorParams held = parse_integrator(spec);
    BOOST_TEST(std::holds_alternative<P>(held));
    BOOST_TEST((std::get<P>(held) == p));
    BOOST_TEST(integrator_spec(held) == spec);
    BOOST_TEST(make_integrator(IntegratorParams(p))->spec() == spec);
    BOOST_TEST(typed->stochastic() == parsed->stochastic());
    require_same_path(integrate(flow, *typed, theta0, t_end), integrate(flow, *parsed, theta0, t_end), spec);
  }
  check_rejects(bad, bad_key);
  BOOST_CHECK_THROW(make(bad), InputError);
  BOOST_CHECK_THROW(make_integrator(IntegratorParams(bad)), InputError);
  BOOST_CHECK_THROW(parse_integrator(t.to_spec(bad)), InputError);
}

const Vec kStart = (Vec(2) << -1.2, 1.0).finished();

}  // namespace

BOOST_AUTO_TEST_CASE(gradient_and_modified_gd) {
  ObjectivePtr f = make_objective("rosenbrock:a=1");
  check_flow<GradientFlowParams>(make_gradient_flow, {}, nullptr, "", *f, kStart, 0.5);
  const ModifiedGdFlowParams bad{.h = 0.0};
  check_flow<ModifiedGdFlowParams>(make_modified_gd_flow, {.h = 0.1 + 0.2}, &bad, "h", *f, kStart, 0.5);
  // The central flow on a small quadratic (its top eigenvalue 2 is critical for lr ≥ 0.9); a short, cheap path.
  ObjectivePtr q = make_objective("quadratic:dim=3,kappa=2,rotate=false");
  const CentralFlowParams bad_central{.lr = -1.0};
  check_flow<CentralFlowParams>(make_central_flow,
                                {.lr = 0.95, .k = 1, .critical = 0.8, .relax = 2.0, .eig_tol = 1e-9, .sdcp_tol = 1e-11,
                                 .dense_max = 2},
                                &bad_central, "lr", *q, (Vec(3) << 0.5, -0.2, 0.1).finished(), 0.2);
  // RMSprop's central flow on Rosenbrock (every ∂F/∂θ_i ≠ 0 at kStart, so ν > 0).
  const RmspropCentralFlowParams bad_rmsprop{.alpha = 1.5};
  check_flow<RmspropCentralFlowParams>(make_rmsprop_central_flow,
                                       {.lr = 0.002, .alpha = 0.9, .eps = 1e-6, .k = 1, .critical = 0.8, .relax = 2.0,
                                        .eig_tol = 1e-9, .sdcp_tol = 1e-11, .dense_max = 2},
                                       &bad_rmsprop, "alpha", *f, kStart, 0.05);
}

BOOST_AUTO_TEST_CASE(momentum_flows) {
  ObjectivePtr f = make_objective("rosenbrock:a=1");
  {
    const HeavyBallFlowParams bad{.friction = -0.5};
    check_flow<HeavyBallFlowParams>(make_heavy_ball_flow, {.mass = 0.0095, .friction = 0.1, .v0 = 1 / 1.9}, &bad,
                                    "friction", *f, kStart, 0.5);
    check_rejects(HeavyBallFlowParams{.mass = 0}, "mass");
  }
  {
    const HbHighResFlowParams bad{.mu = -1};
    check_flow<HbHighResFlowParams>(
        make_hb_high_res_flow, {.s = 0.04, .mu = 0.3, .t0 = 0.2, .start = HighResolutionStart::matched}, &bad, "mu", *f,
        kStart, 0.5);
  }
  {
    const NagScHighResFlowParams bad{.t0 = -1};
    check_flow<NagScHighResFlowParams>(
        make_nag_sc_high_res_flow, {.s = 0.04, .mu = 0.3, .t0 = 0.2, .start = HighResolutionStart::matched}, &bad, "t0",
        *f, kStart, 0.5);
  }
  {
    const NagCHighResFlowParams bad{.s = -0.01};
    check_flow<NagCHighResFlowParams>(make_nag_c_high_res_flow, {.s = 0.0025}, &bad, "s", *f, kStart, 0.5);
  }
  {
    const NesterovOdeFlowParams bad{.t0 = 0};
    check_flow<NesterovOdeFlowParams>(make_nesterov_ode_flow, {.r = 4, .t0 = 2e-3}, &bad, "t0", *f, kStart, 0.5);
  }
}

BOOST_AUTO_TEST_CASE(adaptive_moment_flows) {
  ObjectivePtr f = make_objective("rosenbrock:a=1");
  ObjectivePtr ls = make_objective("least_squares:n=15,dim=3,noise=0.5,seed=6");
  const Vec x3 = (Vec(3) << 0.3, -0.2, 0.5).finished();
  {
    const RmspropOdeFlowParams bad{.eps = 2};
    check_flow<RmspropOdeFlowParams>(make_rmsprop_ode_flow, {.b = 10, .eps = 1e-6, .eps_in_root = true, .t0 = 1e-7},
                                     &bad, "eps", *f, kStart, 0.05);
    check_flow<RmspropOdeFlowParams>(make_rmsprop_ode_flow,
                                     {.b = 3, .second_moment = SecondMoment::per_sample, .t0 = 1e-7}, &bad, "eps", *ls,
                                     x3, 0.05);
    check_rejects(RmspropOdeFlowParams{.t0 = -1.0}, "t0");
    // t0 unset is written t0=auto; a number is written as a number.
    BOOST_TEST(RmspropOdeFlowParams::table().to_spec({}) ==
               "rmsprop_ode:b=1,eps=1e-8,eps_in_root=false,second_moment=full_batch,t0=auto");
    BOOST_TEST((RmspropOdeFlowParams::table().from_spec("rmsprop_ode:t0=2.5e-7").t0 == 2.5e-7));
    BOOST_TEST(!RmspropOdeFlowParams::table().from_spec("rmsprop_ode:t0=auto").t0.has_value());
  }
  {
    const AdamOdeFlowParams bad{.a = 0};
    check_flow<AdamOdeFlowParams>(
        make_adam_ode_flow, {.a = 50, .b = 2, .eps = 1e-7, .bias_correction = false, .t0 = 1e-6}, &bad, "a", *f, kStart,
        0.05);
    check_flow<AdamOdeFlowParams>(make_adam_ode_flow,
                                  {.a = 20, .b = 3, .second_moment = SecondMoment::per_sample}, &bad, "a", *ls, x3, 0.05);
    BOOST_TEST(AdamOdeFlowParams::table().to_spec({}) ==
               "adam_ode:a=100,b=1,eps=1e-8,bias_correction=true,second_moment=full_batch,t0=auto");
  }
  // Objective-dependent checks stay in the flow, with their messages.
  try {
    make_adam_ode_flow(*f, {.second_moment = SecondMoment::per_sample});
    BOOST_ERROR("per_sample on rosenbrock accepted");
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()).find("flow 'adam_ode': key 'second_moment': per_sample needs a finite-sum") == 0,
               e.what());
  }
}

BOOST_AUTO_TEST_CASE(curvature_flows) {
  ObjectivePtr f = make_objective("rosenbrock:a=1");
  const Vec x0 = (Vec(2) << 0.8, 0.7).finished();
  {
    const NewtonFlowParams bad{.tol = 1.0};
    check_flow<NewtonFlowParams>(make_newton_flow, {.damping = 0.3, .tol = 1e-12, .max_iterations = 50}, &bad, "tol", *f,
                                 x0, 0.5);
    check_rejects(NewtonFlowParams{.max_iterations = 0}, "max_iterations");
    check_rejects(NewtonFlowParams{.damping = -1}, "damping");
  }
  {
    const SaddleFreeFlowParams bad{.max_dim = 0};
    check_flow<SaddleFreeFlowParams>(make_saddle_free_flow, {.damping = 0.1, .max_dim = 10}, &bad, "max_dim", *f, x0,
                                     0.5);
    ObjectivePtr big = make_objective("quadratic:dim=20,rotate=false");
    BOOST_CHECK_THROW(make_saddle_free_flow(*big, {.max_dim = 10}), InputError);
  }
  {
    ObjectivePtr g = make_objective(
        "softmax_regression:dim=4,classes=3,data=gaussian,targets=labels,n=40,data_seed=5,l2=0.01");
    const Vec w = Vec::LinSpaced(g->dim(), -0.3, 0.4);
    const NaturalGradientFlowParams bad{.damping = -1e-3};
    check_flow<NaturalGradientFlowParams>(
        make_natural_gradient_flow,
        {.fisher = NaturalGradientFlowParams::Fisher::empirical, .damping = 0.01, .tol = 1e-12, .max_iterations = 200},
        &bad, "damping", *g, w, 0.5);
    BOOST_CHECK_THROW(make_natural_gradient_flow(*f), InputError);  // not a negative log-likelihood
  }
}

BOOST_AUTO_TEST_CASE(sgd_sde) {
  ObjectivePtr ls = make_objective("least_squares:n=15,dim=3,noise=0.5,seed=6");
  ObjectivePtr f = make_objective("rosenbrock:a=1");
  const Vec x3 = (Vec(3) << 0.3, -0.2, 0.5).finished();
  using P = SgdSdeFlowParams;
  const P bad{.batch = 0};
  check_flow<P>(make_sgd_sde_flow,
                {.lr = 0.05, .batch = 4, .order = P::Order::second, .sigma = 2, .sampling = P::Sampling::without}, &bad,
                "batch", *ls, x3, 0.5, "euler_maruyama:h=0.05,seed=3");
  check_flow<P>(make_sgd_sde_flow, {.lr = 0.02, .batch = 2, .noise = P::Noise::isotropic, .sigma = 0.5}, &bad, "batch",
                *f, kStart, 0.2, "euler_maruyama:h=0.01,seed=4", false);  // per_sample (the default) needs a finite sum
  check_rejects(P{.lr = -1}, "lr");
  check_rejects(P{.sigma = -1}, "sigma");
  BOOST_CHECK_THROW(make_sgd_sde_flow(*ls, {.batch = 16, .sampling = P::Sampling::without}), InputError);
}

BOOST_AUTO_TEST_CASE(integrators) {
  ObjectivePtr f = make_objective("rosenbrock:a=1");
  FlowPtr flow = make_gradient_flow(*f);
  const Vec x0 = (Vec(2) << -1.2, 1.0).finished();
  check_integrator<EulerParams>(make_euler, {.h = 1e-3}, {.h = 0}, "h", *flow, x0, 0.3);
  check_integrator<Rk4Params>(make_rk4, {.h = 0.003}, {.h = -1}, "h", *flow, x0, 0.3);
  check_integrator<AdamsBashforthMoultonParams>(make_adams_bashforth_moulton, {.h = 0.002, .order = 3}, {.order = 9},
                                                "order", *flow, x0, 0.3);
  const AdaptiveStepParams control{.rtol = 1e-9, .atol = 1e-11, .h0 = 1e-3, .max_steps = 100000, .min_step = 1e-14};
  check_integrator<CashKarp54Params>(make_cash_karp54, {.control = control}, {.control = {.rtol = 0}}, "rtol", *flow,
                                     x0, 0.3);
  check_integrator<Dopri5Params>(make_dopri5, {.control = control}, {.control = {.atol = -1}}, "atol", *flow, x0, 0.3);
  check_integrator<Fehlberg78Params>(make_fehlberg78, {.control = control}, {.control = {.h0 = 0}}, "h0", *flow, x0, 0.3);
  check_integrator<BulirschStoerParams>(make_bulirsch_stoer, {.control = control}, {.control = {.max_steps = 0}},
                                        "max_steps", *flow, x0, 0.3);
  check_integrator<Rosenbrock4Params>(make_rosenbrock4, {.control = control, .max_dim = 10}, {.max_dim = 0}, "max_dim",
                                      *flow, x0, 0.3);
  check_rejects(Rosenbrock4Params{.control = {.min_step = -1}}, "min_step");
  using NK = NewtonKrylovParams;
  const NK newton{.newton_tol = 1e-11,
                  .max_newton = 30,
                  .linear_tol = 1e-9,
                  .forcing = NK::Forcing::eisenstat_walker,
                  .max_linear = 100,
                  .solver = NK::Solver::minres};
  check_integrator<ImplicitEulerParams>(make_implicit_euler, {.h = 0.02, .newton = newton}, {.newton = {.max_newton = 0}},
                                        "max_newton", *flow, x0, 0.3);
  check_integrator<ImplicitMidpointParams>(make_implicit_midpoint, {.h = 0.02, .newton = newton},
                                           {.newton = {.linear_tol = 0}}, "linear_tol", *flow, x0, 0.3);
  for (NK::Solver solver : {NK::Solver::automatic, NK::Solver::gmres, NK::Solver::cg}) {
    check_round_trip(ImplicitEulerParams{.newton = {.solver = solver}});
    check_round_trip(ImplicitMidpointParams{.newton = {.forcing = NK::Forcing::fixed, .solver = solver}});
  }
  check_integrator<EulerMaruyamaParams>(make_euler_maruyama, {.h = 0.002, .seed = 12345678901234ULL}, {.h = 0}, "h",
                                        *flow, x0, 0.3);
  // The SDE path: the same seed gives the same bits through the typed and the parsed factory.
  ObjectivePtr ls = make_objective("least_squares:n=15,dim=3,noise=0.5,seed=6");
  FlowPtr sde = make_sgd_sde_flow(*ls, {.lr = 0.05, .batch = 4});
  const Vec x3 = (Vec(3) << 0.3, -0.2, 0.5).finished();
  IntegratorPtr typed = make_euler_maruyama({.h = 0.01, .seed = 7});
  IntegratorPtr parsed = make_integrator("euler_maruyama:h=0.01,seed=7");
  require_same_path(integrate(*sde, *typed, x3, 0.5), integrate(*sde, *parsed, x3, 0.5), "sgd_sde under euler_maruyama");
}

// Runs last (Boost.Test runs cases in declaration order): every registry entry was tested above.
BOOST_AUTO_TEST_CASE(every_entry_is_covered) {
  std::set<std::string> flows, integrators;
  for (const auto& e : flow_registry().entries()) flows.insert(e.name);
  for (const auto& e : integrator_registry().entries()) integrators.insert(e.name);
  BOOST_TEST((flows == tested_flows));
  BOOST_TEST((integrators == tested_integrators));
  BOOST_TEST(flows.size() == 15u);
  BOOST_TEST(integrators.size() == 11u);
  BOOST_TEST(std::variant_size_v<FlowParams> == flows.size());
  BOOST_TEST(std::variant_size_v<IntegratorParams> == integrators.size());
  BOOST_CHECK_THROW(parse_flow("gradient_descent"), InputError);
  BOOST_CHECK_THROW(parse_flow("heavy_ball:drag=1"), InputError);
  BOOST_CHECK_THROW(parse_integrator("dopri5:rtol=-1"), InputError);
}
