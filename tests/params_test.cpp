// Typed parameters (core/params.hpp): the one declaration of each key. Checked here on a
// synthetic struct that uses every kind of key, and on the Adam family, against facts that
// do not come from the table itself: hand-written spec texts, strtod, and the string path.
#define BOOST_TEST_MODULE params
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/params.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/adam.hpp"
#include "optdyn/optimizers/adamax.hpp"
#include "optdyn/optimizers/amsgrad.hpp"
#include "optdyn/optimizers/nadam.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

using namespace optdyn;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A sub-table embedded flat into Toy's keys, as the data keys are into data-driven objectives.
struct Sub {
  double noise = 0.1;
  long n = 100;
  static const ParamTable<Sub>& table() {
    static const auto t = ParamTable<Sub>("toy", "sub", "sub keys")
                              .real("noise", &Sub::noise, Range::closed(0, 1), "noise level")
                              .integer("n", &Sub::n, 1, 1000, "samples")
                              .rule([](const Sub& s, const Spec& spec) {
                                if (s.n < 10 && s.noise > 0.5) spec.reject("noise", "too noisy for n < 10");
                              });
    return t;
  }
};

struct Toy {
  enum class Act { tanh, relu };
  std::vector<long> widths{4, 3};
  Act act = Act::tanh;
  Sub data;
  std::optional<double> l2;
  double lr = 1e-3;
  double beta = 0.9;
  bool bias = true;
  std::uint64_t seed = 7;
  std::vector<double> eigs;
  std::optional<double> t0;  // a number or the word "auto"
  static const ParamTable<Toy>& table() {
    static const auto t =
        ParamTable<Toy>("toy", "toy", "a toy with every kind of key")
            .integers("widths", &Toy::widths, '-', 1, 100, "widths")
            .choice("act", &Toy::act, {{"tanh", Act::tanh}, {"relu", Act::relu}}, "activation")
            .embed(&Toy::data, Sub::table())
            .real("l2", &Toy::l2, Range::positive(), "optional penalty")
            .real("lr", &Toy::lr, Range::positive(), "step")
            .real("beta", &Toy::beta, Range::below(0, 1), "EMA coefficient")
            .flag("bias", &Toy::bias, "biases")
            .seed("seed", &Toy::seed, "seed")
            .reals("eigs", &Toy::eigs, '/', "eigenvalues")
            .real_or("t0", &Toy::t0, "auto", Range::positive(), "start time")
            .rule([](const Toy& p, const Spec& spec) {
              if (spec.given("l2") && p.act == Act::relu) spec.reject("l2", "not with relu");
            });
    return t;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(shortest_numbers_round_trip_and_read_as_written) {
  const std::vector<std::pair<double, std::string>> cases = {
      {0.001, "0.001"}, {1e-8, "1e-8"},     {1e-4, "1e-4"},   {1000, "1000"},     {0.9, "0.9"},
      {1e300, "1e300"}, {2.5e-10, "2.5e-10"}, {-0.5, "-0.5"}, {0, "0"},           {0.1 + 0.2, "0.30000000000000004"},
      {1e16, "1e16"},   {9999999999999998.0, "9999999999999998"}, {0.0095, "0.0095"}, {123.456, "123.456"}};
  for (const auto& [x, text] : cases) BOOST_TEST(format_shortest(x) == text);
  // Every double comes back exactly (strtod, not our parser), over 20 decades and signs.
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> exponent(-20, 20), mantissa(-1, 1);
  for (int i = 0; i < 20000; ++i) {
    const double x = mantissa(rng) * std::pow(10.0, exponent(rng));
    BOOST_TEST(std::strtod(format_shortest(x).c_str(), nullptr) == x);
  }
}

BOOST_AUTO_TEST_CASE(defaults_come_from_the_struct_and_the_text_lists_every_key_in_order) {
  BOOST_TEST(Toy::table().to_spec(Toy{}) ==
             "toy:widths=4-3,act=tanh,noise=0.1,n=100,lr=0.001,beta=0.9,bias=true,seed=7,t0=auto");
  const auto info = Toy::table().info();
  BOOST_REQUIRE(info.size() == 11u);
  BOOST_TEST(info[2].key == "noise");
  BOOST_TEST(info[2].range == "[0, 1]");
  BOOST_TEST(info[4].key == "l2");  // after the two embedded keys
  BOOST_TEST(info[4].default_value == "");  // optional: no default
  BOOST_TEST(info[6].key == "beta");
  BOOST_TEST(info[6].range == "[0, 1)");
}

BOOST_AUTO_TEST_CASE(from_spec_reads_every_kind_and_to_spec_writes_it_back) {
  const Toy p = Toy::table().from_spec("toy:widths=5-2,noise=1e-3,l2=2,eigs=1/0.1/-0.5,t0=0.25,seed=3,bias=no");
  BOOST_TEST(p.widths == (std::vector<long>{5, 2}));
  BOOST_TEST(p.data.noise == 1e-3);
  BOOST_TEST(p.l2.value() == 2.0);
  BOOST_TEST(p.eigs == (std::vector<double>{1, 0.1, -0.5}));
  BOOST_TEST(p.t0.value() == 0.25);
  BOOST_TEST(p.seed == 3u);
  BOOST_TEST(!p.bias);
  const std::string text = Toy::table().to_spec(p);
  BOOST_TEST(text == "toy:widths=5-2,act=tanh,noise=0.001,n=100,l2=2,lr=0.001,beta=0.9,bias=false,seed=3,"
                     "eigs=1/0.1/-0.5,t0=0.25");
  BOOST_TEST(Toy::table().to_spec(Toy::table().from_spec(text)) == text);
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_key_in_one_line) {
  const auto fails_naming = [](const std::string& text, const std::string& key, const std::string& what) {
    try {
      (void)Toy::table().from_spec(text);
    } catch (const InputError& e) {
      const std::string m = e.what();
      BOOST_TEST_MESSAGE(m);
      return contains(m, "toy 'toy'") && contains(m, "'" + key + "'") && contains(m, what) && !contains(m, "\n");
    }
    return false;
  };
  BOOST_TEST(fails_naming("toy:noise=2", "noise", "outside [0, 1]"));
  BOOST_TEST(fails_naming("toy:beta=1", "beta", "outside [0, 1)"));
  BOOST_TEST(fails_naming("toy:lr=0", "lr", "must be > 0"));
  BOOST_TEST(fails_naming("toy:act=gelu", "act", "not one of tanh|relu"));
  BOOST_TEST(fails_naming("toy:nope=1", "nope", "unknown key"));
  BOOST_TEST(fails_naming("toy:t0=soon", "t0", "not a finite number"));
  BOOST_TEST(fails_naming("toy:n=5,noise=0.9", "noise", "too noisy"));  // embedded table's rule
  BOOST_TEST(fails_naming("toy:act=relu,l2=1", "l2", "not with relu"));  // rule using given()
  BOOST_CHECK_THROW((void)Toy::table().from_spec("other:lr=1"), InputError);
}

BOOST_AUTO_TEST_CASE(check_applies_the_same_rules_to_structs_built_in_cpp) {
  Toy p;
  p.data.n = 0;
  BOOST_CHECK_EXCEPTION(Toy::table().check(p), InputError,
                        [](const InputError& e) { return contains(e.what(), "'n'"); });
  Toy q{.act = Toy::Act::relu};
  BOOST_CHECK_NO_THROW(Toy::table().check(q));  // l2 unset: the rule does not fire
  q.l2 = 1.0;
  BOOST_CHECK_THROW(Toy::table().check(q), InputError);
  Toy r;
  r.lr = std::nan("");
  BOOST_CHECK_EXCEPTION(Toy::table().check(r), InputError,
                        [](const InputError& e) { return contains(e.what(), "'lr'"); });
}

BOOST_AUTO_TEST_CASE(given_distinguishes_written_keys_from_defaults) {
  const Spec s = Toy::table().resolve("toy:lr=0.5");
  BOOST_TEST(s.given("lr"));
  BOOST_TEST(!s.given("beta"));
  BOOST_TEST(s.has("beta"));
  BOOST_TEST(s.canonical() == "toy:widths=4-3,act=tanh,noise=0.1,n=100,lr=0.5,beta=0.9,bias=true,seed=7,t0=auto");
}

// The Adam family: typed and string construction are the same optimizer, bit for bit.
namespace {
template <class P>
void same_trajectory(OptimizerPtr typed, const std::string& text) {
  OptimizerPtr parsed = make_optimizer(text);
  const auto f = objective_registry().make("rosenbrock:dim=4");
  Vec a = Vec::Constant(4, -1.2), b = a;
  typed->reset(4);
  parsed->reset(4);
  ObjectiveOracle oa(*f), ob(*f);
  for (int k = 0; k < 40; ++k) {
    typed->step(a, oa);
    parsed->step(b, ob);
  }
  BOOST_TEST((a.array() == b.array()).all());
  BOOST_TEST(P::table().from_spec(typed->spec()).lr == P::table().from_spec(parsed->spec()).lr);
}
}  // namespace

BOOST_AUTO_TEST_CASE(adam_family_typed_equals_string_path) {
  same_trajectory<AdamParams>(make_adam({.lr = 1e-2, .beta2 = 0.99, .convention = AdamParams::Convention::efficient}),
                              "adam:lr=0.01,beta2=0.99,convention=efficient");
  same_trajectory<AmsgradParams>(make_amsgrad({.lr = 2e-2, .convention = AmsgradParams::Convention::optax}),
                                 "amsgrad:lr=2e-2,convention=optax");
  same_trajectory<NadamParams>(make_nadam({.lr = 1e-2, .convention = NadamParams::Convention::torch}),
                               "nadam:lr=1e-2,convention=torch");
  same_trajectory<AdamaxParams>(make_adamax({.beta2 = 0.9, .convention = AdamaxParams::Convention::torch}),
                                "adamax:beta2=0.9,convention=torch");
  // The typed optimizer records the spec its struct writes.
  BOOST_TEST(make_adam({.lr = 0.01})->spec() == "adam:lr=0.01,beta1=0.9,beta2=0.999,eps=1e-8,convention=seed");
  // Shared keys: the four tables declare lr and beta1 identically (one declaration).
  const auto a = AdamParams::table().info(), m = AmsgradParams::table().info(), n = NadamParams::table().info(),
             x = AdamaxParams::table().info();
  for (int i = 0; i < 2; ++i) {
    BOOST_TEST(a[i].help == m[i].help);
    BOOST_TEST(a[i].help == n[i].help);
    BOOST_TEST(a[i].help == x[i].help);
    BOOST_TEST(a[i].range == x[i].range);
  }
}

BOOST_AUTO_TEST_CASE(adam_family_checks_structs_from_cpp) {
  BOOST_CHECK_EXCEPTION(make_adam({.lr = -1}), InputError, [](const InputError& e) {
    return contains(e.what(), "optimizer 'adam'") && contains(e.what(), "'lr'");
  });
  BOOST_CHECK_EXCEPTION(make_adam({.beta1 = 1.0}), InputError,
                        [](const InputError& e) { return contains(e.what(), "'beta1'"); });
  BOOST_CHECK_EXCEPTION(make_adamax({.eps = 0.0, .convention = AdamaxParams::Convention::torch}), InputError,
                        [](const InputError& e) { return contains(e.what(), "'eps'"); });
  BOOST_CHECK_NO_THROW(make_adamax({.eps = 0.0}));  // the seed form does not use ε
}
