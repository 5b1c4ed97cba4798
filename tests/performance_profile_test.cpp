// Tests of analysis/performance_profile.hpp and analysis/learning_rate_tuning.hpp against tables
// computed by hand:
//  * Dolan & Moré's ratios r = t/min t and profile ρ_s(τ) = |{p : r ≤ τ}|/|P| on a 3×3 cost table
//    with failures (+inf) and a problem no solver solved (it still counts in |P|);
//  * Moré & Wild's convergence test f ≤ f_L + tol·(f_0 − f_L) on a short record, including a
//    diverged (NaN) record that must not count as solved;
//  * the tuning rule: argmin of a known grid, diverged values worst, ties to the smaller step;
//    the mean over seeds with one diverged seed making the grid value diverged.
#define BOOST_TEST_MODULE performance_profile
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "optdyn/analysis/learning_rate_tuning.hpp"
#include "optdyn/analysis/performance_profile.hpp"

using namespace optdyn::analysis;

namespace {
const double kInf = std::numeric_limits<double>::infinity();
const double kNan = std::numeric_limits<double>::quiet_NaN();
}  // namespace

// Solvers A, B, C on three problems:
//   p1: 10, 30, inf  → ratios 1, 3, inf
//   p2: 40, 20, 60   → ratios 2, 1, 3
//   p3: inf inf inf  → ratios inf (unsolved by all)
// ρ_A: τ=1 → 1/3, τ=2 → 2/3, τ=3 → 2/3;  ρ_B: 1/3, 1/3, 2/3;  ρ_C: 0, 0, 1/3.
BOOST_AUTO_TEST_CASE(profile_by_hand) {
  const std::vector<std::vector<double>> cost = {{10, 30, kInf}, {40, 20, 60}, {kInf, kInf, kInf}};
  const auto r = performance_ratios(cost);
  BOOST_TEST(r[0][0] == 1.0);
  BOOST_TEST(r[0][1] == 3.0);
  BOOST_TEST(r[0][2] == kInf);
  BOOST_TEST(r[1][0] == 2.0);
  BOOST_TEST(r[1][1] == 1.0);
  BOOST_TEST(r[1][2] == 3.0);
  for (double x : r[2]) BOOST_TEST(x == kInf);

  const PerformanceProfile prof = performance_profile(cost);
  BOOST_TEST(prof.taus == (std::vector<double>{1.0, 2.0, 3.0}), boost::test_tools::per_element());
  const std::vector<std::vector<double>> expected = {{1.0 / 3, 2.0 / 3, 2.0 / 3}, {1.0 / 3, 1.0 / 3, 2.0 / 3},
                                                     {0.0, 0.0, 1.0 / 3}};
  for (std::size_t s = 0; s < 3; ++s)
    for (std::size_t k = 0; k < 3; ++k) BOOST_TEST(std::abs(prof.rho[s][k] - expected[s][k]) < 1e-15);
  // Between breakpoints the profile is constant; beyond the largest ratio it is the solved share.
  const std::vector<double> mid = profile_at(r, 2.5), far = profile_at(r, 1e9);
  BOOST_TEST(std::abs(mid[1] - 1.0 / 3) < 1e-15);
  BOOST_TEST(std::abs(far[0] - 2.0 / 3) < 1e-15);
  BOOST_TEST(std::abs(far[2] - 1.0 / 3) < 1e-15);

  BOOST_CHECK_THROW(performance_ratios({}), std::invalid_argument);
  BOOST_CHECK_THROW(performance_ratios({{1, 2}, {1}}), std::invalid_argument);
  BOOST_CHECK_THROW(performance_ratios({{1, kNan}}), std::invalid_argument);
  BOOST_CHECK_THROW(performance_ratios({{1, -1}}), std::invalid_argument);
}

// Records at costs 0, 1, 2, 3 with F = 10, 5, 1, 0.5. With f_L = 0: tol 0.1 → target 1 → cost 2;
// tol 0.5 → target 5 → cost 1; tol 0.01 → target 0.1 → never (inf). With f_L = 0.5 and tol 0,
// the target is f_L itself → cost 3.
BOOST_AUTO_TEST_CASE(convergence_test_by_hand) {
  const std::vector<double> costs{0, 1, 2, 3}, f{10, 5, 1, 0.5};
  BOOST_TEST(cost_to_target(costs, f, 0.0, 0.1) == 2.0);
  BOOST_TEST(cost_to_target(costs, f, 0.0, 0.5) == 1.0);
  BOOST_TEST(cost_to_target(costs, f, 0.0, 0.01) == kInf);
  BOOST_TEST(cost_to_target(costs, f, 0.5, 0.0) == 3.0);
  // A diverged record (NaN) is never solved; the run is not solved after it either here.
  const std::vector<double> g{10, kNan, kNan, kNan};
  BOOST_TEST(cost_to_target(costs, g, 0.0, 0.5) == kInf);
  BOOST_CHECK_THROW(cost_to_target(costs, std::vector<double>{1, 2}, 0.0, 0.1), std::invalid_argument);
  BOOST_CHECK_THROW(cost_to_target(costs, f, 0.0, 1.5), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(tuning_picks_the_argmin) {
  // Grid metrics: 0.3, 0.1, diverged, 0.1 (tie: the smaller step, index 1), +inf (diverged).
  const std::vector<double> m{0.3, 0.1, kNan, 0.1, kInf};
  BOOST_TEST(tuned_index(m).value() == 1u);
  const std::vector<double> last{kNan, 5.0, 4.0, 3.0};
  BOOST_TEST(tuned_index(last).value() == 3u);
  BOOST_TEST(!tuned_index(std::vector<double>{kNan, kInf}).has_value());
  BOOST_TEST(!tuned_index(std::vector<double>{}).has_value());
  BOOST_TEST(at_grid_edge(3, 4));
  BOOST_TEST(at_grid_edge(0, 4));
  BOOST_TEST(!at_grid_edge(2, 4));

  // Mean over seeds: (1 + 3)/2 = 2; a NaN or +inf seed makes the value diverged.
  const std::vector<double> g = grid_metric({{1, 3}, {2, kNan}, {kInf, 1}});
  BOOST_TEST(g[0] == 2.0);
  BOOST_TEST(std::isnan(g[1]));
  BOOST_TEST(std::isnan(g[2]));
  BOOST_CHECK_THROW(grid_metric({{}}), std::invalid_argument);
}
