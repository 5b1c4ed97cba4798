// Oracle curvature access (oracle.hpp): values, HVPs, dense Hessians and least-squares
// access of the SAME minibatch as the last gradient() call, checked against the objective's
// batch functions directly; counters; FunctionOracle and non-least-squares errors.
#define BOOST_TEST_MODULE oracle_curvature
#include <boost/test/unit_test.hpp>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "support/finite_differences.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(curvature_uses_the_gradient_batch) {
  ObjectivePtr f = make_objective("logistic_regression:n=40,dim=5,data_seed=1");
  ObjectiveOracle oracle(*f, 7, Sampling::shuffle, 3);
  const Vec theta = random_point(f->dim(), 2), v = random_point(f->dim(), 5), other = random_point(f->dim(), 6);
  for (int k = 0; k < 3; ++k) {
    Vec g, g2, hv;
    oracle.gradient(theta, g);
    const std::vector<Index> batch(oracle.last_batch().begin(), oracle.last_batch().end());
    BOOST_TEST(batch.size() == 7u);
    BOOST_TEST(oracle.value(other) == f->batch_value(other, batch));
    oracle.hessian_vector(other, v, hv);
    Vec expected;
    f->batch_hessian_vector(other, batch, v, expected);
    BOOST_TEST(relative_error(hv, expected) == 0.0);
    oracle.gradient_same_batch(other, g2);
    Vec expected_g;
    f->batch_value_and_gradient(other, batch, expected_g);
    BOOST_TEST(relative_error(g2, expected_g) == 0.0);
    const Mat h = oracle.hessian(other);
    BOOST_TEST(relative_error(Vec(h * v), expected) <= 1e-12);
  }
  BOOST_TEST(oracle.calls() == 6u);
  BOOST_TEST(oracle.values() == 3u);
  BOOST_TEST(oracle.hvps() == 3u);
  BOOST_TEST(oracle.hessians() == 3u);
  BOOST_TEST(!oracle.deterministic());
  BOOST_TEST(ObjectiveOracle(*f).deterministic());
}

BOOST_AUTO_TEST_CASE(full_batch_and_least_squares) {
  ObjectivePtr f = make_objective("rosenbrock:dim=3");
  ObjectiveOracle oracle(*f);
  const Vec theta = random_point(3, 1), u = random_point(4, 2), v = random_point(3, 3);
  BOOST_TEST(oracle.value(theta) == f->value(theta));
  BOOST_TEST((oracle.hessian(theta) - f->hessian(theta)).norm() == 0.0);
  BOOST_TEST(oracle.num_residuals() == 4);
  BOOST_TEST(0.5 * oracle.residuals(theta).squaredNorm() == f->value(theta), boost::test_tools::tolerance(1e-14));
  BOOST_TEST(relative_error(oracle.jacobian_vector(theta, v), f->least_squares()->jacobian_vector(theta, v)) == 0.0);
  BOOST_TEST(relative_error(oracle.jacobian_transpose_vector(theta, u),
                            f->least_squares()->jacobian_transpose_vector(theta, u)) == 0.0);
  BOOST_TEST(oracle.residual_evaluations() == 1u);
  BOOST_TEST(oracle.jacobian_products() == 2u);
  BOOST_TEST(oracle.calls() == 0u);
}

BOOST_AUTO_TEST_CASE(missing_access_names_the_optimizer) {
  FunctionOracle gradients_only(2, [](const Vec& x, Vec& g) {
    g = x;
    return 0.5 * x.squaredNorm();
  });
  for (const OracleAccess a : {OracleAccess::value, OracleAccess::hessian_vector, OracleAccess::hessian, OracleAccess::least_squares}) {
    BOOST_TEST(!gradients_only.provides(a));
    try {
      gradients_only.require(a, "bfgs");
      BOOST_FAIL("no error");
    } catch (const InputError& e) {
      BOOST_TEST(std::string(e.what()).find("'bfgs'") != std::string::npos);
    }
  }
  BOOST_CHECK_THROW(gradients_only.value(Vec::Zero(2)), InputError);
  ObjectivePtr q = make_objective("quadratic:dim=2");
  ObjectiveOracle oracle(*q);
  BOOST_TEST(oracle.provides(OracleAccess::hessian_vector));
  BOOST_TEST(!oracle.provides(OracleAccess::least_squares));
  BOOST_CHECK_THROW(oracle.residuals(Vec::Zero(2)), InputError);
}
