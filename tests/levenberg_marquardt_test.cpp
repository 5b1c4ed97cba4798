// levenberg_marquardt: (JᵀJ + λD)δ = −Jᵀr with Marquardt's adaptive λ. Checked against
//  * the Gauss–Newton step (dense, in the test) as λ → 0: error O(λ);
//  * scaled gradient descent as λ → ∞: δ = −D⁻¹g/λ + O(λ⁻²), with ε²-scaling of the error;
//  * the adaptation rule, replayed in the test from F: λ divides by ν after a decrease and
//    multiplies after a failure; F never increases; convergence on Rosenbrock for both rules.
#define BOOST_TEST_MODULE levenberg_marquardt
#include <boost/test/unit_test.hpp>

#include <Eigen/LU>
#include <sstream>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/dense_references.hpp"
#include "support/finite_differences.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

std::string num(double x) {
  std::ostringstream s;
  s.precision(17);
  s << x;
  return s.str();
}

BOOST_AUTO_TEST_CASE(small_lambda_is_gauss_newton) {
  ObjectivePtr f = make_objective("rosenbrock:dim=4");
  const Vec theta = Vec::Ones(4) + 0.05 * random_point(4, 3);  // where the GN step decreases F
  const Mat jac = residual_jacobian(*f, theta);
  const Vec gn = (jac.transpose() * jac).fullPivLu().solve(-f->gradient(theta));
  for (const std::string solver : {"dense", "cg"}) {
    double prev = 0.0;
    for (const double lambda : {1e-6, 1e-8}) {
      const Vec d = one_step("levenberg_marquardt:rule=simple,tol=1e-14,lambda0=" + num(lambda) + ",solver=" + solver, *f, theta);
      const double err = relative_error(d, gn);
      BOOST_TEST_MESSAGE(solver << " λ=" << lambda << " ‖δ − δ_GN‖/‖δ_GN‖=" << err);
      BOOST_TEST(err <= 1e3 * lambda);
      if (prev > 0.0 && solver == "dense") BOOST_TEST(err <= 0.05 * prev);  // O(λ)
      prev = err;
    }
  }
}

BOOST_AUTO_TEST_CASE(large_lambda_is_scaled_gradient_descent) {
  ObjectivePtr f = make_objective("rosenbrock:dim=4");
  const Vec theta = vec({0.9, 0.8, 0.7, 0.5});
  const Vec g = f->gradient(theta);
  const Mat jac = residual_jacobian(*f, theta);
  const Mat jtj = jac.transpose() * jac;
  const Vec diag = jtj.diagonal();
  for (const double lambda : {1e6, 1e8}) {
    const Vec d = one_step("levenberg_marquardt:lambda0=" + num(lambda), *f, theta);
    const Vec gd = -g / lambda;
    const double err = (d - gd).norm();
    // δ = −g/λ + JᵀJ g/λ² + O(λ⁻³).
    BOOST_TEST(std::abs(err * lambda * lambda / (jtj * g).norm() - 1.0) <= 10.0 * jtj.norm() / lambda);
    const Vec ds = one_step("levenberg_marquardt:scaling=jacobian,lambda0=" + num(lambda), *f, theta);
    const Vec scaled = -(g.array() / diag.array()).matrix() / lambda;
    BOOST_TEST(relative_error(ds, scaled) <= 10.0 * jtj.norm() / (diag.minCoeff() * lambda));
  }
}

// The test's own replay of one step: (θ', λ') from θ, λ with dense solves of JᵀJ + λI.
std::pair<Vec, double> replay(const Objective& f, const Vec& theta, double lambda, bool marquardt) {
  const Mat jac = residual_jacobian(f, theta);
  const Mat jtj = jac.transpose() * jac;
  const Vec g = f.gradient(theta);
  const double f0 = f.value(theta);
  const auto delta = [&](double l) { return Vec((jtj + l * Mat::Identity(f.dim(), f.dim())).fullPivLu().solve(-g)); };
  const double nu = 10.0;
  if (marquardt) {
    if (f.value(theta + delta(lambda / nu)) <= f0) return {theta + delta(lambda / nu), lambda / nu};
    for (double l = lambda; l < 1e300; l *= nu)
      if (f.value(theta + delta(l)) <= f0) return {theta + delta(l), l};
  }
  for (double l = lambda; l < 1e300; l *= nu)
    if (f.value(theta + delta(l)) < f0) return {theta + delta(l), l / nu};
  return {theta, lambda};
}

}  // namespace

BOOST_AUTO_TEST_CASE(adaptive_lambda_rule) {
  ObjectivePtr f = make_objective("rosenbrock:dim=3");
  for (const std::string rule : {"simple", "marquardt"}) {
    OptimizerPtr opt = make_optimizer("levenberg_marquardt:solver=dense,rule=" + rule);
    opt->reset(3);
    ObjectiveOracle oracle(*f);
    Vec x = vec({-1.2, 1.0, 1.0});
    double lambda = 1e-2;
    int steps = 0;
    for (; steps < 100 && f->gradient(x).norm() > 1e-12; ++steps) {
      const auto [expected, expected_lambda] = replay(*f, x, lambda, rule == "marquardt");
      const double f_before = f->value(x);
      opt->step(x, oracle);
      lambda = opt->state("lambda")[0];
      BOOST_TEST(relative_error(x, expected) <= 1e-10, rule << " step " << steps);
      BOOST_TEST(std::abs(lambda - expected_lambda) <= 1e-12 * expected_lambda, rule << " step " << steps);
      BOOST_TEST(f->value(x) <= f_before);
    }
    BOOST_TEST_MESSAGE(rule << ": " << steps << " steps, " << oracle.values() << " values");
    BOOST_TEST(relative_error(x, Vec::Ones(3)) <= 1e-8, rule << " " << x.transpose());
  }
}

BOOST_AUTO_TEST_CASE(bad_input) {
  ObjectivePtr q = make_objective("quadratic:dim=3");
  ObjectiveOracle oracle(*q);
  const std::string error = step_error("levenberg_marquardt", oracle);
  BOOST_TEST(error.find("'levenberg_marquardt'") != std::string::npos, error);
  BOOST_CHECK_THROW(make_optimizer("levenberg_marquardt:nu=1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("levenberg_marquardt|cosine:t_max=10"), InputError);
}
