#include "optdyn/analysis/critical_points/deduplication.hpp"

#include <cmath>

#include "optdyn/analysis/critical_points/network_symmetry.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::analysis {

CriticalPointSet::CriticalPointSet(const Objective& f, double tolerance) : f_(f), tolerance_(tolerance) {
  if (!(tolerance >= 0.0)) throw InputError("critical points: the duplicate tolerance must be >= 0");
}

double CriticalPointSet::distance(const Vec& a, const Vec& b) {
  return (a - b).norm() / std::sqrt(static_cast<double>(a.size()));
}

bool CriticalPointSet::insert(CriticalPoint point) {
  Vec canonical = canonical_point(f_, point.theta);
  for (DistinctCriticalPoint& kept : points_)
    if (distance(kept.canonical, canonical) <= tolerance_) {
      ++kept.found;
      return false;
    }
  points_.push_back({std::move(point), std::move(canonical), 1});
  return true;
}

}  // namespace optdyn::analysis
