#pragma once
// A curvature tracker (issue 18): follows the top eigenpairs of a Hessian that changes slowly
// along a run (one measurement per recorded step), instead of recomputing them cold each time.
//
// Method: LOBPCG (Knyazev 2001, doc/references.md), no preconditioner, with soft locking. The
// block X (D × m, orthonormal) holds the tracked pairs and at most one guard pair; each
// measurement starts from the previous measurement's Ritz vectors (warm start) and iterates:
//
//   R = A X − X Λ                         residuals of the Ritz pairs (Λ = diag of Ritz values)
//   W = R[:, active]                      active = the pairs not yet converged (soft locking:
//                                         converged pairs stay in X, add no W or P columns)
//   Q = orth([X, W, P[:, active]])        P = the previous step's direction (the W and P part
//                                         of the last Ritz vectors: Hetmaniuk & Lehoucq 2006)
//   QᵀAQ = S Θ Sᵀ, X ← Q S[:, top m]      Rayleigh–Ritz for the m largest Ritz values
//
// Products: A X once per measurement (the Hessian has changed), then one product per active
// column per iteration; A Q is carried as the same linear combinations of stored products
// (as Krylov–Schur's stored A V), so residuals cost no further products.
//
// Convergence (the convention of Krylov–Schur, Spectra and ARPACK, so both solvers stop at
// the same point): a pair (λ, v) has converged when ‖A v − λ v‖₂ ≤ tol · max(|λ|, ε^{2/3}).
//
// Threshold (e.g. 1.5/η for GD with step η: the modes that matter at the edge of stability):
//  * tracked pairs are the block's Ritz pairs with λ > threshold, at least one (λmax is
//    always tracked) and at most max_pairs;
//  * while fewer than max_pairs are tracked, all above the threshold, the block carries one
//    guard pair, the next eigenvalue below the threshold (none while λmax itself is below:
//    then no other eigenvalue can cross first). When the guard rises above the threshold it becomes
//    tracked (an added pair) and a new guard is found by a deflated cold start: Krylov–Schur
//    for the largest eigenpair of (I − XXᵀ) A (I − XXᵀ), then one LOBPCG pass on the grown
//    block. A tracked pair that falls below the threshold is dropped (it may stay as the
//    guard); pairs below the guard are removed from the block.
//
// Identity: each block column carries an id, kept across measurements by the overlap matrix
// O_ij = |⟨v_old_i, v_new_j⟩| with greedy assignment by largest overlap (match_by_overlap), so
// a pair keeps its id through a (near-)crossing where the sort order swaps. Signs are aligned
// with the previous vectors (⟨v_old, v_new⟩ ≥ 0). A tracked id holds a slot (0 … max_pairs−1)
// while it is tracked: a recorded column per slot follows one eigenvector.
//
// Gradient overlap: ‖P_V g‖ / ‖g‖ = ‖Vᵀg‖ / ‖g‖ with V the tracked vectors (orthonormal);
// NaN when g is zero.
//
// Deterministic: the n-th cold start (n = 0, 1, …) is Krylov–Schur seeded by
// Rng::derived(seed, kTrackerStream + n).
#include <cstdint>
#include <limits>
#include <vector>

#include "optdyn/core/state_archive.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/linalg/operator.hpp"

namespace optdyn::analysis {

inline constexpr std::uint64_t kTrackerStream = 0x545241434bULL;  // "TRACK"

struct TrackerOptions {
  double threshold = -std::numeric_limits<double>::infinity();  // track λ > threshold
  double tol = 1e-8;            // ‖A v − λ v‖ ≤ tol · max(|λ|, ε^{2/3})
  Index max_pairs = 1;          // most pairs tracked (slots); 1 with threshold −∞: λmax only
  Index max_iterations = 1000;  // LOBPCG iterations per pass
  std::uint64_t seed = 0;       // cold starts
};

struct TrackedPair {
  std::uint64_t id = 0;  // identity, kept across measurements
  Index slot = 0;        // 0 … max_pairs−1, held while tracked
  double value = 0.0;
  double residual = 0.0;  // ‖A v − λ v‖₂ (from the carried products)
};

struct TrackerMeasurement {
  std::vector<TrackedPair> pairs;  // tracked pairs, descending value
  Index added = 0, dropped = 0;    // tracked ids new / lost at this measurement
  std::uint64_t products = 0;      // products with A at this measurement (cold starts included)
  Index iterations = 0;            // LOBPCG iterations, all passes
  double gradient_overlap = 0.0;   // ‖P_V g‖/‖g‖; NaN without a gradient or when g = 0
  bool converged = false;          // every block pair (guard included) met the tolerance
};

// For each column j of `next`, the column of `previous` it continues (or −1): greedy
// assignment by the largest |⟨previous_i, next_j⟩| among unassigned columns.
std::vector<Index> match_by_overlap(const Mat& previous, const Mat& next);

class CurvatureTracker {
 public:
  // std::invalid_argument for tol ∉ (0, 0.5], max_pairs < 1, max_iterations < 1, NaN threshold.
  explicit CurvatureTracker(TrackerOptions options);

  // One measurement on the symmetric operator `a` (the Hessian at the current point).
  // `gradient` (optional) gives the gradient overlap. std::invalid_argument when a's size
  // differs from the previous measurement's, or is < 2.
  TrackerMeasurement measure(const SymmetricOperator& a, const Vec* gradient = nullptr);

  const TrackerOptions& options() const { return options_; }
  // The block after the last measurement: vectors (D × m), values (descending), ids, slots
  // (−1 for the guard).
  const Mat& vectors() const { return x_; }
  const Vec& values() const { return values_; }
  const std::vector<std::uint64_t>& ids() const { return ids_; }
  const std::vector<Index>& slots() const { return slots_; }

  // Saves or restores the block (vectors, ids, slots, counters) for checkpoints; values are
  // recomputed at the next measurement.
  void archive(StateArchive& a);

 private:
  struct Pass {
    Vec residuals;
    Index iterations = 0;
    bool converged = false;
  };
  Pass lobpcg(const SymmetricOperator& a);
  Vec cold_start(const SymmetricOperator& a);
  void keep_columns(Index count);

  TrackerOptions options_;
  Mat x_;        // D × m, orthonormal, Ritz values descending
  Vec values_;   // m
  std::vector<std::uint64_t> ids_;
  std::vector<Index> slots_;
  std::uint64_t next_id_ = 0;
  std::uint64_t cold_starts_ = 0;
};

}  // namespace optdyn::analysis
