// nesterov (Sutskever's look-ahead form v ← μv + η∇F(θ − μv), θ ← θ − v) on a quadratic:
// per eigenvalue, with x = Qᵀ(θ − θ*), u = Qᵀv:
//   u' = μu + ηλ(x − μu) = μ(1 − ηλ)u + ηλx,   x' = x − u'.
#define BOOST_TEST_MODULE nesterov
#include <boost/test/unit_test.hpp>

#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(hand_values_with_lookahead) {
  // 1-D, F = x²/2 (∇F = x), η = 0.1, μ = 0.9, θ₀ = 1.
  // step 1: look-ahead 1, v = 0.1, θ = 0.9
  // step 2: look-ahead 0.9 − 0.09 = 0.81, v = 0.09 + 0.081 = 0.171, θ = 0.729
  Mat A(1, 1);
  A << 1.0;
  FunctionOracle oracle = quadratic_oracle(A, Vec::Zero(1));
  OptimizerPtr opt = make_optimizer("nesterov:lr=0.1,mu=0.9");
  opt->reset(1);
  Vec theta = vec({1.0});
  opt->step(theta, oracle);
  BOOST_TEST(std::abs(theta[0] - 0.9) < 1e-15);
  opt->step(theta, oracle);
  BOOST_TEST(std::abs(opt->state("lookahead")[0] - 0.81) < 1e-15);
  BOOST_TEST(std::abs(opt->state("v")[0] - 0.171) < 1e-15);
  BOOST_TEST(std::abs(theta[0] - 0.729) < 1e-15);
}

BOOST_AUTO_TEST_CASE(linear_recurrence_on_quadratic) {
  ObjectivePtr f = make_objective("quadratic:dim=5,kappa=50,lmax=2,rotate=true,shift=1,seed=11");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  const Mat Q = q.rotation();
  const Vec lambda = q.eigenvalues();
  const Vec star = q.minimizer();
  const double eta = 0.3, mu = 0.85;
  OptimizerPtr opt = make_optimizer("nesterov:lr=0.3,mu=0.85");
  opt->reset(5);
  ObjectiveOracle oracle(*f);
  Vec theta = Vec::LinSpaced(5, -2.0, 1.0);
  Vec x = Q.transpose() * (theta - star), u = Vec::Zero(5);
  for (int k = 1; k <= 40; ++k) {
    opt->step(theta, oracle);
    for (Index i = 0; i < 5; ++i) {
      u[i] = mu * (1 - eta * lambda[i]) * u[i] + eta * lambda[i] * x[i];
      x[i] -= u[i];
    }
    BOOST_TEST(mixed_error(Q.transpose() * (theta - star), x) < 1e-11, "step " << k);
  }
}
