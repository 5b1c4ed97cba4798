// Tests of the Chebyshev-filter saddle index (analysis/: chebyshev_filter, chebyshev_moments,
// eigenvalue_count). Independent references: numerical quadrature of the Jackson kernel, the
// moments from an eigendecomposition, and dense eigenvalue counts. The coverage tests count,
// over 50 probe seeds, how often the stated interval misses the dense truth, and fail when the
// misses exceed what the stated level allows (binomial tolerance).
#define BOOST_TEST_MODULE eigenvalue_count
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>

#include "optdyn/analysis/chebyshev_filter.hpp"
#include "optdyn/analysis/chebyshev_moments.hpp"
#include "optdyn/analysis/eigenvalue_count.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/analysis/probe_statistics.hpp"
#include "optdyn/analysis/saddle_index.hpp"
#include "optdyn/core/random_orthogonal.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/data/fashion_mnist.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"

using namespace optdyn;
using namespace optdyn::analysis;
using std::numbers::pi;

namespace {

// The dense truth at the estimate's τ, as fractions of D.
struct Truth {
  double negative, near_zero, positive;
};

Truth dense_truth(const Vec& eigenvalues, double tau) {
  const double d = static_cast<double>(eigenvalues.size());
  const SaddleIndex s = saddle_index(eigenvalues, tau);
  return {s.negative / d, s.near_zero / d, s.positive / d};
}

bool covers(const MassInterval& m, double truth) { return m.low <= truth && truth <= m.high; }

Vec eigenvalues_of(const Mat& a) { return Eigen::SelfAdjointEigenSolver<Mat>(a, Eigen::EigenvaluesOnly).eigenvalues(); }

// Misses allowed out of n trials at a miss rate p = 1 − level: the smallest k with
// P(Binomial(n, p) > k) ≤ 0.005.
int allowed_misses(int n, double p) {
  double tail = 1.0, pmf = std::pow(1.0 - p, n);
  for (int k = 0; k <= n; ++k) {
    tail -= pmf;
    if (tail <= 0.005) return k;
    pmf *= (n - k) / static_cast<double>(k + 1) * p / (1.0 - p);
  }
  return n;
}

struct Coverage {
  int runs = 0, miss_negative = 0, miss_near_zero = 0, miss_positive = 0, unresolved = 0;
  double width_negative = 0.0;  // summed interval widths of the negative mass
};

// estimate_index over `seeds` probe seeds on a dense matrix; the truth recomputed at each τ.
Coverage coverage(const Mat& a, const IndexEstimateOptions& o, int seeds) {
  DenseSymmetricOperator op(a);
  const Vec l = eigenvalues_of(a);
  Coverage c;
  for (int seed = 0; seed < seeds; ++seed) {
    Rng rng(1000 + seed);
    const IndexEstimate e = estimate_index(op, o, rng);
    const Truth t = dense_truth(l, e.tau);
    ++c.runs;
    c.miss_negative += !covers(e.negative, t.negative);
    c.miss_near_zero += !covers(e.near_zero, t.near_zero);
    c.miss_positive += !covers(e.positive, t.positive);
    c.unresolved += !e.resolved;
    c.width_negative += e.negative.high - e.negative.low;
  }
  return c;
}

void check_coverage(const Coverage& c, double level, const std::string& what) {
  const int allowed = allowed_misses(c.runs, 1.0 - level);
  BOOST_TEST_MESSAGE(what << ": misses negative " << c.miss_negative << ", near zero " << c.miss_near_zero
                          << ", positive " << c.miss_positive << " of " << c.runs << " (allowed " << allowed
                          << "), unresolved " << c.unresolved << ", mean width of the negative interval "
                          << c.width_negative / c.runs);
  BOOST_TEST(c.miss_negative <= allowed);
  BOOST_TEST(c.miss_near_zero <= allowed);
  BOOST_TEST(c.miss_positive <= allowed);
}

// Q diag(values) Qᵀ with a Haar-random Q (so that Rademacher probes see a non-diagonal matrix).
Mat with_spectrum(const Vec& values, std::uint64_t seed) {
  Rng rng(seed);
  const Mat q = haar_orthogonal(values.size(), rng);
  return q * values.asDiagonal() * q.transpose();
}

}  // namespace

// --- the filters ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(jackson_tail_mass_equals_quadrature_of_the_kernel) {
  for (Index n : {10, 100, 400}) {
    const Vec g = jackson_coefficients(n);
    BOOST_TEST(g[0] == 1.0, boost::test_tools::tolerance(1e-14));
    // K(u) = 1 + 2 Σ g_k cos ku ≥ 0 and T(δ) = (1/π) ∫_δ^π K(u) du by the midpoint rule.
    // K(u) = 1 + 2 Σ g_k cos ku ≥ 0, and T(δ) = (1/π) ∫_δ^π K(u) du by the midpoint rule.
    auto kernel = [&](double u) {
      double k = 1.0;
      for (Index j = 1; j <= n; ++j) k += 2.0 * g[j] * std::cos(static_cast<double>(j) * u);
      return k;
    };
    auto tail = [&](double delta) {
      const int m = 50000;
      const double h = (pi - delta) / m;
      double sum = 0.0;
      for (int i = 0; i < m; ++i) sum += kernel(delta + (i + 0.5) * h) * h;
      return sum / pi;
    };
    BOOST_TEST(tail(0.0) == 1.0, boost::test_tools::tolerance(1e-8));
    double min_kernel = 1.0;
    for (int i = 0; i <= 5000; ++i) min_kernel = std::min(min_kernel, kernel(pi * i / 5000.0));
    BOOST_TEST(min_kernel >= -1e-10);  // positivity (Weiße et al. 2006)
    for (double delta : {0.01, 0.1, 0.5, 2.0})
      BOOST_TEST(std::abs(jackson_tail_mass(g, delta) - tail(delta)) <= 2e-5);  // midpoint rule's error
    // The margin: T(δ_ε) ≤ ε, and shrinking like 1/N.
    const double d = jackson_margin(g, 1e-3);
    BOOST_TEST(jackson_tail_mass(g, d) <= 1e-3);
    BOOST_TEST(jackson_tail_mass(g, d - 1e-6) > 1e-3);
    BOOST_TEST_MESSAGE("N = " << n << ": delta_eps(1e-3) = " << d << " = " << d * n << "/N");
  }
  BOOST_TEST(jackson_margin(jackson_coefficients(400), 1e-3) * 400 <=
             1.2 * jackson_margin(jackson_coefficients(100), 1e-3) * 100);
}

// The two inequalities that make the bracket exact (chebyshev_filter.hpp), on a fine grid.
BOOST_AUTO_TEST_CASE(filters_stay_within_their_tail_bounds) {
  const Index n = 120;
  const Vec g = jackson_coefficients(n);
  for (double theta_s : {0.0, 0.3, 1.2, 2.9, pi}) {
    const Vec f = jackson_step_filter(theta_s, g);
    for (int i = 0; i <= 3000; ++i) {
      const double theta = pi * i / 3000.0;
      const double phi = chebyshev_series(f, std::cos(theta));
      BOOST_TEST(phi >= -1e-12);
      BOOST_TEST(phi <= 1.0 + 1e-12);
      if (theta >= theta_s) BOOST_TEST(1.0 - phi <= jackson_tail_mass(g, theta - theta_s) + 1e-12);
      if (theta <= theta_s) BOOST_TEST(phi <= jackson_tail_mass(g, theta_s - theta) + 1e-12);
    }
  }
  // Undamped coefficients against the step's Chebyshev projection by quadrature (k = 3).
  const Vec c = step_coefficients(1.0, 5);
  double integral = 0.0;
  const int m = 100000;
  for (int i = 0; i < m; ++i) {
    const double theta = 1.0 + (pi - 1.0) * (i + 0.5) / m;  // x ≤ cos 1 ⇔ θ ≥ 1
    integral += std::cos(3.0 * theta) * (pi - 1.0) / m;
  }
  BOOST_TEST(c[3] == 2.0 / pi * integral, boost::test_tools::tolerance(1e-8));
}

BOOST_AUTO_TEST_CASE(moments_equal_those_of_the_eigendecomposition) {
  Vec spectrum(80);
  for (Index i = 0; i < 80; ++i) spectrum[i] = -2.0 + 5.0 * i / 79.0;
  const Mat a = with_spectrum(spectrum, 3);
  DenseSymmetricOperator op(a);
  Rng rng(4);
  const SpectralInterval s = spectral_interval(op, 20, 0.01, rng);
  BOOST_TEST(s.lower <= -2.0);
  BOOST_TEST(s.upper >= 3.0);
  BOOST_TEST(s.upper - s.lower <= 1.2 * 5.0);
  const Vec z = rademacher(80, rng);
  const Index degree = 41;  // odd: ⌈N/2⌉ = 21 products
  const std::uint64_t before = op.products();
  const Vec mu = chebyshev_moments(op, s, z, degree);
  BOOST_TEST(op.products() - before == 21u);
  BOOST_REQUIRE(mu.size() == degree + 1);
  BOOST_TEST(bounded(mu));
  Eigen::SelfAdjointEigenSolver<Mat> es(a);
  const Vec w2 = (es.eigenvectors().transpose() * z).array().square();
  for (Index k = 0; k <= degree; ++k) {
    double ref = 0.0;
    for (Index i = 0; i < 80; ++i)
      ref += w2[i] * std::cos(static_cast<double>(k) * std::acos((es.eigenvalues()[i] - s.center()) / s.half_width()));
    BOOST_TEST(mu[k] == ref, boost::test_tools::tolerance(1e-10 * 80));
  }
  // An interval too narrow is detected by the moments.
  SpectralInterval narrow = s;
  narrow.upper = 2.0;
  BOOST_TEST(!bounded(chebyshev_moments(op, narrow, z, 60)));
}

// --- coverage on matrices with known spectra ---------------------------------------------------

IndexEstimateOptions coverage_options() {
  IndexEstimateOptions o;
  o.degree = 200;
  o.probes = 10;
  o.level = 0.9;
  return o;
}

BOOST_AUTO_TEST_CASE(diagonal_with_a_big_zero_cluster_covers_across_probe_seeds) {
  // 40% exact zeros, 20% negative in [−3, −1], 40% positive in [1, 3]; rotated. Degree 400
  // resolves the gaps: τ ≈ 0.5 and the bands at −τ reach about −0.7.
  const Index d = 200;
  Vec spectrum(d);
  Rng rng(5);
  for (Index i = 0; i < d; ++i) spectrum[i] = i < 80 ? 0.0 : i < 120 ? -rng.uniform(1.0, 3.0) : rng.uniform(1.0, 3.0);
  IndexEstimateOptions o = coverage_options();
  o.degree = 400;
  const Coverage c = coverage(with_spectrum(spectrum, 6), o, 50);
  check_coverage(c, o.level, "zero cluster");
  BOOST_TEST(c.unresolved == 0);  // the gaps exceed the resolution: every run resolved
  BOOST_TEST(c.width_negative / c.runs <= 0.06);  // and informative
  // One run in detail: the values near the truth 0.2 / 0.4 / 0.4.
  Rng one(7);
  DenseSymmetricOperator op(with_spectrum(spectrum, 6));
  const IndexEstimate e = estimate_index(op, o, one);
  BOOST_TEST_MESSAGE("tau " << e.tau << " (resolution " << e.tau_resolution << "), negative " << e.negative.value
                            << " [" << e.negative.low << ", " << e.negative.high << "], near zero "
                            << e.near_zero.value << " [" << e.near_zero.low << ", " << e.near_zero.high << "]");
  BOOST_TEST(e.tau < 0.7);
  BOOST_TEST(std::abs(e.near_zero.value - 0.4) <= 0.05);
  BOOST_TEST(e.products == 30u + 10u * 200u);
}

BOOST_AUTO_TEST_CASE(marchenko_pastur_with_zero_mass_covers_across_probe_seeds) {
  // W = XᵀX/N, X: N × D with N = D/2: half the eigenvalues are 0, the rest follow
  // Marchenko–Pastur on [(1 − √c)², (1 + √c)²]·c... (here c = D/N = 2, nonzero part of XXᵀ/N).
  const Index d = 300, n = 150;
  Rng rng(8);
  const Mat x = rng.normal_matrix(n, d);
  const Mat w = x.transpose() * x / static_cast<double>(n);
  const IndexEstimateOptions o = coverage_options();
  const Coverage c = coverage(w, o, 50);
  check_coverage(c, o.level, "Marchenko-Pastur");
  Rng one(9);
  DenseSymmetricOperator op(w);
  const IndexEstimate e = estimate_index(op, o, one);
  BOOST_TEST_MESSAGE("MP: tau " << e.tau << ", negative [" << e.negative.low << ", " << e.negative.high
                                << "], near zero " << e.near_zero.value << " [" << e.near_zero.low << ", "
                                << e.near_zero.high << "], " << (e.resolved ? "resolved" : e.message));
  BOOST_TEST(e.negative.low == 0.0);
  BOOST_TEST(e.negative.high <= 0.02);
  BOOST_TEST(e.near_zero.high >= 0.5);  // the zero half at least (plus MP mass below τ)
}

BOOST_AUTO_TEST_CASE(goe_semicircle_covers_and_reports_its_band_mass) {
  // GOE, semicircle on [−2, 2]: continuous density at 0, so the bands at ±τ hold mass
  // ≈ ρ(±τ)·(band width) — reported as ambiguity, and "unresolved" when above the budget.
  const Index d = 300;
  Rng rng(10);
  const Mat g = rng.normal_matrix(d, d);
  const Mat a = (g + g.transpose()) / std::sqrt(2.0 * d);
  IndexEstimateOptions o = coverage_options();
  const Coverage c = coverage(a, o, 50);
  check_coverage(c, o.level, "GOE");
  BOOST_TEST(c.unresolved == c.runs);  // a continuous density at ±τ: the bands hold ~5% > 1%
  Rng one(11);
  DenseSymmetricOperator op(a);
  const IndexEstimate e = estimate_index(op, o, one);
  BOOST_TEST(e.message.find("unresolved") != std::string::npos);
  BOOST_TEST(e.negative.ambiguity > o.budget);
  // The semicircle is symmetric: the central estimates of the two sides agree.
  const Truth t = dense_truth(eigenvalues_of(a), e.tau);
  BOOST_TEST(std::abs(e.negative.value - t.negative) <= 0.05);
  BOOST_TEST(std::abs(e.negative.value - e.positive.value) <= 0.05);
}

BOOST_AUTO_TEST_CASE(requested_tau_below_resolution_is_raised_and_said) {
  Vec spectrum = Vec::LinSpaced(100, -1.0, 1.0);
  DenseSymmetricOperator op(with_spectrum(spectrum, 12));
  IndexEstimateOptions o = coverage_options();
  o.tau = 1e-9;
  Rng rng(13);
  const IndexEstimate e = estimate_index(op, o, rng);
  BOOST_TEST(e.tau == e.tau_resolution);
  BOOST_TEST(e.tau_requested == 1e-9);
  BOOST_TEST(e.message.find("tau raised") != std::string::npos);
  o.tau = 0.6;  // above the resolution: kept
  Rng rng2(13);
  const IndexEstimate e2 = estimate_index(op, o, rng2);
  BOOST_TEST(e2.tau == 0.6);
  o.probes = 1;
  BOOST_CHECK_THROW(estimate_index(op, o, rng2), std::invalid_argument);
}

// --- networks with large null spaces, against their dense spectra -----------------------------

void check_network(const std::string& spec, const IndexEstimateOptions& o, int seeds) {
  ObjectivePtr f = make_objective(spec);
  const Vec theta = initial_point("init:gaussian,seed=0", *f);
  HessianOperator op(*f, theta);
  const Vec l = eigenvalues_of(symmetric_part(op.dense()));
  int misses = 0, unresolved = 0;
  for (int seed = 0; seed < seeds; ++seed) {
    Rng rng(seed);
    const IndexEstimate e = estimate_index(op, o, rng);
    const Truth t = dense_truth(l, e.tau);
    const bool ok = covers(e.negative, t.negative) && covers(e.near_zero, t.near_zero) && covers(e.positive, t.positive);
    misses += !ok;
    unresolved += !e.resolved;
    if (seed == 0)
      BOOST_TEST_MESSAGE(spec << " D = " << l.size() << ": tau " << e.tau << ", index " << e.negative.value << " ["
                              << e.negative.low << ", " << e.negative.high << "] vs dense " << t.negative
                              << "; near zero " << e.near_zero.value << " [" << e.near_zero.low << ", "
                              << e.near_zero.high << "] vs " << t.near_zero << "; dense index at 1e-8 band "
                              << dense_truth(l, 1e-8 * l.cwiseAbs().maxCoeff()).negative << "; "
                              << (e.resolved ? "resolved" : e.message) << "; " << e.products << " HVPs");
  }
  // Each of the three intervals misses with probability ≤ 1 − level: all three ≤ 3(1 − level).
  BOOST_TEST(misses <= allowed_misses(seeds, std::min(1.0, 3.0 * (1.0 - o.level))));
  BOOST_TEST_MESSAGE("  misses " << misses << " of " << seeds << ", unresolved " << unresolved);
}

BOOST_AUTO_TEST_CASE(small_mlp_with_a_null_space_covers_the_dense_index) {
  // 40 inputs, 25 samples: (40 − 25)·8 first-layer null directions among D = 371.
  IndexEstimateOptions o;
  o.degree = 300;
  o.probes = 10;
  o.level = 0.9;
  check_network("mlp:data=gaussian,n=25,widths=40-8-3,act=tanh,loss=ce,targets=labels", o, 20);
}

BOOST_AUTO_TEST_CASE(fashion_mnist_784_2_10_on_100_images_covers_the_dense_index) {
  if (!std::filesystem::exists(std::string(kFashionMnistDefaultDir) + "/train-images-idx3-ubyte.gz")) {
    BOOST_TEST_MESSAGE("skipped: Fashion-MNIST not installed (Debian package dataset-fashion-mnist)");
    return;
  }
  IndexEstimateOptions o;
  o.degree = 400;
  o.probes = 10;
  o.level = 0.9;
  check_network("mlp:data=fashion-mnist,n=100,widths=784-2-10,act=tanh,loss=ce", o, 5);
}
