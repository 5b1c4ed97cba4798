// Typed parameters of every optimizer and modifier (core/params.hpp), checked entry by entry
// against the registries:
//  * every registry entry has a case here, and its ParamInfo is the table's info();
//  * to_spec(from_spec(·)) round-trips the defaults, and from_spec(to_spec(p)) == p for
//    structs whose every key differs from its default (compared as to_spec text);
//  * make_x(p) and make_optimizer(to_spec(p)) give bit-identical trajectories (and the same
//    resolved spec) over 20 steps; for modifiers, gd + add_modifier(make_x(p)) against the
//    string chain;
//  * make_x(p) with an out-of-range value is an InputError naming the key (the table's check);
//  * parse_optimizer_chain splits and resolves `core|modifier|...` once.
#define BOOST_TEST_MODULE optimizer_params
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/params.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/adadelta.hpp"
#include "optdyn/optimizers/adagrad.hpp"
#include "optdyn/optimizers/adam.hpp"
#include "optdyn/optimizers/adamax.hpp"
#include "optdyn/optimizers/amsgrad.hpp"
#include "optdyn/optimizers/averaging.hpp"
#include "optdyn/optimizers/bfgs.hpp"
#include "optdyn/optimizers/clipping.hpp"
#include "optdyn/optimizers/projection.hpp"
#include "optdyn/optimizers/coordinate_descent.hpp"
#include "optdyn/optimizers/delta_bar_delta.hpp"
#include "optdyn/optimizers/gauss_newton.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "optdyn/optimizers/kfac.hpp"
#include "optdyn/optimizers/lbfgs.hpp"
#include "optdyn/optimizers/levenberg_marquardt.hpp"
#include "optdyn/optimizers/linear_cg.hpp"
#include "optdyn/optimizers/momentum.hpp"
#include "optdyn/optimizers/nadam.hpp"
#include "optdyn/optimizers/natural_gradient.hpp"
#include "optdyn/optimizers/path_sgd.hpp"
#include "optdyn/optimizers/teleport.hpp"
#include "optdyn/optimizers/nesterov.hpp"
#include "optdyn/optimizers/newton.hpp"
#include "optdyn/optimizers/nonlinear_cg.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/parabola_regression.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/rmsprop.hpp"
#include "optdyn/optimizers/saddle_free_newton.hpp"
#include "optdyn/optimizers/schedules.hpp"
#include "optdyn/optimizers/sgd.hpp"
#include "optdyn/optimizers/svag.hpp"
#include "optdyn/optimizers/tonga.hpp"
#include "optdyn/optimizers/trust_region.hpp"
#include "optdyn/optimizers/weight_decay.hpp"
#include "support/input_errors.hpp"

using namespace optdyn;
using testing::expect_input_error;

namespace {

const std::string kRosenbrock = "rosenbrock:dim=4";
const std::string kQuadratic = "quadratic:dim=5,kappa=10,seed=2";
const std::string kMlp = "mlp:widths=10-6-3,n=64,data=teacher-mlp,targets=labels,loss=ce,act=tanh";
const std::string kReluMlp = "mlp:widths=10-6-3,n=64,data=teacher-mlp,targets=labels,loss=ce,act=relu";  // teleport

// One registry entry, type-erased: its table's facts and typed factories.
template <class Product>
struct Case {
  std::string name;
  std::vector<ParamInfo> info;
  std::string defaults;                                   // to_spec of the default struct
  std::function<std::string(const std::string&)> again;   // text → to_spec(from_spec(text))
  std::vector<std::string> nondefault;                    // to_spec(p) of each non-default p
  std::vector<std::function<Product()>> make_nondefault;  // make_x(p), same order
  std::string bad_key;                                    // empty: no out-of-range value exists
  std::function<void()> make_bad;
  std::string objective = kRosenbrock;
};

// `defaults`: the default struct, except where a key is required (cosine's t_max).
template <class Product, class P>
Case<Product> make_case(Product (*make)(const P&), std::vector<P> nondefault, std::string bad_key, P bad,
                        P defaults = {}) {
  const ParamTable<P>& t = P::table();
  Case<Product> c;
  c.name = t.name();
  c.info = t.info();
  c.defaults = t.to_spec(defaults);
  c.again = [&t](const std::string& text) { return t.to_spec(t.from_spec(text)); };
  for (const P& p : nondefault) {
    c.nondefault.push_back(t.to_spec(p));
    c.make_nondefault.push_back([make, p] { return make(p); });
  }
  c.bad_key = std::move(bad_key);
  c.make_bad = [make, bad] { (void)make(bad); };
  return c;
}

using OptimizerCase = Case<OptimizerPtr>;
using ModifierCase = Case<ModifierPtr>;

template <class Product>
Case<Product> on(Case<Product> c, const std::string& objective) {
  c.objective = objective;
  return c;
}

std::vector<OptimizerCase> optimizer_cases() {
  using LS = LineSearchKind;
  using Solver = SymmetricSolver;
  return {
      make_case(make_gd, {{.lr = 1e-4}}, "lr", GdParams{.lr = -1}),
      make_case(make_sgd,
                {{.lr = 1e-4, .momentum = 0.5, .dampening = 0.1},
                 {.lr = 1e-4, .momentum = 0.9, .nesterov = true}},
                "momentum", SgdParams{.momentum = 2}),
      make_case(make_svag, {{.lr = 1e-4, .l = 4}, {.lr = 1e-4, .l = 2.5}}, "l", SvagParams{.l = 0.5}),
      make_case(make_momentum, {{.lr = 1e-4, .mu = 0.5, .convention = MomentumParams::Convention::ema}}, "mu",
                MomentumParams{.mu = 1.5}),
      make_case(make_nesterov,
                {{.lr = 1e-4, .mu = 0.5, .schedule = NesterovParams::Schedule::sbc, .r = 4}}, "r",
                NesterovParams{.r = 0}),
      make_case(make_adagrad,
                {{.lr = 0.1,
                  .eps = 1e-6,
                  .lr_decay = 0.01,
                  .initial_accumulator = 0.1,
                  .convention = AdagradParams::Convention::torch}},
                "eps", AdagradParams{.eps = 2}),
      make_case(make_rmsprop,
                {{.lr = 1e-3,
                  .alpha = 0.9,
                  .eps = 1e-6,
                  .centered = true,
                  .momentum = 0.5,
                  .convention = RmspropParams::Convention::torch}},
                "alpha", RmspropParams{.alpha = -0.1}),
      make_case(make_adadelta, {{.lr = 0.5, .rho = 0.8, .eps = 1e-5, .convention = AdadeltaParams::Convention::torch}},
                "rho", AdadeltaParams{.rho = 1.5}),
      make_case(make_adam,
                {{.lr = 1e-2, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6, .convention = AdamParams::Convention::efficient}},
                "beta1", AdamParams{.beta1 = 1}),
      make_case(make_adamax,
                {{.lr = 1e-2, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6, .convention = AdamaxParams::Convention::torch}},
                "beta2", AdamaxParams{.beta2 = 2}),
      make_case(make_nadam,
                {{.lr = 1e-2,
                  .beta1 = 0.8,
                  .beta2 = 0.99,
                  .eps = 1e-6,
                  .momentum_decay = 0.01,
                  .convention = NadamParams::Convention::torch}},
                "lr", NadamParams{.lr = 0}),
      make_case(make_amsgrad,
                {{.lr = 1e-2, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6, .convention = AmsgradParams::Convention::optax}},
                "eps", AmsgradParams{.eps = 0}),
      make_case(make_delta_bar_delta, {{.lr = 1e-4, .kappa = 1e-6, .phi = 0.2, .theta = 0.5}}, "phi",
                DeltaBarDeltaParams{.phi = 2}),
      make_case(make_sign, {{.lr = 1e-3}}, "lr", SignParams{.lr = 0}),
      make_case(make_normalized_gd, {{.lr = 1e-3, .power = 2.0}}, "power", NormalizedGdParams{.power = 3.0}),
      make_case(make_newton,
                {{.lr = 0.5,
                  .line_search = LS::backtracking,
                  .c1 = 1e-3,
                  .rho = 0.3,
                  .solver = Solver::minres,
                  .tol = 1e-8,
                  .max_iterations = 10,
                  .dense_max = 2}},
                "c1", NewtonParams{.c1 = 0}),
      make_case(make_damped_newton,
                {{.lr = 0.5,
                  .damping = 0.1,
                  .line_search = LS::backtracking,
                  .c1 = 1e-3,
                  .rho = 0.3,
                  .solver = Solver::cg,
                  .tol = 1e-8,
                  .max_iterations = 10,
                  .dense_max = 2}},
                "damping", DampedNewtonParams{.damping = -1}),
      make_case(make_saddle_free_newton,
                {{.lr = 0.5,
                  .mode = SaddleFreeNewtonParams::Mode::krylov,
                  .k = 3,
                  .damping = 1e-3,
                  .damping_search = false,
                  .damping_grid = {0.1, 1},
                  .refresh = 2}},
                "damping_grid", SaddleFreeNewtonParams{.damping_grid = {1, -1}}),
      make_case(make_gauss_newton,
                {{.lr = 0.5, .line_search = LS::backtracking, .c1 = 1e-3, .rho = 0.3, .tol = 1e-8, .max_iterations = 5}},
                "tol", GaussNewtonParams{.tol = 0}),
      make_case(make_levenberg_marquardt,
                {{.lambda0 = 0.1,
                  .nu = 5,
                  .rule = LevenbergMarquardtParams::Rule::marquardt,
                  .scaling = LevenbergMarquardtParams::Scaling::jacobian,
                  .max_retries = 20,
                  .solver = Solver::cg,
                  .tol = 1e-8,
                  .max_iterations = 5,
                  .dense_max = 2}},
                "nu", LevenbergMarquardtParams{.nu = 1}),
      on(make_case(make_linear_cg, {LinearCgParams{}}, "", LinearCgParams{}), kQuadratic),
      make_case(make_nonlinear_cg,
                {{.beta = NonlinearCgParams::Beta::polak_ribiere,
                  .restart = 3,
                  .powell = 0.2,
                  .line_search = LS::exact_quadratic,
                  .c1 = 1e-3,
                  .c2 = 0.3}},
                "c2", NonlinearCgParams{.beta = NonlinearCgParams::Beta::fletcher_reeves, .c2 = 0.6}),
      make_case(make_bfgs,
                {{.line_search = LS::exact_quadratic, .c1 = 1e-3, .c2 = 0.8, .initial_scaling = false, .skip = 1e-6}},
                "c2", BfgsParams{.c1 = 0.5, .c2 = 0.1}),
      make_case(make_lbfgs, {{.m = 3, .line_search = LS::exact_quadratic, .c1 = 1e-3, .c2 = 0.5, .skip = 1e-6}}, "m",
                LbfgsParams{.m = 0}),
      make_case(make_coordinate_descent,
                {{.rule = CoordinateDescentParams::Rule::random,
                  .seed = 3,
                  .update = CoordinateDescentParams::Update::gradient,
                  .lr = 0.001}},
                "lr", CoordinateDescentParams{.lr = -1}),
      make_case(make_block_coordinate_descent,
                {{.block = 3,
                  .rule = BlockCoordinateDescentParams::Rule::random,
                  .seed = 3,
                  .update = BlockCoordinateDescentParams::Update::gradient,
                  .lr = 0.001}},
                "block", BlockCoordinateDescentParams{.block = 0}),
      on(make_case(make_natural_gradient,
                   {{.lr = 0.5, .fisher = FisherKind::empirical, .damping = 1e-3, .seed = 2, .tol = 1e-8, .max_iterations = 20},
                    {.lr = 0.5, .fisher = FisherKind::sampled, .seed = 2}},
                   "damping", NaturalGradientParams{.damping = -1}),
         kMlp),
      on(make_case(make_kfac,
                   {{.lr = 0.1,
                     .fisher = FisherKind::true_fisher,
                     .damping = 1e-2,
                     .damping_split = KfacParams::DampingSplit::plain,
                     .decay = 0.9,
                     .inverse_every = 2,
                     .seed = 4}},
                   "decay", KfacParams{.decay = 1}),
         kMlp),
      on(make_case(make_path_sgd, {{.lr = 0.05}}, "lr", PathSgdParams{.lr = 0}), kMlp),
      on(make_case(make_tonga, {{.lr = 0.1, .gamma = 0.9, .damping = 0.1, .rank = 3, .refresh = 2}}, "gamma",
                   TongaParams{.gamma = 1}),
         kMlp),
      on(make_case(make_parabola_regression,
                   {{.lr = 0.3,
                     .beta = 0.8,
                     .fallback_lr = 0.02,
                     .min_var = 1e-18,
                     .min_curvature = 1e-6,
                     .max_step = 0.5,
                     .probe = 0.01,
                     .mode = ParabolaRegressionParams::Mode::subspace,
                     .d = 3,
                     .every = 5,
                     .init = ParabolaRegressionParams::Init::random,
                     .seed = 2,
                     .ridge = 1e-6,
                     .min_unexplained = 1e-5,
                     .refresh = 7,
                     .weak = ParabolaRegressionParams::Weak::variance},
                    {.lr = 0.3, .probe = 0.01}},
                   "d", ParabolaRegressionParams{.d = 0}),
         kMlp),
  };
}

std::vector<ModifierCase> modifier_cases() {
  return {
      make_case(make_clip_norm, {{.max = 0.5}}, "max", ClipNormParams{.max = 0}),
      make_case(make_clip_value, {{.max = 0.5}}, "max", ClipValueParams{.max = -1}),
      make_case(make_weight_decay, {{.wd = 0.1}}, "wd", WeightDecayParams{.wd = -1}),
      make_case(make_constant, {ConstantParams{}}, "", ConstantParams{}),
      make_case(make_robbins_monro, {{.alpha = 0.7, .t0 = 10}}, "alpha", RobbinsMonroParams{.alpha = 0.3}),
      make_case(make_step_lr, {{.every = 5, .gamma = 0.5}}, "every", StepLrParams{.every = 0}),
      make_case(make_cosine, {{.t_max = 10, .min_factor = 0.1}}, "min_factor", CosineParams{.t_max = 10, .min_factor = 2},
                CosineParams{.t_max = 1000}),
      make_case(make_inverse_sqrt, {InverseSqrtParams{}}, "", InverseSqrtParams{}),
      make_case(make_warmup, {{.steps = 5}}, "steps", WarmupParams{.steps = 0}),
      make_case(make_average, {{.start = 3}}, "start", AverageParams{.start = -1}),
      make_case(make_project_box, {{.lo = -2, .hi = 0.5}}, "hi", ProjectBoxParams{.lo = 1, .hi = 0}),
      on(make_case(make_teleport, {{.every = 2, .steps = 2, .lr = 0.3}}, "lr", TeleportParams{.lr = 0}), kReluMlp),
  };
}

// The key → value map of a spec text.
std::map<std::string, std::string> values(const std::string& text) {
  std::map<std::string, std::string> out;
  const Spec spec = Spec::parse(text, "test");
  for (const auto& [k, v] : spec.entries()) out[k] = v;
  return out;
}

template <class Product>
void check_info(const RegistryEntry<Product>& entry, const Case<Product>& c) {
  BOOST_REQUIRE_EQUAL(entry.params.size(), c.info.size());
  for (std::size_t i = 0; i < c.info.size(); ++i) {
    BOOST_TEST(entry.params[i].key == c.info[i].key, c.name);
    BOOST_TEST(entry.params[i].default_value == c.info[i].default_value, c.name << " " << c.info[i].key);
    BOOST_TEST(entry.params[i].help == c.info[i].help, c.name << " " << c.info[i].key);
    BOOST_TEST(entry.params[i].range == c.info[i].range, c.name << " " << c.info[i].key);
  }
}

// Round trips; every key has a non-default value in at least one of the structs.
template <class Product>
void check_round_trips(const Case<Product>& c) {
  BOOST_TEST(c.again(c.defaults) == c.defaults, c.name);
  const auto defaults = values(c.defaults);
  std::set<std::string> covered;
  for (const std::string& text : c.nondefault) {
    BOOST_TEST(c.again(text) == text, c.name);
    for (const auto& [k, v] : values(text)) {
      const auto d = defaults.find(k);
      if (d == defaults.end() || d->second != v) covered.insert(k);
    }
  }
  for (const ParamInfo& p : c.info) BOOST_TEST(covered.count(p.key) == 1u, c.name << ": key '" << p.key << "' not varied");
}

template <class Product>
void check_bad(const Case<Product>& c) {
  if (c.bad_key.empty()) return;
  expect_input_error(c.make_bad, {c.name, "'" + c.bad_key + "'"});
}

// θ after each of `steps` steps of both optimizers from the same start: bit for bit.
void check_same_trajectory(Optimizer& a, Optimizer& b, const std::string& objective, const std::string& what,
                           int steps = 20) {
  ObjectivePtr f = make_objective(objective);
  Vec theta_a = Vec::LinSpaced(f->dim(), -0.6, 0.4), theta_b = theta_a;
  if (objective == kRosenbrock) theta_a = theta_b = (Vec(4) << -1.2, 1, -1.2, 1).finished();
  a.reset(f->dim());
  b.reset(f->dim());
  ObjectiveOracle oracle_a(*f), oracle_b(*f);
  bool same = true;
  for (int k = 1; k <= steps && same; ++k) {
    a.step(theta_a, oracle_a);
    b.step(theta_b, oracle_b);
    same = std::memcmp(theta_a.data(), theta_b.data(), sizeof(double) * static_cast<std::size_t>(theta_a.size())) == 0;
    BOOST_TEST(same, what << ": step " << k);
  }
  BOOST_TEST(theta_a.allFinite(), what);
  const auto state_a = a.state(), state_b = b.state();
  BOOST_REQUIRE_EQUAL(state_a.size(), state_b.size());
  for (std::size_t i = 0; i < state_a.size(); ++i) {
    const Vec &x = *state_a[i].value, &y = *state_b[i].value;
    BOOST_TEST((x.size() == y.size() &&
                std::memcmp(x.data(), y.data(), sizeof(double) * static_cast<std::size_t>(x.size())) == 0),
               what << ": state " << state_a[i].name);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_optimizer_entry_has_a_case) {
  std::set<std::string> cases, entries;
  for (const auto& c : optimizer_cases()) cases.insert(c.name);
  for (const auto& e : optimizer_registry().entries()) entries.insert(e.name);
  BOOST_TEST(cases == entries, boost::test_tools::per_element());
  std::set<std::string> modifier_names, modifier_entries;
  for (const auto& c : modifier_cases()) modifier_names.insert(c.name);
  for (const auto& e : modifier_registry().entries()) modifier_entries.insert(e.name);
  BOOST_TEST(modifier_names == modifier_entries, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(optimizer_tables) {
  for (const auto& c : optimizer_cases()) {
    BOOST_TEST_CONTEXT(c.name) {
      check_info(optimizer_registry().find(c.name), c);
      // The registry's resolved defaults are the struct's defaults.
      BOOST_TEST(optimizer_registry().resolve(c.name).canonical() == c.defaults);
      check_round_trips(c);
      check_bad(c);
    }
  }
}

BOOST_AUTO_TEST_CASE(modifier_tables) {
  for (const auto& c : modifier_cases()) {
    BOOST_TEST_CONTEXT(c.name) {
      check_info(modifier_registry().find(c.name), c);
      if (c.name != "cosine") BOOST_TEST(modifier_registry().resolve(c.name).canonical() == c.defaults);
      check_round_trips(c);
      check_bad(c);
    }
  }
  expect_input_error([] { (void)make_cosine({}); }, {"modifier 'cosine'", "'t_max'", "missing value"});
}

BOOST_AUTO_TEST_CASE(typed_and_string_optimizers_agree) {
  for (const auto& c : optimizer_cases()) {
    for (std::size_t i = 0; i < c.nondefault.size(); ++i) {
      OptimizerPtr typed = c.make_nondefault[i]();
      OptimizerPtr parsed = make_optimizer(c.nondefault[i]);
      BOOST_TEST(typed->spec() == parsed->spec());
      BOOST_TEST(typed->spec() == c.nondefault[i]);
      check_same_trajectory(*typed, *parsed, c.objective, c.nondefault[i]);
    }
  }
}

BOOST_AUTO_TEST_CASE(typed_and_string_modifiers_agree) {
  for (const auto& c : modifier_cases()) {
    for (std::size_t i = 0; i < c.nondefault.size(); ++i) {
      OptimizerPtr typed = make_gd({.lr = 1e-4});
      typed->add_modifier(c.make_nondefault[i]());
      OptimizerPtr parsed = make_optimizer("gd:lr=1e-4|" + c.nondefault[i]);
      BOOST_TEST(typed->spec() == parsed->spec());
      check_same_trajectory(*typed, *parsed, c.objective, c.nondefault[i]);
    }
  }
  // A composed chain, typed against its string.
  OptimizerPtr typed = make_adam({.lr = 1e-2});
  typed->add_modifier(make_clip_norm({.max = 1}));
  typed->add_modifier(make_warmup({.steps = 5}));
  typed->add_modifier(make_cosine({.t_max = 15}));
  typed->add_modifier(make_average({.start = 4}));
  OptimizerPtr parsed = make_optimizer("adam:lr=0.01|clip_norm:max=1|warmup:steps=5|cosine:t_max=15|average:start=4");
  BOOST_TEST(typed->spec() == parsed->spec());
  check_same_trajectory(*typed, *parsed, kRosenbrock, "adam chain");
}

// Cross-key rules: the messages of the string path, from structs built in C++.
BOOST_AUTO_TEST_CASE(rules_from_structs) {
  expect_input_error([] { (void)make_sgd({.nesterov = true}); },
                     {"optimizer 'sgd': key 'nesterov': requires momentum > 0 and dampening = 0"});
  expect_input_error([] { (void)make_momentum({.mu = 1, .convention = MomentumParams::Convention::bias_corrected}); },
                     {"optimizer 'momentum': key 'mu': must be < 1 with convention=bias_corrected"});
  expect_input_error([] { (void)make_adagrad({.eps = 0}); }, {"optimizer 'adagrad': key 'eps': must be > 0"});
  (void)make_adagrad({.eps = 0, .initial_accumulator = 1});  // ε = 0 is fine with G₀ > 0
  expect_input_error([] { (void)make_newton({.rho = 1}); }, {"optimizer 'newton': key 'rho': must be < 1"});
  expect_input_error([] { (void)make_nonlinear_cg({.beta = NonlinearCgParams::Beta::fletcher_reeves, .c2 = 0.5}); },
                     {"optimizer 'nonlinear_cg': key 'c2': Fletcher–Reeves needs c2 < 0.5"});
  (void)make_nonlinear_cg({.beta = NonlinearCgParams::Beta::fletcher_reeves});  // default c₂ = 0.1
  expect_input_error([] { (void)make_block_coordinate_descent({.block = 6000}); },
                     {"optimizer 'block_coordinate_descent': key 'block'", "beyond the limit"});
  (void)make_block_coordinate_descent({.block = 6000, .update = BlockCoordinateDescentParams::Update::gradient});
  expect_input_error([] { (void)make_robbins_monro({.alpha = 0.25}); },
                     {"modifier 'robbins_monro': key 'alpha': 0.25 is outside (0.5, 1]"});
  // The same messages from spec strings.
  expect_input_error([] { (void)make_optimizer("sgd:nesterov=true"); }, {"optimizer 'sgd': key 'nesterov'"});
  expect_input_error([] { (void)make_optimizer("gd|robbins_monro:alpha=0.3"); },
                     {"modifier 'robbins_monro': key 'alpha': 0.3 is outside (0.5, 1]"});
}

// base_step_size() against the spec's own `lr` key, read back from the resolved text: every
// entry's defaults and non-default structs; schedules leave it alone.
BOOST_AUTO_TEST_CASE(base_step_size_is_the_specs_lr) {
  for (const auto& c : optimizer_cases()) {
    std::vector<std::string> specs = c.nondefault;
    specs.push_back(c.defaults);
    for (const std::string& spec : specs) {
      BOOST_TEST_CONTEXT(spec) {
        const OptimizerPtr opt = make_optimizer(spec);
        const Spec core = Spec::parse(spec, "optimizer");
        const bool lr_key = core.has("lr");
        BOOST_TEST(opt->base_step_size().has_value() == lr_key);
        if (lr_key && opt->base_step_size()) BOOST_TEST(*opt->base_step_size() == core.real("lr"));
      }
    }
  }
  BOOST_TEST(*make_optimizer("gd:lr=0.25|warmup:steps=5|cosine:t_max=10")->base_step_size() == 0.25);
  BOOST_TEST(*make_optimizer("delta_bar_delta:lr=0.03")->base_step_size() == 0.03);  // ε₀
  BOOST_TEST(!make_optimizer("bfgs")->base_step_size().has_value());
  BOOST_TEST(!make_optimizer("levenberg_marquardt")->base_step_size().has_value());
}

BOOST_AUTO_TEST_CASE(chain_parsed_once) {
  const OptimizerChain chain = parse_optimizer_chain("adam:lr=1e-2|clip_norm|cosine:t_max=10");
  BOOST_TEST(chain.core.name() == "adam");
  BOOST_TEST(chain.core.text("lr") == "1e-2");
  BOOST_REQUIRE_EQUAL(chain.modifiers.size(), 2u);
  BOOST_TEST(chain.modifiers[0].name() == "clip_norm");
  BOOST_TEST(chain.modifiers[0].text("max") == "1");  // default filled
  BOOST_TEST(chain.modifiers[1].name() == "cosine");
  BOOST_TEST(chain.canonical() == make_optimizer("adam:lr=1e-2|clip_norm|cosine:t_max=10")->spec());
  BOOST_TEST(make_optimizer(chain)->spec() == chain.canonical());
  BOOST_TEST(parse_optimizer_chain("gd").modifiers.empty());
  // Names and keys are checked while parsing, values when building.
  expect_input_error([] { (void)parse_optimizer_chain("gd|nosuch"); }, {"modifier", "'nosuch'"});
  expect_input_error([] { (void)parse_optimizer_chain("gd|clip_norm:maximum=1"); }, {"modifier 'clip_norm'", "'maximum'"});
  expect_input_error([] { (void)parse_optimizer_chain("gd:rate=1"); }, {"optimizer 'gd'", "'rate'"});
  const OptimizerChain bad_value = parse_optimizer_chain("gd:lr=-1|clip_norm:max=0");
  expect_input_error([&] { (void)make_optimizer(bad_value); }, {"optimizer 'gd'", "'lr'"});
}
