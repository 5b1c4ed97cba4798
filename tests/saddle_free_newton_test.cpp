// saddle_free_newton: p(λ) = −(|H| + λI)⁻¹g. Checked against
//  * the dense eigendecomposition in the test: exact mode's step, and the damping search's
//    argmin over the grid recomputed from F;
//  * Krylov mode with k = D equals exact mode; with k < D the step lies in the Krylov space
//    span{g, Hg, …, H^{k−1}g} (QR of that matrix in the test);
//  * saddles: on x² − y² it moves away along y by the factor 1 + 2/(2 + λ) per step (Newton
//    lands on the saddle, newton_test.cpp); on a plateau saddle with a strict negative
//    direction it converges to a minimum: index 0 (dense Hessian at the limit), at
//    x₀² = (1 + √(1 − 4ε))/2.
#define BOOST_TEST_MODULE saddle_free_newton
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <cmath>

#include "optdyn/objectives/registry.hpp"
#include "support/dense_references.hpp"
#include "support/finite_differences.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

Vec dense_sfn(const Objective& f, const Vec& theta, double lambda) {
  const Eigen::SelfAdjointEigenSolver<Mat> eig(f.hessian(theta));
  const Mat& q = eig.eigenvectors();
  const Vec c = q.transpose() * f.gradient(theta);
  return -(q * (c.array() / (eig.eigenvalues().array().abs() + lambda)).matrix());
}

}  // namespace

BOOST_AUTO_TEST_CASE(exact_mode_and_damping_search) {
  ObjectivePtr f = make_objective("quadratic:eigs=3/-1/0.2/-0.05/1,rotate=true,shift=1,seed=6");
  const Vec theta = random_point(5, 2);
  const Vec p = one_step("saddle_free_newton:damping_search=false,damping=0.01", *f, theta);
  BOOST_TEST(relative_error(p, dense_sfn(*f, theta, 0.01)) <= 1e-12);
  // The search: argmin over the grid of F(θ + p(λ)).
  const std::vector<double> grid{1e-3, 1e-2, 0.1, 1.0, 10.0};
  double best = 1e300, best_lambda = 0.0;
  for (double l : grid) {
    const double value = f->value(theta + dense_sfn(*f, theta, l));
    if (value < best) best = value, best_lambda = l;
  }
  const Vec ps = one_step("saddle_free_newton:damping_grid=1e-3/1e-2/0.1/1/10", *f, theta);
  BOOST_TEST(relative_error(ps, dense_sfn(*f, theta, best_lambda)) <= 1e-12, "λ = " << best_lambda);
}

BOOST_AUTO_TEST_CASE(krylov_with_full_subspace_equals_exact) {
  ObjectivePtr f = make_objective("rosenbrock:dim=8");
  const Vec theta = random_point(8, 13, 0.6);
  BOOST_REQUIRE(index_at(*f, theta) >= 1);  // an indefinite Hessian: |H| ≠ H matters
  for (const std::string search : {"false", "true"}) {
    const std::string common = "saddle_free_newton:damping=1e-3,damping_search=" + search;
    const Vec exact = one_step(common, *f, theta);
    const Vec krylov = one_step(common + ",mode=krylov,k=8", *f, theta);
    BOOST_TEST(relative_error(krylov, exact) <= 1e-8, search << ": " << relative_error(krylov, exact));
  }
}

BOOST_AUTO_TEST_CASE(krylov_step_lies_in_the_krylov_space) {
  ObjectivePtr f = make_objective("rosenbrock:dim=12");
  const Vec theta = random_point(12, 4, 0.6);
  const int k = 4;
  const Vec p = one_step("saddle_free_newton:mode=krylov,k=4,damping_search=false,damping=0.1", *f, theta);
  Mat krylov(12, k);
  krylov.col(0) = f->gradient(theta);
  for (int j = 1; j < k; ++j) krylov.col(j) = f->hessian_vector(theta, Vec(krylov.col(j - 1)));
  const Eigen::HouseholderQR<Mat> qr(krylov);
  const Mat q = qr.householderQ() * Mat::Identity(12, k);
  const Vec outside = p - q * (q.transpose() * p);
  BOOST_TEST(outside.norm() <= 1e-8 * p.norm());
  BOOST_TEST(p.norm() > 0.0);
}

BOOST_AUTO_TEST_CASE(escapes_saddles) {
  ObjectivePtr s = make_objective("saddle");
  const double lambda = 1e-4;
  OptimizerPtr opt = make_optimizer("saddle_free_newton:damping_search=false,damping=1e-4");
  opt->reset(2);
  ObjectiveOracle oracle(*s);
  Vec theta = vec({0.3, 0.01});
  double f_prev = s->value(theta);
  for (int k = 0; k < 6; ++k) {
    const Vec before = theta;
    opt->step(theta, oracle);
    BOOST_TEST(std::abs(theta[1] - before[1] * (1.0 + 2.0 / (2.0 + lambda))) <= 1e-14 * std::abs(theta[1]));
    BOOST_TEST(std::abs(theta[0] - before[0] * (1.0 - 2.0 / (2.0 + lambda))) <= 1e-15);
    BOOST_TEST(s->value(theta) < f_prev);
    f_prev = s->value(theta);
  }
  BOOST_TEST(std::abs(theta[1]) > 0.5);
  // The plateau saddle with ε = −0.2 (Newton converges to the origin, newton_test.cpp).
  ObjectivePtr p = make_objective("plateau_saddle:dim=3,flat=1,eps=-0.2");
  for (const std::string mode : {"exact", "krylov,k=2"}) {
    OptimizerPtr sfn = make_optimizer("saddle_free_newton:mode=" + mode);
    sfn->reset(3);
    ObjectiveOracle o(*p);
    Vec x = vec({0.05, 0.04, -0.03});
    for (int k = 0; k < 40; ++k) sfn->step(x, o);
    BOOST_TEST(index_at(*p, x) == 0, mode << " limit " << x.transpose());
    BOOST_TEST(std::abs(x[0] * x[0] - (1.0 + std::sqrt(1.8)) / 2.0) <= 1e-10, mode << " " << x.transpose());
    BOOST_TEST(p->gradient(x).norm() <= 1e-10);
  }
}
