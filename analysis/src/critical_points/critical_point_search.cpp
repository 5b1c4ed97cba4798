#include "optdyn/analysis/critical_points/critical_point_search.hpp"

namespace optdyn::analysis {

CriticalPointSearch search_critical_points(const Objective& f, std::span<const Vec> starts,
                                           const CriticalPointSearchOptions& options, Rng& rng) {
  const EvaluationCounts before = f.counters();
  const Geometry geometry = geometry_of(options.solver.method);
  CriticalPointSet set(f, options.duplicate_tolerance);
  CriticalPointSearch search;
  for (const Vec& start : starts) {
    ++search.starts;
    SolverRun run = find_critical_point(f, start, options.solver);
    if (!run.converged) {
      ++search.not_converged[run.stopped];
      continue;
    }
    ++search.converged;
    if (!set.insert(describe_critical_point(f, std::move(run), geometry, options.index, &rng))) ++search.duplicates;
  }
  search.points = set.points();
  search.counts = f.counters() - before;
  return search;
}

}  // namespace optdyn::analysis
