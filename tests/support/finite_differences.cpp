#include "support/finite_differences.hpp"

#include <algorithm>

#include "optdyn/core/rng.hpp"

namespace optdyn::testing {

Vec central_difference_gradient(const Objective& f, const Vec& theta, double h) {
  Vec g(theta.size());
  Vec x = theta;
  for (Index i = 0; i < theta.size(); ++i) {
    x[i] = theta[i] + h;
    const double up = f.value(x);
    x[i] = theta[i] - h;
    const double down = f.value(x);
    x[i] = theta[i];
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

Vec central_difference_hvp(const Objective& f, const Vec& theta, const Vec& v, double h) {
  return (f.gradient(theta + h * v) - f.gradient(theta - h * v)) / (2 * h);
}

double relative_error(const Vec& a, const Vec& b, double floor) {
  return (a - b).norm() / std::max(b.norm(), floor);
}

Vec random_point(Index dim, std::uint64_t seed, double scale) {
  Rng rng(seed);
  return scale * rng.normal_vector(dim);
}

}  // namespace optdyn::testing
