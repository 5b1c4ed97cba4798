// The reparameterised objective F̃(φ) = F(Aφ) (objectives/reparameterized.hpp; issue 16):
//  * value, gradient Aᵀ∇F and dense Hessian AᵀHA against F's own (dense Hessians), and the
//    Fisher AᵀF_θA, for a random non-square A;
//  * gradient and HVP against central differences of F̃ (independent of the chain rule);
//  * GD on φ is preconditioned GD θ ← θ − η AAᵀ∇F(θ) in θ, step for step (seed 004);
//  * bad input: A with the wrong number of rows names 'A'.
#define BOOST_TEST_MODULE reparameterized
#include <boost/test/unit_test.hpp>

#include "optdyn/objectives/reparameterized.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "support/dense_references.hpp"
#include "support/finite_differences.hpp"
#include "support/input_errors.hpp"
#include "support/mlp_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

const Mlp& network() {
  static const Mlp f = synthetic_mlp({.widths = {3, 4, 2}, .activation = Activation::tanh, .loss = MlpLoss::cross_entropy}, 12, 2);
  return f;
}

Mat random_matrix(Index rows, Index cols, std::uint64_t seed) { return Rng(seed).normal_matrix(rows, cols) / std::sqrt(double(rows)); }

}  // namespace

BOOST_AUTO_TEST_CASE(derivatives_are_the_chain_rule) {
  const Mlp& f = network();
  const Mat a = random_matrix(f.dim(), f.dim() - 3, 4);  // φ has fewer coordinates than θ
  const Reparameterized g(f, a);
  BOOST_TEST(g.dim() == f.dim() - 3);
  const Vec phi = random_point(g.dim(), 5);
  const Vec theta = a * phi;
  BOOST_TEST(g.value(phi) == f.value(theta));
  BOOST_TEST(relative_error(g.gradient(phi), a.transpose() * f.gradient(theta)) <= 1e-14);
  const Mat expected = a.transpose() * f.hessian(theta) * a;
  BOOST_TEST((g.hessian(phi) - expected).norm() <= 1e-13 * expected.norm());
  BOOST_TEST(relative_error(g.gradient(phi), central_difference_gradient(g, phi)) <= 1e-8);
  const Vec v = random_point(g.dim(), 6);
  BOOST_TEST(relative_error(g.hessian_vector(phi, v), central_difference_hvp(g, phi, v)) <= 1e-6);
  const Mat fisher = dense_from_products(g.probabilistic()->fisher(phi, {}, FisherKind::true_fisher, nullptr));
  const Mat fisher_theta = dense_from_products(f.probabilistic()->fisher(theta, {}, FisherKind::true_fisher, nullptr));
  const Mat expected_fisher = a.transpose() * fisher_theta * a;
  BOOST_TEST((fisher - expected_fisher).norm() <= 1e-13 * expected_fisher.norm());
}

BOOST_AUTO_TEST_CASE(gd_on_phi_is_preconditioned_gd_with_a_a_transpose) {
  const Mlp& f = network();
  const Mat a = Mat::Identity(f.dim(), f.dim()) + random_matrix(f.dim(), f.dim(), 7);
  const Reparameterized g(f, a);
  const double lr = 0.1;
  OptimizerPtr gd = make_optimizer("gd:lr=0.1");
  gd->reset(g.dim());
  ObjectiveOracle oracle(g);
  Vec phi = random_point(g.dim(), 8, 0.5);
  Vec theta = a * phi;
  const Mat preconditioner = a * a.transpose();
  for (int k = 0; k < 20; ++k) {
    gd->step(phi, oracle);
    theta -= lr * preconditioner * f.gradient(theta);  // θ ← θ − η AAᵀ∇F(θ)
    BOOST_TEST_INFO("step " << k + 1);
    BOOST_TEST(relative_error(a * phi, theta) <= 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(a_with_the_wrong_shape_is_named) {
  expect_input_error([] { Reparameterized(network(), Mat::Identity(3, 3)); }, {"'reparameterized'", "key 'A'", "3 × 3"});
}
