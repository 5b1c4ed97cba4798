// Typed parameters of the objectives, the data keys, initial points and the curvature monitor
// (core/params.hpp): for every objective entry the table is the registry's key list, to_spec
// and from_spec invert each other (defaults and a non-default value of every key), the typed
// factory builds the same objective as the registry from to_spec(p), and check() rejects a bad
// value with the spec's message. The data keys' source rules, InitParams and
// CurvatureMonitorParams likewise; the README's and `optdyn help run`'s monitor key lists are
// the table's.
#define BOOST_TEST_MODULE objective_params
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "optdyn/analysis/curvature_monitor.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/objectives/deep_linear.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/logistic_regression.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/noisy_quadratic.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/objectives/rosenbrock.hpp"
#include "optdyn/objectives/cliff.hpp"
#include "optdyn/objectives/reddi_online.hpp"
#include "optdyn/objectives/rnn.hpp"
#include "optdyn/objectives/saddles.hpp"
#include "optdyn/objectives/softmax_regression.hpp"
#include "optdyn/objectives/spherical_pspin.hpp"
#include "optdyn/objectives/training_data.hpp"
#include "support/finite_differences.hpp"
#include "support/input_errors.hpp"

using namespace optdyn;
using optdyn::testing::expect_input_error;
using optdyn::testing::random_point;

namespace {

bool have_fashion() {
  return std::filesystem::exists(std::string(kFashionMnistDefaultDir) + "/train-labels-idx1-ubyte.gz");
}

// The message of the InputError f throws ("" if none).
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void same_info(const std::vector<ParamInfo>& a, const std::vector<ParamInfo>& b) {
  BOOST_TEST_REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].key == b[i].key);
    BOOST_TEST(a[i].default_value == b[i].default_value);
    BOOST_TEST(a[i].help == b[i].help);
    BOOST_TEST(a[i].range == b[i].range);
  }
}

// The names check_objective has seen (every registry entry must be among them).
std::set<std::string>& covered() {
  static std::set<std::string> names;
  return names;
}

// to_spec/from_spec round trip of p, the registry's entry against the table, and the typed
// factory against the registry's objective from to_spec(p): same spec, and the same value and
// gradient (bit for bit) at a random point.
template <class P, class Make>
void check_objective(const P& p, Make make_typed, double scale = 1.0) {
  const auto& table = P::table();
  covered().insert(table.name());
  const std::string text = table.to_spec(p);
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(table.to_spec(table.from_spec(text)) == text);
  BOOST_TEST(table.kind() == "objective");

  const ObjectiveEntry& entry = objective_registry().find(table.name());
  BOOST_TEST(entry.help == table.help());
  same_info(entry.params, table.info());
  // The defaults: the registry's resolved bare name, as recorded, is to_spec of the default struct.
  const Spec resolved = objective_registry().resolve(table.name());
  BOOST_TEST(table.recorded_text(resolved, table.from_spec(resolved)) == table.to_spec(P{}));

  const auto typed = make_typed(p);
  const ObjectivePtr named = make_objective(text);
  BOOST_TEST(typed->spec() == text);
  BOOST_TEST(named->spec() == text);
  BOOST_TEST_REQUIRE(typed->dim() == named->dim());
  const Vec theta = random_point(typed->dim(), 11, scale);
  Vec g1, g2;
  const double f1 = typed->value_and_gradient(theta, g1);
  const double f2 = named->value_and_gradient(theta, g2);
  BOOST_TEST(f1 == f2);
  BOOST_TEST((g1 == g2));
}

// check(p) and the typed factory reject p with the message the spec text gets, naming `key`.
template <class P, class Make>
void check_rejected(const P& p, Make make_typed, const std::string& key) {
  const auto& table = P::table();
  const std::string m = message_of([&] { table.check(p); });
  BOOST_TEST_MESSAGE(m);
  BOOST_TEST(m.find("objective '" + table.name() + "': key '" + key + "'") != std::string::npos);
  BOOST_TEST(message_of([&] { (void)make_typed(p); }) == m);
  BOOST_TEST(message_of([&] { (void)make_objective(table.to_spec(p)); }) == m);
}

}  // namespace

BOOST_AUTO_TEST_CASE(analytic_objectives) {
  using Q = QuadraticParams;
  check_objective(Q{}, make_quadratic);
  check_objective(Q{.dim = 7, .kappa = 30, .lmax = 2.5, .spacing = Q::Spacing::linear, .rotate = false, .seed = 5,
                    .shift = 0.7},
                  make_quadratic);
  check_objective(Q{.eigs = {2, -1, 0.5, 1e-3}, .seed = 3, .shift = 1}, make_quadratic);
  check_rejected(Q{.dim = 0}, make_quadratic, "dim");
  check_rejected(Q{.kappa = 0.5}, make_quadratic, "kappa");
  check_rejected(Q{.lmax = -1}, make_quadratic, "lmax");
  check_rejected(Q{.shift = -1}, make_quadratic, "shift");

  using NQ = NoisyQuadraticParams;
  check_objective(NQ{}, make_noisy_quadratic);
  check_objective(NQ{.quadratic = {.eigs = {1, 0.5}, .rotate = false, .seed = 4, .shift = 2}, .n = 7, .noise = 0.3},
                  make_noisy_quadratic);
  check_rejected(NQ{.quadratic = {.dim = 0}}, make_noisy_quadratic, "dim");
  check_rejected(NQ{.n = 0}, make_noisy_quadratic, "n");
  check_rejected(NQ{.noise = -1}, make_noisy_quadratic, "noise");

  check_objective(RosenbrockParams{}, make_rosenbrock);
  check_objective(RosenbrockParams{.dim = 5, .a = 10}, make_rosenbrock);
  check_rejected(RosenbrockParams{.dim = 1}, make_rosenbrock, "dim");
  check_rejected(RosenbrockParams{.a = 0}, make_rosenbrock, "a");

  check_objective(SaddleParams{}, make_saddle);
  check_objective(MonkeySaddleParams{}, make_monkey_saddle);
  BOOST_TEST(SaddleParams::table().to_spec({}) == "saddle");

  check_objective(PlateauSaddleParams{}, make_plateau_saddle);
  check_objective(PlateauSaddleParams{.dim = 6, .flat = 3, .eps = -0.05}, make_plateau_saddle);
  check_rejected(PlateauSaddleParams{.dim = 4, .flat = 5}, make_plateau_saddle, "flat");
  check_objective(CliffParams{}, make_cliff);
  check_objective(CliffParams{.a = 2, .b = 0.5, .m = 1, .height = 3, .width = 0.4, .c = 0.2, .tilt = -1}, make_cliff);
  check_rejected(CliffParams{.width = 0}, make_cliff, "width");
  check_rejected(CliffParams{.height = -1}, make_cliff, "height");
  check_objective(ReddiOnlineParams{}, make_reddi_online);
  check_objective(ReddiOnlineParams{.c = 10}, make_reddi_online);
  check_rejected(ReddiOnlineParams{.c = 2}, make_reddi_online, "c");
  check_objective(RnnParams{.steps = 5, .hidden = 3, .n = 4, .radius = 1.5, .seed = 2}, make_rnn, 0.5);
  check_rejected(RnnParams{.steps = 1}, make_rnn, "steps");
  check_rejected(RnnParams{.hidden = 0}, make_rnn, "hidden");
  check_rejected(RnnParams{.radius = -1}, make_rnn, "radius");
  // The range of flat is [0, dim], in the words the Spec getter used before.
  BOOST_TEST(message_of([] { make_objective("plateau_saddle:dim=4,flat=5"); }) ==
             "objective 'plateau_saddle': key 'flat': 5 is outside [0, 4]");

  check_objective(LeastSquaresParams{}, make_least_squares);
  check_objective(LeastSquaresParams{.n = 30, .dim = 5, .kappa = 50, .noise = 0.1, .seed = 2}, make_least_squares);
  check_objective(LeastSquaresParams{.n = 4, .dim = 7, .noise = 0.5, .seed = 6}, make_least_squares);
  BOOST_TEST(LeastSquaresParams::table().to_spec({}).find("kappa") == std::string::npos);  // unset: not written
  check_rejected(LeastSquaresParams{.kappa = 0.5}, make_least_squares, "kappa");
  check_rejected(LeastSquaresParams{.n = 0}, make_least_squares, "n");
  // A check after the table's: kappa needs n >= dim.
  expect_input_error([] { make_least_squares({.n = 3, .dim = 5, .kappa = 10}); }, {"key 'kappa'", "n >= dim"});

  check_objective(SphericalPSpinParams{}, make_spherical_pspin, 0.3);
  check_objective(SphericalPSpinParams{.dim = 6, .p = 2, .seed = 4}, make_spherical_pspin);
  check_rejected(SphericalPSpinParams{.p = 5}, make_spherical_pspin, "p");
}

BOOST_AUTO_TEST_CASE(network_objectives) {
  using D = DataParams;
  using S = DataSource;
  check_objective(DeepLinearParams{}, make_deep_linear, 0.3);
  check_objective(DeepLinearParams{.widths = {3, 4, 2}, .l2 = 0.1, .data = {.source = S::gaussian, .n = 20, .seed = 4}},
                  make_deep_linear, 0.5);
  check_objective(DeepLinearParams{.widths = {8, 5, 12},
                                   .data = {.source = S::hierarchical, .n = 8, .levels = 3, .flip = 0.2, .features = 12}},
                  make_deep_linear, 0.5);
  check_rejected(DeepLinearParams{.widths = {3, 0, 2}}, make_deep_linear, "widths");
  check_rejected(DeepLinearParams{.l2 = -1}, make_deep_linear, "l2");

  check_objective(LogisticRegressionParams{}, make_logistic_regression, 0.5);
  check_objective(LogisticRegressionParams{.dim = 4,
                                           .bias = false,
                                           .l2 = 0.01,
                                           .data = {.source = S::teacher_linear,
                                                    .n = 30,
                                                    .seed = 3,
                                                    .centre = true,
                                                    .targets = D::Targets::labels,
                                                    .noise = 0.1}},
                  make_logistic_regression, 0.5);
  check_rejected(LogisticRegressionParams{.l2 = -1}, make_logistic_regression, "l2");
  check_rejected(LogisticRegressionParams{.dim = 0}, make_logistic_regression, "dim");

  check_objective(SoftmaxRegressionParams{.dim = 4,
                                          .classes = 3,
                                          .bias = false,
                                          .l2 = 0.1,
                                          .data = {.source = S::gaussian,
                                                   .n = 30,
                                                   .seed = 2,
                                                   .whiten = true,
                                                   .whiten_eps = 1e-3,
                                                   .targets = D::Targets::labels}},
                  make_softmax_regression, 0.5);
  check_rejected(SoftmaxRegressionParams{.classes = 0}, make_softmax_regression, "classes");

  using M = MlpParams;
  check_objective(M{.widths = {5, 6, 3},
                    .act = Activation::relu,
                    .loss = MlpLoss::mse,
                    .bias = false,
                    .l2 = 0.01,
                    .input_products = M::InputProducts::dense,
                    .data = {.source = S::teacher_mlp,
                             .n = 40,
                             .seed = 7,
                             .noise = 0.2,
                             .teacher_widths = {4, 4},
                             .teacher_act = Activation::softplus}},
                  make_mlp, 0.5);
  check_objective(M{.widths = {4, 5, 1},
                    .act = Activation::softplus,
                    .loss = MlpLoss::binary_cross_entropy,
                    .data = {.source = S::gaussian, .n = 25, .targets = D::Targets::labels}},
                  make_mlp, 0.5);
  check_objective(M{.widths = {3, 4, 3}, .act = Activation::linear, .data = {.source = S::gaussian, .n = 20,
                                                                              .targets = D::Targets::labels}},
                  make_mlp, 0.5);
  check_rejected(M{.l2 = -1}, make_mlp, "l2");
  check_rejected(M{.widths = {784, 0, 10}}, make_mlp, "widths");
  // The check after the table's, in its words (no prefix: unchanged).
  BOOST_TEST(message_of([] { make_mlp({.widths = {5}, .data = {.n = 10}}); }) ==
             "key 'widths': need at least an input and an output width");
  if (have_fashion()) {
    check_objective(M{}, make_mlp, 0.1);
    check_objective(SoftmaxRegressionParams{}, make_softmax_regression, 0.1);
  } else {
    // The defaults still resolve; building needs the data set.
    covered().insert("softmax_regression");
    BOOST_TEST(objective_registry().resolve("mlp").canonical() == M::table().to_spec({}));
  }
}

BOOST_AUTO_TEST_CASE(every_registered_objective_is_checked) {
  for (const auto& e : objective_registry().entries())
    BOOST_TEST(covered().count(e.name) == 1, "objective '" << e.name << "' has no typed-parameter check");
}

BOOST_AUTO_TEST_CASE(data_keys_round_trip_and_defaults) {
  using D = DataParams;
  const auto& t = D::table();
  // Every key non-default, over the sources that read them.
  for (const D& p : {D{.source = DataSource::fashion_mnist,
                       .n = 50,
                       .seed = 9,
                       .path = "/somewhere/else",
                       .split = D::Split::test,
                       .sample = D::Sample::random,
                       .centre = true},
                     D{.source = DataSource::teacher_mlp,
                       .whiten = true,
                       .whiten_eps = 0.25,
                       .targets = D::Targets::labels,
                       .noise = 1.5,
                       .teacher_widths = {7, 3},
                       .teacher_act = Activation::relu},
                     D{.source = DataSource::hierarchical, .n = 16, .levels = 4, .flip = 0.3, .features = 20}}) {
    const std::string text = t.to_spec(p);
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(t.to_spec(t.from_spec(text)) == text);
    t.check(p);
  }
  // dataset_params() is the table; an objective's embedded keys differ only in its defaults.
  same_info(dataset_params(), t.info());
  const auto mlp = MlpParams::table().info();
  const auto deep = DeepLinearParams::table().info();
  const auto logistic = LogisticRegressionParams::table().info();
  for (const ParamInfo& k : t.info()) {
    const auto in = [&](const std::vector<ParamInfo>& info) -> const ParamInfo& {
      for (const auto& i : info)
        if (i.key == k.key) return i;
      BOOST_FAIL("key " + k.key + " missing");
      return info.front();
    };
    BOOST_TEST(in(mlp).help == k.help);
    BOOST_TEST(in(mlp).range == k.range);
    const std::string mlp_default = k.key == "data" ? "fashion-mnist" : k.default_value;
    BOOST_TEST(in(mlp).default_value == mlp_default);
    BOOST_TEST(in(deep).default_value == (k.key == "data" ? "hierarchical" : k.default_value));
    BOOST_TEST(in(logistic).default_value ==
               (k.key == "data" ? "teacher-linear" : k.key == "targets" ? "labels" : k.default_value));
  }
}

// The data path is recorded only for the source that reads it: the spec an objective reports
// (status files, manifests) names no directory of the machine for generated data.
BOOST_AUTO_TEST_CASE(data_path_recorded_only_for_fashion_mnist) {
  using M = MlpParams;
  using S = DataSource;
  const std::string gaussian = "mlp:widths=3-4-3,data=gaussian,n=20,targets=labels";
  const ObjectivePtr named = make_objective(gaussian);
  BOOST_TEST(named->spec().find("path=") == std::string::npos);
  BOOST_TEST(named->spec().find("split=train") != std::string::npos);  // other keys stay
  BOOST_TEST(make_objective(named->spec())->spec() == named->spec());  // re-parsed: the same
  const auto typed = make_mlp({.widths = {3, 4, 3}, .data = {.source = S::gaussian, .n = 20,
                                                             .targets = DataParams::Targets::labels}});
  BOOST_TEST(typed->spec() == named->spec());
  for (const std::string name : {"logistic_regression", "deep_linear"})
    BOOST_TEST(make_objective(name)->spec().find("path=") == std::string::npos, name);
  // data=fashion-mnist reads it: recorded, the default or as given.
  BOOST_TEST(M::table().to_spec({}).find(std::string(",path=") + kFashionMnistDefaultDir + ",") != std::string::npos);
  BOOST_TEST(M::table().to_spec({.data = {.source = S::fashion_mnist, .path = "/data/fm"}}).find(",path=/data/fm,") !=
             std::string::npos);
  const Spec fashion = M::table().resolve("mlp:path=/data/fm");
  BOOST_TEST(M::table().recorded_text(fashion, M::table().from_spec(fashion)) == fashion.canonical());
  // A table without recorded_when keys records the canonical text itself.
  const Spec quadratic = objective_registry().resolve("quadratic:dim=3,kappa=1e2");
  BOOST_TEST(make_objective("quadratic:dim=3,kappa=1e2")->spec() == quadratic.canonical());
}

BOOST_AUTO_TEST_CASE(data_source_rules_name_the_key) {
  using D = DataParams;
  using S = DataSource;
  // Each source-specific key set for a source that does not read it: the same message from
  // the spec text, from DataParams' table, and from a typed objective.
  struct Bad {
    std::string keys;  // spec text after data=...
    S source;
    std::string source_name;
    std::string key;
    D typed;
  };
  const std::vector<Bad> bad = {
      {"path=/tmp", S::gaussian, "gaussian", "path", D{.path = "/tmp"}},
      {"split=test", S::teacher_linear, "teacher-linear", "split", D{.source = S::teacher_linear, .split = D::Split::test}},
      {"sample=random", S::hierarchical, "hierarchical", "sample",
       D{.source = S::hierarchical, .sample = D::Sample::random}},
      {"targets=labels", S::fashion_mnist, "fashion-mnist", "targets",
       D{.source = S::fashion_mnist, .targets = D::Targets::labels}},
      {"noise=0.1", S::gaussian, "gaussian", "noise", D{.noise = 0.1}},
      {"teacher_widths=4", S::teacher_linear, "teacher-linear", "teacher_widths",
       D{.source = S::teacher_linear, .teacher_widths = {4}}},
      {"teacher_act=relu", S::gaussian, "gaussian", "teacher_act", D{.teacher_act = Activation::relu}},
      {"levels=3", S::gaussian, "gaussian", "levels", D{.levels = 3}},
      {"flip=0.2", S::fashion_mnist, "fashion-mnist", "flip", D{.source = S::fashion_mnist, .flip = 0.2}},
      {"features=9", S::teacher_mlp, "teacher-mlp", "features", D{.source = S::teacher_mlp, .features = 9}},
  };
  for (const Bad& b : bad) {
    const std::string why = "key '" + b.key + "': does not apply to data=" + b.source_name;
    const std::string text = "mlp:widths=3-2,data=" + b.source_name + "," + b.keys;
    expect_input_error([&] { make_objective(text); }, {"objective 'mlp': " + why});
    expect_input_error([&] { D::table().check(b.typed); }, {why});
    expect_input_error([&] { make_mlp({.widths = {3, 2}, .data = b.typed}); }, {"objective 'mlp': " + why});
    // The Spec front end of the data keys (make_dataset) says the same.
    expect_input_error([&] { make_dataset(Spec::parse(text, "objective"), 3, 2); }, {"objective 'mlp': " + why});
  }
  // A key written with its default text is not "set" (as before: the text is compared).
  BOOST_TEST(make_objective("mlp:widths=3-2,loss=mse,data=gaussian,n=10,flip=0.1,split=train")->dim() == 8);
  // whiten_eps only with whiten; hierarchical data have exactly 2^levels items.
  expect_input_error([] { make_objective("mlp:widths=3-2,data=gaussian,whiten_eps=0.1"); },
                     {"objective 'mlp': key 'whiten_eps': only used with whiten=true"});
  expect_input_error([] { make_mlp({.widths = {3, 2}, .data = {.whiten_eps = 0.1}}); },
                     {"objective 'mlp': key 'whiten_eps': only used with whiten=true"});
  expect_input_error([] { make_objective("deep_linear:widths=8-4-5,levels=3,features=5,n=9"); },
                     {"objective 'deep_linear': key 'n': hierarchical data has exactly 2^levels = 8 items"});
  BOOST_TEST(make_objective("deep_linear:widths=8-4-5,levels=3,features=5,n=8")->dim() == 52);
  BOOST_TEST(make_objective("deep_linear:widths=8-4-5,levels=3,features=5,n=1000")->dim() == 52);  // the default

  // "Default" is the OWNER's default: logistic_regression's targets=labels is no error with
  // data that have no targets key, targets=regression is; DataParams' own default is the reverse.
  using L = LogisticRegressionParams;
  (void)L::table().from_spec("logistic_regression:data=hierarchical");
  expect_input_error([] { (void)L::table().from_spec("logistic_regression:data=hierarchical,targets=regression"); },
                     {"objective 'logistic_regression': key 'targets': does not apply to data=hierarchical"});
  L typed;
  typed.data.source = S::hierarchical;
  L::table().check(typed);
  typed.data.targets = D::Targets::regression;
  expect_input_error([&] { L::table().check(typed); }, {"key 'targets': does not apply to data=hierarchical"});
  expect_input_error([] { (void)D::table().from_spec("data:data=hierarchical,targets=labels"); },
                     {"key 'targets': does not apply to data=hierarchical"});
  // DataParams::table(defaults): the rules against other defaults.
  (void)D::table(D{.targets = D::Targets::labels}).from_spec("data:data=hierarchical,targets=labels");
}

BOOST_AUTO_TEST_CASE(typed_data_builds_the_same_data) {
  using D = DataParams;
  const D p{.source = DataSource::teacher_mlp, .n = 30, .seed = 5, .centre = true, .noise = 0.3,
            .teacher_widths = {6}, .teacher_act = Activation::softplus};
  const Dataset a = make_dataset(p, 4, 2, "objective 'x': ");
  const Dataset b = make_dataset(Spec::parse("x:" + D::table().to_spec(p).substr(5), "objective"), 4, 2);
  BOOST_TEST((a.inputs == b.inputs));
  BOOST_TEST((a.targets == b.targets));
  BOOST_TEST(a.description == b.description);
  expect_input_error([&] { make_dataset(D{.source = DataSource::hierarchical}, 31, 1000, "objective 'x': "); },
                     {"objective 'x': key 'levels'", "32 items"});
  expect_input_error([&] { make_dataset(D{.source = DataSource::fashion_mnist, .n = 70000}, 784, 10, "objective 'x': "); },
                     {"objective 'x': key 'n': 70000 is outside [1, 60000]"});
}

BOOST_AUTO_TEST_CASE(init_params) {
  using I = InitParams;
  const auto& t = I::table();
  BOOST_TEST(t.kind() == "x0 init");
  std::vector<std::string> keys;
  for (const auto& k : t.info()) keys.push_back(k.key + "=" + k.default_value);
  BOOST_TEST((keys == std::vector<std::string>{"gain=1", "seed=0", "bias=0"}));
  BOOST_TEST(init_spec({}) == "init:gaussian,gain=1,seed=0,bias=0");

  const auto owned = make_mlp({.widths = {4, 5, 3}, .loss = MlpLoss::mse, .data = {.n = 10}});
  const Mlp& net = *owned;
  for (I::Scheme scheme : {I::Scheme::gaussian, I::Scheme::uniform, I::Scheme::xavier, I::Scheme::he,
                           I::Scheme::orthogonal}) {
    const I p{.scheme = scheme, .gain = 0.7, .seed = 12, .bias = 0.25};
    const std::string text = init_spec(p);
    BOOST_TEST_MESSAGE(text);
    const I back = parse_init_spec(text);
    BOOST_TEST(init_spec(back) == text);
    BOOST_TEST((back.scheme == scheme));
    // The typed initial point is the text's, bit for bit.
    BOOST_TEST((initial_point(p, net) == initial_point(text, net)));
  }
  // The short forms take the defaults.
  BOOST_TEST(init_spec(parse_init_spec("init:xavier,seed=3")) == "init:xavier,gain=1,seed=3,bias=0");
  // Errors: the same words from the text and from the struct.
  const std::string gain = "x0 init 'gaussian': key 'gain': -1 must be >= 0";
  BOOST_TEST(message_of([&] { initial_point("init:gaussian,gain=-1", net); }) == gain);
  BOOST_TEST(message_of([&] { initial_point(I{.gain = -1}, net); }) == gain);
  expect_input_error([&] { initial_point("init:he,gian=2", net); }, {"x0 init 'he': key 'gian': unknown key",
                                                                    "gain, seed, bias"});
  expect_input_error([&] { parse_init_spec("init:bogus"); }, {"x0: unknown init scheme 'bogus'"});
}

BOOST_AUTO_TEST_CASE(curvature_monitor_params) {
  using C = analysis::CurvatureMonitorParams;
  using analysis::CurvatureMonitor;
  const auto& t = C::table();
  same_info(CurvatureMonitor::params(), t.info());
  const C p{.every = 7,
            .k = 3,
            .tol = 1e-6,
            .solver = analysis::KrylovSolver::spectra,
            .dense = analysis::EigenMethod::lanczos,
            .dense_threshold = 40,
            .zero_tol = 1e-5,
            .index_probes = 4,
            .index_degree = 120,
            .index_seed = 9};
  const std::string text = t.to_spec(p);
  BOOST_TEST(text ==
             "curvature:every=7,k=3,tol=1e-6,solver=spectra,dense=never,dense_threshold=40,zero_tol=1e-5,"
             "index_probes=4,index_degree=120,index_seed=9,tracker=off,tracker_threshold=auto,tracker_tol=1e-8,"
             "tracker_pairs=4");
  BOOST_TEST(t.to_spec(t.from_spec(text)) == text);
  const CurvatureMonitor typed(p), named(text);
  BOOST_TEST(typed.spec() == named.spec());
  BOOST_TEST(typed.every() == 7);
  const auto& o = typed.options();
  BOOST_TEST(o.k == 3);
  BOOST_TEST(o.tol == 1e-6);
  BOOST_TEST((o.solver == analysis::KrylovSolver::spectra));
  BOOST_TEST((o.method == analysis::EigenMethod::lanczos));
  BOOST_TEST(o.dense_threshold == 40);
  BOOST_TEST(o.zero_tol == 1e-5);
  BOOST_TEST(o.index_probes == 4);
  BOOST_TEST(o.index_degree == 120);
  BOOST_TEST(o.index_seed == 9u);
  // The defaults are CurvatureOptions'.
  const analysis::CurvatureOptions d;
  const auto od = CurvatureMonitor("curvature:every=1").options();
  BOOST_TEST(od.k == d.k);
  BOOST_TEST(od.tol == d.tol);
  BOOST_TEST(od.dense_threshold == d.dense_threshold);
  BOOST_TEST(od.zero_tol == d.zero_tol);
  BOOST_TEST(od.index_degree == d.index_degree);
  BOOST_TEST(od.max_iterations == d.max_iterations);

  const std::string missing = "monitor 'curvature': key 'every': missing value";
  BOOST_TEST(message_of([] { CurvatureMonitor m("curvature:k=2"); }) == missing);
  BOOST_TEST(message_of([] { CurvatureMonitor m(C{}); }) == missing);
  expect_input_error([] { CurvatureMonitor m(C{.every = 1, .tol = 0.9}); }, {"monitor 'curvature': key 'tol'"});
  expect_input_error([] { CurvatureMonitor m("curvature:every=0"); }, {"monitor 'curvature': key 'every'"});
  expect_input_error([] { CurvatureMonitor m("sharpness:every=1"); }, {"monitor 'sharpness': unknown monitor"});
}

BOOST_AUTO_TEST_CASE(readme_lists_the_monitor_keys) {
  const char* source = std::getenv("OPTDYN_SOURCE_DIR");
  BOOST_TEST_REQUIRE(source != nullptr);
  std::ifstream in(std::string(source) + "/README.md");
  BOOST_TEST_REQUIRE(static_cast<bool>(in));
  std::stringstream text;
  text << in.rdbuf();
  const std::string synopsis = analysis::CurvatureMonitor::synopsis();
  BOOST_TEST_MESSAGE(synopsis);
  // The README's key list is the table's, line for line.
  BOOST_TEST(text.str().find("\n" + synopsis + "\n") != std::string::npos);
  std::vector<std::string> keys, from_synopsis;
  for (const auto& k : analysis::CurvatureMonitorParams::table().info()) keys.push_back(k.key);
  for (std::size_t at = synopsis.find(':'); at != std::string::npos; at = synopsis.find(',', at + 1)) {
    const std::size_t eq = synopsis.find('=', at);
    from_synopsis.push_back(synopsis.substr(at + 1, eq - at - 1));
  }
  BOOST_TEST(from_synopsis == keys, boost::test_tools::per_element());
}
