// Tests of analysis/sample_spread.hpp (variance intervals, quantiles, correlation) and of the
// variance-against-size exponent fit (fit_power_law's exponent and standard error, as the
// loss_concentration experiment uses them), against independent results:
//  * chi-square quantiles from published tables, quantiles and correlations computed by hand;
//  * coverage: over many synthetic Gaussian samples the 95 % chi-square and bootstrap intervals
//    contain the true variance at about their stated rate;
//  * a known exponent: variances drawn as σ²(n) = 3 n^{−1.5} are fitted back to −1.5 on average,
//    with a standard error matching the theoretical one, √(2/(M−1)/Sxx) for Gaussian runs.
#define BOOST_TEST_MODULE sample_spread
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "optdyn/analysis/convergence_rates.hpp"
#include "optdyn/analysis/sample_spread.hpp"
#include "optdyn/core/rng.hpp"

using namespace optdyn;
using namespace optdyn::analysis;

namespace {

std::vector<double> gaussian_sample(Rng& rng, std::size_t m, double sd) {
  std::vector<double> x(m);
  for (double& v : x) v = 1.0 + sd * rng.normal();
  return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(quantiles_by_hand) {
  const std::vector<double> x = {3, 1, 2, 4};  // sorted 1 2 3 4; position (M−1)q
  BOOST_TEST(sample_quantile(x, 0.0) == 1.0);
  BOOST_TEST(sample_quantile(x, 1.0) == 4.0);
  BOOST_TEST(sample_quantile(x, 0.5) == 2.5);
  BOOST_TEST(std::abs(sample_quantile(x, 0.25) - 1.75) < 1e-15);
  BOOST_TEST(std::abs(sample_quantile(x, 1.0 / 3.0) - 2.0) < 1e-15);
  BOOST_CHECK_THROW(sample_quantile(std::vector<double>{}, 0.5), std::invalid_argument);
  // Diverged runs as +inf (optimizer_zoo): positions that touch an infinite order statistic
  // give +inf, the others interpolate the finite ones as before (by hand, positions (M−1)q).
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> y{inf, 2.0, 1.0, inf};  // sorted 1, 2, inf, inf
  BOOST_TEST(std::abs(sample_quantile(y, 0.25) - 1.75) < 1e-15);  // position 0.75
  BOOST_TEST(sample_quantile(y, 1.0 / 3.0) == 2.0);                // position 1
  BOOST_TEST(sample_quantile(y, 0.5) == inf);                      // position 1.5, between 2 and inf
  BOOST_TEST(sample_quantile(y, 1.0) == inf);                      // inf − inf would be NaN
  BOOST_CHECK_THROW(sample_quantile(x, 1.5), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(correlation_by_hand) {
  const std::vector<double> x = {1, 2, 3, 4}, up = {3, 5, 7, 9}, down = {4, 3, 2, 1}, y = {1, 3, 2, 4};
  BOOST_TEST(std::abs(pearson_correlation(x, up) - 1.0) < 1e-15);
  BOOST_TEST(std::abs(pearson_correlation(x, down) + 1.0) < 1e-15);
  // Σ(x−x̄)(y−ȳ) = 4, Σ(x−x̄)² = Σ(y−ȳ)² = 5: r = 0.8.
  BOOST_TEST(std::abs(pearson_correlation(x, y) - 0.8) < 1e-15);
  BOOST_CHECK_THROW(pearson_correlation(x, std::vector<double>{1, 1, 1, 1}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(chi_square_interval_against_tables) {
  // M = 10, s² = 1 (values ±√(10/9)·... chosen with sample variance exactly 1):
  // χ²_9(0.975) = 19.0228, χ²_9(0.025) = 2.7004 (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
  std::vector<double> x = {-1, 1, -1, 1, -1, 1, -1, 1, -1, 1};
  for (double& v : x) v *= std::sqrt(0.9);  // Σx² = 9 → s² = 1
  const VarianceEstimate e = estimate_variance(x);
  BOOST_TEST(std::abs(e.variance - 1.0) < 1e-14);
  BOOST_TEST(std::abs(e.chi2_low - 9.0 / 19.0228) < 1e-4);
  BOOST_TEST(std::abs(e.chi2_high - 9.0 / 2.7004) < 1e-3);
  BOOST_TEST(std::isnan(e.boot_low));
  BOOST_CHECK_THROW(estimate_variance(std::vector<double>{1.0}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(chi_square_interval_covers_at_its_rate) {
  Rng rng(5);
  const int draws = 4000;
  int covered = 0;
  for (int d = 0; d < draws; ++d) {
    const VarianceEstimate e = estimate_variance(gaussian_sample(rng, 20, 2.0));  // σ² = 4
    covered += e.chi2_low <= 4.0 && 4.0 <= e.chi2_high;
  }
  const double rate = covered / static_cast<double>(draws);  // 0.95 ± 0.0034 (one sd)
  BOOST_TEST((rate > 0.935 && rate < 0.965), "coverage " << rate);
}

BOOST_AUTO_TEST_CASE(bootstrap_interval_covers_near_its_rate) {
  Rng data(7), resampling(8);
  const int draws = 400;
  int covered = 0;
  for (int d = 0; d < draws; ++d) {
    const VarianceEstimate e = estimate_variance(gaussian_sample(data, 200, 0.5), resampling, 400);  // σ² = 0.25
    BOOST_TEST(e.boot_low < e.variance);
    BOOST_TEST(e.variance < e.boot_high);
    covered += e.boot_low <= 0.25 && 0.25 <= e.boot_high;
  }
  // The percentile bootstrap of a variance under-covers slightly at M = 200 (≈ 0.93); one sd of
  // the rate over 400 draws is 0.011.
  const double rate = covered / static_cast<double>(draws);
  BOOST_TEST((rate > 0.89 && rate < 0.985), "coverage " << rate);
}

BOOST_AUTO_TEST_CASE(exponent_fit_recovers_a_known_exponent) {
  const std::vector<double> sizes = {10, 20, 40, 80, 160, 320};
  const std::size_t runs = 100;
  const double exponent = -1.5;
  double sxx = 0, mean_log = 0;
  for (double n : sizes) mean_log += std::log(n) / static_cast<double>(sizes.size());
  for (double n : sizes) sxx += (std::log(n) - mean_log) * (std::log(n) - mean_log);
  // Var log s² ≈ 2/(M−1) for Gaussian runs (delta method), so sd(b) = √(2/(M−1)/Sxx).
  const double expected_se = std::sqrt(2.0 / (runs - 1.0) / sxx);

  Rng rng(11);
  const int fits = 300;
  double sum = 0, sum_se = 0;
  int covered = 0;
  for (int k = 0; k < fits; ++k) {
    std::vector<double> variances;
    for (double n : sizes)
      variances.push_back(estimate_variance(gaussian_sample(rng, runs, std::sqrt(3.0 * std::pow(n, exponent)))).variance);
    const PowerLawFit f = fit_power_law(sizes, variances);
    sum += f.exponent;
    sum_se += f.exponent_stderr;
    covered += f.exponent_low <= exponent && exponent <= f.exponent_high;
    BOOST_TEST(std::abs(f.exponent_high - f.exponent - 2.776 * f.exponent_stderr) < 1e-3 * f.exponent_stderr);  // t_4
  }
  BOOST_TEST(std::abs(sum / fits - exponent) < 0.01, "mean exponent " << sum / fits);  // sd of the mean ≈ 0.003
  BOOST_TEST(std::abs(sum_se / fits / expected_se - 1.0) < 0.2, "mean se " << sum_se / fits << " vs " << expected_se);
  const double rate = covered / static_cast<double>(fits);
  BOOST_TEST((rate > 0.90 && rate < 0.99), "coverage " << rate);
}
