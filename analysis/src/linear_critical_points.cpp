// Baldi & Hornik's closed-form critical points of a two-layer linear network
// (linear_critical_points.hpp).
#include "optdyn/analysis/linear_critical_points.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace optdyn::analysis {
namespace {

bool contains(const std::vector<Index>& set, Index a) { return std::find(set.begin(), set.end(), a) != set.end(); }

// The subsets of {0, …, r−1} of size `size`, lexicographically, appended to `out`.
void subsets(Index r, Index size, Index first, std::vector<Index>& current, std::vector<std::vector<Index>>& out) {
  if (static_cast<Index>(current.size()) == size) {
    out.push_back(current);
    return;
  }
  for (Index a = first; a < r; ++a) {
    current.push_back(a);
    subsets(r, size, a + 1, current, out);
    current.pop_back();
  }
}

}  // namespace

LinearCriticalPoint linear_critical_point(const Vec& s, std::vector<Index> modes, Index hidden, double target_energy,
                                          Index samples) {
  std::sort(modes.begin(), modes.end());
  if (std::adjacent_find(modes.begin(), modes.end()) != modes.end())
    throw std::invalid_argument("linear critical points: a mode is repeated");
  if (static_cast<Index>(modes.size()) > hidden)
    throw std::invalid_argument("linear critical points: more modes than hidden units");
  LinearCriticalPoint point;
  double kept = 0.0;
  for (Index a : modes) {
    if (a < 0 || a >= s.size()) throw std::invalid_argument("linear critical points: mode out of range");
    kept += s[a] * s[a];
  }
  point.loss = (target_energy - kept) / (2.0 * static_cast<double>(samples));  // F_S (Baldi & Hornik 1989)
  for (Index j = 0; j < s.size(); ++j) {
    if (contains(modes, j) || !(s[j] > 0.0)) continue;
    point.negatives += hidden - static_cast<Index>(modes.size());  // an unused unit grows along mode j
    for (Index i : modes) point.negatives += s[j] > s[i] ? 1 : 0;  // a used unit turns from mode i to j
  }
  point.modes = std::move(modes);
  return point;
}

std::vector<LinearCriticalPoint> enumerate_linear_critical_points(const Vec& s, Index hidden, double target_energy,
                                                                  Index samples) {
  std::vector<std::vector<Index>> all;
  std::vector<Index> current;
  for (Index size = 0; size <= std::min<Index>(hidden, s.size()); ++size) subsets(s.size(), size, 0, current, all);
  std::vector<LinearCriticalPoint> points;
  for (auto& modes : all) points.push_back(linear_critical_point(s, std::move(modes), hidden, target_energy, samples));
  return points;
}

std::optional<std::vector<Index>> used_modes(const Vec& strengths, const Vec& s, double tolerance) {
  std::vector<Index> used;
  for (Index a = 0; a < s.size(); ++a) {
    const double scale = std::max(s[a], 1e-300);
    if (std::abs(strengths[a] - s[a]) <= tolerance * scale)
      used.push_back(a);
    else if (!(std::abs(strengths[a]) <= tolerance * scale))
      return std::nullopt;
  }
  return used;
}

}  // namespace optdyn::analysis
