// Means over runs with Student-t and Welch intervals (mean_estimate.hpp has the formulas).
#include "optdyn/analysis/mean_estimate.hpp"

#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

namespace optdyn::analysis {
namespace {

struct Moments {
  double mean, variance;  // sample variance, 1/(M−1)
  Index m;
};

Moments moments(std::span<const double> x) {
  if (x.size() < 2) throw std::invalid_argument("mean estimate: needs at least two runs");
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return {mean, ss / static_cast<double>(x.size() - 1), static_cast<Index>(x.size())};
}

MeanEstimate interval(double mean, double std_error, double dof, double confidence, Index runs) {
  if (!(confidence > 0.0 && confidence < 1.0)) throw std::invalid_argument("mean estimate: confidence not in (0, 1)");
  const double t = boost::math::quantile(boost::math::students_t(dof), 0.5 + confidence / 2.0);
  return {mean, std_error, mean - t * std_error, mean + t * std_error, dof, confidence, runs};
}

}  // namespace

MeanEstimate estimate_mean(std::span<const double> values, double confidence) {
  const Moments m = moments(values);
  return interval(m.mean, std::sqrt(m.variance / static_cast<double>(m.m)), static_cast<double>(m.m - 1), confidence,
                  m.m);
}

MeanEstimate estimate_difference(std::span<const double> x, std::span<const double> y, double confidence) {
  const Moments a = moments(x), b = moments(y);
  const double va = a.variance / static_cast<double>(a.m), vb = b.variance / static_cast<double>(b.m);
  const double denominator = va * va / static_cast<double>(a.m - 1) + vb * vb / static_cast<double>(b.m - 1);
  // Both sets constant: no spread, any ν gives a zero-width interval.
  const double dof = denominator > 0.0 ? (va + vb) * (va + vb) / denominator : static_cast<double>(a.m + b.m - 2);
  return interval(a.mean - b.mean, std::sqrt(va + vb), dof, confidence, a.m + b.m);
}

}  // namespace optdyn::analysis
