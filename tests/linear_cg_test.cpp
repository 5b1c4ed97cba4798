// linear_cg: one CG iteration per step on ∇²F δ = −∇F. Checked on SPD quadratics against
//  * the closed-form minimiser: exact after D steps (N&W Thm 5.1; with a repeated eigenvalue,
//    after as many steps as distinct eigenvalues);
//  * A-conjugacy of the directions p_iᵀAp_j = 0 (i ≠ j) and orthogonality of the residuals
//    (N&W Thm 5.3), A = the objective's matrix;
//  * counts (one gradient and one HVP per step) and bad input.
#define BOOST_TEST_MODULE linear_cg
#include <boost/test/unit_test.hpp>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/finite_differences.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(exact_in_d_steps_with_conjugate_directions) {
  const Index d = 8;
  // κ = 10: rounding destroys the global conjugacy p_7ᵀAp_0 at a rate that grows with κ
  // (Greenbaum 1997, ch. 4). With κ = 100 it reached 4e-9 (Eigen's products) or 3e-8
  // (OpenBLAS) for this seed and up to 4e-5 for others; with κ = 10, ≤ 4e-9 over seeds
  // 1..20 with either backend, 3e-12 here.
  ObjectivePtr f = make_objective("quadratic:dim=8,kappa=10,rotate=true,shift=1,seed=12");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  const Mat A = q.matrix();
  OptimizerPtr opt = make_optimizer("linear_cg");
  opt->reset(d);
  ObjectiveOracle oracle(*f);
  Vec theta = random_point(d, 1);
  const double e0 = (theta - q.minimizer()).norm();
  std::vector<Vec> directions, residuals;
  for (Index k = 0; k < d; ++k) {
    residuals.push_back(f->gradient(theta));
    opt->step(theta, oracle);
    directions.push_back(opt->state("p"));
    if (k + 1 < d) BOOST_TEST((theta - q.minimizer()).norm() > 1e-6 * e0, "not yet exact at step " << k + 1);
  }
  BOOST_TEST(relative_error(theta, q.minimizer()) <= 1e-9, "after D steps: " << relative_error(theta, q.minimizer()));
  for (Index i = 0; i < d; ++i)
    for (Index j = 0; j < i; ++j) {
      const double scale = std::sqrt(directions[i].dot(A * directions[i]) * directions[j].dot(A * directions[j]));
      BOOST_TEST(std::abs(directions[i].dot(A * directions[j])) <= 1e-8 * scale, "p" << i << " p" << j);
      BOOST_TEST(std::abs(residuals[i].dot(residuals[j])) <= 1e-8 * residuals[i].norm() * residuals[j].norm());
    }
  BOOST_TEST(oracle.calls() == static_cast<std::uint64_t>(d));
  BOOST_TEST(oracle.hvps() == static_cast<std::uint64_t>(d));
}

BOOST_AUTO_TEST_CASE(distinct_eigenvalues_bound_the_steps) {
  // Three distinct eigenvalues in D = 9: exact after 3 steps.
  ObjectivePtr f = make_objective("quadratic:eigs=1/1/1/4/4/4/9/9/9,rotate=true,shift=2,seed=3");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  OptimizerPtr opt = make_optimizer("linear_cg");
  opt->reset(9);
  ObjectiveOracle oracle(*f);
  Vec theta = random_point(9, 5);
  for (int k = 0; k < 3; ++k) opt->step(theta, oracle);
  BOOST_TEST(relative_error(theta, q.minimizer()) <= 1e-10);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  ObjectivePtr f = make_objective("quadratic:eigs=1/-1,rotate=false");
  OptimizerPtr opt = make_optimizer("linear_cg");
  opt->reset(2);
  ObjectiveOracle oracle(*f);
  Vec theta = vec({0.0, 1.0});
  BOOST_CHECK_THROW(opt->step(theta, oracle), InputError);  // pᵀAp < 0
  BOOST_CHECK_THROW(make_optimizer("linear_cg|warmup:steps=10"), InputError);
  BOOST_CHECK_THROW(make_optimizer("linear_cg|weight_decay:wd=0.1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("linear_cg:lr=1"), InputError);
}
