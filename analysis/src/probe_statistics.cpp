#include "optdyn/analysis/probe_statistics.hpp"

#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

namespace optdyn::analysis {

Vec rademacher(Index d, Rng& rng) {
  Vec z(d);
  for (Index i = 0; i < d; ++i) z[i] = rng.rademacher_sign() ? 1.0 : -1.0;
  return z;
}

Estimate mean_and_stderr(const std::vector<double>& x) {
  Estimate e;
  const double n = static_cast<double>(x.size());
  if (x.empty()) return e;
  for (double v : x) e.value += v;
  e.value /= n;
  if (x.size() > 1) {
    double ss = 0.0;
    for (double v : x) ss += (v - e.value) * (v - e.value);
    e.stderr_ = std::sqrt(ss / (n - 1.0) / n);
  }
  return e;
}

double student_t_multiplier(Index probes, double level) {
  if (probes < 2) throw std::invalid_argument("a confidence interval needs at least 2 probes");
  if (!(level > 0.0 && level < 1.0)) throw std::invalid_argument("confidence level must lie in (0, 1)");
  const boost::math::students_t t(static_cast<double>(probes - 1));
  return boost::math::quantile(boost::math::complement(t, 0.5 * (1.0 - level)));
}

}  // namespace optdyn::analysis
