// SVAG (Li, Malladi & Arora 2021; lib/src/optimizers/svag.cpp):
//   θ ← θ − (η/l)[r₁g₁ + r₂g₂],  r₁,₂ = (1 ± √(2l−1))/2,  g₁, g₂ independent minibatch gradients.
// Checked against: sgd bit for bit (l = 1), a hand-computed step, the exact mean and covariance
// of one step over the sampler's distribution (every batch pair enumerated, against ∇F and the
// per-sample covariance Σ computed here), a Monte Carlo run of the real sampler, and the
// stationary covariance on the noisy quadratic model against the Lyapunov equations (solved
// here also by a Kronecker-product linear system, independently of analysis/lyapunov.cpp).
#define BOOST_TEST_MODULE svag
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>
#include <memory>
#include <numeric>
#include <vector>

#include "optdyn/analysis/lyapunov.hpp"
#include "optdyn/analysis/mean_estimate.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/limits/continuous_limit.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/noisy_quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/svag.hpp"
#include "support/input_errors.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

std::string svag_spec(double lr, double l) {
  return "svag:lr=" + std::to_string(lr) + ",l=" + std::to_string(l);
}

// Per-sample gradients g_i(θ) (columns) of a finite sum.
Mat per_sample_gradients(const Objective& f, const Vec& theta) {
  Mat g(f.dim(), f.num_samples());
  for (Index i = 0; i < f.num_samples(); ++i) {
    const std::vector<Index> one{i};
    Vec gi;
    f.batch_value_and_gradient(theta, one, gi);
    g.col(i) = gi;
  }
  return g;
}

// Σ = (1/n) Σ_i (g_i − ḡ)(g_i − ḡ)ᵀ.
Mat population_covariance(const Mat& g) {
  const Mat c = g.colwise() - g.rowwise().mean();
  return c * c.transpose() / static_cast<double>(g.cols());
}

// Mean and covariance of the equally likely outcomes (columns).
std::pair<Vec, Mat> moments(const Mat& x) {
  const Vec mean = x.rowwise().mean();
  const Mat c = x.colwise() - mean;
  return {mean, c * c.transpose() / static_cast<double>(x.cols())};
}

// An oracle that returns, call after call, the batch gradients of the batches in `script`.
FunctionOracle scripted_oracle(const Objective& f, std::vector<std::vector<Index>> script) {
  auto next = std::make_shared<std::size_t>(0);
  return FunctionOracle(f.dim(), [&f, script, next](const Vec& theta, Vec& g) {
    return f.batch_value_and_gradient(theta, script.at((*next)++), g);
  });
}

// θ₁ after one fresh step of `spec` on `oracle`.
Vec step_once(const std::string& spec, Oracle& oracle, const Vec& theta0) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(theta0.size());
  Vec theta = theta0;
  opt->step(theta, oracle);
  return theta;
}

// Every ordered B-tuple of indices in 0..n−1 (the batches of sampling with replacement).
std::vector<std::vector<Index>> all_tuples(Index n, Index b) {
  std::vector<std::vector<Index>> out{{}};
  for (Index k = 0; k < b; ++k) {
    std::vector<std::vector<Index>> longer;
    for (const auto& t : out)
      for (Index i = 0; i < n; ++i) {
        longer.push_back(t);
        longer.back().push_back(i);
      }
    out = std::move(longer);
  }
  return out;
}

// AX + XA = Q and X = MXM + Q (M = I − hA) by vec(AXB) = (Bᵀ ⊗ A) vec X: dense linear solves.
Mat kronecker(const Mat& a, const Mat& b) {
  Mat k(a.rows() * b.rows(), a.cols() * b.cols());
  for (Index i = 0; i < a.rows(); ++i)
    for (Index j = 0; j < a.cols(); ++j) k.block(i * b.rows(), j * b.cols(), b.rows(), b.cols()) = a(i, j) * b;
  return k;
}
Mat vec_solve(const Mat& op, const Mat& q) {
  const Index d = q.rows();
  const Vec x = op.fullPivLu().solve(Eigen::Map<const Vec>(q.data(), d * d));
  return Eigen::Map<const Mat>(x.data(), d, d);
}
Mat lyapunov_by_kronecker(const Mat& a, const Mat& q) {
  const Mat i = Mat::Identity(a.rows(), a.cols());
  return vec_solve(kronecker(i, a) + kronecker(a, i), q);
}
Mat discrete_lyapunov_by_kronecker(const Mat& a, double h, const Mat& q) {
  const Mat i = Mat::Identity(a.rows(), a.cols()), m = i - h * a;
  return vec_solve(Mat::Identity(a.size(), a.size()) - kronecker(m, m), q);
}

}  // namespace

BOOST_AUTO_TEST_CASE(l_one_is_sgd_bit_for_bit) {
  const auto f = make_least_squares({.n = 20, .dim = 3, .noise = 0.3, .seed = 1});
  for (Sampling mode : {Sampling::shuffle, Sampling::replacement}) {
    ObjectiveOracle o1(*f, 4, mode, 7), o2(*f, 4, mode, 7);
    OptimizerPtr sgd = make_optimizer("sgd:lr=0.05"), svag = make_optimizer("svag:lr=0.05,l=1");
    sgd->reset(3);
    svag->reset(3);
    Vec a = Vec::Ones(3), b = Vec::Ones(3);
    for (int k = 0; k < 40; ++k) {
      sgd->step(a, o1);
      svag->step(b, o2);
      BOOST_REQUIRE(a == b);  // bitwise
    }
    BOOST_TEST(o1.calls() == o2.calls());  // the same sampler stream: one batch per step
  }
}

BOOST_AUTO_TEST_CASE(one_step_by_hand) {
  // l = 5: √9 = 3, r₁ = 2, r₂ = −1; η/l = 0.1. g₁ = (1, −2, 0.5), g₂ = (0.5, 1, 0):
  // θ₁ = θ₀ − 0.1·(2g₁ − g₂) = (1, 0, −1) − 0.1·(1.5, −5, 1) = (0.85, 0.5, −1.1).
  const auto th = trajectory("svag:lr=0.5,l=5", vec({1, 0, -1}), 1);
  BOOST_TEST(mixed_error(th[1], vec({0.85, 0.5, -1.1})) < 1e-15);
  // Full batch (deterministic oracle): g₂ = g₁, the step is GD with step η/l, one gradient per step.
  const ObjectivePtr q = make_objective("quadratic:dim=4,kappa=10,seed=2");
  ObjectiveOracle full(*q);
  OptimizerPtr svag = make_optimizer("svag:lr=0.4,l=4");
  svag->reset(4);
  Vec theta = Vec::Ones(4), gd = theta;
  for (int k = 0; k < 10; ++k) {
    svag->step(theta, full);
    gd -= 0.1 * q->gradient(gd);
  }
  BOOST_TEST(mixed_error(theta, gd) < 1e-14);
  BOOST_TEST(full.calls() == 10u);
}

// Sampling with replacement, n = 4, B = 2: the 16 × 16 equally likely (batch₁, batch₂) pairs.
// Exact: E θ₁ = θ₀ − (η/l)∇F(θ₀), Cov θ₁ = (η/l)²·l·Σ/B = (η²/l)Σ/B.
BOOST_AUTO_TEST_CASE(one_step_moments_by_enumeration) {
  const auto f = make_least_squares({.n = 4, .dim = 2, .noise = 0.5, .seed = 3});
  const Vec theta0 = vec({0.3, -0.7});
  const Mat g = per_sample_gradients(*f, theta0);
  const Vec grad = g.rowwise().mean();
  const Mat sigma_b = population_covariance(g) / 2.0;
  const auto batches = all_tuples(4, 2);
  const double eta = 0.3;
  for (double l : {1.0, 2.0, 4.5, 16.0}) {
    Mat outcomes(2, static_cast<Index>(batches.size() * batches.size()));
    Index k = 0;
    for (const auto& b1 : batches)
      for (const auto& b2 : batches) {
        FunctionOracle oracle = scripted_oracle(*f, {b1, b2});
        outcomes.col(k++) = step_once(svag_spec(eta, l), oracle, theta0);
      }
    const auto [mean, cov] = moments(outcomes);
    BOOST_TEST_CONTEXT("l = " << l) {
      BOOST_TEST(mixed_error(mean, theta0 - eta / l * grad) < 1e-14);
      BOOST_TEST((cov - eta * eta / l * sigma_b).norm() <= 1e-13 * sigma_b.norm());
    }
  }
}

// Shuffle, n = 4, B = 2: one step takes both halves of one permutation (24 equally likely),
// disjoint batches with Cov(g₁, g₂) = C = −Σ/(n−1) and V = Var g_i = (Σ/B)(n−B)/(n−1), so
// Cov θ₁ = (η/l)²[(r₁² + r₂²)V + 2r₁r₂C] = (η/l)²[lV + (1−l)C] — not SVAG's (η²/l)Σ/B
// (svag.cpp, "Conventions"; why the SDE limit of svag needs sampling=replacement).
BOOST_AUTO_TEST_CASE(shuffled_batches_are_correlated) {
  const auto f = make_least_squares({.n = 4, .dim = 2, .noise = 0.5, .seed = 3});
  const Vec theta0 = vec({0.3, -0.7});
  const Mat sigma = population_covariance(per_sample_gradients(*f, theta0));
  std::vector<Index> p{0, 1, 2, 3};
  Mat outcomes(2, 24);
  const double eta = 0.3, l = 4.0;
  Index k = 0;
  do {
    FunctionOracle oracle = scripted_oracle(*f, {{p[0], p[1]}, {p[2], p[3]}});
    outcomes.col(k++) = step_once(svag_spec(eta, l), oracle, theta0);
  } while (std::next_permutation(p.begin(), p.end()));
  const Mat v = sigma / 2.0 * (2.0 / 3.0), c = -sigma / 3.0;
  const Mat expected = (eta / l) * (eta / l) * (l * v + (1.0 - l) * c);
  BOOST_TEST((moments(outcomes).second - expected).norm() <= 1e-13 * expected.norm());
}

// The real sampler (replacement): 40,000 steps from one θ₀ draw fresh independent batch pairs;
// mean and covariance of θ₁ against the exact values, within 5 standard errors.
BOOST_AUTO_TEST_CASE(sampler_draws_independent_batches) {
  const auto f = make_least_squares({.n = 4, .dim = 2, .noise = 0.5, .seed = 3});
  const Vec theta0 = vec({0.3, -0.7});
  const Mat g = per_sample_gradients(*f, theta0);
  const double eta = 0.3, l = 4.0;
  const Vec mean = theta0 - eta / l * g.rowwise().mean();
  const Mat cov = eta * eta / l * population_covariance(g) / 2.0;
  ObjectiveOracle oracle(*f, 2, Sampling::replacement, 11);
  OptimizerPtr opt = make_optimizer(svag_spec(eta, l));
  opt->reset(2);
  const int m = 40000;
  std::vector<std::vector<double>> coordinate(2), product(3);  // θ₁ − mean; (00, 01, 11) products
  for (int k = 0; k < m; ++k) {
    Vec theta = theta0;
    opt->step(theta, oracle);
    const Vec d = theta - mean;
    coordinate[0].push_back(d[0]);
    coordinate[1].push_back(d[1]);
    product[0].push_back(d[0] * d[0]);
    product[1].push_back(d[0] * d[1]);
    product[2].push_back(d[1] * d[1]);
  }
  BOOST_TEST(oracle.calls() == 2u * m);
  for (int i = 0; i < 2; ++i) {
    const auto e = analysis::estimate_mean(coordinate[i]);
    BOOST_TEST(std::abs(e.mean) <= 5 * e.std_error, "coordinate " << i << ": " << e.mean << " ± " << e.std_error);
  }
  const double want[3] = {cov(0, 0), cov(0, 1), cov(1, 1)};
  for (int i = 0; i < 3; ++i) {
    const auto e = analysis::estimate_mean(product[i]);
    BOOST_TEST(std::abs(e.mean - want[i]) <= 5 * e.std_error, "entry " << i << ": " << e.mean << " vs " << want[i]);
  }
}

BOOST_AUTO_TEST_CASE(lyapunov_solvers_match_kronecker_solves) {
  const auto f = make_noisy_quadratic({.quadratic = {.dim = 3, .kappa = 5, .seed = 4}, .n = 10});
  const Mat a = f->quadratic().matrix(), q = f->gradient_covariance();
  const Mat x = analysis::solve_continuous_lyapunov(a, q);
  BOOST_TEST((x - lyapunov_by_kronecker(a, q)).norm() <= 1e-12 * x.norm());
  BOOST_TEST((a * x + x * a - q).norm() <= 1e-12 * q.norm());
  const Mat xd = analysis::solve_discrete_lyapunov(a, 0.3, q);
  BOOST_TEST((xd - discrete_lyapunov_by_kronecker(a, 0.3, q)).norm() <= 1e-12 * xd.norm());
  BOOST_CHECK_THROW(analysis::solve_discrete_lyapunov(a, 2.5, q), std::invalid_argument);  // |1 − hλ| > 1
}

// Noisy quadratic (gradient noise Σ = ASA at every θ), B = 1, η = 0.5, λ = 1 and 0.5. SVAG at l
// is the linear recursion θ ← (I − hA)θ + ξ with h = η/l and Cov ξ = h²·l·Σ = h·ηΣ, so its
// stationary covariance is X_l = discrete Lyapunov(A, h, hηΣ) exactly, and X_l → X_∞,
// AX_∞ + X_∞A = ηΣ (the SDE's), with relative error O(h). Estimate: R independent runs from θ*,
// each the time average of θθᵀ over [T_burn, T_burn + T]; Student-t across runs.
BOOST_AUTO_TEST_CASE(stationary_covariance_tends_to_the_sde_lyapunov_solution) {
  const auto f = make_noisy_quadratic({.quadratic = {.eigs = {1.0, 0.5}, .seed = 3}, .n = 50, .noise = 1.0});
  const Mat a = f->quadratic().matrix(), sigma = f->gradient_covariance();
  const double eta = 0.5, t_burn = 20, t_avg = 400;
  const Mat x_sde = analysis::solve_continuous_lyapunov(a, eta * sigma);
  const int runs = 160;
  double previous_gap = 1e300;
  for (double l : {1.0, 4.0, 16.0}) {
    const double h = eta / l;
    const Mat x_l = analysis::solve_discrete_lyapunov(a, h, h * eta * sigma);
    const auto burn = static_cast<long>(std::lround(t_burn / h)), avg = static_cast<long>(std::lround(t_avg / h));
    std::vector<std::vector<double>> entries(3);  // 00, 01, 11 of each run's time average
    for (int r = 0; r < runs; ++r) {
      ObjectiveOracle oracle(*f, 1, Sampling::replacement, Rng::derived(5, static_cast<std::uint64_t>(r)).bits());
      OptimizerPtr opt = make_optimizer(svag_spec(eta, l));
      opt->reset(2);
      Vec theta = f->quadratic().minimizer();
      Mat sum = Mat::Zero(2, 2);
      for (long k = 0; k < burn + avg; ++k) {
        opt->step(theta, oracle);
        if (k >= burn) sum += theta * theta.transpose();
      }
      sum /= static_cast<double>(avg);
      entries[0].push_back(sum(0, 0));
      entries[1].push_back(sum(0, 1));
      entries[2].push_back(sum(1, 1));
    }
    const Index rows[3] = {0, 0, 1}, cols[3] = {0, 1, 1};
    double gap = 0.0;  // max relative gap of the estimate to the SDE's covariance
    for (int i = 0; i < 3; ++i) {
      const auto e = analysis::estimate_mean(entries[i], 0.999);
      const double exact = x_l(rows[i], cols[i]), sde = x_sde(rows[i], cols[i]);
      BOOST_TEST_MESSAGE("l=" << l << " entry " << i << ": " << e.mean << " [" << e.low << ", " << e.high
                              << "], discrete " << exact << ", SDE " << sde);
      BOOST_TEST((e.low <= exact && exact <= e.high), "l = " << l << ", entry " << i);
      if (l == 1.0 && i != 1) BOOST_TEST(e.low > sde, "SGD's O(η) excess over the SDE is resolved, entry " << i);
      gap = std::max(gap, std::abs(e.mean - sde) / x_sde.norm());
    }
    // The exact gap shrinks like h: (X_l − X_∞)/h is bounded (here by the O(h) term's size).
    BOOST_TEST((x_l - x_sde).norm() / x_sde.norm() <= 0.6 * h);
    BOOST_TEST(gap < previous_gap, "l = " << l << ": " << gap);
    previous_gap = gap;
  }
}

BOOST_AUTO_TEST_CASE(stochastic_limit_of_svag) {
  const ContinuousLimit c = stochastic_limit("svag:lr=0.2,l=8", 4, Sampling::replacement);
  BOOST_TEST(c.time_per_step == 0.2 / 8);
  BOOST_TEST(c.flow.find("sgd_sde:lr=0.2,batch=4") == 0u, c.flow);
  BOOST_TEST(c.modified_flow.empty());
  expect_input_error([] { stochastic_limit("svag:lr=0.2,l=8", 4, Sampling::shuffle); }, {"svag", "replacement"});
}

BOOST_AUTO_TEST_CASE(bad_input_names_the_key) {
  expect_input_error([] { make_optimizer("svag:l=0.5"); }, {"'l'"});
  expect_input_error([] { make_optimizer("svag:lr=0"); }, {"'lr'"});
  expect_input_error([] { make_svag({.l = 0.9}); }, {"'l'"});
  expect_input_error([] { make_optimizer("svag:lr=0.1,l=2|clip_norm:max=1"); }, {"svag", "clip_norm"});
}
