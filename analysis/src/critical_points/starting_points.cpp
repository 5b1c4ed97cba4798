#include "optdyn/analysis/critical_points/starting_points.hpp"

#include <cmath>
#include <string>

#include "optdyn/core/error.hpp"

namespace optdyn::analysis {
namespace {

void check_count(Index count) {
  if (count < 0) throw InputError("critical points: the number of starts must be >= 0");
}

// A direction uniform on the unit sphere of R^d (rotation invariance of the Gaussian).
Vec random_direction(Index d, Rng& rng) {
  Vec v = rng.normal_vector(d);
  while (!(v.norm() > 0.0)) v = rng.normal_vector(d);
  return v / v.norm();
}

}  // namespace

std::vector<Vec> random_starts(const Objective& f, InitParams init, Index count, Rng& rng) {
  check_count(count);
  std::vector<Vec> starts;
  for (Index i = 0; i < count; ++i) {
    init.seed = rng.bits() >> 1;  // seeds are non-negative 64-bit signed integers in specs
    starts.push_back(initial_point(init, f));
  }
  return starts;
}

std::vector<Vec> sphere_starts(Index dim, Index count, Rng& rng) {
  check_count(count);
  if (dim < 1) throw InputError("critical points: the sphere needs dimension >= 1");
  std::vector<Vec> starts;
  for (Index i = 0; i < count; ++i)
    starts.push_back(std::sqrt(static_cast<double>(dim)) * random_direction(dim, rng));
  return starts;
}

std::vector<Vec> trajectory_starts(Optimizer& optimizer, Oracle& oracle, const Vec& theta0, Index steps, Index every) {
  if (steps < 0 || every < 1) throw InputError("critical points: a trajectory needs steps >= 0 and every >= 1");
  if (theta0.size() != oracle.dim())
    throw InputError("critical points: θ₀ has length " + std::to_string(theta0.size()) + ", the oracle dimension " +
                     std::to_string(oracle.dim()));
  optimizer.reset(oracle.dim());
  std::vector<Vec> starts{theta0};
  Vec theta = theta0;
  for (Index k = 1; k <= steps; ++k) {
    optimizer.step(theta, oracle);
    if (k % every == 0) starts.push_back(theta);
  }
  return starts;
}

std::vector<Vec> perturbed_starts(const Vec& center, double radius, Index count, Rng& rng) {
  check_count(count);
  if (!(radius >= 0.0)) throw InputError("critical points: the perturbation radius must be >= 0");
  std::vector<Vec> starts;
  for (Index i = 0; i < count; ++i) starts.push_back(center + radius * random_direction(center.size(), rng));
  return starts;
}

}  // namespace optdyn::analysis
