// newton: ∇²F p = −g, θ += p (or Armijo backtracking). Checked against
//  * the closed-form minimiser of a quadratic (one step, every solver);
//  * quadratic convergence at Rosenbrock's strict minimum θ* = 1: ‖e_{k+1}‖/‖e_k‖² bounded;
//  * attraction to saddles: from near the saddle of x² − y² one step lands on it, and on a
//    plateau saddle with a strict negative direction Newton converges to the origin, whose
//    index (negative eigenvalues of the dense Hessian there) is 1;
//  * backtracking: each accepted step satisfies the Armijo condition, recomputed from F;
//  * counts of the oracle and bad input (no curvature on a FunctionOracle, modifiers).
#define BOOST_TEST_MODULE newton
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/dense_references.hpp"
#include "support/finite_differences.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

std::vector<Vec> run(const std::string& spec, const Objective& f, Vec theta, int steps, ObjectiveOracle* counted = nullptr) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(f.dim());
  ObjectiveOracle own(f);
  ObjectiveOracle& oracle = counted ? *counted : own;
  std::vector<Vec> out{theta};
  for (int k = 0; k < steps; ++k) {
    opt->step(theta, oracle);
    out.push_back(theta);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_step_solves_a_quadratic) {
  ObjectivePtr f = make_objective("quadratic:dim=12,kappa=1000,rotate=true,shift=2,seed=5");
  const Vec star = dynamic_cast<const Quadratic&>(*f).minimizer();
  for (const std::string solver : {"dense", "cg", "minres", "auto"}) {
    ObjectiveOracle oracle(*f);
    const auto th = run("newton:solver=" + solver + ",tol=1e-14", *f, random_point(12, 7), 1, &oracle);
    BOOST_TEST(relative_error(th[1], star) <= 1e-9, solver << ": " << relative_error(th[1], star));
    BOOST_TEST(oracle.calls() == 1u);
    if (solver == "dense" || solver == "auto") BOOST_TEST(oracle.hessians() == 1u);
    else BOOST_TEST((oracle.hvps() >= 1u && oracle.hvps() <= 24u), solver << " HVPs " << oracle.hvps());
  }
  // An indefinite quadratic: the Newton step lands on its (saddle) critical point too.
  ObjectivePtr q = make_objective("quadratic:eigs=2/-1/0.5/-3,rotate=true,shift=1,seed=2");
  const Vec qstar = dynamic_cast<const Quadratic&>(*q).minimizer();
  for (const std::string solver : {"dense", "minres"}) {
    const auto th = run("newton:solver=" + solver + ",tol=1e-14", *q, random_point(4, 3), 1);
    BOOST_TEST(relative_error(th[1], qstar) <= 1e-10, solver);
  }
}

BOOST_AUTO_TEST_CASE(quadratic_convergence_at_a_strict_minimum) {
  ObjectivePtr f = make_objective("rosenbrock:dim=4");
  const Vec star = Vec::Ones(4);
  BOOST_REQUIRE(index_at(*f, star) == 0);
  const auto th = run("newton", *f, star + 0.01 * random_point(4, 11), 6);
  std::vector<double> e;
  for (const Vec& t : th) e.push_back((t - star).norm());
  double worst = 0.0;
  for (std::size_t k = 0; k + 1 < e.size() && e[k] > 1e-7; ++k) {
    const double ratio = e[k + 1] / (e[k] * e[k]);
    worst = std::max(worst, ratio);
    BOOST_TEST_MESSAGE("k=" << k << " e_k=" << e[k] << " e_{k+1}/e_k^2=" << ratio);
  }
  // N&W Thm 3.5: ‖e_{k+1}‖ ≤ L‖∇²F(θ*)⁻¹‖‖e_k‖² near θ* (constant up to a factor 2 from the
  // proof), L the Lipschitz constant of ∇²F there, estimated by secants along the iterates.
  const Mat h_star = f->hessian(star);
  double lipschitz = 0.0;
  for (const Vec& t : th)
    if ((t - star).norm() > 1e-6) lipschitz = std::max(lipschitz, (f->hessian(t) - h_star).norm() / (t - star).norm());
  const double bound = 2.0 * lipschitz * h_star.inverse().norm();
  BOOST_TEST_MESSAGE("max ratio " << worst << ", 2 L ‖H*⁻¹‖ = " << bound);
  BOOST_TEST(worst <= bound);
  BOOST_TEST(e.back() <= 1e-14);
  // From ‖e₀‖ ≈ 0.01, a linearly convergent method with rate ≥ 0.1 would need ≥ 12 steps.
  BOOST_TEST(e[4] <= 1e-13, "e_4 = " << e[4]);
}

BOOST_AUTO_TEST_CASE(attracted_to_saddles) {
  // x² − y²: H = diag(2, −2), so the Newton step from any point lands on the saddle 0.
  ObjectivePtr s = make_objective("saddle");
  const auto th = run("newton", *s, vec({0.3, 0.1}), 3);
  BOOST_TEST(th[1].norm() <= 1e-15);
  BOOST_TEST(index_at(*s, th[3]) == 1);
  // Plateau saddle with a strict negative direction (ε = −0.2): from near 0, Newton converges
  // to the origin (a saddle of index 1), although the minima are at x₀² = (1 + √1.8)/2.
  ObjectivePtr p = make_objective("plateau_saddle:dim=3,flat=1,eps=-0.2");
  const auto tp = run("newton", *p, vec({0.05, 0.04, -0.03}), 12);
  BOOST_TEST(tp.back().norm() <= 1e-12, "limit " << tp.back().transpose());
  BOOST_TEST(index_at(*p, tp.back()) == 1);
  // Newton-CG stops at negative curvature instead (a different method): it leaves.
  const auto tc = run("newton:solver=cg", *p, vec({0.05, 0.04, -0.03}), 12);
  BOOST_TEST(tc.back().norm() >= 0.5, "Newton-CG limit " << tc.back().transpose());
}

BOOST_AUTO_TEST_CASE(backtracking_satisfies_armijo) {
  ObjectivePtr f = make_objective("rosenbrock:dim=2");
  OptimizerPtr opt = make_optimizer("newton:line_search=backtracking");
  opt->reset(2);
  ObjectiveOracle oracle(*f);
  Vec theta = vec({-1.2, 1.0});
  for (int k = 0; k < 40; ++k) {
    const Vec before = theta;
    const Vec g = f->gradient(before);
    opt->step(theta, oracle);
    const Vec p = opt->state("direction");
    const Vec step = theta - before;
    if (step.norm() == 0.0) break;
    const double alpha = step.dot(p) / p.squaredNorm();
    BOOST_TEST(relative_error(step, Vec(alpha * p)) <= 1e-9);
    BOOST_TEST(f->value(theta) <= f->value(before) + 1e-4 * alpha * g.dot(p), "step " << k);
    const double j = std::log(alpha) / std::log(0.5);
    BOOST_TEST(std::abs(j - std::round(j)) <= 1e-9, "α = 0.5^j, got " << alpha);
  }
  BOOST_TEST(relative_error(theta, Vec::Ones(2)) <= 1e-10, theta.transpose());
  BOOST_TEST(oracle.values() >= oracle.calls());
}

BOOST_AUTO_TEST_CASE(bad_input) {
  FunctionOracle gradients_only = quadratic_oracle(Mat::Identity(3, 3), Vec::Zero(3));
  const std::string error = step_error("newton", gradients_only);
  BOOST_TEST(error.find("'newton'") != std::string::npos, error);
  BOOST_CHECK_THROW(make_optimizer("newton:line_search=backtracking|clip_norm:max=1"), InputError);
  BOOST_CHECK_NO_THROW(make_optimizer("newton|clip_norm:max=1|cosine:t_max=10"));
  BOOST_CHECK_THROW(make_optimizer("newton:solver=lu"), InputError);
  BOOST_CHECK_THROW(make_optimizer("newton:line_search=strong_wolfe"), InputError);
}
