// parabola_regression (seed 000's online gradient regression, diagonal version). Checked
// against
//  * the seed's raw-moment formulas λ = (gθ¯ − ḡθ̄)/(θ²¯ − θ̄²), p = θ̄ − ḡ/λ with normalised
//    weights w_s = (1−β)β^{t−s}/(1−βᵗ), recomputed here from the recorded (θ_s, g_s) pairs by
//    explicit sums, and the step η sign(λ)(p − θ) / the fallback −fallback_lr·g;
//  * closed forms on x² − y²: after the first (fallback) step the fit is exact (λ = 2 and −2,
//    p = 0), so x_{k+1} = (1−η)x_k and y_{k+1} = (1+η)y_k;
//  * statistics on a noisy parabola ½λ*(θ − p*)² with Gaussian gradient noise σ: the final
//    estimates lie within 4 standard errors of (λ*, p*), the standard errors derived from σ,
//    β (effective sample size n_eff = (1+β)/(1−β)) and the probe amplitude δ (below);
//  * a flat saddle (plateau_saddle, curvature ε = −0.01 along x₀, 1 along x₁): the method
//    escapes (|x₀| > 0.5 within 40 steps) while GD with the step that gives the same
//    contraction along the steep direction (lr = η) creeps (|x₀| grows by 1 + 0.01η per step).
#define BOOST_TEST_MODULE parabola_regression
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(fit_and_step_equal_the_seed_formulas) {
  const double beta = 0.8, eta = 0.7, fallback = 0.05;
  // A noisy anisotropic quadratic in D = 2: g = A(θ − θ*) + noise.
  auto rng = std::make_shared<Rng>(3);
  FunctionOracle oracle(2, [rng](const Vec& theta, Vec& g) {
    g[0] = 3.0 * (theta[0] - 1.0) + 0.3 * rng->normal();
    g[1] = -0.5 * (theta[1] + 2.0) + 0.3 * rng->normal();
    return 0.0;
  });
  OptimizerPtr opt =
      make_optimizer("parabola_regression:lr=0.7,beta=0.8,fallback_lr=0.05,max_step=1e6,min_curvature=0");
  opt->reset(2);
  std::vector<Vec> thetas, grads;
  Vec theta = vec({0.2, -1.0});
  for (int t = 1; t <= 25; ++t) {
    const Vec before = theta;
    opt->step(theta, oracle);
    thetas.push_back(before);
    grads.push_back(opt->last_gradient());
    for (Index i = 0; i < 2; ++i) {
      double norm = 0, mt = 0, mg = 0, mtg = 0, mtt = 0;
      for (int s = 1; s <= t; ++s) {
        const double w = (1.0 - beta) * std::pow(beta, t - s);
        const double th = thetas[s - 1][i], g = grads[s - 1][i];
        norm += w, mt += w * th, mg += w * g, mtg += w * th * g, mtt += w * th * th;
      }
      mt /= norm, mg /= norm, mtg /= norm, mtt /= norm;
      const double step = theta[i] - before[i];
      if (t == 1) {  // var = 0: the fallback gradient step
        BOOST_TEST(std::isnan(opt->state("curvature")[i]));
        BOOST_TEST(std::abs(step + fallback * grads[0][i]) <= 1e-15);
        continue;
      }
      const double lambda = (mtg - mg * mt) / (mtt - mt * mt);
      const double p = mt - mg / lambda;
      BOOST_TEST(std::abs(opt->state("curvature")[i] - lambda) <= 1e-8 * std::abs(lambda), "t " << t << " i " << i);
      BOOST_TEST(std::abs(opt->state("target")[i] - p) <= 1e-8 * std::max(1.0, std::abs(p)), "t " << t << " i " << i);
      const double expected = eta * (lambda > 0 ? 1.0 : -1.0) * (p - before[i]);
      BOOST_TEST(std::abs(step - expected) <= 1e-8 * std::max(1.0, std::abs(expected)), "t " << t << " i " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(closed_form_on_the_saddle) {
  ObjectivePtr f = make_objective("saddle");
  ObjectiveOracle oracle(*f);
  const double eta = 0.5, fallback = 0.01;
  OptimizerPtr opt = make_optimizer("parabola_regression:lr=0.5,fallback_lr=0.01,max_step=100");
  opt->reset(2);
  Vec theta = vec({1.0, 1e-3});
  opt->step(theta, oracle);  // fallback: θ − 0.01·(2x, −2y)
  double x = 1.0 - 2.0 * fallback, y = 1e-3 * (1.0 + 2.0 * fallback);
  BOOST_TEST(std::abs(theta[0] - x) <= 1e-15);
  BOOST_TEST(std::abs(theta[1] - y) <= 1e-18);
  int escaped_at = 0;
  for (int k = 2; k <= 20; ++k) {
    opt->step(theta, oracle);
    x *= 1.0 - eta;
    y *= 1.0 + eta;
    // p_x = x̄ − ḡ/λ cancels: x̄ is dominated by older, larger x (weights (2β)^j grow), so the
    // rounding error is absolute, ~ε·x₀, while x_k itself shrinks like 2^{−k}.
    BOOST_TEST(std::abs(theta[0] - x) <= 1e-12 * std::abs(x) + 1e-15, "step " << k);
    BOOST_TEST(std::abs(theta[1] - y) <= 1e-12 * std::abs(y), "step " << k);
    BOOST_TEST(std::abs(opt->state("curvature")[1] + 2.0) <= 1e-9);
    if (escaped_at == 0 && std::abs(theta[1]) > 1.0) escaped_at = k;
  }
  // y₁ = 1.02e-3, then ×1.5 per step: |y| > 1 at step 1 + ⌈ln(1/1.02e-3)/ln 1.5⌉ = 18.
  BOOST_TEST(escaped_at == 18);
  BOOST_TEST(opt->state("counts")[1] == 2.0);  // the two fallback coordinates of step 1
}

BOOST_AUTO_TEST_CASE(recovers_curvature_and_minimum_of_a_noisy_parabola) {
  const double lambda_star = 2.0, p_star = 1.5, sigma = 0.1;
  const double beta = 0.995, probe = 0.1;
  auto rng = std::make_shared<Rng>(Rng::derived(20240607, 1));
  FunctionOracle oracle(1, [=](const Vec& theta, Vec& g) {
    const double d = theta[0] - p_star;
    g[0] = lambda_star * d + sigma * rng->normal();
    return 0.5 * lambda_star * d * d;
  });
  OptimizerPtr opt = make_optimizer("parabola_regression:lr=1,beta=0.995,probe=0.1");
  opt->reset(1);
  Vec theta = vec({0.0});
  for (int t = 0; t < 3000; ++t) opt->step(theta, oracle);
  // Standard errors of the weighted least-squares fit with n_eff = (1+β)/(1−β) = 399 pairs,
  // the regressor's spread std_w(θ) ≥ δ (the probe alternates the target by ±δ):
  //   se(λ) ≤ σ/(δ√n_eff) = 0.05,   se(p) ≈ σ/(λ*√n_eff) = 0.0025.
  const double n_eff = (1.0 + beta) / (1.0 - beta);
  const double se_lambda = sigma / (probe * std::sqrt(n_eff));
  const double se_p = sigma / (lambda_star * std::sqrt(n_eff));
  const double lambda = opt->state("curvature")[0], p = opt->state("target")[0];
  BOOST_TEST_MESSAGE("λ = " << lambda << " (se " << se_lambda << "), p = " << p << " (se " << se_p << ")");
  BOOST_TEST(std::abs(lambda - lambda_star) <= 4.0 * se_lambda, "λ = " << lambda);
  BOOST_TEST(std::abs(p - p_star) <= 4.0 * se_p, "p = " << p);
  BOOST_TEST(opt->state("var_theta")[0] >= 0.9 * probe * probe);
}

BOOST_AUTO_TEST_CASE(escapes_a_flat_saddle_where_gd_creeps) {
  ObjectivePtr f = make_objective("plateau_saddle:dim=2,flat=1,eps=-0.01");
  const int steps = 40;
  auto run = [&](const std::string& spec) {
    OptimizerPtr opt = make_optimizer(spec);
    opt->reset(2);
    ObjectiveOracle oracle(*f);
    Vec theta = vec({1e-3, 1.0});
    for (int k = 0; k < steps; ++k) opt->step(theta, oracle);
    return theta;
  };
  const Vec pr = run("parabola_regression:lr=0.5");
  const Vec gd = run("gd:lr=0.5");  // contraction 1 − 0.5 along the steep direction, as η = 0.5
  BOOST_TEST_MESSAGE("parabola_regression x = " << pr.transpose() << "; gd x = " << gd.transpose());
  BOOST_TEST(std::abs(pr[0]) > 0.5);
  // GD: x₀ ≈ 1e-3 (1 + 0.5·0.01)^40 = 1.22e-3 (the cubic terms are negligible at 1e-3).
  BOOST_TEST(std::abs(gd[0]) < 1.3e-3);
  BOOST_TEST(std::abs(gd[0] - 1e-3 * std::pow(1.005, steps)) <= 1e-6);
}

BOOST_AUTO_TEST_CASE(bad_keys) {
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:beta=1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:max_step=0"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:probe=-1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("parabola_regression:lr=0"), InputError);
}
