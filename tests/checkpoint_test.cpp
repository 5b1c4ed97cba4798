// Checkpoint/resume (core/state_archive.hpp, optimizers/checkpoint.hpp): a run stopped after
// k steps, saved to JSON and restored into FRESH objects built from the same specs (as a new
// process would) continues to results bit-identical to the uninterrupted run — θ, every
// state vector, the last gradient, lr and loss, the evaluation counts and every internal
// state the checkpoint holds (compared as the final checkpoint documents, whose doubles are
// exact). Every optimizer of the registry is covered (a new one falls to the default case),
// every modifier in a chain, and SGD on minibatches. Mismatched and malformed checkpoints
// are InputErrors naming the field.
#define BOOST_TEST_MODULE checkpoint
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/state_archive.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/checkpoint.hpp"
#include "optdyn/optimizers/modifier.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "support/input_errors.hpp"

using namespace optdyn;
using testing::expect_input_error;

namespace {

const std::string kQuadratic = "quadratic:dim=12,kappa=10,seed=2";
const std::string kRosenbrock = "rosenbrock:dim=4";
const std::string kMlp = "mlp:widths=10-6-3,n=64,data=teacher-mlp,targets=labels,loss=ce,act=tanh";
const std::string kReluMlp = "mlp:widths=10-6-3,n=64,data=teacher-mlp,targets=labels,loss=ce,act=relu";

struct Case {
  std::string spec, objective;
};

// Specs and objectives per optimizer name; a name not listed runs with its defaults on the
// quadratic. Choices put the interruption mid-cycle: L-BFGS m=3 has wrapped by step 5, K-FAC
// refreshes its inverses at t = 1, 4, 7 (inverse_every=3), TONGA compresses at 5 columns,
// subspace parabola regression diagonalises every 5 and refreshes every 4 steps; the line
// searches (Rosenbrock) hand their last gradient over across the interruption.
std::vector<Case> cases_for(const std::string& name) {
  static const std::map<std::string, std::vector<Case>> special = {
      {"newton", {{"newton", kRosenbrock}, {"newton:solver=minres", kRosenbrock}}},
      {"damped_newton", {{"damped_newton", kRosenbrock}}},
      {"saddle_free_newton",
       {{"saddle_free_newton:mode=krylov,k=3,refresh=3", kRosenbrock}, {"saddle_free_newton", kQuadratic}}},
      {"gauss_newton", {{"gauss_newton", kRosenbrock}}},
      {"levenberg_marquardt", {{"levenberg_marquardt", kRosenbrock}, {"levenberg_marquardt:solver=cg", kRosenbrock}}},
      {"nonlinear_cg", {{"nonlinear_cg", kRosenbrock}, {"nonlinear_cg:restart=3", kRosenbrock}}},
      {"bfgs", {{"bfgs", kRosenbrock}}},
      {"lbfgs", {{"lbfgs:m=3", kRosenbrock}}},
      {"linear_cg", {{"linear_cg", kQuadratic}}},
      {"coordinate_descent",
       {{"coordinate_descent", kQuadratic}, {"coordinate_descent:rule=random,seed=3,update=gradient,lr=0.05", kQuadratic}}},
      {"block_coordinate_descent", {{"block_coordinate_descent:block=5,rule=random,seed=3", kQuadratic}}},
      {"natural_gradient", {{"natural_gradient", kMlp}, {"natural_gradient:fisher=sampled,seed=2", kMlp}}},
      {"kfac", {{"kfac:inverse_every=3", kMlp}, {"kfac:fisher=sampled,inverse_every=3,seed=4", kMlp}}},
      {"tonga", {{"tonga:rank=3,refresh=2", kMlp}}},
      {"path_sgd", {{"path_sgd:lr=0.05", kMlp}}},
      {"parabola_regression",
       {{"parabola_regression", kMlp},
        {"parabola_regression:mode=subspace,d=3,every=5,refresh=4", kMlp},
        {"parabola_regression:mode=subspace,d=3,init=random,seed=2,every=5", kMlp}}},
      {"nadam", {{"nadam", kQuadratic}, {"nadam:convention=torch", kQuadratic}}},
  };
  const auto it = special.find(name);
  if (it != special.end()) return it->second;
  return {{name, kQuadratic}};
}

// The modifier of each name with values that make it act within 12 steps.
std::string modifier_spec(const std::string& name) {
  static const std::map<std::string, std::string> special = {
      {"clip_norm", "clip_norm:max=0.5"},       {"clip_value", "clip_value:max=0.2"},
      {"weight_decay", "weight_decay:wd=0.1"},  {"robbins_monro", "robbins_monro:alpha=0.7,t0=3"},
      {"step_lr", "step_lr:every=3,gamma=0.5"}, {"cosine", "cosine:t_max=10"},
      {"warmup", "warmup:steps=4"},             {"average", "average:start=3"},
      {"teleport", "teleport:every=3,steps=2"}, {"project_box", "project_box:lo=-0.5,hi=0.5"},
  };
  const auto it = special.find(name);
  return it != special.end() ? it->second : name;
}

struct Sampler {
  Index batch = 0;  // 0: full batch
  Sampling mode = Sampling::shuffle;
  std::uint64_t seed = 7;
};

// One run's objects, built from specs alone (a resumed process has nothing else).
struct Run {
  Run(const std::string& spec, const std::string& objective, const Sampler& s = {})
      : f(make_objective(objective)),
        oracle(s.batch > 0 ? ObjectiveOracle(*f, s.batch, s.mode, s.seed) : ObjectiveOracle(*f)),
        opt(make_optimizer(spec)) {
    opt->reset(f->dim());
    theta = Vec::LinSpaced(f->dim(), -0.6, 0.4);
    if (objective == kRosenbrock) theta = (Vec(4) << -1.2, 1, -1.2, 1).finished();
  }
  void steps(int n) {
    for (int i = 0; i < n; ++i) opt->step(theta, oracle);
  }
  ObjectivePtr f;
  ObjectiveOracle oracle;
  OptimizerPtr opt;
  Vec theta;
};

bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void require_same(Run& a, Run& b, const std::string& what) {
  BOOST_TEST(same_bits(a.theta, b.theta), what << ": θ");
  BOOST_TEST(a.opt->steps() == b.opt->steps(), what);
  BOOST_TEST(same_bits(a.opt->last_gradient(), b.opt->last_gradient()), what << ": last gradient");
  BOOST_TEST(same_bits(a.opt->last_lr(), b.opt->last_lr()), what << ": last lr");
  const auto sa = a.opt->state(), sb = b.opt->state();
  BOOST_REQUIRE_EQUAL(sa.size(), sb.size());
  for (std::size_t i = 0; i < sa.size(); ++i) {
    BOOST_TEST(sa[i].name == sb[i].name, what);
    BOOST_TEST(same_bits(*sa[i].value, *sb[i].value), what << ": state " << sa[i].name);
  }
  const EvaluationCounts &ca = a.oracle.counts(), &cb = b.oracle.counts();
  BOOST_TEST(ca.gradients == cb.gradients, what << ": gradients");
  BOOST_TEST(ca.values == cb.values, what << ": values");
  BOOST_TEST(ca.hvps == cb.hvps, what << ": hvps");
  BOOST_TEST(ca.hessians == cb.hessians, what << ": hessians");
  BOOST_TEST(ca.residual_evaluations == cb.residual_evaluations, what << ": residuals");
  BOOST_TEST(ca.jacobian_products == cb.jacobian_products, what << ": jacobian products");
  BOOST_TEST(ca.fisher_products == cb.fisher_products, what << ": fisher products");
  BOOST_TEST(ca.layer_statistics == cb.layer_statistics, what << ": layer statistics");
  BOOST_TEST(ca.samples == cb.samples, what << ": samples");
  // Everything else (last loss, pending hand-over, histories, factors, RNG states, sampler
  // position): the checkpoints of both end states, exact by construction, must be equal.
  BOOST_TEST(save_checkpoint(*a.opt, a.oracle, a.theta) == save_checkpoint(*b.opt, b.oracle, b.theta),
             what << ": final checkpoints differ");
}

// N steps straight; k steps, save, a fresh Run loads and does N − k more.
void check_resume(const std::string& spec, const std::string& objective, int total, int k, const Sampler& s = {}) {
  const std::string what = spec + " on " + objective + ", stop after " + std::to_string(k);
  Run straight(spec, objective, s);
  straight.steps(total);
  BOOST_TEST(straight.opt->steps() == static_cast<std::uint64_t>(total), what);

  std::string json;
  {
    Run first(spec, objective, s);
    first.steps(k);
    json = save_checkpoint(*first.opt, first.oracle, first.theta);
  }  // the first "process" is gone
  Run resumed(spec, objective, s);
  resumed.theta.setZero();
  load_checkpoint(json, *resumed.opt, resumed.oracle, resumed.theta);
  BOOST_TEST(resumed.opt->steps() == static_cast<std::uint64_t>(k), what);
  // Saving right after loading reproduces the document: nothing is lost or added on the way.
  BOOST_TEST(save_checkpoint(*resumed.opt, resumed.oracle, resumed.theta) == json, what << ": re-save");
  resumed.steps(total - k);
  require_same(straight, resumed, what);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_optimizer_resumes_bit_identically) {
  std::size_t covered = 0;
  for (const auto& entry : optimizer_registry().entries()) {
    for (const Case& c : cases_for(entry.name)) {
      BOOST_TEST_CONTEXT(c.spec) {
        for (const int k : {0, 1, 5}) check_resume(c.spec, c.objective, 12, k);
      }
    }
    ++covered;
  }
  BOOST_TEST(covered == optimizer_registry().entries().size());
}

BOOST_AUTO_TEST_CASE(every_modifier_resumes_bit_identically) {
  for (const auto& entry : modifier_registry().entries()) {
    const std::string spec = "adam:lr=0.05|" + modifier_spec(entry.name);
    // teleport moves along a relu network's rescaling orbits
    const std::string objective = entry.name == "teleport" ? kReluMlp : kQuadratic;
    BOOST_TEST_CONTEXT(spec) { check_resume(spec, objective, 12, 5); }
  }
  // Modifiers on a method with more state, and several at once.
  check_resume("nesterov:lr=0.01|clip_norm:max=1|warmup:steps=4|cosine:t_max=10|average:start=2", kQuadratic, 12, 5);
  check_resume("sgd:lr=0.05,momentum=0.9|weight_decay:wd=0.01|average:start=0", kMlp, 12, 7);
}

BOOST_AUTO_TEST_CASE(minibatch_sgd_resumes_bit_identically) {
  // n = 64: B = 16 ends an epoch every 4 steps (stops at 4 and 5 are at and after a
  // boundary); B = 20 leaves a batch of 4 per epoch; replacement and cyclic draw differently.
  for (const Sampler& s : {Sampler{16, Sampling::shuffle, 7}, Sampler{20, Sampling::shuffle, 8},
                           Sampler{16, Sampling::replacement, 9}, Sampler{24, Sampling::cyclic, 0}}) {
    BOOST_TEST_CONTEXT("batch " << s.batch << " mode " << static_cast<int>(s.mode)) {
      for (const int k : {1, 4, 5}) check_resume("sgd:lr=0.1,momentum=0.9", kMlp, 11, k, s);
      check_resume("adam:lr=0.01|clip_norm:max=1", kMlp, 11, 6, s);
      check_resume("kfac:inverse_every=3", kMlp, 9, 5, s);
    }
  }
}

// --- refusals ------------------------------------------------------------------------------

namespace {

std::string adam_checkpoint(const std::string& objective = kQuadratic) {
  Run r("adam:lr=0.05", objective);
  r.steps(3);
  return save_checkpoint(*r.opt, r.oracle, r.theta);
}

void load_into(const std::string& json, const std::string& spec, const std::string& objective,
               const Sampler& s = {}) {
  Run r(spec, objective, s);
  load_checkpoint(json, *r.opt, r.oracle, r.theta);
}

// `json` with the first occurrence of `from` replaced by `to`.
std::string replaced(std::string json, const std::string& from, const std::string& to) {
  const auto at = json.find(from);
  BOOST_REQUIRE(at != std::string::npos);
  return json.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_CASE(another_spec_or_dimension_is_refused_naming_the_field) {
  const std::string json = adam_checkpoint();
  expect_input_error([&] { load_into(json, "adam:lr=0.5", kQuadratic); },
                     {"checkpoint: optimizer.spec is 'adam:lr=0.05", "expected 'adam:lr=0.5"});
  expect_input_error([&] { load_into(json, "lbfgs", kQuadratic); }, {"checkpoint: optimizer.spec", "lbfgs"});
  expect_input_error([&] { load_into(json, "adam:lr=0.05|clip_norm:max=1", kQuadratic); },
                     {"checkpoint: optimizer.spec"});
  // Same spec, another dimension (and so another objective).
  expect_input_error([&] { load_into(json, "adam:lr=0.05", "quadratic:dim=13,kappa=10,seed=2"); },
                     {"checkpoint: optimizer.dim is 12, expected 13"});
  // Same optimizer and dimension, another objective.
  expect_input_error([&] { load_into(json, "adam:lr=0.05", "quadratic:dim=12,kappa=10,seed=3"); },
                     {"checkpoint: oracle.objective"});
  // A full-batch checkpoint into a minibatch oracle.
  const std::string mlp = adam_checkpoint(kMlp);
  expect_input_error([&] { load_into(mlp, "adam:lr=0.05", kMlp, Sampler{16}); },
                     {"checkpoint: oracle.minibatches is 0, expected 1"});
}

BOOST_AUTO_TEST_CASE(malformed_checkpoints_are_input_errors) {
  const std::string json = adam_checkpoint();
  // Truncated anywhere: not JSON any more.
  for (const std::size_t cut : {std::size_t{0}, std::size_t{1}, json.size() / 3, json.size() / 2, json.size() - 1})
    expect_input_error([&] { load_into(json.substr(0, cut), "adam:lr=0.05", kQuadratic); },
                       {"checkpoint: not valid JSON"});
  expect_input_error([&] { load_into("[1, 2]", "adam:lr=0.05", kQuadratic); }, {"checkpoint: the top level"});
  expect_input_error([&] { load_into("{}", "adam:lr=0.05", kQuadratic); }, {"checkpoint: format is missing"});
  // A vector of the wrong length names the field and both lengths.
  {
    Run r("adam:lr=0.05", kQuadratic);
    r.steps(2);
    StateArchive a = StateArchive::for_saving();
    Vec theta = r.theta;
    archive_run(a, *r.opt, r.oracle, theta);
    const std::string good = a.to_json();
    const std::string shorter = replaced(good, "\"m\":[", "\"m\":[\"1p+0\",");
    expect_input_error([&] { load_into(shorter, "adam:lr=0.05", kQuadratic); },
                       {"checkpoint: optimizer.state.m has length 13, expected 12"});
  }
  // A garbled double, a wrong type, a renamed field, an extra field.
  expect_input_error([&] { load_into(replaced(json, "\"last_lr\":\"", "\"last_lr\":\"zz"), "adam:lr=0.05", kQuadratic); },
                     {"checkpoint: optimizer.last_lr", "hexadecimal"});
  expect_input_error([&] { load_into(replaced(json, "\"t\":3", "\"t\":-3"), "adam:lr=0.05", kQuadratic); },
                     {"checkpoint: optimizer.t", "non-negative integer"});
  expect_input_error([&] { load_into(replaced(json, "\"t\":3", "\"t\":\"3\""), "adam:lr=0.05", kQuadratic); },
                     {"checkpoint: optimizer.t is a JSON string"});
  expect_input_error([&] { load_into(replaced(json, "\"loss\":", "\"lost\":"), "adam:lr=0.05", kQuadratic); },
                     {"checkpoint: optimizer.loss is missing", "'lost'"});
  expect_input_error([&] { load_into(replaced(json, "\"state\":{", "\"state\":{\"extra\":true,"), "adam:lr=0.05", kQuadratic); },
                     {"checkpoint: optimizer.state.m is missing", "'extra'"});
  expect_input_error(
      [&] { load_into(replaced(json, "\"v\":[", "\"w\":1,\"v\":["), "adam:lr=0.05", kQuadratic); },
      {"checkpoint: optimizer.state.v is missing"});
  expect_input_error([&] { load_into(json.substr(0, json.size() - 1) + ",\"more\":1}", "adam:lr=0.05", kQuadratic); },
                     {"checkpoint: unexpected field 'more'"});
  // The Rng's engine text.
  {
    Run r("coordinate_descent:rule=random,seed=3,update=gradient,lr=0.05", kQuadratic);
    r.steps(2);
    const std::string cd = save_checkpoint(*r.opt, r.oracle, r.theta);
    expect_input_error([&] { load_into(replaced(cd, "\"engine\":\"", "\"engine\":\"x"), r.opt->spec(), kQuadratic); },
                       {"checkpoint: optimizer.state.rng.engine is not the state of a mt19937_64 engine"});
  }
  // L-BFGS: more pairs than its memory.
  {
    Run r("lbfgs:m=3", kRosenbrock);
    r.steps(6);
    const std::string lb = save_checkpoint(*r.opt, r.oracle, r.theta);
    expect_input_error([&] { load_into(replaced(lb, "\"pairs\":3", "\"pairs\":4"), "lbfgs:m=3", kRosenbrock); },
                       {"checkpoint: optimizer.state.pairs is 4, expected a value in [0, 3]"});
  }
}

BOOST_AUTO_TEST_CASE(doubles_round_trip_bit_exactly) {
  const double values[] = {0.0, -0.0, 1.0 / 3.0, -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::max(), -1e-300};
  StateArchive out = StateArchive::for_saving();
  Vec v(8);
  for (int i = 0; i < 8; ++i) v[i] = values[i];
  double nan = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t big = std::numeric_limits<std::uint64_t>::max();
  std::int64_t neg = std::numeric_limits<std::int64_t>::min();
  Mat m = Mat::Random(3, 2);
  std::vector<Vec> seq{v, -v};
  Rng rng(5);
  rng.normal();  // leaves a Box–Muller spare
  out.field("v", v);
  out.field("nan", nan);
  out.scope("ints", [&] {
    out.field("big", big);
    out.field("neg", neg);
  });
  out.field("m", m);
  out.sequence("seq", seq, 8, 4);
  out.field("rng", rng);
  const std::string json = out.to_json();

  StateArchive in = StateArchive::from_json(json);
  Vec v2(8);
  double nan2 = 0.0;
  std::uint64_t big2 = 0;
  std::int64_t neg2 = 0;
  Mat m2(3, 2);
  std::deque<Vec> seq2;
  Rng rng2(99);
  in.field("v", v2);
  in.field("nan", nan2);
  in.scope("ints", [&] {
    in.field("big", big2);
    in.field("neg", neg2);
  });
  in.field("m", m2);
  in.sequence("seq", seq2, 8, 4);
  in.field("rng", rng2);
  in.finish();
  BOOST_TEST(same_bits(v, v2));
  BOOST_TEST(std::isnan(nan2));
  BOOST_TEST(big2 == big);
  BOOST_TEST(neg2 == neg);
  BOOST_TEST(std::memcmp(m.data(), m2.data(), sizeof(double) * 6) == 0);
  BOOST_REQUIRE_EQUAL(seq2.size(), 2u);
  BOOST_TEST(same_bits(seq2[1], seq[1]));
  for (int i = 0; i < 5; ++i) BOOST_TEST(same_bits(rng.normal(), rng2.normal()));  // the spare first
  BOOST_TEST(rng.bits() == rng2.bits());

  // A sequence longer than its maximum, a matrix of another shape.
  StateArchive bad = StateArchive::from_json(json);
  bad.field("v", v2);
  bad.field("nan", nan2);
  bad.scope("ints", [&] {
    bad.field("big", big2);
    bad.field("neg", neg2);
  });
  Mat wrong(2, 3);
  expect_input_error([&] { bad.field("m", wrong); }, {"checkpoint: m has rows = 3, expected 2"});
}
