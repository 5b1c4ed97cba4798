// damped_newton: (∇²F + εI) p = −g, θ += p. Checked against
//  * a dense LU solve of (H + εI) p = −g in the test (rosenbrock, every solver);
//  * the large-ε limit: p = −g/ε + Hg/ε² + O(ε⁻³), so ‖p − (−g/ε)‖ falls with slope −2 in ε
//    (log-log fit) and ε²‖p + g/ε‖ → ‖Hg‖: damped Newton is GD with step 1/ε to O(1/ε²).
#define BOOST_TEST_MODULE damped_newton
#include <boost/test/unit_test.hpp>

#include <Eigen/LU>
#include <cmath>

#include "optdyn/objectives/registry.hpp"
#include "support/finite_differences.hpp"
#include "support/fits.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(step_is_the_damped_solve) {
  ObjectivePtr f = make_objective("rosenbrock:dim=5");
  const Vec theta = random_point(5, 21, 0.7);
  const double eps = 0.5;
  const Mat shifted = f->hessian(theta) + eps * Mat::Identity(5, 5);
  const Vec expected = shifted.fullPivLu().solve(-f->gradient(theta));
  for (const std::string solver : {"dense", "minres"}) {
    const Vec p = one_step("damped_newton:damping=0.5,tol=1e-14,solver=" + solver, *f, theta);
    BOOST_TEST(relative_error(p, expected) <= 1e-9, solver << " " << relative_error(p, expected));
  }
}

BOOST_AUTO_TEST_CASE(large_damping_is_gradient_descent_with_step_one_over_eps) {
  ObjectivePtr f = make_objective("rosenbrock:dim=4");
  const Vec theta = random_point(4, 5, 0.5);
  const Vec g = f->gradient(theta);
  const double hg = f->hessian_vector(theta, g).norm();
  const double h_norm = f->hessian(theta).norm();  // Frobenius ≥ spectral norm
  std::vector<double> epss, errs;
  for (const double eps : {1e4, 1e5, 1e6, 1e7}) {
    const Vec p = one_step("damped_newton:damping=" + std::to_string(eps), *f, theta);
    const double err = (p + g / eps).norm();
    epss.push_back(eps);
    errs.push_back(err);
    BOOST_TEST_MESSAGE("ε=" << eps << " ‖p + g/ε‖=" << err << " ε²‖p + g/ε‖/‖Hg‖=" << eps * eps * err / hg);
    // Next term H²g/ε³: relative size ≤ ‖H‖/ε.
    BOOST_TEST(std::abs(eps * eps * err / hg - 1.0) <= 2.0 * h_norm / eps);
  }
  const double slope = loglog_slope(epss, errs);  // of ‖p + g/ε‖ against ε
  BOOST_TEST_MESSAGE("slope " << slope);
  BOOST_TEST(std::abs(slope + 2.0) <= 0.02);
}
