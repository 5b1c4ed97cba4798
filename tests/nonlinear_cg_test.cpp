// nonlinear_cg: p = −g + βp, strong-Wolfe line search. Checked against
//  * linear CG (the linear_cg optimizer, itself checked against closed forms): with the exact
//    quadratic line search, FR and PR iterates equal linear CG's on an SPD quadratic and reach
//    the minimiser in D steps (N&W §5.2);
//  * the three β formulas, recomputed in the test from the gradients of two steps;
//  * Rosenbrock: every step satisfies strong Wolfe with c₂ = 0.1 (recomputed); restart=1 makes
//    every direction −g.
#define BOOST_TEST_MODULE nonlinear_cg
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/finite_differences.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(equals_linear_cg_on_a_quadratic_with_exact_search) {
  const Index d = 6;
  ObjectivePtr f = make_objective("quadratic:dim=6,kappa=50,rotate=true,shift=1,seed=2");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  for (const std::string beta : {"fletcher_reeves", "polak_ribiere", "polak_ribiere_plus"}) {
    OptimizerPtr ncg = make_optimizer("nonlinear_cg:line_search=exact_quadratic,powell=0,beta=" + beta);
    OptimizerPtr lcg = make_optimizer("linear_cg");
    ncg->reset(d);
    lcg->reset(d);
    ObjectiveOracle o1(*f), o2(*f);
    Vec a = random_point(d, 6), b = a;
    for (Index k = 0; k < d; ++k) {
      ncg->step(a, o1);
      lcg->step(b, o2);
      BOOST_TEST(relative_error(a, b) <= 1e-9, beta << " step " << k);
    }
    BOOST_TEST(relative_error(a, q.minimizer()) <= 1e-9, beta);
  }
}

BOOST_AUTO_TEST_CASE(beta_formulas) {
  ObjectivePtr f = make_objective("rosenbrock:dim=4");
  for (const std::string beta : {"fletcher_reeves", "polak_ribiere", "polak_ribiere_plus"}) {
    OptimizerPtr opt = make_optimizer("nonlinear_cg:powell=0,beta=" + beta);
    opt->reset(4);
    ObjectiveOracle oracle(*f);
    Vec theta = vec({-1.2, 1.0, -1.2, 1.0});
    const Vec g1 = f->gradient(theta);
    opt->step(theta, oracle);
    const Vec p1 = opt->state("p");
    BOOST_TEST(relative_error(p1, Vec(-g1)) <= 1e-15);
    for (int k = 0; k < 2; ++k) {  // two more steps, each checked
      const Vec p_prev = opt->state("p");
      const Vec g = f->gradient(theta);
      const Vec gp = opt->state("g_prev");
      opt->step(theta, oracle);
      double expected = 0.0;
      if (beta == "fletcher_reeves") expected = g.squaredNorm() / gp.squaredNorm();
      else expected = g.dot(g - gp) / gp.squaredNorm();
      if (beta == "polak_ribiere_plus") expected = std::max(expected, 0.0);
      const Vec p = opt->state("p");
      if (g.dot(Vec(-g + expected * p_prev)) < 0.0)  // no descent-restart happened
        BOOST_TEST(relative_error(p, Vec(-g + expected * p_prev)) <= 1e-12, beta << " step " << k + 2);
    }
  }
}

BOOST_AUTO_TEST_CASE(strong_wolfe_on_rosenbrock_and_restarts) {
  ObjectivePtr f = make_objective("rosenbrock:dim=2");
  for (const std::string spec : {"nonlinear_cg", "nonlinear_cg:restart=1"}) {
    OptimizerPtr opt = make_optimizer(spec);
    opt->reset(2);
    ObjectiveOracle oracle(*f);
    Vec theta = vec({-1.2, 1.0});
    const bool steepest = spec.find("restart=1") != std::string::npos;  // slow on Rosenbrock: 50 steps
    int k = 0;
    for (; k < (steepest ? 50 : 2000) && f->gradient(theta).norm() > 1e-8; ++k) {
      const Vec before = theta, g = f->gradient(theta);
      opt->step(theta, oracle);
      const Vec p = opt->state("p");
      if (steepest) BOOST_TEST(relative_error(p, Vec(-g)) <= 1e-15);
      const double alpha = (theta - before).dot(p) / p.squaredNorm();
      if (alpha == 0.0) continue;
      BOOST_TEST(f->value(theta) <= f->value(before) + 1e-4 * alpha * g.dot(p), spec << " Armijo " << k);
      BOOST_TEST(std::abs(f->gradient(theta).dot(p)) <= 0.1 * std::abs(g.dot(p)) * (1 + 1e-9), spec << " curvature " << k);
    }
    BOOST_TEST_MESSAGE(spec << ": " << k << " steps, " << oracle.calls() << " gradients");
    if (!steepest) BOOST_TEST(relative_error(theta, Vec::Ones(2)) <= 1e-6, spec << " " << theta.transpose());
  }
}

BOOST_AUTO_TEST_CASE(fletcher_reeves_needs_c2_below_one_half) {
  // N&W Lemma 5.6: FR with strong Wolfe gives descent directions for c₂ < ½ only.
  BOOST_CHECK_THROW(make_optimizer("nonlinear_cg:beta=fletcher_reeves,c2=0.6"), InputError);
  BOOST_CHECK_NO_THROW(make_optimizer("nonlinear_cg:beta=fletcher_reeves,c2=0.4"));
  BOOST_CHECK_NO_THROW(make_optimizer("nonlinear_cg:beta=polak_ribiere_plus,c2=0.6"));
}
