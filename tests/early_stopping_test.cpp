// Tests of harness/early_stopping.hpp (Goodfellow, Bengio & Courville 2016, §7.8, Algorithm 7.1)
// against sequences of validation losses traced by hand, step by step, in the comments: the
// best value, its step and θ, the count j of evaluations without an improvement, and where
// the rule stops. Also: NaN is never an improvement, the spec keys are checked, and a
// checkpoint taken mid-sequence resumes to the same result.
#define BOOST_TEST_MODULE early_stopping
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "harness/early_stopping.hpp"
#include "optdyn/core/error.hpp"

using namespace optdyn;
using namespace optdyn::harness;

namespace {

// θ at evaluation e: a vector that tells the evaluations apart.
Vec theta_at(int e) { return Vec::Constant(3, static_cast<double>(e)); }

EarlyStoppingParams params(long patience, double min_delta) {
  EarlyStoppingParams p;
  p.patience = patience;
  p.min_delta = min_delta;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(min_delta_trace) {
  // patience 2, min_delta 0.05; evaluations every 10 steps:
  //   step  v     v* before  v < v* − 0.05?   v*    i*   j
  //   0     1.00  +inf       yes              1.00  0    0
  //   10    0.80  1.00       0.80 < 0.95 yes  0.80  10   0
  //   20    0.78  0.80       0.78 < 0.75 no   0.80  10   1
  //   30    0.90  0.80       no               0.80  10   2  → stop
  EarlyStopping rule(params(2, 0.05));
  const std::vector<double> v = {1.00, 0.80, 0.78, 0.90, 0.10};
  const std::vector<long> j = {0, 0, 1, 2};
  for (int e = 0; e < 4; ++e) {
    const bool stop = rule.observe(10 * e, v[e], theta_at(e));
    BOOST_TEST(rule.since_best() == j[e]);
    BOOST_TEST(stop == (e == 3));
  }
  BOOST_TEST(rule.stop());
  BOOST_TEST(rule.best_step() == 10);
  BOOST_TEST(rule.best_value() == 0.80);
  BOOST_TEST(rule.best_theta() == theta_at(1));
  BOOST_TEST(rule.evaluations() == 4);
  // Once stopped, later evaluations change nothing (even a better one).
  BOOST_TEST(rule.observe(40, v[4], theta_at(4)));
  BOOST_TEST(rule.best_step() == 10);
  BOOST_TEST(rule.evaluations() == 4);
  BOOST_TEST(rule.reason().find("after step 10") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(book_rule_without_min_delta) {
  // patience 2, min_delta 0 (Algorithm 7.1 as printed):
  //   step  v     v*    i*   j
  //   0     1.00  1.00  0    0
  //   10    0.78  0.78  10   0
  //   20    0.90  0.78  10   1
  //   30    0.70  0.70  30   0   (the count restarts)
  //   40    0.70  0.70  30   1   (equal is not better)
  //   50    0.69  0.69  50   0
  //   60    0.75  0.69  50   1   → not stopped at the end
  EarlyStopping rule(params(2, 0.0));
  const std::vector<double> v = {1.00, 0.78, 0.90, 0.70, 0.70, 0.69, 0.75};
  const std::vector<long> j = {0, 0, 1, 0, 1, 0, 1};
  const std::vector<long> best = {0, 10, 10, 30, 30, 50, 50};
  for (int e = 0; e < 7; ++e) {
    BOOST_TEST(!rule.observe(10 * e, v[e], theta_at(e)));
    BOOST_TEST(rule.since_best() == j[e]);
    BOOST_TEST(rule.best_step() == best[e]);
  }
  BOOST_TEST(rule.best_value() == 0.69);
  BOOST_TEST(rule.best_theta() == theta_at(5));
  BOOST_TEST(rule.reason().empty());
}

BOOST_AUTO_TEST_CASE(nan_is_never_an_improvement) {
  // patience 1: 0.5 (best), NaN (j = 1) → stop with the first point.
  EarlyStopping rule(params(1, 0.0));
  BOOST_TEST(!rule.observe(0, 0.5, theta_at(0)));
  BOOST_TEST(rule.observe(5, std::numeric_limits<double>::quiet_NaN(), theta_at(1)));
  BOOST_TEST(rule.best_step() == 0);
  // A first evaluation that is NaN leaves no best point.
  EarlyStopping first(params(1, 0.0));
  BOOST_TEST(first.observe(0, std::numeric_limits<double>::quiet_NaN(), theta_at(0)));
  BOOST_TEST(first.best_step() == -1);
  BOOST_TEST(first.best_theta().size() == 0);
  BOOST_TEST(first.reason().find("since the start") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(spec_keys_checked) {
  const EarlyStopping rule(std::string("early_stopping:patience=4,monitor=error"));
  BOOST_TEST(rule.params().patience == 4);
  BOOST_TEST(rule.params().min_delta == 0.0);
  BOOST_TEST((rule.params().monitor == EarlyStoppingParams::Monitor::error));
  BOOST_TEST(rule.spec() == "early_stopping:patience=4,min_delta=0,monitor=error");
  BOOST_CHECK_THROW(EarlyStopping(std::string("early_stopping:patience=0")), InputError);
  BOOST_CHECK_THROW(EarlyStopping(std::string("early_stopping:min_delta=-1")), InputError);
  BOOST_CHECK_THROW(EarlyStopping(std::string("early_stopping:monitor=accuracy")), InputError);
  BOOST_CHECK_THROW(EarlyStopping(std::string("early_stopping:paitence=3")), InputError);
}

BOOST_AUTO_TEST_CASE(checkpoint_resumes_the_trace) {
  // The min_delta trace again, saved after two evaluations and restored into a fresh rule.
  EarlyStopping rule(params(2, 0.05));
  rule.observe(0, 1.00, theta_at(0));
  rule.observe(10, 0.80, theta_at(1));
  StateArchive out = StateArchive::for_saving();
  rule.archive(out);
  EarlyStopping resumed(params(2, 0.05));
  StateArchive in = StateArchive::from_json(out.to_json());
  resumed.archive(in);
  in.finish();
  BOOST_TEST(!resumed.observe(20, 0.78, theta_at(2)));
  BOOST_TEST(resumed.observe(30, 0.90, theta_at(3)));
  BOOST_TEST(resumed.best_step() == 10);
  BOOST_TEST(resumed.best_theta() == theta_at(1));
  // Another rule's checkpoint is refused.
  EarlyStopping other(params(3, 0.05));
  StateArchive again = StateArchive::from_json(out.to_json());
  BOOST_CHECK_THROW(other.archive(again), InputError);
}
