// The symmetries of an MLP's parameters (issue 16): per-unit rescaling
// (objectives/mlp_rescaling.hpp) and, from mlp_symmetry.hpp, permutations and sign flips.
// Checked, for each symmetry T built by analysis::random_* as a matrix:
//  * F and the network's outputs f(X; Tθ) = f(X; θ) to 1e-13 relative (relu for rescaling
//    and permutation, tanh for sign flips and permutation);
//  * the chain rule at Tθ, with dense Hessians: ∇F(Tθ) = T⁻ᵀ∇F(θ), ∇²F(Tθ) = T⁻ᵀ∇²F(θ)T⁻¹;
//  * log_scale_gradient: with w = ∇F it is 0 (F flat along the orbit), and it equals the
//    central difference of s ↦ wᵀθ(s) for a random w;
//  * bad input: tanh/softplus rescaling names the activation, relu sign flips too, lengths.
#define BOOST_TEST_MODULE mlp_rescaling
#include <boost/test/unit_test.hpp>

#include <Eigen/LU>

#include "optdyn/analysis/invariance.hpp"
#include "optdyn/objectives/mlp_rescaling.hpp"
#include "optdyn/objectives/mlp_symmetry.hpp"
#include "support/finite_differences.hpp"
#include "support/input_errors.hpp"
#include "support/mlp_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

Mlp network(Activation act) { return synthetic_mlp({.widths = {3, 5, 4, 2}, .activation = act, .loss = MlpLoss::mse}, 20, 4); }

// Every symmetry of a network with activation `act`, as matrices.
std::vector<analysis::LinearTransformation> symmetries(const Mlp& f, Activation act) {
  std::vector<analysis::LinearTransformation> out{analysis::random_permutation(f.layout(), 11)};
  if (has_rescaling_symmetry(act)) out.push_back(analysis::random_rescaling(f.layout(), act, 12, 1.5));
  if (has_sign_symmetry(act)) out.push_back(analysis::random_sign_flip(f.layout(), act, 13));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(loss_and_outputs_are_unchanged_by_every_symmetry) {
  for (Activation act : {Activation::relu, Activation::tanh, Activation::linear}) {
    const Mlp f = network(act);
    const Vec theta = random_point(f.dim(), 3);
    for (const auto& t : symmetries(f, act)) {
      const Vec moved = t.t * theta;
      BOOST_TEST_INFO(activation_name(act) << " " << t.name);
      BOOST_TEST((moved - theta).norm() > 1e-3 * theta.norm());  // T really moves θ
      BOOST_TEST(std::abs(f.value(moved) - f.value(theta)) <= 1e-13 * f.value(theta));
      const Mat out = f.predict(theta, f.data().inputs);
      BOOST_TEST((f.predict(moved, f.data().inputs) - out).norm() <= 1e-13 * out.norm());
    }
  }
}

BOOST_AUTO_TEST_CASE(gradient_and_dense_hessian_transform_by_the_chain_rule) {
  for (Activation act : {Activation::relu, Activation::tanh}) {
    const Mlp f = network(act);
    const Vec theta = random_point(f.dim(), 5);
    const Vec g = f.gradient(theta);
    const Mat h = f.hessian(theta);
    for (const auto& t : symmetries(f, act)) {
      const Mat t_inv = t.t.fullPivLu().inverse();
      const Vec moved = t.t * theta;
      BOOST_TEST_INFO(activation_name(act) << " " << t.name);
      BOOST_TEST(relative_error(f.gradient(moved), t_inv.transpose() * g) <= 1e-12);
      const Mat expected = t_inv.transpose() * h * t_inv;
      BOOST_TEST((f.hessian(moved) - expected).norm() <= 1e-12 * expected.norm());
    }
  }
}

BOOST_AUTO_TEST_CASE(log_scale_gradient_is_the_derivative_along_the_orbit) {
  const Mlp f = network(Activation::relu);
  const Vec theta = random_point(f.dim(), 6);
  const Index units = num_hidden_units(f.layout());
  BOOST_TEST(units == 9);
  // ∇F is orthogonal to the orbit: the loss is flat along it.
  BOOST_TEST(log_scale_gradient(f.layout(), theta, f.gradient(theta)).norm() <= 1e-13 * f.gradient(theta).norm() * theta.norm());
  const Vec w = random_point(f.dim(), 7);
  const Vec d = log_scale_gradient(f.layout(), theta, w);
  const double h = 1e-5;
  for (Index u = 0; u < units; ++u) {
    Vec plus = theta, minus = theta;
    scale_hidden_units(f.layout(), plus, h * Vec::Unit(units, u));
    scale_hidden_units(f.layout(), minus, -h * Vec::Unit(units, u));
    BOOST_TEST(std::abs(w.dot(plus - minus) / (2 * h) - d[u]) <= 1e-8 * (1 + std::abs(d[u])));
  }
}

BOOST_AUTO_TEST_CASE(rescaling_composes_as_a_group) {
  const Mlp f = network(Activation::relu);
  const Vec theta = random_point(f.dim(), 8);
  const Vec s = random_point(num_hidden_units(f.layout()), 9, 0.5), r = random_point(num_hidden_units(f.layout()), 10, 0.5);
  Vec twice = theta, once = theta, back = theta;
  scale_hidden_units(f.layout(), twice, s);
  scale_hidden_units(f.layout(), twice, r);
  scale_hidden_units(f.layout(), once, s + r);
  BOOST_TEST(relative_error(twice, once) <= 1e-14);
  scale_hidden_units(f.layout(), back, s);
  scale_hidden_units(f.layout(), back, -s);
  BOOST_TEST(relative_error(back, theta) <= 1e-15);
}

BOOST_AUTO_TEST_CASE(bad_input_names_the_activation_or_the_length) {
  const Mlp f = network(Activation::tanh);
  Vec theta = random_point(f.dim(), 1);
  const Vec s = Vec::Zero(num_hidden_units(f.layout()));
  for (Activation act : {Activation::tanh, Activation::softplus})
    expect_input_error([&] { rescale_hidden_units(f.layout(), act, theta, s); },
                       {std::string(activation_name(act)), "not positively homogeneous"});
  expect_input_error([&] { analysis::random_rescaling(f.layout(), Activation::tanh, 1); }, {"'tanh'"});
  expect_input_error([&] { analysis::random_sign_flip(f.layout(), Activation::relu, 1); }, {"'relu'", "not odd"});
  expect_input_error([&] { scale_hidden_units(f.layout(), theta, Vec::Zero(3)); }, {"log-scales", "9 hidden units"});
  Vec short_theta = Vec::Zero(4);
  expect_input_error([&] { scale_hidden_units(f.layout(), short_theta, s); }, {"θ has length 4"});
}
