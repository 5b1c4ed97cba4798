#include "optdyn/analysis/curvature_tracker.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/krylov_schur.hpp"

namespace optdyn::analysis {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// A column whose norm falls below this fraction of its norm before orthogonalisation is
// (numerically) in the span already and is dropped. Fresh columns (W, products taken after)
// tolerate deep cancellation; carried ones (P with its products A P) do not: their products
// would carry the cancelled rounding, ε‖A‖ · (norm before / norm after).
constexpr double kDropFresh = 1e-10;
constexpr double kDropCarried = 1e-4;

// Convergence test of krylov_schur.hpp: ‖A v − λ v‖ ≤ tol · max(|λ|, ε^{2/3}).
double criterion(double lambda, double tol) { return tol * std::max(std::abs(lambda), std::pow(kEps, 2.0 / 3.0)); }

// Orthonormalises the columns of b against the orthonormal columns of `against` and among
// themselves (classical Gram–Schmidt, two sweeps: "twice is enough"), applying the same
// combinations to their products ab (when given: ab = A b, a_against = A · against). Columns
// that fall below `drop` of their norm are removed (from ab too).
void orthonormalize(Mat& b, Mat* ab, const Mat& against, const Mat* a_against, double drop) {
  Index kept = 0;
  for (Index j = 0; j < b.cols(); ++j) {
    Vec v = b.col(j);
    Vec av;
    if (ab) av = ab->col(j);
    const double before = v.norm();
    if (!(before > 0.0)) continue;
    for (int sweep = 0; sweep < 2; ++sweep) {
      if (against.cols() > 0) {
        const Vec c = against.transpose() * v;
        v.noalias() -= against * c;
        if (ab) av.noalias() -= *a_against * c;
      }
      if (kept > 0) {
        const Vec c = b.leftCols(kept).transpose() * v;
        v.noalias() -= b.leftCols(kept) * c;
        if (ab) av.noalias() -= ab->leftCols(kept) * c;
      }
    }
    const double after = v.norm();
    if (after <= drop * before) continue;
    b.col(kept) = v / after;
    if (ab) ab->col(kept) = av / after;
    ++kept;
  }
  b.conservativeResize(Eigen::NoChange, kept);
  if (ab) ab->conservativeResize(Eigen::NoChange, kept);
}

// A X, one product per column.
Mat products(const SymmetricOperator& a, const Mat& x) {
  Mat ax(x.rows(), x.cols());
  Vec out;
  for (Index j = 0; j < x.cols(); ++j) {
    a.apply(x.col(j), out);
    ax.col(j) = out;
  }
  return ax;
}

// Rayleigh–Ritz on the orthonormal basis q with products aq: the m largest Ritz pairs of
// qᵀAq, as coefficients (n × m, descending values).
struct RitzCoefficients {
  Vec values;
  Mat coefficients;
};
RitzCoefficients rayleigh_ritz(const Mat& q, const Mat& aq, Index m) {
  Mat s = q.transpose() * aq;
  s = 0.5 * (s + s.transpose()).eval();  // exactly symmetric (QᵀAQ up to rounding)
  Eigen::SelfAdjointEigenSolver<Mat> solver(s);
  if (solver.info() != Eigen::Success) throw std::runtime_error("curvature tracker: Rayleigh-Ritz failed");
  const Index n = s.rows();
  RitzCoefficients r{Vec(m), Mat(n, m)};
  for (Index j = 0; j < m; ++j) {  // ascending → descending
    r.values[j] = solver.eigenvalues()[n - 1 - j];
    r.coefficients.col(j) = solver.eigenvectors().col(n - 1 - j);
  }
  return r;
}

Mat columns(const Mat& m, const std::vector<Index>& which) {
  Mat out(m.rows(), static_cast<Index>(which.size()));
  for (std::size_t j = 0; j < which.size(); ++j) out.col(static_cast<Index>(j)) = m.col(which[j]);
  return out;
}

}  // namespace

std::vector<Index> match_by_overlap(const Mat& previous, const Mat& next) {
  // O_ij = |⟨previous_i, next_j⟩|; repeatedly take the largest entry among unassigned rows
  // and columns (ties: the first in column-major order).
  const Mat overlap = (previous.transpose() * next).cwiseAbs();
  std::vector<Index> match(static_cast<std::size_t>(next.cols()), -1);
  std::vector<bool> row_used(static_cast<std::size_t>(previous.cols()), false);
  const Index rounds = std::min(previous.cols(), next.cols());
  for (Index r = 0; r < rounds; ++r) {
    double best = -1.0;
    Index bi = -1, bj = -1;
    for (Index j = 0; j < next.cols(); ++j) {
      if (match[static_cast<std::size_t>(j)] >= 0) continue;
      for (Index i = 0; i < previous.cols(); ++i)
        if (!row_used[static_cast<std::size_t>(i)] && overlap(i, j) > best) {
          best = overlap(i, j);
          bi = i;
          bj = j;
        }
    }
    match[static_cast<std::size_t>(bj)] = bi;
    row_used[static_cast<std::size_t>(bi)] = true;
  }
  return match;
}

CurvatureTracker::CurvatureTracker(TrackerOptions options) : options_(options) {
  if (!(options_.tol > 0.0 && options_.tol <= 0.5)) throw std::invalid_argument("curvature tracker: tol must lie in (0, 0.5]");
  if (options_.max_pairs < 1) throw std::invalid_argument("curvature tracker: max_pairs must be >= 1");
  if (options_.max_iterations < 1) throw std::invalid_argument("curvature tracker: max_iterations must be >= 1");
  if (std::isnan(options_.threshold)) throw std::invalid_argument("curvature tracker: threshold is NaN");
}

CurvatureTracker::Pass CurvatureTracker::lobpcg(const SymmetricOperator& a) {
  const Index m = x_.cols();
  Pass pass;
  // The operator has changed since the last measurement: fresh products of the block, then
  // Rayleigh–Ritz on it (the warm start).
  Mat ax = products(a, x_);
  RitzCoefficients rr = rayleigh_ritz(x_, ax, m);
  x_ = x_ * rr.coefficients;
  ax = ax * rr.coefficients;
  values_ = rr.values;
  Mat p(x_.rows(), 0), ap(x_.rows(), 0);
  for (;;) {
    // R = A X − X Λ; the rounding floor of forming it is ~ 64 ε max|λ| √(basis size).
    const Mat r = ax - x_ * values_.asDiagonal();
    pass.residuals = r.colwise().norm().transpose();
    const double floor = 64.0 * kEps * values_.cwiseAbs().maxCoeff() * std::sqrt(3.0 * static_cast<double>(m));
    std::vector<Index> active;
    for (Index j = 0; j < m; ++j)
      if (pass.residuals[j] > std::max(criterion(values_[j], options_.tol), floor)) active.push_back(j);
    if (active.empty()) {
      pass.converged = true;
      return pass;
    }
    if (pass.iterations >= options_.max_iterations) return pass;

    // Soft locking: only the active pairs contribute search directions.
    Mat w = columns(r, active);
    orthonormalize(w, nullptr, x_, nullptr, kDropFresh);
    const Mat aw = products(a, w);
    Mat basis(x_.rows(), m + w.cols()), a_basis(x_.rows(), m + w.cols());
    basis << x_, w;
    a_basis << ax, aw;
    if (p.cols() > 0) {
      Mat pa = columns(p, active), apa = columns(ap, active);
      orthonormalize(pa, &apa, basis, &a_basis, kDropCarried);
      basis.conservativeResize(Eigen::NoChange, basis.cols() + pa.cols());
      a_basis.conservativeResize(Eigen::NoChange, a_basis.cols() + pa.cols());
      basis.rightCols(pa.cols()) = pa;
      a_basis.rightCols(pa.cols()) = apa;
    }

    if (basis.cols() == m) return pass;  // no direction left (stagnation): not converged
    // Rayleigh–Ritz on span[X, W, P]; the new direction P is the part of the new Ritz vectors
    // outside the old X (Hetmaniuk & Lehoucq 2006), with its products.
    rr = rayleigh_ritz(basis, a_basis, m);
    const Index extra = basis.cols() - m;
    p = basis.rightCols(extra) * rr.coefficients.bottomRows(extra);
    ap = a_basis.rightCols(extra) * rr.coefficients.bottomRows(extra);
    x_ = basis * rr.coefficients;
    ax = a_basis * rr.coefficients;
    values_ = rr.values;
    ++pass.iterations;
  }
}

Vec CurvatureTracker::cold_start(const SymmetricOperator& a) {
  const Index d = a.rows();
  const Mat& x = x_;
  // The largest eigenpair of (I − XXᵀ) A (I − XXᵀ) − σXXᵀ: A restricted to the complement of
  // the block, the block itself pushed to −σ (σ = 2 max|λ| + 1 over the block's Ritz values),
  // so that a negative eigenvalue of the complement still beats the block's directions (when
  // λmin < −σ it may not: the span check below then reports nothing new).
  const double sigma = x.cols() > 0 ? 2.0 * values_.head(x.cols()).cwiseAbs().maxCoeff() + 1.0 : 0.0;
  FunctionOperator deflated(d, [&a, &x, sigma](const Vec& v, Vec& out) {
    if (x.cols() == 0) {
      a.apply(v, out);
      return;
    }
    const Vec c = x.transpose() * v;
    const Vec pv = v - x * c;
    a.apply(pv, out);
    out.noalias() -= x * (x.transpose() * out);
    out.noalias() -= sigma * (x * c);
  });
  KrylovSchurOptions ko;
  ko.largest = 1;
  ko.tol = options_.tol;
  ko.max_restarts = options_.max_iterations;
  ko.seed = Rng::derived(options_.seed, kTrackerStream + cold_starts_++).bits();
  const KrylovSchurResult r = krylov_schur(deflated, ko);
  Vec v = r.eigenvectors.col(0);
  for (int sweep = 0; sweep < 2 && x.cols() > 0; ++sweep) v.noalias() -= x * (x.transpose() * v);
  // A vector left mostly in span X is the deflated operator's zero eigenvalue: nothing new.
  const double norm = v.norm();
  return norm < 0.5 ? Vec() : Vec(v / norm);
}

void CurvatureTracker::keep_columns(Index count) {
  x_.conservativeResize(Eigen::NoChange, count);
  values_.conservativeResize(count);
  ids_.resize(static_cast<std::size_t>(count));
  slots_.resize(static_cast<std::size_t>(count));
}

TrackerMeasurement CurvatureTracker::measure(const SymmetricOperator& a, const Vec* gradient) {
  const Index d = a.rows();
  if (d < 2) throw std::invalid_argument("curvature tracker: the operator must have at least 2 rows");
  if (x_.cols() > 0 && x_.rows() != d)
    throw std::invalid_argument("curvature tracker: operator of size " + std::to_string(d) + ", the block has " +
                                std::to_string(x_.rows()));
  const std::uint64_t products_before = a.products();
  TrackerMeasurement out;
  const std::vector<Index> slots_before = slots_;
  const std::vector<std::uint64_t> ids_before = ids_;

  // One LOBPCG pass, then identity by overlap with the block before it (signs aligned).
  auto pass_with_identity = [&] {
    const Mat previous = x_;
    const std::vector<std::uint64_t> ids = ids_;
    const std::vector<Index> slots = slots_;
    const Pass pass = lobpcg(a);
    const std::vector<Index> match = match_by_overlap(previous, x_);
    for (std::size_t j = 0; j < match.size(); ++j) {
      const Index i = match[j];
      const Index jj = static_cast<Index>(j);
      if (i < 0) {  // no predecessor (cannot happen for a block of constant size)
        ids_[j] = next_id_++;
        slots_[j] = -1;
        continue;
      }
      ids_[j] = ids[static_cast<std::size_t>(i)];
      slots_[j] = slots[static_cast<std::size_t>(i)];
      if (previous.col(i).dot(x_.col(jj)) < 0.0) x_.col(jj) *= -1.0;
    }
    out.iterations += pass.iterations;
    return pass;
  };
  // Appends a new column from a deflated cold start; false when none was found.
  auto grow = [&] {
    const Vec v = cold_start(a);
    if (v.size() == 0) return false;
    x_.conservativeResize(d, x_.cols() + 1);
    x_.col(x_.cols() - 1) = v;
    values_.conservativeResize(x_.cols());
    ids_.push_back(next_id_++);
    slots_.push_back(-1);
    return true;
  };

  if (x_.cols() == 0 && !grow()) throw std::runtime_error("curvature tracker: no start vector");
  Pass pass = pass_with_identity();
  bool exhausted = false;  // a deflated cold start found nothing new
  // Block size: the tracked pairs (λ > threshold, at least 1, at most max_pairs) plus one
  // guard while fewer than max_pairs are tracked and all of them are above the threshold (when
  // λmax itself is below, no other eigenvalue can cross first); never more than D − 1 columns.
  for (;;) {
    const Index m = x_.cols();
    Index above = 0;
    for (Index j = 0; j < m; ++j) above += values_[j] > options_.threshold ? 1 : 0;
    const Index tracked = std::clamp<Index>(above, 1, options_.max_pairs);
    const bool guard = tracked < options_.max_pairs && above >= tracked;
    const Index want = std::min<Index>(tracked + (guard ? 1 : 0), d - 1);
    if (m < want && !exhausted) {
      if (grow()) {
        pass = pass_with_identity();
        continue;
      }
      exhausted = true;
    }
    keep_columns(std::min(m, want));
    // Slots: freed by ids no longer tracked, then given to newly tracked ids (lowest free).
    for (Index j = tracked; j < x_.cols(); ++j) slots_[static_cast<std::size_t>(j)] = -1;
    std::vector<bool> used(static_cast<std::size_t>(options_.max_pairs), false);
    for (Index j = 0; j < tracked; ++j)
      if (slots_[static_cast<std::size_t>(j)] >= 0) used[static_cast<std::size_t>(slots_[static_cast<std::size_t>(j)])] = true;
    for (Index j = 0; j < tracked; ++j) {
      Index& slot = slots_[static_cast<std::size_t>(j)];
      if (slot >= 0) continue;
      slot = static_cast<Index>(std::find(used.begin(), used.end(), false) - used.begin());
      used[static_cast<std::size_t>(slot)] = true;
    }
    out.converged = pass.converged;
    for (Index j = 0; j < tracked; ++j)
      out.pairs.push_back({ids_[static_cast<std::size_t>(j)], slots_[static_cast<std::size_t>(j)], values_[j],
                           pass.residuals[j]});
    break;
  }

  // Added / dropped: tracked ids (those with a slot) after vs before.
  auto tracked_ids = [](const std::vector<std::uint64_t>& ids, const std::vector<Index>& slots) {
    std::vector<std::uint64_t> t;
    for (std::size_t j = 0; j < ids.size(); ++j)
      if (slots[j] >= 0) t.push_back(ids[j]);
    std::sort(t.begin(), t.end());
    return t;
  };
  const std::vector<std::uint64_t> now = tracked_ids(ids_, slots_), then = tracked_ids(ids_before, slots_before);
  for (std::uint64_t id : now) out.added += std::binary_search(then.begin(), then.end(), id) ? 0 : 1;
  for (std::uint64_t id : then) out.dropped += std::binary_search(now.begin(), now.end(), id) ? 0 : 1;

  // ‖P_V g‖/‖g‖ = ‖Vᵀg‖/‖g‖ for the orthonormal tracked vectors V.
  out.gradient_overlap = std::numeric_limits<double>::quiet_NaN();
  if (gradient != nullptr) {
    if (gradient->size() != d) throw std::invalid_argument("curvature tracker: gradient has the wrong length");
    const double gn = gradient->norm();
    if (gn > 0.0) out.gradient_overlap = (x_.leftCols(static_cast<Index>(out.pairs.size())).transpose() * *gradient).norm() / gn;
  }
  out.products = a.products() - products_before;
  return out;
}

void CurvatureTracker::archive(StateArchive& a) {
  std::int64_t dim = x_.rows(), pairs = x_.cols();
  a.field("dim", dim, 0, std::int64_t{1} << 40);
  a.field("pairs", pairs, 0, options_.max_pairs + 1);
  a.field("vectors", x_, dim, pairs);
  std::vector<std::int64_t> ids(ids_.begin(), ids_.end()), slots(slots_.begin(), slots_.end());
  a.field("ids", ids, static_cast<std::size_t>(pairs), 0, std::numeric_limits<std::int64_t>::max());
  a.field("slots", slots, static_cast<std::size_t>(pairs), -1, options_.max_pairs - 1);
  a.field("next_id", next_id_);
  a.field("cold_starts", cold_starts_);
  if (a.loading()) {
    if (ids.size() != static_cast<std::size_t>(pairs) || slots.size() != static_cast<std::size_t>(pairs))
      a.fail("ids", "does not have one entry per pair");
    ids_.assign(ids.begin(), ids.end());
    slots_.assign(slots.begin(), slots.end());
    values_ = Vec::Zero(pairs);
  }
}

}  // namespace optdyn::analysis
