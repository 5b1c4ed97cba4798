// delta_bar_delta (Jacobs 1988): rate += κ when δ̄_{t−1}·g_t > 0, rate ×= (1−φ) when < 0;
// θ −= rate·g; δ̄ = (1−θ)g + θδ̄.
#define BOOST_TEST_MODULE delta_bar_delta
#include <boost/test/unit_test.hpp>

#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(hand_values) {
  // lr = 0.1, κ = 0.05, φ = 0.5, θ = 0.5; coordinate gradients (1, 0.5, −1.5):
  // t=1: δ̄₀ = 0 → rate 0.1, x = 1 − 0.1 = 0.9, δ̄ = 0.5
  // t=2: δ̄·g = 0.25 > 0 → rate 0.15, x = 0.9 − 0.075 = 0.825, δ̄ = 0.25 + 0.25 = 0.5
  // t=3: δ̄·g = −0.75 < 0 → rate 0.075, x = 0.825 + 0.1125 = 0.9375, δ̄ = −0.75 + 0.25 = −0.5
  const auto th = trajectory("delta_bar_delta:lr=0.1,kappa=0.05,phi=0.5,theta=0.5", vec({1, 0, -1}), 3);
  BOOST_TEST(std::abs(th[1][0] - 0.9) < 1e-15);
  BOOST_TEST(std::abs(th[2][0] - 0.825) < 1e-15);
  BOOST_TEST(std::abs(th[3][0] - 0.9375) < 1e-15);
  // Coordinate 2 has g = (0.5, 0, 2): the zero leaves the rate unchanged at t=2, and at t=3
  // δ̄₂ = 0.5·0 + 0.5·0.25 = 0.125 agrees with g = 2 → rate 0.15.
  BOOST_TEST(std::abs(th[3][2] - (-1 - 0.1 * 0.5 - 0.15 * 2)) < 1e-15);
}

BOOST_AUTO_TEST_CASE(rates_adapt_on_a_quadratic) {
  // A badly scaled diagonal quadratic: the rates grow on the flat axis, shrink on the steep one.
  Mat A = Mat::Zero(2, 2);
  A(0, 0) = 10.0;
  A(1, 1) = 0.1;
  FunctionOracle oracle = quadratic_oracle(A, Vec::Zero(2));
  OptimizerPtr opt = make_optimizer("delta_bar_delta:lr=0.15,kappa=0.1,phi=0.3,theta=0.5");
  opt->reset(2);
  Vec theta = vec({1, 1});
  for (int k = 0; k < 100; ++k) opt->step(theta, oracle);
  BOOST_TEST(opt->state("rate")[1] > 1.0);
  BOOST_TEST(opt->state("rate")[0] < 0.2);
  BOOST_TEST(theta.norm() < 1e-3);
}
