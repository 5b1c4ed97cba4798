// nesterov (Sutskever's look-ahead form v ← μv + η∇F(θ − μv), θ ← θ − v) on a quadratic:
// per eigenvalue, with x = Qᵀ(θ − θ*), u = Qᵀv:
//   u' = μu + ηλ(x − μu) = μ(1 − ηλ)u + ηλx,   x' = x − u'.
#define BOOST_TEST_MODULE nesterov
#include <boost/test/unit_test.hpp>

#include <string>

#include "optdyn/core/error.hpp"
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

// schedule=sbc against Su, Boyd & Candès's two-sequence NAG written out here:
//   x_k = y_{k−1} − s∇f(y_{k−1}),  y_k = x_k + ((k−1)/(k+r−1))(x_k − x_{k−1}),  y₀ = x₀;
// the optimizer's θ_k must be x_k (nesterov.cpp derives the index alignment μ_t = (t−2)/(t+r−2)).
BOOST_AUTO_TEST_CASE(sbc_schedule_is_su_boyd_candes_nag) {
  struct Case {
    std::string objective;
    double s, r;
    int steps;
  };
  for (const auto& c : {Case{"quadratic:dim=5,kappa=30,shift=1,seed=4", 0.5, 3.0, 60},
                        Case{"quadratic:dim=5,kappa=30,shift=1,seed=4", 0.5, 4.5, 60},
                        Case{"rosenbrock:dim=3,a=5", 0.01, 3.0, 30}}) {
    ObjectivePtr f = make_objective(c.objective);
    const Index d = f->dim();
    OptimizerPtr opt = make_optimizer("nesterov:lr=" + std::to_string(c.s) + ",schedule=sbc,r=" + std::to_string(c.r));
    opt->reset(d);
    ObjectiveOracle oracle(*f);
    Vec theta = Vec::LinSpaced(d, -0.8, 0.6);
    Vec x = theta, x_prev = theta, y = theta;  // y₀ = x₀
    for (int k = 1; k <= c.steps; ++k) {
      opt->step(theta, oracle);
      // Step k evaluated the gradient at the look-ahead y_{k−1}.
      BOOST_TEST(mixed_error(opt->state("lookahead"), y) < 1e-14, c.objective << " r " << c.r << " step " << k);
      x_prev = x;
      x = y - c.s * f->gradient(y);
      const double beta = (k - 1.0) / (k + c.r - 1.0);
      y = x + beta * (x - x_prev);
      BOOST_TEST(mixed_error(theta, x) < 1e-14, c.objective << " r " << c.r << " step " << k);
    }
  }
  BOOST_CHECK_THROW(make_optimizer("nesterov:schedule=cosine"), InputError);
  BOOST_CHECK_THROW(make_optimizer("nesterov:schedule=sbc,r=0"), InputError);
}
