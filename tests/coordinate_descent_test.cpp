// coordinate_descent, block_coordinate_descent. Checked against
//  * Gauss–Seidel: on F = ½(θ − θ*)ᵀA(θ − θ*), one cyclic sweep of exact coordinate steps maps
//    the error e ↦ M e with M = −(D + L)⁻¹U (A = L + D + U), formed densely in the test; the
//    observed rate (‖e_K‖/‖e_0‖)^{1/K} approaches the spectral radius ρ(M) (dense
//    eigenvalues); block Gauss–Seidel likewise with the block splitting;
//  * the gradient update by hand; determinism of the seeded random rule.
#define BOOST_TEST_MODULE coordinate_descent
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <Eigen/LU>

#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/finite_differences.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

// Block Gauss–Seidel iteration matrix for blocks of size b: −(D_B + L_B)⁻¹ U_B.
Mat gauss_seidel(const Mat& a, Index b) {
  const Index d = a.rows();
  Mat lower = Mat::Zero(d, d), upper = Mat::Zero(d, d);
  for (Index i = 0; i < d; ++i)
    for (Index j = 0; j < d; ++j) (j / b <= i / b ? lower : upper)(i, j) = a(i, j);
  return -lower.fullPivLu().solve(upper);
}

double spectral_radius(const Mat& m) { return Eigen::EigenSolver<Mat>(m).eigenvalues().cwiseAbs().maxCoeff(); }

}  // namespace

BOOST_AUTO_TEST_CASE(gauss_seidel_rate) {
  const Index d = 6;
  ObjectivePtr f = make_objective("quadratic:dim=6,kappa=30,rotate=true,shift=1,seed=4");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  const Mat A = q.matrix();
  for (const Index block : {1, 2, 4}) {
    const std::string spec = block == 1 ? "coordinate_descent" : "block_coordinate_descent:block=" + std::to_string(block);
    const Mat M = gauss_seidel(A, block);
    const double rho = spectral_radius(M);
    OptimizerPtr opt = make_optimizer(spec);
    opt->reset(d);
    ObjectiveOracle oracle(*f);
    Vec theta = random_point(d, 2);
    const Index sweep = (d + block - 1) / block;
    const Vec e0 = theta - q.minimizer();
    Vec e = e0;
    const int sweeps = 60;
    for (int s = 0; s < sweeps; ++s) {
      for (Index k = 0; k < sweep; ++k) opt->step(theta, oracle);
      const Vec predicted = M * e;
      e = theta - q.minimizer();
      BOOST_TEST(relative_error(e, predicted, 1e-14) <= 1e-8, spec << " sweep " << s);
    }
    const double rate = std::pow(e.norm() / e0.norm(), 1.0 / sweeps);
    BOOST_TEST_MESSAGE(spec << ": observed rate per sweep " << rate << ", ρ(M_GS) = " << rho);
    BOOST_TEST(std::abs(rate - rho) <= 0.05 * rho);
    BOOST_TEST(oracle.calls() == static_cast<std::uint64_t>(sweeps * sweep));
    BOOST_TEST(oracle.hvps() == static_cast<std::uint64_t>(sweeps * d));
  }
}

BOOST_AUTO_TEST_CASE(gradient_update_and_random_rule) {
  // θ_i −= lr g_i for the cyclic coordinate i = t − 1 mod D.
  const auto th = trajectory("coordinate_descent:update=gradient,lr=0.1", vec({1, 0, -1}), 3);
  BOOST_TEST(mixed_error(th[1], vec({0.9, 0, -1})) <= 1e-15);
  BOOST_TEST(mixed_error(th[2], vec({0.9, -0.1, -1})) <= 1e-15);
  BOOST_TEST(mixed_error(th[3], vec({0.9, -0.1, -1.2})) <= 1e-15);
  // Random rule: the same seed gives the same sequence; it still converges.
  ObjectivePtr f = make_objective("quadratic:dim=5,kappa=10,rotate=true,shift=1,seed=1");
  const auto run = [&](std::uint64_t seed) {
    OptimizerPtr opt = make_optimizer("coordinate_descent:rule=random,seed=" + std::to_string(seed));
    opt->reset(5);
    ObjectiveOracle oracle(*f);
    Vec theta = Vec::Zero(5);
    std::vector<double> blocks;
    for (int k = 0; k < 400; ++k) {
      opt->step(theta, oracle);
      blocks.push_back(opt->state("block")[0]);
    }
    return std::make_pair(theta, blocks);
  };
  const auto a = run(3), b = run(3), c = run(4);
  BOOST_TEST((a.second == b.second));
  BOOST_TEST((a.second != c.second));
  BOOST_TEST(relative_error(a.first, dynamic_cast<const Quadratic&>(*f).minimizer()) <= 1e-8);
}

BOOST_AUTO_TEST_CASE(exact_update_refuses_schedules_and_gradient_modifiers) {
  // update=exact takes θ_B −= H_BB⁻¹g_B: a schedule would be a silent no-op, weight decay would
  // change g but not H_BB. The gradient update accepts both.
  BOOST_CHECK_THROW(make_optimizer("coordinate_descent|cosine:t_max=10"), InputError);
  BOOST_CHECK_THROW(make_optimizer("block_coordinate_descent:block=2|weight_decay:wd=0.1"), InputError);
  BOOST_CHECK_NO_THROW(make_optimizer("coordinate_descent:update=gradient|cosine:t_max=10"));
  BOOST_CHECK_NO_THROW(make_optimizer("block_coordinate_descent:block=2,update=gradient|weight_decay:wd=0.1"));
}
