#include "optdyn/analysis/krylov_schur.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "optdyn/core/rng.hpp"

namespace optdyn::analysis {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// DGKS: sweep again when a Gram–Schmidt sweep left less than 1/√2 of the norm.
constexpr double kReorthogonalise = 0.7071067811865476;
// ‖f‖ ≤ kBreakdown·‖A‖: the basis spans an invariant subspace (its Ritz pairs are exact).
constexpr double kBreakdown = 1e-12;

// The Krylov–Schur decomposition A V_j = V_j H_j + β v_{j+1} e_jᵀ (after ≥ 1 expansion since
// the last restart), with V = [v_1 … v_{m+1}] orthonormal and AV = [A v_1 … A v_m] if stored.
struct Decomposition {
  Mat V, AV, H;
  Vec w;
  bool store = false;
  Index size = 0;        // j: basis vectors with products
  double beta = 0.0;     // ‖f‖ of the last expansion (0 after a breakdown)
  double anorm = 0.0;    // max ‖A v_j‖ seen: a lower bound on ‖A‖, the scale of tests
  bool exhausted = false;  // j = D: no direction left outside V
};

// Orthogonalises w against the first `cols` columns of V: one classical Gram–Schmidt sweep,
// a second when the first removed more than 1 − 1/√2 of the norm (DGKS). Adds the removed
// coefficients to h (if given) and returns the remaining norm.
double orthogonalise(const Mat& V, Index cols, Vec& w, Vec* h) {
  const auto basis = V.leftCols(cols);
  double before = w.norm();
  for (int sweep = 0; sweep < 2; ++sweep) {
    const Vec c = basis.transpose() * w;
    w.noalias() -= basis * c;
    if (h) *h += c;
    const double after = w.norm();
    if (after > kReorthogonalise * before) return after;
    before = after;
  }
  return w.norm();
}

// One product: w = A v_j; column j of H is h = V_{j+1}ᵀ w (the local three-term part first,
// then the full sweeps); v_{j+1} = (w − V_{j+1} h)/β. On a breakdown the new direction is a
// random unit vector orthogonal to V (coupling β = 0).
void expand(const SymmetricOperator& op, Decomposition& dc, Rng& rng) {
  const Index j = dc.size, d = op.rows();
  Vec& w = dc.w;
  op.apply(dc.V.col(j), w);
  if (dc.store) dc.AV.col(j) = w;
  dc.anorm = std::max(dc.anorm, w.norm());
  Vec h = Vec::Zero(j + 1);
  h[j] = dc.V.col(j).dot(w);  // α_j
  w -= h[j] * dc.V.col(j);
  if (j > 0) {
    h[j - 1] = dc.V.col(j - 1).dot(w);  // β_{j−1} (or the arrowhead entry after a restart)
    w -= h[j - 1] * dc.V.col(j - 1);
  }
  const double beta = orthogonalise(dc.V, j + 1, w, &h);
  dc.H.col(j).head(j + 1) = h;
  dc.H.row(j).head(j + 1) = h.transpose();
  dc.size = j + 1;
  if (dc.size == d) {
    dc.beta = 0.0;
    dc.exhausted = true;
    return;
  }
  if (beta > kBreakdown * dc.anorm) {
    dc.beta = beta;
    dc.V.col(j + 1) = w / beta;
    return;
  }
  // Invariant subspace: continue the Krylov space from a fresh direction.
  dc.beta = 0.0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    Vec r = rng.normal_vector(d);
    const double start = r.norm();
    const double left = orthogonalise(dc.V, j + 1, r, nullptr);
    if (left > 1e-8 * start) {
      dc.V.col(j + 1) = r / left;
      return;
    }
  }
  dc.exhausted = true;  // numerically no direction outside V
}

struct Ritz {
  Vec values;  // ascending
  Mat vectors;
};

Ritz ritz_pairs(const Decomposition& dc) {
  Eigen::SelfAdjointEigenSolver<Mat> solver(dc.H.topLeftCorner(dc.size, dc.size));
  if (solver.info() != Eigen::Success) throw std::runtime_error("krylov_schur: projected eigenproblem failed");
  return {solver.eigenvalues(), solver.eigenvectors()};
}

// Positions of the wanted Ritz pairs in the ascending order: the `largest` top ones
// (descending), then the `smallest` bottom ones (ascending).
std::vector<Index> wanted_positions(Index size, Index largest, Index smallest) {
  std::vector<Index> pos;
  for (Index i = 0; i < largest; ++i) pos.push_back(size - 1 - i);
  for (Index i = 0; i < smallest; ++i) pos.push_back(i);
  return pos;
}

double criterion(double theta, double tol) { return tol * std::max(std::abs(theta), std::pow(kEps, 2.0 / 3.0)); }

// Below this a residual cannot be resolved: the rounding of forming A y and θ y, 64 ε ‖A‖ √j.
double rounding_floor(const Decomposition& dc) {
  return 64.0 * kEps * dc.anorm * std::sqrt(static_cast<double>(dc.size));
}

// The cheap test: ‖A y − θ y‖ = β |s_j| (last row of the Ritz vector) for every wanted pair.
bool estimates_pass(const Decomposition& dc, const Ritz& rz, const std::vector<Index>& pos, double tol) {
  const double floor = rounding_floor(dc);
  for (Index p : pos)
    if (dc.beta * std::abs(rz.vectors(dc.size - 1, p)) > std::max(criterion(rz.values[p], tol), floor)) return false;
  return true;
}

struct Pairs {
  Vec values, residuals;
  Mat vectors;
  std::vector<bool> pass;
  bool all_pass = true;
};

// The wanted Ritz pairs with their true residuals: A y from the stored products ((AV)s) or from
// fresh products. A pair passes when its residual meets the criterion or the rounding floor.
Pairs true_pairs(const SymmetricOperator& op, const Decomposition& dc, const Ritz& rz, const std::vector<Index>& pos,
                 double tol) {
  const Index j = dc.size, q = static_cast<Index>(pos.size());
  Mat s(j, q);
  Pairs out;
  out.values.resize(q);
  for (Index i = 0; i < q; ++i) {
    s.col(i) = rz.vectors.col(pos[i]);
    out.values[i] = rz.values[pos[i]];
  }
  out.vectors = dc.V.leftCols(j) * s;
  Mat ay(op.rows(), q);
  if (dc.store)
    ay.noalias() = dc.AV.leftCols(j) * s;
  else
    for (Index i = 0; i < q; ++i) {
      Vec product;
      op.apply(out.vectors.col(i), product);
      ay.col(i) = product;
    }
  out.residuals.resize(q);
  out.pass.assign(q, true);
  const double floor = rounding_floor(dc);
  for (Index i = 0; i < q; ++i) {
    const double norm = out.vectors.col(i).norm();
    out.vectors.col(i) /= norm;
    ay.col(i) /= norm;
    out.residuals[i] = (ay.col(i) - out.values[i] * out.vectors.col(i)).norm();
    out.pass[i] = out.residuals[i] <= std::max(criterion(out.values[i], tol), floor);
    out.all_pass = out.all_pass && out.pass[i];
  }
  return out;
}

// Thick restart: keep the Ritz vectors at positions [0, bottom) and [m − top, m) of the
// ascending order (V ← V S, AV ← AV S, H ← diag θ) and the residual direction v_{m+1}.
void restart(Decomposition& dc, const Ritz& rz, Index bottom, Index top) {
  const Index m = dc.size, p = bottom + top;
  Mat s(m, p);
  s.leftCols(bottom) = rz.vectors.leftCols(bottom);
  s.rightCols(top) = rz.vectors.rightCols(top);
  Vec theta(p);
  theta.head(bottom) = rz.values.head(bottom);
  theta.tail(top) = rz.values.tail(top);
  Mat kept = dc.V.leftCols(m) * s;
  dc.V.leftCols(p) = kept;
  dc.V.col(p) = dc.V.col(m);
  if (dc.store) {
    kept.noalias() = dc.AV.leftCols(m) * s;
    dc.AV.leftCols(p) = kept;
  }
  dc.H.setZero();
  dc.H.diagonal().head(p) = theta;
  dc.size = p;
}

}  // namespace

Index krylov_schur_default_ncv(Index wanted, Index dim) { return std::min(std::max<Index>(2 * wanted + 1, 20), dim); }

KrylovSchurResult krylov_schur(const SymmetricOperator& op, const KrylovSchurOptions& o) {
  const Index d = op.rows(), want = o.largest + o.smallest;
  if (o.largest < 0 || o.smallest < 0 || want < 1 || want >= d)
    throw std::invalid_argument("krylov_schur: need 1 <= largest + smallest < D (got " + std::to_string(want) +
                                ", D = " + std::to_string(d) + ")");
  const Index m = o.ncv > 0 ? o.ncv : krylov_schur_default_ncv(want, d);
  if (m <= want || m > d)
    throw std::invalid_argument("ncv = " + std::to_string(m) + " must satisfy k < ncv <= D (k = " + std::to_string(want) +
                                " wanted pairs, D = " + std::to_string(d) + ")");
  if (!(o.tol > 0.0)) throw std::invalid_argument("krylov_schur: tol must be positive");
  const std::uint64_t before = op.products();

  Decomposition dc;
  dc.store = static_cast<double>(d) * static_cast<double>(m) * sizeof(double) <= o.max_stored_bytes;
  dc.V.resize(d, m + 1);
  if (dc.store) dc.AV.resize(d, m);
  dc.H = Mat::Zero(m, m);
  dc.w.resize(d);
  Rng rng(o.seed);
  dc.V.col(0) = rng.normal_vector(d).normalized();

  // Kept at a restart beyond the wanted pairs: half the free room, shared by the two ends in
  // proportion to what each wants.
  const Index extra = (m - want) / 2;
  const Index extra_top = o.smallest == 0 ? extra : (o.largest == 0 ? 0 : extra * o.largest / want);
  const Index keep_top = o.largest + extra_top, keep_bottom = o.smallest + (extra - extra_top);

  KrylovSchurResult result;
  result.ncv = m;
  result.stored_products = dc.store;
  Pairs pairs;
  for (;;) {
    expand(op, dc, rng);
    const bool full = dc.size == m || dc.exhausted;
    if (dc.size >= want) {
      const Ritz rz = ritz_pairs(dc);
      const std::vector<Index> pos = wanted_positions(dc.size, o.largest, o.smallest);
      const bool last = dc.exhausted || (dc.size == m && result.restarts == o.max_restarts);
      if (estimates_pass(dc, rz, pos, o.tol) || last) {
        pairs = true_pairs(op, dc, rz, pos, o.tol);
        if (pairs.all_pass || last) {
          result.converged = pairs.all_pass;
          break;
        }
      }
      if (full) {
        restart(dc, rz, keep_bottom, keep_top);
        ++result.restarts;
      }
    }
  }
  result.eigenvalues = std::move(pairs.values);
  result.eigenvectors = std::move(pairs.vectors);
  result.residuals = std::move(pairs.residuals);
  result.pair_converged = std::move(pairs.pass);
  result.products = op.products() - before;
  return result;
}

}  // namespace optdyn::analysis
