#pragma once
// Many starts → distinct critical points: each start is solved (critical_point_solver.hpp); a
// converged end point is described (critical_point.hpp: loss, gradient norm, index, near-zero
// fraction) and kept unless it is a symmetric copy of one already kept (deduplication.hpp).
// Runs that do not converge are counted by how they stopped, never kept.
#include <map>
#include <span>
#include <string>

#include "optdyn/analysis/critical_points/deduplication.hpp"

namespace optdyn::analysis {

struct CriticalPointSearchOptions {
  CriticalPointSolverOptions solver{};
  CharacterisationOptions index{};
  double duplicate_tolerance = 1e-6;  // RMS distance of canonical representatives
};

struct CriticalPointSearch {
  Index starts = 0, converged = 0, duplicates = 0;
  std::map<std::string, Index> not_converged;  // by SolverRun::stopped
  std::vector<DistinctCriticalPoint> points;
  EvaluationCounts counts;  // F's counters over the whole search (solves and indices)
};

// `rng` draws the kpm probes (needed only when an index is estimated). InputError as the parts.
CriticalPointSearch search_critical_points(const Objective& f, std::span<const Vec> starts,
                                           const CriticalPointSearchOptions& options, Rng& rng);

}  // namespace optdyn::analysis
