// Pennington–Bahri's index–loss law, its least-squares fit with a bootstrap, and Spearman's
// rank correlation (index_loss_law.hpp).
#include "optdyn/analysis/index_loss_law.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace optdyn::analysis {
namespace {

constexpr int kGridPoints = 200;
constexpr int kGoldenSteps = 60;

struct Trial {
  double alpha0 = 0.0, rss = 0.0;
};

// For fixed ε_c: α₀ = Σ α x / Σ x² (x = the law with α₀ = 1), and the residual sum.
Trial best_alpha0(std::span<const double> loss, std::span<const double> index, double eps_c, double exponent) {
  double xy = 0.0, xx = 0.0;
  for (std::size_t i = 0; i < loss.size(); ++i) {
    const double x = index_loss_law(loss[i], 1.0, eps_c, exponent);
    xy += x * index[i];
    xx += x * x;
  }
  Trial t;
  t.alpha0 = xx > 0.0 ? xy / xx : 0.0;
  for (std::size_t i = 0; i < loss.size(); ++i) {
    const double r = index[i] - index_loss_law(loss[i], t.alpha0, eps_c, exponent);
    t.rss += r * r;
  }
  return t;
}

// The largest loss of a point with positive index (0 if none).
double largest_saddle_loss(std::span<const double> loss, std::span<const double> index) {
  double m = 0.0;
  for (std::size_t i = 0; i < loss.size(); ++i)
    if (index[i] > 0.0) m = std::max(m, loss[i]);
  return m;
}

// Golden-section search for the minimum of the residual sum on [a, b] (in log ε_c).
double refine(std::span<const double> loss, std::span<const double> index, double a, double b, double exponent) {
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  const auto rss = [&](double log_eps) { return best_alpha0(loss, index, std::exp(log_eps), exponent).rss; };
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = rss(c), fd = rss(d);
  for (int k = 0; k < kGoldenSteps; ++k) {
    if (fc <= fd) {
      b = d, d = c, fd = fc, c = b - g * (b - a), fc = rss(c);
    } else {
      a = c, c = d, fc = fd, d = a + g * (b - a), fd = rss(d);
    }
  }
  return std::exp(fc <= fd ? c : d);
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double standard_deviation(const std::vector<double>& v) {
  const double m = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

// Ranks 1..n of x, ties given their average rank.
std::vector<double> ranks(std::span<const double> x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double average = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = average;
    i = j + 1;
  }
  return r;
}

}  // namespace

double index_loss_law(double loss, double alpha0, double eps_c, double exponent) {
  const double x = (loss - eps_c) / eps_c;
  return x > 0.0 ? alpha0 * std::pow(x, exponent) : 0.0;
}

IndexLossFit fit_index_loss_law(std::span<const double> loss, std::span<const double> index, double exponent) {
  if (loss.size() != index.size()) throw std::invalid_argument("index-loss law: one index per loss");
  for (double e : loss)
    if (!(e >= 0.0)) throw std::invalid_argument("index-loss law: losses must be >= 0");
  const double top = largest_saddle_loss(loss, index);
  if (!(top > 0.0)) throw std::invalid_argument("index-loss law: needs a point of positive index and loss");
  // Log grid of ε_c over [1e-3·top, top), then golden section between the grid neighbours.
  const double lo = std::log(1e-3 * top), hi = std::log(top);
  int best = 0;
  double best_rss = std::numeric_limits<double>::infinity();
  for (int k = 0; k < kGridPoints; ++k) {
    const double rss = best_alpha0(loss, index, std::exp(lo + (hi - lo) * k / kGridPoints), exponent).rss;
    if (rss < best_rss) best_rss = rss, best = k;
  }
  const double step = (hi - lo) / kGridPoints;
  const double eps_c = refine(loss, index, lo + std::max(0, best - 1) * step, lo + std::min(kGridPoints, best + 1) * step,
                              exponent);
  const Trial t = best_alpha0(loss, index, eps_c, exponent);
  IndexLossFit fit;
  fit.alpha0 = t.alpha0;
  fit.eps_c = eps_c;
  fit.rss = t.rss;
  fit.points = static_cast<Index>(loss.size());
  fit.at_bound = std::log(eps_c) <= lo + step || std::log(eps_c) >= hi - step;
  return fit;
}

IndexLossFit bootstrap_index_loss_law(std::span<const double> loss, std::span<const double> index, Rng& rng,
                                      Index resamples, double confidence, double exponent) {
  IndexLossFit fit = fit_index_loss_law(loss, index, exponent);
  std::vector<double> alpha0s, eps_cs, l(loss.size()), a(loss.size());
  for (Index r = 0; r < resamples; ++r) {
    for (std::size_t i = 0; i < loss.size(); ++i) {
      const auto j = static_cast<std::size_t>(rng.below(static_cast<Index>(loss.size())));
      l[i] = loss[j], a[i] = index[j];
    }
    if (!(largest_saddle_loss(l, a) > 0.0)) continue;  // no saddle drawn: not fittable
    const IndexLossFit b = fit_index_loss_law(l, a, exponent);
    alpha0s.push_back(b.alpha0);
    eps_cs.push_back(b.eps_c);
  }
  fit.resamples = static_cast<Index>(alpha0s.size());
  if (alpha0s.size() < 2) return fit;
  const double q = (1.0 - confidence) / 2.0;
  fit.alpha0_sd = standard_deviation(alpha0s);
  fit.eps_c_sd = standard_deviation(eps_cs);
  fit.alpha0_low = quantile(alpha0s, q), fit.alpha0_high = quantile(alpha0s, 1.0 - q);
  fit.eps_c_low = quantile(eps_cs, q), fit.eps_c_high = quantile(eps_cs, 1.0 - q);
  return fit;
}

double spearman_rho(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) throw std::invalid_argument("spearman: x and y differ in size");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (x.size() < 2) return nan;
  const std::vector<double> rx = ranks(x), ry = ranks(y);
  const double m = 0.5 * static_cast<double>(x.size() + 1);  // mean rank
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - m) * (ry[i] - m);
    sxx += (rx[i] - m) * (rx[i] - m);
    syy += (ry[i] - m) * (ry[i] - m);
  }
  return sxx > 0.0 && syy > 0.0 ? sxy / std::sqrt(sxx * syy) : nan;
}

}  // namespace optdyn::analysis
