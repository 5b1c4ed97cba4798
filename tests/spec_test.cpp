// Spec strings (`name:key=value,...`) and the registry: parsing, schema checks, typed
// getters. Every error must be an InputError whose one-line message names the offending key.
#define BOOST_TEST_MODULE spec
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/registry.hpp"

using namespace optdyn;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// InputError whose message names every one of `words`, on one line.
auto message_names(std::vector<std::string> words) {
  return [words](const InputError& e) {
    const std::string message = e.what();
    bool ok = !contains(message, "\n");
    for (const auto& w : words) ok = ok && contains(message, w);
    if (!ok) BOOST_TEST_MESSAGE("unexpected message: " << message);
    return ok;
  };
}
auto names_key(const std::string& key) { return message_names({"'" + key + "'"}); }

const std::vector<ParamInfo>& schema() {
  static const std::vector<ParamInfo> params = {
      {"dim", "10", "dimension"},
      {"lr", "0.1", "learning rate"},
      {"nesterov", "false", "Nesterov momentum"},
      {"act", "tanh", "activation"},
      {"widths", "784-32-10", "widths"},
      {"eigs", "", "optional eigenvalue list"},
  };
  return params;
}

Spec resolved(const std::string& text) {
  Spec s = Spec::parse(text, "optimizer");
  s.apply_schema(schema());
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(name_only) {
  const Spec s = Spec::parse("sgd", "optimizer");
  BOOST_TEST(s.name() == "sgd");
  BOOST_TEST(s.kind() == "optimizer");
  BOOST_TEST(s.entries().empty());
  BOOST_TEST(Spec::parse("sgd:", "optimizer").entries().empty());
  BOOST_TEST(Spec::parse("sgd:  ", "optimizer").entries().empty());
}

BOOST_AUTO_TEST_CASE(keys_and_whitespace) {
  const Spec s = Spec::parse("  adam : lr = 1e-3 ,beta1=0.9,\teps=1e-8  ", "optimizer");
  BOOST_TEST(s.name() == "adam");
  BOOST_REQUIRE(s.entries().size() == 3u);
  BOOST_TEST(s.entries()[0].first == "lr");
  BOOST_TEST(s.text("lr") == "1e-3");
  BOOST_TEST(s.real("lr") == 1e-3);
  BOOST_TEST(s.real("beta1") == 0.9);
  BOOST_TEST(s.real("eps") == 1e-8);
  BOOST_TEST(s.has("eps"));
  BOOST_TEST(!s.has("beta2"));
  // Values may contain '=' and ':' (e.g. paths) — only the first '=' splits.
  const Spec p = Spec::parse("mlp:path=/a/b:c=d", "objective");
  BOOST_TEST(p.text("path") == "/a/b:c=d");
}

BOOST_AUTO_TEST_CASE(malformed_specs_name_the_problem) {
  BOOST_CHECK_EXCEPTION(Spec::parse("sgd:lr=1,lr=2", "optimizer"), InputError, names_key("lr"));
  BOOST_CHECK_EXCEPTION(Spec::parse("sgd:lr", "optimizer"), InputError, names_key("lr"));
  BOOST_CHECK_EXCEPTION(Spec::parse("sgd:lr=1,,dim=2", "optimizer"), InputError,
                        message_names({"malformed entry"}));
  BOOST_CHECK_EXCEPTION(Spec::parse("sgd:=1", "optimizer"), InputError, message_names({"'=1'"}));
  BOOST_CHECK_EXCEPTION(Spec::parse("sgd:l r=1", "optimizer"), InputError, message_names({"'l r=1'"}));
  BOOST_CHECK_EXCEPTION(Spec::parse(":lr=1", "optimizer"), InputError, message_names({"name"}));
  BOOST_CHECK_EXCEPTION(Spec::parse("", "optimizer"), InputError, message_names({"optimizer", "name"}));
  BOOST_CHECK_EXCEPTION(Spec::parse("s gd", "optimizer"), InputError, message_names({"s gd"}));
}

BOOST_AUTO_TEST_CASE(unknown_key_names_it_and_lists_the_known_keys) {
  BOOST_CHECK_EXCEPTION(resolved("sgd:momentum=0.9"), InputError,
                        message_names({"'momentum'", "unknown key", "dim", "lr", "nesterov", "act", "widths", "eigs"}));
  // Keys are case sensitive.
  BOOST_CHECK_EXCEPTION(resolved("sgd:LR=0.1"), InputError, names_key("LR"));
}

BOOST_AUTO_TEST_CASE(defaults_are_filled_in_schema_order) {
  const Spec s = resolved("sgd:act=relu,dim=3");
  BOOST_TEST(s.canonical() == "sgd:dim=3,lr=0.1,nesterov=false,act=relu,widths=784-32-10");
  BOOST_TEST(!s.has("eigs"));  // no default: optional and absent
  BOOST_CHECK_EXCEPTION(s.text("eigs"), InputError, message_names({"'eigs'", "missing"}));
  // canonical() round-trips.
  BOOST_TEST(resolved(s.canonical()).canonical() == s.canonical());
  Spec t = s;
  t.set("lr", "0.5");
  t.set("eigs", "1/2");
  BOOST_TEST(t.real("lr") == 0.5);
  BOOST_TEST(t.canonical() == "sgd:dim=3,lr=0.5,nesterov=false,act=relu,widths=784-32-10,eigs=1/2");
}

BOOST_AUTO_TEST_CASE(integers) {
  BOOST_TEST(resolved("s:dim=7").integer("dim", 1, 10) == 7);
  BOOST_TEST(resolved("s:dim=-3").integer("dim", -5, 10) == -3);
  BOOST_CHECK_EXCEPTION(resolved("s:dim=11").integer("dim", 1, 10), InputError,
                        message_names({"'dim'", "11", "[1, 10]"}));
  BOOST_CHECK_EXCEPTION(resolved("s:dim=0").integer("dim", 1, 10), InputError, names_key("dim"));
  BOOST_CHECK_EXCEPTION(resolved("s:dim=2.5").integer("dim", 1, 10), InputError,
                        message_names({"'dim'", "not an integer"}));
  BOOST_CHECK_EXCEPTION(resolved("s:dim=7x").integer("dim", 1, 10), InputError, names_key("dim"));
  BOOST_CHECK_EXCEPTION(resolved("s:dim=").integer("dim", 1, 10), InputError, names_key("dim"));
  BOOST_CHECK_EXCEPTION(resolved("s:dim=99999999999999999999999").integer("dim", 1, 10), InputError,
                        names_key("dim"));
  BOOST_TEST(resolved("s:dim=123").seed("dim") == 123u);
  BOOST_CHECK_EXCEPTION(resolved("s:dim=-1").seed("dim"), InputError, names_key("dim"));
}

BOOST_AUTO_TEST_CASE(reals) {
  BOOST_TEST(resolved("s:lr=2.5e-3").real("lr") == 2.5e-3);
  BOOST_TEST(resolved("s:lr=-4").real("lr") == -4.0);
  BOOST_TEST(resolved("s:lr=0.5").real("lr", 0.0, 1.0) == 0.5);
  BOOST_TEST(resolved("s:lr=1").real("lr", 0.0, 1.0) == 1.0);  // closed interval
  BOOST_TEST(resolved("s:lr=0").real_below("lr", 0.0, 1.0) == 0.0);  // half-open [0, 1)
  BOOST_CHECK_EXCEPTION(resolved("s:lr=1").real_below("lr", 0.0, 1.0), InputError,
                        message_names({"'lr'", "outside [0, 1)"}));
  BOOST_CHECK_EXCEPTION(resolved("s:lr=1.5").real("lr", 0.0, 1.0), InputError,
                        message_names({"'lr'", "1.5", "outside"}));
  for (const char* bad : {"abc", "1e400", "inf", "nan", "0.1.2", ""})
    BOOST_CHECK_EXCEPTION(resolved(std::string("s:lr=") + bad).real("lr"), InputError, names_key("lr"));
  BOOST_TEST(resolved("s:lr=3").positive("lr") == 3.0);
  BOOST_CHECK_EXCEPTION(resolved("s:lr=0").positive("lr"), InputError, message_names({"'lr'", "> 0"}));
  BOOST_CHECK_EXCEPTION(resolved("s:lr=-1").positive("lr"), InputError, names_key("lr"));
}

BOOST_AUTO_TEST_CASE(booleans) {
  for (const char* yes : {"true", "1", "yes"}) BOOST_TEST(resolved(std::string("s:nesterov=") + yes).boolean("nesterov"));
  for (const char* no : {"false", "0", "no"}) BOOST_TEST(!resolved(std::string("s:nesterov=") + no).boolean("nesterov"));
  for (const char* bad : {"maybe", "TRUE2", "2", ""})
    BOOST_CHECK_EXCEPTION(resolved(std::string("s:nesterov=") + bad).boolean("nesterov"), InputError,
                          names_key("nesterov"));
}

BOOST_AUTO_TEST_CASE(choices) {
  BOOST_TEST(resolved("s:act=relu").choice("act", {"tanh", "relu"}) == "relu");
  BOOST_TEST(resolved("s").choice("act", {"tanh", "relu"}) == "tanh");
  BOOST_CHECK_EXCEPTION(resolved("s:act=sigmoid").choice("act", {"tanh", "relu"}), InputError,
                        message_names({"'act'", "sigmoid", "tanh|relu"}));
}

BOOST_AUTO_TEST_CASE(lists) {
  BOOST_TEST(resolved("s").integer_list("widths", '-', 1, 100000) == (std::vector<long>{784, 32, 10}));
  BOOST_TEST(resolved("s:widths=5").integer_list("widths", '-', 1, 10) == (std::vector<long>{5}));
  BOOST_CHECK_EXCEPTION(resolved("s:widths=784--10").integer_list("widths", '-', 1, 100000), InputError,
                        names_key("widths"));
  BOOST_CHECK_EXCEPTION(resolved("s:widths=784-0-10").integer_list("widths", '-', 1, 100000), InputError,
                        message_names({"'widths'", "entry 0"}));
  BOOST_CHECK_EXCEPTION(resolved("s:widths=784-a-10").integer_list("widths", '-', 1, 100000), InputError,
                        names_key("widths"));
  BOOST_TEST(resolved("s:eigs=1/0.1/-0.5").real_list("eigs", '/') == (std::vector<double>{1, 0.1, -0.5}));
  BOOST_CHECK_EXCEPTION(resolved("s:eigs=1//2").real_list("eigs", '/'), InputError, names_key("eigs"));
  BOOST_CHECK_EXCEPTION(resolved("s:eigs=1/2/").real_list("eigs", '/'), InputError, names_key("eigs"));
  BOOST_CHECK_EXCEPTION(resolved("s:eigs=1/inf").real_list("eigs", '/'), InputError, names_key("eigs"));
}

BOOST_AUTO_TEST_CASE(choice_lists_reject_empty_and_unknown_entries) {
  const auto words = [](const std::string& text) {
    return resolved(text).choice_list("act", '/', {"linear", "tanh"});
  };
  BOOST_TEST(words("s") == (std::vector<std::string>{"tanh"}));
  BOOST_TEST(words("s:act=linear/tanh") == (std::vector<std::string>{"linear", "tanh"}));
  for (const std::string bad : {"s:act=linear/", "s:act=/tanh", "s:act=linear//tanh"})
    BOOST_CHECK_EXCEPTION(words(bad), InputError, message_names({"'act'", "empty entry"}));
  BOOST_CHECK_EXCEPTION(words("s:act=linear/relu"), InputError, message_names({"'act'", "'relu'", "linear|tanh"}));
}

// ----- text helpers (shared by the spec parser and the --x0 reader) ------------------------
BOOST_AUTO_TEST_CASE(text_helpers) {
  BOOST_TEST(trim("  a b \t") == "a b");
  BOOST_TEST(trim(" \t ").empty());
  BOOST_TEST(trim("\r1\r") == "\r1\r");  // default blanks: space and tab only
  BOOST_TEST(trim("\r 1\r", " \t\r") == "1");
  double x = 0;
  BOOST_TEST(parse_double("1e-3", x));
  BOOST_TEST(x == 1e-3);
  for (const char* bad : {"", "1 ", "1x", "inf", "nan", "1e999"}) BOOST_TEST(!parse_double(bad, x));
  long n = 0;
  BOOST_TEST(parse_long("-42", n));
  BOOST_TEST(n == -42);
  for (const char* bad : {"", "4.0", "99999999999999999999", "0x10"}) BOOST_TEST(!parse_long(bad, n));
  BOOST_TEST(format_number(0.1) == "0.10000000000000001");
  BOOST_TEST(format_number(1.0 / 3.0, 6) == "0.333333");
}

// ----- the registry ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(registry_resolves_and_reports) {
  Registry<int> r("widget");
  r.add({"one", "the first", {{"k", "1", "a key"}}, [](const Spec& s) { return static_cast<int>(s.integer("k", 0, 9)); }});
  r.add({"two", "the second", {}, [](const Spec&) { return 2; }});
  BOOST_TEST(r.make("one") == 1);
  BOOST_TEST(r.make("one:k=7") == 7);
  BOOST_TEST(r.make("two") == 2);
  BOOST_TEST(r.resolve("one").canonical() == "one:k=1");
  BOOST_CHECK_EXCEPTION(r.make("three"), InputError, message_names({"widget", "'three'", "one", "two"}));
  BOOST_CHECK_EXCEPTION(r.make("one:j=1"), InputError, message_names({"'j'", "k"}));
  BOOST_CHECK_EXCEPTION(r.make("two:k=1"), InputError, message_names({"'k'", "none"}));
  BOOST_CHECK_EXCEPTION(r.make("one:k=10"), InputError, names_key("k"));
  const std::string listing = r.describe();
  BOOST_TEST(contains(listing, "one"));
  BOOST_TEST(contains(listing, "the first"));
  BOOST_TEST(contains(listing, "k=1"));
  BOOST_TEST(contains(listing, "a key"));
}

BOOST_AUTO_TEST_CASE(objective_registry_lists_every_key) {
  const auto& reg = objective_registry();
  BOOST_TEST(reg.kind() == "objective");
  const std::string listing = reg.describe();
  for (const auto& e : reg.entries()) {
    BOOST_TEST(contains(listing, e.name));
    for (const auto& p : e.params) BOOST_TEST(contains(listing, p.key));
  }
  for (const char* name : {"quadratic", "rosenbrock", "saddle", "monkey_saddle", "plateau_saddle",
                           "least_squares", "spherical_pspin", "mlp", "deep_linear",
                           "logistic_regression", "softmax_regression"})
    BOOST_TEST(contains(listing, name));
  BOOST_CHECK_EXCEPTION(make_objective("quadratc:dim=3"), InputError, message_names({"'quadratc'", "quadratic"}));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:dim=3,foo=1"), InputError,
                        message_names({"'foo'", "dim", "kappa", "eigs"}));
  BOOST_CHECK_EXCEPTION(make_objective("quadratic:dim=abc"), InputError, names_key("dim"));
}
