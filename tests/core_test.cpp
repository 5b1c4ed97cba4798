// Rng: determinism, independent derived streams, unbiased integers, and the moments of the
// uniform and normal samplers within statistical bounds.
#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "optdyn/core/rng.hpp"

using namespace optdyn;

BOOST_AUTO_TEST_CASE(engine_is_the_standard_mt19937_64) {
  // C++ standard [rand.predef]: the 10000th output of a default-constructed mt19937_64
  // (seed 5489) is 9981545732273789042 — the same stream on every platform.
  Rng rng(5489);
  std::uint64_t x = 0;
  for (int i = 0; i < 10000; ++i) x = rng.bits();
  BOOST_TEST(x == 9981545732273789042ULL);
}

BOOST_AUTO_TEST_CASE(same_seed_same_stream) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const double x = a.normal(), y = b.normal(), z = c.normal();
    BOOST_TEST((x == y));
    differs = differs || x != z;
    BOOST_TEST(a.uniform() == b.uniform());
    BOOST_TEST(a.below(17) == b.below(17));
  }
  BOOST_TEST(differs);
}

BOOST_AUTO_TEST_CASE(derived_streams_are_deterministic_and_distinct) {
  Rng a = Rng::derived(7, 0), a2 = Rng::derived(7, 0), b = Rng::derived(7, 1), c = Rng::derived(8, 0);
  Rng plain(7);
  std::vector<std::uint64_t> xa, xb, xc, xp;
  for (int i = 0; i < 16; ++i) {
    const auto v = a.bits();
    BOOST_TEST(v == a2.bits());
    xa.push_back(v);
    xb.push_back(b.bits());
    xc.push_back(c.bits());
    xp.push_back(plain.bits());
  }
  BOOST_TEST((xa != xb));
  BOOST_TEST((xa != xc));
  BOOST_TEST((xa != xp));
  // Neighbouring streams are not shifted copies of each other.
  for (std::size_t i = 0; i < xa.size(); ++i)
    BOOST_TEST((std::find(xb.begin(), xb.end(), xa[i]) == xb.end()));
}

BOOST_AUTO_TEST_CASE(below_is_in_range_and_unbiased) {
  Rng rng(1);
  for (Index n : {Index{1}, Index{2}, Index{3}, Index{1000}, Index{1} << 40}) {
    bool in_range = true;
    for (int i = 0; i < 2000; ++i) {
      const Index k = rng.below(n);
      in_range = in_range && k >= 0 && k < n;
    }
    BOOST_TEST(in_range, "below(" << n << ") in [0, n)");
  }
  // χ² test over 7 cells, 70,000 draws: the 99.9% quantile of χ²₆ is 22.46.
  const int cells = 7, draws = 70000;
  std::vector<int> count(cells, 0);
  for (int i = 0; i < draws; ++i) ++count[rng.below(cells)];
  double chi2 = 0;
  const double expected = static_cast<double>(draws) / cells;
  for (int c : count) chi2 += (c - expected) * (c - expected) / expected;
  BOOST_TEST(chi2 < 22.46);
}

BOOST_AUTO_TEST_CASE(uniform_moments_and_range) {
  Rng rng(2);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  bool in_range = true;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    in_range = in_range && u >= 0.0 && u < 1.0;
    sum += u;
    sum2 += u * u;
  }
  BOOST_TEST(in_range);
  const double mean = sum / n, var = sum2 / n - mean * mean;
  // Standard errors: √(1/12n) for the mean; variance of u² is 4/45 − 1/9.
  BOOST_TEST(std::abs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  BOOST_TEST(std::abs(var - 1.0 / 12) < 5 * std::sqrt((1.0 / 5 - 1.0 / 9) / n) + 1e-3);
  bool in_interval = true;
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.uniform(-3.0, 2.0);
    in_interval = in_interval && u >= -3.0 && u < 2.0;
  }
  BOOST_TEST(in_interval);
}

BOOST_AUTO_TEST_CASE(normal_moments) {
  Rng rng(3);
  const int n = 400000;
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  int beyond3 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    s1 += z;
    s2 += z * z;
    s3 += z * z * z;
    s4 += z * z * z * z;
    beyond3 += std::abs(z) > 3;
  }
  BOOST_TEST(std::isfinite(s4));
  s1 /= n, s2 /= n, s3 /= n, s4 /= n;
  // 5-sigma bounds: sd(z) = 1, sd(z²) = √2, sd(z³) = √15, sd(z⁴) = √96.
  BOOST_TEST(std::abs(s1) < 5 / std::sqrt(n));
  BOOST_TEST(std::abs(s2 - 1) < 5 * std::sqrt(2.0 / n));
  BOOST_TEST(std::abs(s3) < 5 * std::sqrt(15.0 / n));
  BOOST_TEST(std::abs(s4 - 3) < 5 * std::sqrt(96.0 / n));
  // P(|Z| > 3) = 0.0026998.
  const double p = 0.0026998;
  BOOST_TEST(std::abs(beyond3 - n * p) < 5 * std::sqrt(n * p));
}

BOOST_AUTO_TEST_CASE(vectors_and_matrices_follow_the_stream) {
  Rng a(4), b(4);
  const Vec v = a.normal_vector(12);
  const Mat m = b.normal_matrix(3, 4);  // column-major fill
  BOOST_TEST((Eigen::Map<const Vec>(m.data(), 12) - v).norm() == 0.0);
}

BOOST_AUTO_TEST_CASE(shuffle_is_a_seeded_permutation) {
  std::vector<Index> x(100), y(100);
  std::iota(x.begin(), x.end(), Index{0});
  y = x;
  Rng a(5), b(5);
  a.shuffle(x);
  b.shuffle(y);
  BOOST_TEST((x == y));
  std::vector<Index> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  std::vector<Index> identity(100);
  std::iota(identity.begin(), identity.end(), Index{0});
  BOOST_TEST((sorted == identity));
  BOOST_TEST((x != identity));
  // Every position is uniformly likely: element 0 lands in each of 4 slots ≈ 1/4 of the time.
  std::vector<int> where(4, 0);
  Rng c(6);
  for (int t = 0; t < 40000; ++t) {
    std::vector<Index> z{0, 1, 2, 3};
    c.shuffle(z);
    ++where[std::find(z.begin(), z.end(), 0) - z.begin()];
  }
  for (int w : where) BOOST_TEST(std::abs(w - 10000) < 5 * std::sqrt(40000 * 0.25 * 0.75));
  std::vector<Index> empty;
  a.shuffle(empty);  // no-op
  std::vector<Index> one{9};
  a.shuffle(one);
  BOOST_TEST(one[0] == 9);
}
