// gd: θ ← θ − ηg. Hand values, and on a quadratic the closed form θ_k − θ* = (I − ηA)^k (θ₀ − θ*).
#define BOOST_TEST_MODULE gd
#include <boost/test/unit_test.hpp>

#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(hand_values) {
  // θ₀ = (1, 0, −1), η = 0.1, g = (1, −2, 0.5), (0.5, 1, 0), (−1.5, −0.5, 2)
  const auto th = trajectory("gd:lr=0.1", vec({1, 0, -1}), 3);
  BOOST_TEST(mixed_error(th[1], vec({0.9, 0.2, -1.05})) < 1e-14);
  BOOST_TEST(mixed_error(th[2], vec({0.85, 0.1, -1.05})) < 1e-14);
  BOOST_TEST(mixed_error(th[3], vec({1.0, 0.15, -1.25})) < 1e-14);
}

BOOST_AUTO_TEST_CASE(quadratic_closed_form) {
  ObjectivePtr f = make_objective("quadratic:dim=6,kappa=20,lmax=2,rotate=true,shift=1,seed=3");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  const Mat A = q.matrix();
  const Vec star = q.minimizer();
  const double eta = 0.3;
  Vec theta = Vec::LinSpaced(6, -1.0, 2.0);
  const Vec theta0 = theta;
  OptimizerPtr opt = make_optimizer("gd:lr=0.3");
  opt->reset(6);
  ObjectiveOracle oracle(*f);
  const Mat M = Mat::Identity(6, 6) - eta * A;
  Mat power = Mat::Identity(6, 6);
  for (int k = 1; k <= 25; ++k) {
    opt->step(theta, oracle);
    power = M * power;
    const Vec expected = star + power * (theta0 - star);
    BOOST_TEST(mixed_error(theta, expected) < 1e-12, "step " << k);
  }
  BOOST_TEST(oracle.calls() == 25u);
  BOOST_TEST(opt->steps() == 25u);
  BOOST_TEST(opt->state().empty());
}

BOOST_AUTO_TEST_CASE(spec_and_errors) {
  BOOST_TEST(make_optimizer("gd")->spec() == "gd:lr=0.01");
  BOOST_CHECK_THROW(make_optimizer("gd:lr=-1"), InputError);
  try {
    make_optimizer("gd:rate=1");
    BOOST_FAIL("no error");
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()).find("'rate'") != std::string::npos);
  }
  BOOST_CHECK_THROW(make_optimizer("no_such_optimizer"), InputError);
}
