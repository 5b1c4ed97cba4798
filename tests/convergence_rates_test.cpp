// Convergence rates (analysis/convergence_rates.hpp): predicted rates against closed forms
// and dense eigenvalues of the iteration matrices, fitted rates of the library's optimizers
// against the predictions, fits against synthetic series with known parameters, the
// sublinear bounds against simulated runs, and the curvature range against a dense
// eigensolver.
#define BOOST_TEST_MODULE convergence_rates
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "optdyn/analysis/convergence_rates.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/registry.hpp"

using namespace optdyn;
using namespace optdyn::analysis;

namespace {

// ‖θ_t − θ*‖ for t = 0..steps under the optdyn optimizer `spec`.
std::vector<double> distances(const Objective& f, const Vec& star, Vec theta, const std::string& spec, long steps) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f);
  std::vector<double> d = {(theta - star).norm()};
  for (long k = 1; k <= steps; ++k) {
    opt->step(theta, oracle);
    d.push_back((theta - star).norm());
  }
  return d;
}

LinearRateFit fit_window(const std::vector<double>& d, long from, long to, double power = 1.0) {
  std::vector<double> t, y;
  for (long k = from; k <= to; ++k) t.push_back(static_cast<double>(k)), y.push_back(d[static_cast<std::size_t>(k)]);
  return fit_linear_rate(t, y, power);
}

// The largest |eigenvalue| of the explicit 2×2 block, by Eigen's general eigensolver.
double dense_radius(const Eigen::Matrix2d& m) { return m.eigenvalues().cwiseAbs().maxCoeff(); }

}  // namespace

// eigen_rate against the dense eigenvalues of the iteration matrices written out here from the
// update rules (heavy ball: Goh's R; Nesterov: the (v, θ − θ*) map of Sutskever's form).
BOOST_AUTO_TEST_CASE(block_radii_match_dense_eigenvalues) {
  for (double lambda : {0.01, 0.3, 1.0, 1.9, 3.5})
    for (double eta : {0.1, 0.5, 1.0})
      for (double mu : {0.0, 0.5, 0.9, 0.99}) {
        const double h = eta * lambda;
        Eigen::Matrix2d hb, nag;
        hb << mu, lambda, -eta * mu, 1.0 - h;
        nag << mu * (1.0 - h), h, -mu * (1.0 - h), 1.0 - h;
        BOOST_TEST(std::abs(eigen_rate({RateMethod::heavy_ball, eta, mu}, lambda) - dense_radius(hb)) < 1e-7);
        BOOST_TEST(std::abs(eigen_rate({RateMethod::nesterov, eta, mu}, lambda) - dense_radius(nag)) < 1e-7);
        BOOST_TEST(eigen_rate({RateMethod::gd, eta, mu}, lambda) == std::abs(1.0 - h));
      }
}

// The tunings give their closed-form rates over [μ, L] (max over a grid of 4097 curvatures).
BOOST_AUTO_TEST_CASE(optimal_tunings_give_closed_form_rates) {
  for (double kappa : {10.0, 1e2, 1e3, 1e4}) {
    const double mu = 0.5 / kappa, L = 0.5;
    BOOST_TEST(std::abs(predicted_rate(gd_optimal(mu, L), mu, L) - gd_optimal_rate(kappa)) < 1e-14);
    BOOST_TEST(std::abs(predicted_rate(heavy_ball_optimal(mu, L), mu, L) - heavy_ball_optimal_rate(kappa)) < 1e-6);
    BOOST_TEST(std::abs(predicted_rate(nesterov_optimal(mu, L), mu, L) - nesterov_optimal_rate(kappa)) < 1e-6);
    // Nesterov's standard tuning: slower than the optimum, faster than GD's optimum.
    const double standard = predicted_rate(nesterov_standard(mu, L), mu, L);
    BOOST_TEST(standard > nesterov_optimal_rate(kappa));
    BOOST_TEST(standard < gd_optimal_rate(kappa));
  }
}

// GD on a quadratic (rotated, κ = 20): the rate fitted to ‖θ_t − θ*‖ equals max|1 − ηλ| to 1e-3,
// for the optimal step, a short step and a step past the optimum (where the largest
// eigenvalue sets the rate).
BOOST_AUTO_TEST_CASE(gd_fitted_rate_equals_prediction) {
  ObjectivePtr f = make_objective("quadratic:dim=20,kappa=20,lmax=2,rotate=true,shift=1,seed=4");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  Rng rng(1);
  const Vec theta0 = rng.normal_vector(20);
  for (double eta : {2.0 / (2.0 + 0.1), 0.2, 0.9}) {
    const MethodParams p{RateMethod::gd, eta, 0.0};
    const double predicted = predicted_rate(p, q.eigenvalues());
    const long steps = static_cast<long>(std::ceil(std::log(1e-10) / std::log(predicted)));
    const auto d = distances(*f, q.minimizer(), theta0, optimizer_spec(p), steps);
    const LinearRateFit fit = fit_window(d, steps / 2, steps);
    BOOST_TEST_MESSAGE("gd eta " << eta << ": predicted " << predicted << ", fitted " << fit.rate << " ["
                                 << fit.rate_low << ", " << fit.rate_high << "]");
    BOOST_TEST(std::abs(fit.rate - predicted) < 1e-3);
    // The loss gap decays at ρ², so fitting it with power 2 gives ρ too.
    std::vector<double> t, gap;
    OptimizerPtr opt = make_optimizer(optimizer_spec(p));
    opt->reset(20);
    ObjectiveOracle oracle(*f);
    Vec theta = theta0;
    for (long k = 1; k <= steps; ++k) {
      opt->step(theta, oracle);
      if (k >= steps / 2) t.push_back(static_cast<double>(k)), gap.push_back(f->value(theta));
    }
    BOOST_TEST(std::abs(fit_linear_rate(t, gap, 2.0).rate - predicted) < 1e-3);
  }
}

// Heavy ball (optdyn momentum, classic) at Goh's optimal (α, β) on a κ = 100 quadratic whose
// spectrum includes both ends: the fit equals (√κ − 1)/(√κ + 1) to 1e-2 once t is large
// enough for the Jordan blocks' factor t to matter little (window t ∈ [150, 300]).
// Nesterov (standard tuning) likewise equals its 2×2 prediction.
BOOST_AUTO_TEST_CASE(momentum_fitted_rates_equal_predictions) {
  ObjectivePtr f = make_objective("quadratic:dim=30,kappa=100,lmax=1,rotate=true,seed=2");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  Rng rng(3);
  const Vec theta0 = rng.normal_vector(30);
  const double L = q.eigenvalues().maxCoeff(), mu = q.eigenvalues().minCoeff();
  const MethodParams hb = heavy_ball_optimal(mu, L);
  const auto d = distances(*f, q.minimizer(), theta0, optimizer_spec(hb), 300);
  const LinearRateFit fit = fit_window(d, 150, 300);
  BOOST_TEST_MESSAGE("heavy ball: predicted " << heavy_ball_optimal_rate(100) << ", fitted " << fit.rate);
  BOOST_TEST(std::abs(fit.rate - heavy_ball_optimal_rate(100.0)) < 1e-2);

  for (const MethodParams& p : {nesterov_standard(mu, L), nesterov_optimal(mu, L)}) {
    const double predicted = predicted_rate(p, q.eigenvalues());
    const auto dn = distances(*f, q.minimizer(), theta0, optimizer_spec(p), 400);
    const LinearRateFit fn = fit_window(dn, 200, 400);
    BOOST_TEST_MESSAGE("nesterov lr " << p.lr << " mu " << p.momentum << ": predicted " << predicted << ", fitted "
                                      << fn.rate);
    BOOST_TEST(std::abs(fn.rate - predicted) < 1e-2);
  }
}

// The log-linear fit recovers a known rate from a noisy synthetic series, and its 95% interval
// covers the truth in about 95% of 400 replicates (binomial: between 355 and 400).
BOOST_AUTO_TEST_CASE(linear_fit_interval_has_nominal_coverage) {
  const double rho = 0.97, sigma = 0.05;
  Rng rng(9);
  int covered = 0;
  for (int rep = 0; rep < 400; ++rep) {
    std::vector<double> t, y;
    for (int k = 0; k < 30; ++k) {
      t.push_back(k);
      y.push_back(2.0 * std::pow(rho, k) * std::exp(sigma * rng.normal()));
    }
    const LinearRateFit fit = fit_linear_rate(t, y);
    if (fit.rate_low <= rho && rho <= fit.rate_high) ++covered;
  }
  BOOST_TEST_MESSAGE("coverage " << covered << "/400");
  BOOST_TEST(covered >= 366);  // 95%: mean 380, sd 4.4; 366 is 3.2 sd below
  BOOST_TEST(covered <= 394);
  // Exact data: exact parameters.
  std::vector<double> t = {1, 2, 4, 8, 16}, y;
  for (double v : t) y.push_back(3.0 * std::pow(v, -1.5));
  const PowerLawFit p = fit_power_law(t, y);
  BOOST_TEST(std::abs(p.exponent + 1.5) < 1e-12);
  BOOST_TEST(std::abs(p.prefactor - 3.0) < 1e-12);
  BOOST_CHECK_THROW(fit_linear_rate(std::vector<double>{1, 2, 3}, std::vector<double>{1, 0, 1}), std::invalid_argument);
}

// Sublinear regime: Nesterov's worst-case quadratic (tridiagonal, Nesterov 2004 §2.1.2) in its
// eigenbasis. GD with η = 1/L stays below both bounds 2L r₀²/(t+1) (seed 003) and 2L r₀²/(t+4)
// (Nesterov). Its gap ½Σ_j λ_j c_j²(1 − λ_j)^{2t} decays like t^{−(a+2)} when the initial error's
// spectral measure is c_j² per eigenvalue ~ λ^a dλ near 0; here x* is a linear ramp, whose sine
// coefficients are c_j ~ 1/j, and λ_j ~ j², so c_j²/(dλ/dj) ~ j^{−3} ~ λ^{−3/2}: exponent −1/2
// (for t ≪ D², while the spectrum looks continuous). The O(1/t) bound holds only through its
// large r₀² ~ D/3.
BOOST_AUTO_TEST_CASE(gd_convex_bounds_hold_on_worst_case_quadratic) {
  const Index D = 2001;
  const double L = 1.0;
  Vec eigs(D), star(D);
  const double pi = std::acos(-1.0);
  // A = (L/4) tridiag(−1, 2, −1): eigenvalues (L/4)(2 − 2cos(jπ/(D+1))); f = ½xᵀAx − (L/4)x₁,
  // x* = A⁻¹(L/4)e₁ = (1 − i/(D+1))_i, and x₀ = 0. In the eigenbasis (sine vectors) x* has
  // components ⟨s_j, x*⟩.
  for (Index j = 1; j <= D; ++j) {
    eigs(j - 1) = 0.25 * L * (2.0 - 2.0 * std::cos(j * pi / (D + 1.0)));
    double c = 0.0;
    for (Index i = 1; i <= D; ++i)
      c += std::sqrt(2.0 / (D + 1.0)) * std::sin(i * j * pi / (D + 1.0)) * (1.0 - i / (D + 1.0));
    star(j - 1) = c;
  }
  Quadratic f(eigs, Mat(), star, "worst-case");
  const double r0_sq = star.squaredNorm();
  OptimizerPtr gd = make_optimizer("gd:lr=1");
  gd->reset(D);
  ObjectiveOracle oracle(f);
  Vec theta = Vec::Zero(D);
  std::vector<double> t, gap;
  for (int k = 1; k <= 100; ++k) {
    gd->step(theta, oracle);
    const double g = f.value(theta);
    BOOST_TEST(g <= gd_convex_bound_nesterov(L, r0_sq, k));
    BOOST_TEST(gd_convex_bound_nesterov(L, r0_sq, k) < gd_convex_bound_seed(L, r0_sq, k));
    if (k >= 10) t.push_back(k), gap.push_back(g);
  }
  const PowerLawFit p = fit_power_law(t, gap);
  BOOST_TEST_MESSAGE("GD on the worst-case quadratic: gap ~ t^" << p.exponent);
  BOOST_TEST(p.exponent < -0.45);
  BOOST_TEST(p.exponent > -0.55);
}

// curvature_range: exact for a Quadratic; for least squares (not a Quadratic) by
// extreme_eigenpairs, against the dense eigenvalues of AᵀA/n.
BOOST_AUTO_TEST_CASE(curvature_range_against_dense_eigenvalues) {
  ObjectivePtr q = make_objective("quadratic:dim=10,kappa=50,lmax=3");
  const CurvatureRange rq = curvature_range(*q, Vec::Zero(10));
  BOOST_TEST(rq.source == "quadratic");
  BOOST_TEST(std::abs(rq.L - 3.0) < 1e-15);
  BOOST_TEST(std::abs(rq.mu - 3.0 / 50) < 1e-15);

  ObjectivePtr f = make_objective("least_squares:n=200,dim=40,kappa=30,seed=1");
  const auto& ls = dynamic_cast<const LeastSquares&>(*f);
  const CurvatureRange r = curvature_range(*f, Vec::Zero(40));
  const Eigen::SelfAdjointEigenSolver<Mat> eig(ls.a().transpose() * ls.a() / 200.0);
  BOOST_TEST(std::abs(r.L - eig.eigenvalues().maxCoeff()) < 1e-9);
  BOOST_TEST(std::abs(r.mu - eig.eigenvalues().minCoeff()) < 1e-9);
  // And the predicted-vs-measured driver on it: GD at 2/(L + μ) to 1e-3, Nesterov (standard
  // tuning) to 1e-2.
  for (const MethodParams& p : {gd_optimal(r.mu, r.L), nesterov_standard(r.mu, r.L)}) {
    const RateComparison c = compare_rate(*f, ls.solution(), Vec::Ones(40), p, r, 10000);
    BOOST_TEST_MESSAGE("least squares, " << to_string(p.method) << ": predicted " << c.predicted << ", fitted "
                                         << c.measured.rate << " over " << c.steps << " steps");
    BOOST_TEST(c.reached);
    BOOST_TEST(std::abs(c.measured.rate - c.predicted) < (p.method == RateMethod::gd ? 1e-3 : 1e-2));
  }
}
