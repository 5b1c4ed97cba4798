// Path-SGD (optimizers/path_sgd.hpp, objectives/mlp_path_norm.hpp; Neyshabur et al. 2015):
//  * a 2-2-1 relu net with biases, W₀ = [a b; c d], b₀ = (p, q), W₁ = (e f), b₁ = r, written
//    out by hand: the paths are x₁→h₁→y (a²e²), x₂→h₁ (b²e²), bias→h₁ (p²e²), the same through
//    h₂ with f, and bias→y (r²), so γ_a = γ_b = γ_p = e², γ_c = γ_d = γ_q = f²,
//    γ_e = a² + b² + p², γ_f = c² + d² + q², γ_r = 1, and φ² = e²γ_e + f²γ_f + r²;
//    the step is θ − η g ⊘ γ with g the objective's gradient;
//  * equivariance: under a random rescaling and a permutation of the hidden units of a
//    3-layer relu net, the mapped-back trajectory equals the original to 1e-10 (GD: not);
//    the path norm is unchanged by the rescaling;
//  * bad input: a non-MLP objective names path_sgd; lr.
#define BOOST_TEST_MODULE path_sgd
#include <boost/test/unit_test.hpp>

#include "optdyn/analysis/invariance.hpp"
#include "optdyn/objectives/mlp_path_norm.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/optimizers/path_sgd.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "support/finite_differences.hpp"
#include "support/input_errors.hpp"
#include "support/mlp_testing.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(two_layer_net_matches_the_hand_computed_path_norm_step) {
  const Mlp f = synthetic_mlp({.widths = {2, 2, 1}, .activation = Activation::relu, .loss = MlpLoss::mse}, 5, 3);
  const double a = 1, b = -2, c = 0.5, d = 3, p = 0.25, q = -1, e = 2, ff = -0.5, r = 0.3;
  const Vec theta = vec({a, b, c, d, p, q, e, ff, r});  // W₀ row-major, b₀, W₁, b₁
  const Vec gamma = vec({e * e, e * e, ff * ff, ff * ff, e * e, ff * ff, a * a + b * b + p * p, c * c + d * d + q * q, 1});
  BOOST_TEST(gamma[6] == 5.0625);
  BOOST_TEST(gamma[7] == 10.25);
  BOOST_TEST(relative_error(path_scaling(f.layout(), theta), gamma) <= 1e-15);
  BOOST_TEST(path_norm_squared(f.layout(), theta) == e * e * gamma[6] + ff * ff * gamma[7] + r * r);
  BOOST_TEST(std::abs(path_norm_squared(f.layout(), theta) - 22.9025) <= 1e-14);
  const Vec expected_step = -0.1 * f.gradient(theta).cwiseQuotient(gamma);
  BOOST_TEST((expected_step.array() != 0.0).count() >= 5);  // the check sees most of γ (relu units active)
  BOOST_TEST(relative_error(one_step("path_sgd:lr=0.1", f, theta), expected_step) <= 1e-14);
  // Typed construction gives the same step.
  OptimizerPtr typed = make_path_sgd({.lr = 0.1});
  typed->reset(f.dim());
  ObjectiveOracle oracle(f);
  Vec moved = theta;
  typed->step(moved, oracle);
  BOOST_TEST(relative_error(moved - theta, expected_step) <= 1e-14);
  BOOST_TEST(relative_error(typed->state("scaling"), gamma) <= 1e-15);
}

BOOST_AUTO_TEST_CASE(step_commutes_with_rescaling_and_permutation_gd_does_not) {
  const Mlp f = synthetic_mlp({.widths = {4, 6, 5, 2}, .activation = Activation::relu, .loss = MlpLoss::mse}, 30, 5);
  const Vec theta0 = random_point(f.dim(), 6, 0.7);
  const auto rescaling = analysis::random_rescaling(f.layout(), Activation::relu, 7, 1.0);
  const auto permutation = analysis::random_permutation(f.layout(), 8);
  BOOST_TEST(std::abs(path_norm_squared(f.layout(), rescaling.t * theta0) - path_norm_squared(f.layout(), theta0)) <=
             1e-13 * path_norm_squared(f.layout(), theta0));
  for (const auto* t : {&rescaling, &permutation}) {
    BOOST_TEST_INFO(t->name);
    BOOST_TEST(analysis::invariance_gap(f, "path_sgd:lr=0.05", theta0, *t, 15) <= 1e-10);
  }
  BOOST_TEST(analysis::invariance_gap(f, "gd:lr=0.05", theta0, rescaling, 15) >= 1e-2);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  const auto q = make_quadratic({.dim = 4});
  ObjectiveOracle oracle(*q);
  const std::string message = step_error("path_sgd", oracle);
  BOOST_TEST(message.find("optimizer 'path_sgd'") != std::string::npos);
  BOOST_TEST(message.find("MLP's parameter blocks") != std::string::npos);
  expect_input_error([] { make_optimizer("path_sgd:lr=0"); }, {"path_sgd", "'lr'"});
}
