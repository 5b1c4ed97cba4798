// gauss_newton: JᵀJ p = −Jᵀr by CG on J·v, Jᵀ·u. Checked against
//  * Newton's step computed densely in the test (LU of the objective's Hessian) on a linear
//    least-squares problem, where JᵀJ = ∇²F: the same step, and one step reaches θ*;
//  * the dense Gauss–Newton system on Rosenbrock (J from unit-vector products in the test);
//  * convergence to Rosenbrock's minimum with backtracking; counts; bad input.
#define BOOST_TEST_MODULE gauss_newton
#include <boost/test/unit_test.hpp>

#include <Eigen/LU>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/dense_references.hpp"
#include "support/finite_differences.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(equals_newton_on_linear_least_squares) {
  ObjectivePtr f = make_objective("least_squares:n=40,dim=7,kappa=30,noise=0.1,seed=3");
  const Vec theta = random_point(7, 9);
  const Vec newton = f->hessian(theta).fullPivLu().solve(-f->gradient(theta));
  OptimizerPtr opt = make_optimizer("gauss_newton:tol=1e-14");
  opt->reset(7);
  ObjectiveOracle oracle(*f);
  Vec x = theta;
  opt->step(x, oracle);
  BOOST_TEST(relative_error(Vec(x - theta), newton) <= 1e-9);
  BOOST_TEST(f->gradient(x).norm() <= 1e-9 * f->gradient(theta).norm());  // at θ* in one step
  BOOST_TEST(oracle.calls() == 1u);
  BOOST_TEST(oracle.jacobian_products() % 2 == 0u);
  BOOST_TEST(oracle.jacobian_products() <= 2u * 14u);
  BOOST_TEST(oracle.hvps() == 0u);
}

BOOST_AUTO_TEST_CASE(solves_the_gauss_newton_system_on_rosenbrock) {
  ObjectivePtr f = make_objective("rosenbrock:dim=5");
  const auto* ls = f->least_squares();
  const Vec theta = random_point(5, 2, 0.8);
  const Mat jac = residual_jacobian(*f, theta);
  const Vec expected = (jac.transpose() * jac).fullPivLu().solve(-jac.transpose() * ls->residuals(theta));
  OptimizerPtr opt = make_optimizer("gauss_newton:tol=1e-14");
  opt->reset(5);
  ObjectiveOracle oracle(*f);
  Vec x = theta;
  opt->step(x, oracle);
  BOOST_TEST(relative_error(Vec(x - theta), expected) <= 1e-9);
}

BOOST_AUTO_TEST_CASE(converges_with_backtracking) {
  // The 2-D Rosenbrock from its classic start (-1.2, 1) (Moré, Garbow & Hillstrom 1981): its
  // only stationary point is the minimum (1, 1). (The chained 4-D function also has a local
  // minimum near (-0.78, 0.61, 0.38, 0.15), which GCC's and clang's roundings of the same
  // iteration reach from (-1.2, 1, -1.2, 1) in different basins.)
  ObjectivePtr f = make_objective("rosenbrock:dim=2");
  OptimizerPtr opt = make_optimizer("gauss_newton:line_search=backtracking");
  opt->reset(2);
  ObjectiveOracle oracle(*f);
  Vec x = vec({-1.2, 1.0});
  double prev = f->value(x);
  for (int k = 0; k < 60; ++k) {
    opt->step(x, oracle);
    BOOST_TEST(f->value(x) <= prev);
    prev = f->value(x);
  }
  BOOST_TEST(f->gradient(x).norm() <= 1e-8, x.transpose());
  BOOST_TEST((x - Vec::Ones(2)).norm() <= 1e-8, x.transpose());
}

BOOST_AUTO_TEST_CASE(bad_input) {
  ObjectivePtr q = make_objective("quadratic:dim=3");
  ObjectiveOracle oracle(*q);
  const std::string error = step_error("gauss_newton", oracle);
  BOOST_TEST(error.find("'gauss_newton'") != std::string::npos, error);
  OptimizerPtr opt = make_optimizer("gauss_newton");
  opt->reset(3);
  Vec x = Vec::Ones(3);
  ObjectivePtr ls = make_objective("least_squares:n=20,dim=3");
  ObjectiveOracle minibatch(*ls, 5, Sampling::shuffle, 1);
  BOOST_CHECK_THROW(opt->step(x, minibatch), InputError);
}
