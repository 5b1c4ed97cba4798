#pragma once
// Distinct critical points up to symmetry, so that counts of critical points are honest: a
// point is new unless its canonical representative (network_symmetry.hpp) lies within
// `tolerance` of a kept one in root-mean-square distance ‖c − c'‖/√D (per coordinate, so the
// tolerance does not scale with D); the first point found of each class is kept and the class
// counts how often it was found. On the sphere pass points with ‖θ‖² = D (the solvers do).
// Cost: one comparison with every kept point, O(kept · D) per insert.
#include <vector>

#include "optdyn/analysis/critical_points/critical_point.hpp"

namespace optdyn::analysis {

struct DistinctCriticalPoint {
  CriticalPoint point;  // the first one found
  Vec canonical;        // its canonical representative
  Index found = 1;      // points of this class inserted so far
};

class CriticalPointSet {
 public:
  // InputError for tolerance < 0. f must outlive the set.
  CriticalPointSet(const Objective& f, double tolerance);
  // True when the point is new; otherwise the class it joins counts it.
  bool insert(CriticalPoint point);
  const std::vector<DistinctCriticalPoint>& points() const { return points_; }
  // RMS distance between two canonical representatives.
  static double distance(const Vec& a, const Vec& b);

 private:
  const Objective& f_;
  double tolerance_;
  std::vector<DistinctCriticalPoint> points_;
};

}  // namespace optdyn::analysis
