// Reddi, Kale & Kumar 2018's online counterexample (objectives/reddi_online.hpp) and the
// project_box modifier (optimizers/projection.hpp):
//  * the regret R_T = Σ s_t x_t + |Σ s_t| against its closed forms for constant plays
//    (x ≡ 1: 2(C − 2)T/3; x ≡ −1: 0) and against a brute-force minimum over a grid;
//  * the cyclic sampler with B = 1 hands out f_1, f_2, f_3, f_1, … in order;
//  * Theorem 1: projected Adam (β₁ = 0, β₂ = 1/(1 + C²), α_t = α/√t) has average regret at
//    least 2(C − 2)/3 − o(1); projected AMSGrad's goes to 0 (Reddi et al., Theorem 4).
#define BOOST_TEST_MODULE reddi_online
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/reddi_online.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

using namespace optdyn;

namespace {

// x_1 … x_T played by `spec` on the problem (x_t is θ before step t).
std::vector<double> play(const ReddiOnline& f, const std::string& spec, std::size_t steps, double x1) {
  ObjectiveOracle oracle(f, 1, Sampling::cyclic, 0);
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(1);
  Vec theta = Vec::Constant(1, x1);
  std::vector<double> xs;
  xs.reserve(steps);
  for (std::size_t t = 0; t < steps; ++t) {
    xs.push_back(theta[0]);
    opt->step(theta, oracle);
  }
  return xs;
}

std::string theorem1_spec(const std::string& method, double c) {
  const double beta2 = 1.0 / (1.0 + c * c);
  // α < √(1 − β₂); ε far below every √v̂ (v̂ ≥ (1 − β₂)·1).
  return method + ":lr=" + std::to_string(0.5 * std::sqrt(1.0 - beta2)) + ",beta1=0,beta2=" + std::to_string(beta2) +
         ",eps=1e-12|inverse_sqrt|project_box:lo=-1,hi=1";
}

}  // namespace

BOOST_AUTO_TEST_CASE(regret_matches_its_closed_forms) {
  const auto f = make_reddi_online({.c = 4});
  for (const std::size_t t : {3u, 30u, 3000u}) {
    const std::vector<double> ones(t, 1.0), minus(t, -1.0);
    BOOST_TEST(f->regret(ones) == 2.0 * (4 - 2) * static_cast<double>(t) / 3.0, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(f->regret(minus) == 0.0);
  }
  // An arbitrary path: the minimum over x ∈ [−1, 1] by brute force on a grid containing ±1.
  std::vector<double> xs;
  for (int k = 0; k < 17; ++k) xs.push_back(std::sin(1.3 * k));
  double played = 0, best = 1e300;
  for (std::size_t k = 0; k < xs.size(); ++k) played += f->slope(k + 1) * xs[k];
  for (int j = 0; j <= 2000; ++j) {
    const double x = -1.0 + j / 1000.0;
    double total = 0;
    for (std::size_t k = 0; k < xs.size(); ++k) total += f->slope(k + 1) * x;
    best = std::min(best, total);
  }
  BOOST_TEST(f->regret(xs) == played - best, boost::test_tools::tolerance(1e-13));
}

BOOST_AUTO_TEST_CASE(cyclic_batches_of_one_are_the_online_sequence) {
  const auto f = make_reddi_online({.c = 3});
  ObjectiveOracle oracle(*f, 1, Sampling::cyclic, 0);
  Vec g;
  for (std::uint64_t t = 1; t <= 7; ++t) {
    oracle.gradient(Vec::Zero(1), g);
    BOOST_TEST(g[0] == f->slope(t));
  }
}

BOOST_AUTO_TEST_CASE(project_box_keeps_gd_in_the_box) {
  const auto f = make_reddi_online({.c = 3});
  const std::vector<double> xs = play(*f, "gd:lr=0.7|project_box:lo=-1,hi=1", 60, 0.0);
  for (const double x : xs) BOOST_TEST(std::abs(x) <= 1.0);
  // Every step on f_t = Cx (t mod 3 = 1) moves x by −0.7·3 = −2.1 from x ≤ 0.4: clamped to −1,
  // then two steps of +0.7: x_t = −1, −0.3, 0.4 at t mod 3 = 2, 0, 1 (from t = 2 on).
  for (std::size_t t = 2; t <= xs.size(); t += 3) BOOST_TEST(xs[t - 1] == -1.0);
  BOOST_TEST(xs[59] == -0.3, boost::test_tools::tolerance(1e-14));  // t = 60
  BOOST_TEST(xs[57] == 0.4, boost::test_tools::tolerance(1e-14));   // t = 58
  BOOST_CHECK_THROW(make_optimizer("gd|project_box:lo=1,hi=0"), InputError);
}

BOOST_AUTO_TEST_CASE(adam_keeps_positive_average_regret_and_amsgrad_does_not) {
  const double c = 3;
  const auto f = make_reddi_online({.c = c});
  const std::size_t steps = 30000;
  const std::vector<double> adam = play(*f, theorem1_spec("adam", c), steps, 1.0);
  const std::vector<double> ams = play(*f, theorem1_spec("amsgrad", c) + "", steps, 1.0);
  const double bound = 2 * (c - 2) / 3;  // R_T/T of the path x ≡ 1
  const double adam_avg = f->regret(adam) / static_cast<double>(steps);
  const double ams_avg = f->regret(ams) / static_cast<double>(steps);
  BOOST_TEST_MESSAGE("average regret at T = " << steps << ": Adam " << adam_avg << ", AMSGrad " << ams_avg
                                              << ", closed form of x = 1: " << bound);
  BOOST_TEST(adam_avg >= bound);
  BOOST_TEST(adam[steps - 3] == 1.0);  // x_{3k+1} = 1 (Reddi et al., proof of Theorem 1)
  BOOST_TEST(ams_avg <= 0.05 * bound);
  BOOST_TEST(ams[steps - 3] <= -0.9);
}
