// The cliff objective (objectives/cliff.hpp): gradient and Hessian against central
// differences across the face, the closed-form values at the face's mid-line (σ = ½, σ' = ¼,
// σ'' = 0), the step height, and the catapult: one GD step from the face lands ≈ ηH/(4w)
// along (1, q) away, while the clipped step moves at most η·max (Pascanu et al. 2013).
#define BOOST_TEST_MODULE cliff
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "optdyn/objectives/cliff.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "support/finite_differences.hpp"

using namespace optdyn;
using optdyn::testing::central_difference_gradient;
using optdyn::testing::central_difference_hvp;
using optdyn::testing::relative_error;

namespace {
Vec point(double x, double y) {
  Vec p(2);
  p << x, y;
  return p;
}
}  // namespace

BOOST_AUTO_TEST_CASE(derivatives_match_central_differences_across_the_face) {
  const auto f = make_cliff({.width = 0.2});
  for (const double u : {-3.0, -1.0, -0.3, 0.0, 0.4, 1.5, 4.0}) {
    BOOST_TEST_CONTEXT("u = " << u) {
      const double y = 0.3, x = f->params().c - f->params().tilt * y + u * f->params().width;
      const Vec th = point(x, y);
      BOOST_TEST(f->across(x, y) == u, boost::test_tools::tolerance(1e-12));
      BOOST_TEST(relative_error(f->gradient(th), central_difference_gradient(*f, th, 1e-6), 1e-6) <= 1e-7);
      for (const Vec& v : {point(1, 0), point(0, 1), point(0.6, -0.8)})
        BOOST_TEST(relative_error(f->hessian_vector(th, v), central_difference_hvp(*f, th, v, 1e-6), 1e-6) <= 1e-6);
    }
  }
}

BOOST_AUTO_TEST_CASE(closed_forms_on_the_face_and_far_from_it) {
  const CliffParams p{};
  const auto f = make_cliff(p);
  // On the mid-line x + qy = c: σ = ½, σ' = ¼, σ'' = 0.
  const double y = -0.4, x = p.c - p.tilt * y;
  const Vec g = f->gradient(point(x, y));
  BOOST_TEST(g[0] == p.a * (x - p.m) - p.height / (4 * p.width), boost::test_tools::tolerance(1e-14));
  BOOST_TEST(g[1] == p.b * y - p.tilt * p.height / (4 * p.width), boost::test_tools::tolerance(1e-14));
  const Mat h = f->hessian(point(x, y));
  BOOST_TEST(std::abs(h(0, 0) - p.a) <= 1e-12);
  BOOST_TEST(std::abs(h(0, 1)) <= 1e-12);
  BOOST_TEST(std::abs(h(1, 1) - p.b) <= 1e-12);
  BOOST_TEST(f->value(point(x, y)) == 0.5 * p.a * (x - p.m) * (x - p.m) + 0.5 * p.b * y * y - p.height / 2,
             boost::test_tools::tolerance(1e-14));
  // The step: F(m, 0) = −H up to σ's tail e^{−(m − c)/w} = e^{−40}.
  BOOST_TEST(std::abs(f->value(point(p.m, 0)) + p.height) <= 1e-15 * p.height + p.height * std::exp(-40.0));
  // Far up the terrace F is the bowl alone.
  BOOST_TEST(f->value(point(-1, 0)) == 0.5 * p.a * 25, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(gd_is_catapulted_from_the_face_and_clipped_gd_is_not) {
  const CliffParams p{};
  const auto f = make_cliff(p);
  const double eta = 0.1, y = 0, x = p.c;
  ObjectiveOracle oracle(*f);
  Vec gd = point(x, y), clipped = point(x, y);
  OptimizerPtr plain = make_optimizer("gd:lr=0.1");
  OptimizerPtr clip = make_optimizer("gd:lr=0.1|clip_norm:max=1");
  plain->reset(2);
  clip->reset(2);
  plain->step(gd, oracle);
  clip->step(clipped, oracle);
  // θ₁ − θ₀ = −η∇F = η(a(m − x) + H/4w, q·H/4w) on the mid-line.
  BOOST_TEST(gd[0] - x == eta * (p.a * (p.m - x) + p.height / (4 * p.width)), boost::test_tools::tolerance(1e-13));
  BOOST_TEST(gd[1] - y == eta * p.tilt * p.height / (4 * p.width), boost::test_tools::tolerance(1e-13));
  BOOST_TEST((clipped - point(x, y)).norm() == eta * 1.0, boost::test_tools::tolerance(1e-13));
}
