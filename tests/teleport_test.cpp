// Symmetry teleportation (optimizers/teleport.hpp; Zhao et al. 2022) on relu MLPs:
//  * one teleport leaves F and the outputs unchanged (1e-13 relative) and strictly increases
//    ‖∇F‖ (its state teleport_gain = ‖∇F‖ after / before, checked against the gradients);
//  * the new point is on θ's orbit: its canonical path norm is the same, and a rescaling
//    maps one onto the other (the ratio of incoming weights is one positive scale per unit);
//  * schedule: with every=3 only steps 1, 4, 7, … move θ; `gd|teleport` takes its step from
//    the teleported point (= teleport, then a gd step);
//  * bad input: tanh (the loss changes) and a quadratic (no MLP blocks) name teleport; an
//    oracle without HVPs is refused before any step; every=0.
#define BOOST_TEST_MODULE teleport
#include <boost/test/unit_test.hpp>

#include "optdyn/objectives/mlp_path_norm.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/teleport.hpp"
#include "support/finite_differences.hpp"
#include "support/input_errors.hpp"
#include "support/mlp_testing.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

Mlp network(Activation act = Activation::relu) {
  return synthetic_mlp({.widths = {3, 6, 5, 2}, .activation = act, .loss = MlpLoss::mse}, 25, 9);
}

}  // namespace

BOOST_AUTO_TEST_CASE(teleport_keeps_the_loss_and_increases_the_gradient_norm) {
  const Mlp f = network();
  const Vec theta0 = random_point(f.dim(), 2, 0.8);
  ModifierPtr teleport = make_teleport({.every = 1, .steps = 10, .lr = 0.2});
  teleport->reset(f.dim());
  ObjectiveOracle oracle(f);
  Vec theta = theta0;
  teleport->move_iterate(theta, oracle, 1);
  const double before = f.gradient(theta0).norm(), after = f.gradient(theta).norm();
  BOOST_TEST_MESSAGE("teleport: ‖∇F‖ " << before << " → " << after);
  BOOST_TEST((theta - theta0).norm() > 1e-2 * theta0.norm());
  BOOST_TEST(std::abs(f.value(theta) - f.value(theta0)) <= 1e-13 * f.value(theta0));
  const Mat out = f.predict(theta0, f.data().inputs);
  BOOST_TEST((f.predict(theta, f.data().inputs) - out).norm() <= 1e-13 * out.norm());
  BOOST_TEST(after > 1.05 * before);
  std::vector<StateView> state;
  teleport->collect_state(state);
  BOOST_TEST(state.at(0).name == "teleport_gain");
  BOOST_TEST(std::abs((*state.at(0).value)[0] - after / before) <= 1e-12);
  // On the orbit: the path norm (a rescaling invariant) is unchanged.
  BOOST_TEST(std::abs(path_norm_squared(f.layout(), theta) - path_norm_squared(f.layout(), theta0)) <=
             1e-12 * path_norm_squared(f.layout(), theta0));
}

BOOST_AUTO_TEST_CASE(teleports_on_schedule_and_the_optimizer_steps_from_the_new_point) {
  const Mlp f = network();
  const Vec theta0 = random_point(f.dim(), 3, 0.8);
  ModifierPtr teleport = make_teleport({.every = 3, .steps = 3, .lr = 0.2});
  teleport->reset(f.dim());
  ObjectiveOracle oracle(f);
  for (std::uint64_t t = 1; t <= 7; ++t) {
    Vec theta = theta0;
    teleport->move_iterate(theta, oracle, t);
    BOOST_TEST_INFO("t = " << t);
    BOOST_TEST((theta != theta0) == (t % 3 == 1));
  }
  // gd|teleport = teleport, then a gd step from the teleported point.
  Vec teleported = theta0;
  teleport->move_iterate(teleported, oracle, 1);
  const Vec expected = teleported - 0.05 * f.gradient(teleported);
  OptimizerPtr opt = make_optimizer("gd:lr=0.05|teleport:every=3,steps=3,lr=0.2");
  opt->reset(f.dim());
  Vec theta = theta0;
  opt->step(theta, oracle);
  BOOST_TEST(relative_error(theta, expected) <= 1e-15);
}

BOOST_AUTO_TEST_CASE(bad_input_names_teleport) {
  const Mlp tanh_net = network(Activation::tanh);
  ObjectiveOracle tanh_oracle(tanh_net);
  BOOST_TEST(step_error("gd|teleport", tanh_oracle).find("modifier 'teleport': rescaling hidden units changed the loss") !=
             std::string::npos);
  const auto q = make_quadratic({.dim = 4});
  ObjectiveOracle q_oracle(*q);
  BOOST_TEST(step_error("gd|teleport", q_oracle).find("modifier 'teleport': needs an MLP's parameter blocks") != std::string::npos);
  FunctionOracle gradients_only(4, [](const Vec& x, Vec& g) { g = x; return 0.5 * x.squaredNorm(); });
  OptimizerPtr opt = make_optimizer("gd|teleport");
  expect_input_error([&] { opt->check_oracle(gradients_only); }, {"teleport", "Hessian"});
  expect_input_error([] { make_optimizer("gd|teleport:every=0"); }, {"teleport", "'every'"});
}
