// bfgs: inverse update H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ (N&W eq. 6.17). Checked against
//  * N&W 6.17 written out densely in the test from s, y recomputed from the iterates and the
//    objective's gradients, and the secant condition H y = s; the seed's transposed form
//    violates it (why the code follows N&W);
//  * quadratic termination with exact line searches: on an SPD quadratic the minimiser in
//    ≤ D steps and H_D = A⁻¹ (A from the objective), one gradient per step (hand-over);
//  * Rosenbrock's minimum from (−1.2, 1), every step satisfying strong Wolfe (recomputed).
#define BOOST_TEST_MODULE bfgs
#include <boost/test/unit_test.hpp>

#include <Eigen/LU>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/finite_differences.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {
Mat inverse_hessian(const Optimizer& opt, Index d) { return Eigen::Map<const Mat>(opt.state("inverse_hessian").data(), d, d); }
}  // namespace

BOOST_AUTO_TEST_CASE(update_is_nocedal_wright_6_17) {
  const Index d = 5;
  ObjectivePtr f = make_objective("rosenbrock:dim=5");
  OptimizerPtr opt = make_optimizer("bfgs:initial_scaling=false");
  opt->reset(d);
  ObjectiveOracle oracle(*f);
  Vec theta = random_point(d, 3, 0.5);
  Vec theta_prev = theta, g_prev = f->gradient(theta);
  opt->step(theta, oracle);  // H₀ = I, no update yet
  Mat h_old = inverse_hessian(*opt, d);
  BOOST_TEST((h_old - Mat::Identity(d, d)).norm() == 0.0);
  const Mat I = Mat::Identity(d, d);
  for (int k = 0; k < 8; ++k) {
    const Vec theta_k = theta, g_k = f->gradient(theta);
    opt->step(theta, oracle);  // first updates H with s = θ_k − θ_{k−1}, y = g_k − g_{k−1}
    const Mat h_new = inverse_hessian(*opt, d);
    const Vec s = theta_k - theta_prev, y = g_k - g_prev;
    const double rho = 1.0 / y.dot(s);
    BOOST_REQUIRE(y.dot(s) > 0.0);  // strong Wolfe guarantees it
    const Mat expected = (I - rho * s * y.transpose()) * h_old * (I - rho * y * s.transpose()) + rho * s * s.transpose();
    BOOST_TEST((h_new - expected).norm() <= 1e-9 * expected.norm(), "step " << k);
    BOOST_TEST(relative_error(Vec(h_new * y), s) <= 1e-9, "secant, step " << k);
    const Mat seed_form = (I - rho * y * s.transpose()) * h_old * (I - rho * s * y.transpose()) + rho * s * s.transpose();
    BOOST_TEST(relative_error(Vec(seed_form * y), s) > 1e-3, "the seed's transposed form misses the secant condition");
    theta_prev = theta_k;
    g_prev = g_k;
    h_old = h_new;
  }
}

BOOST_AUTO_TEST_CASE(quadratic_termination_with_exact_line_search) {
  const Index d = 7;
  ObjectivePtr f = make_objective("quadratic:dim=7,kappa=200,rotate=true,shift=1,seed=8");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  for (const std::string scaling : {"true", "false"}) {
    OptimizerPtr opt = make_optimizer("bfgs:line_search=exact_quadratic,initial_scaling=" + scaling);
    opt->reset(d);
    ObjectiveOracle oracle(*f);
    Vec theta = random_point(d, 4);
    const double e0 = (theta - q.minimizer()).norm();
    for (Index k = 0; k < d; ++k) {
      opt->step(theta, oracle);
      BOOST_TEST_MESSAGE(scaling << " k=" << k << " e=" << (theta - q.minimizer()).norm() / e0);
      if (k + 1 < d) BOOST_TEST((theta - q.minimizer()).norm() > 1e-6 * e0);
    }
    BOOST_TEST(relative_error(theta, q.minimizer()) <= 1e-8, scaling);
    opt->step(theta, oracle);  // the update with the last pair: H_D
    const Mat a_inv = q.matrix().inverse();
    BOOST_TEST((inverse_hessian(*opt, d) - a_inv).norm() <= 1e-6 * a_inv.norm(), scaling);
    // One gradient per step: the line search's gradient at the new point is reused.
    BOOST_TEST(oracle.calls() == static_cast<std::uint64_t>(d + 1 + 1), "calls " << oracle.calls());
  }
}

BOOST_AUTO_TEST_CASE(rosenbrock_with_strong_wolfe_steps) {
  ObjectivePtr f = make_objective("rosenbrock:dim=2");
  OptimizerPtr opt = make_optimizer("bfgs");
  opt->reset(2);
  ObjectiveOracle oracle(*f);
  Vec theta = vec({-1.2, 1.0});
  int k = 0;
  for (; k < 200 && f->gradient(theta).norm() > 1e-10; ++k) {
    const Vec before = theta, g = f->gradient(theta);
    opt->step(theta, oracle);
    const Vec p = opt->state("direction");
    const double alpha = (theta - before).dot(p) / p.squaredNorm();
    BOOST_TEST(f->value(theta) <= f->value(before) + 1e-4 * alpha * g.dot(p), "Armijo, step " << k);
    BOOST_TEST(std::abs(f->gradient(theta).dot(p)) <= 0.9 * std::abs(g.dot(p)) + 1e-14, "curvature, step " << k);
  }
  BOOST_TEST_MESSAGE("bfgs on 2-D Rosenbrock: " << k << " steps, " << oracle.calls() << " gradients");
  BOOST_TEST(relative_error(theta, Vec::Ones(2)) <= 1e-9);
  BOOST_TEST(k <= 60);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  BOOST_CHECK_THROW(make_optimizer("bfgs|cosine:t_max=100"), InputError);
  BOOST_CHECK_THROW(make_optimizer("bfgs|clip_norm:max=1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("bfgs:c1=0.5,c2=0.1"), InputError);
  BOOST_CHECK_NO_THROW(make_optimizer("bfgs|average:start=10"));
  OptimizerPtr opt = make_optimizer("bfgs");
  opt->reset(2);
  FunctionOracle gradients_only = quadratic_oracle(Mat::Identity(2, 2), Vec::Zero(2));
  Vec theta = Vec::Ones(2);
  BOOST_CHECK_THROW(opt->step(theta, gradients_only), InputError);
}
