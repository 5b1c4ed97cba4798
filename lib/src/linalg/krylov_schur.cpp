#include "optdyn/linalg/krylov_schur.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/lanczos.hpp"

namespace optdyn {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// One product (LanczosProcess::expand: the three-term step, DGKS reorthogonalisation); after a
// breakdown the Krylov space continues from a fresh random direction orthogonal to V (β = 0).
void expand(LanczosProcess& p, Rng& rng) {
  p.expand();
  if (p.breakdown()) p.continue_from([&rng, &p] { return rng.normal_vector(p.basis().rows()); });
}

struct Ritz {
  Vec values;  // ascending
  Mat vectors;
};

Ritz ritz_pairs(const LanczosProcess& p) {
  Eigen::SelfAdjointEigenSolver<Mat> solver(p.projected().topLeftCorner(p.size(), p.size()));
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
double rounding_floor(const LanczosProcess& p) {
  return 64.0 * kEps * p.norm_estimate() * std::sqrt(static_cast<double>(p.size()));
}

// The cheap test: ‖A y − θ y‖ = β |s_j| (last row of the Ritz vector) for every wanted pair.
bool estimates_pass(const LanczosProcess& p, const Ritz& rz, const std::vector<Index>& pos, double tol) {
  const double floor = rounding_floor(p);
  for (Index i : pos)
    if (p.beta() * std::abs(rz.vectors(p.size() - 1, i)) > std::max(criterion(rz.values[i], tol), floor)) return false;
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
Pairs true_pairs(const SymmetricOperator& op, const LanczosProcess& p, const Ritz& rz, const std::vector<Index>& pos,
                 double tol) {
  const Index j = p.size(), q = static_cast<Index>(pos.size());
  Mat s(j, q);
  Pairs out;
  out.values.resize(q);
  for (Index i = 0; i < q; ++i) {
    s.col(i) = rz.vectors.col(pos[i]);
    out.values[i] = rz.values[pos[i]];
  }
  out.vectors = p.basis().leftCols(j) * s;
  Mat ay(op.rows(), q);
  if (p.stores_products())
    ay.noalias() = p.products().leftCols(j) * s;
  else
    for (Index i = 0; i < q; ++i) {
      Vec product;
      op.apply(out.vectors.col(i), product);
      ay.col(i) = product;
    }
  out.residuals.resize(q);
  out.pass.assign(q, true);
  const double floor = rounding_floor(p);
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
// ascending order (LanczosProcess::restart: V ← V S, AV ← AV S, H ← diag θ, v_{m+1} kept).
void restart(LanczosProcess& p, const Ritz& rz, Index bottom, Index top) {
  const Index m = p.size(), count = bottom + top;
  Mat s(m, count);
  s.leftCols(bottom) = rz.vectors.leftCols(bottom);
  s.rightCols(top) = rz.vectors.rightCols(top);
  Vec theta(count);
  theta.head(bottom) = rz.values.head(bottom);
  theta.tail(top) = rz.values.tail(top);
  p.restart(s, theta);
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

  const bool store = static_cast<double>(d) * static_cast<double>(m) * sizeof(double) <= o.max_stored_bytes;
  LanczosProcess process(op, m, Reorthogonalization::dgks, store);
  Rng rng(o.seed);
  process.start(rng.normal_vector(d).normalized());

  // Kept at a restart beyond the wanted pairs: half the free room, shared by the two ends in
  // proportion to what each wants.
  const Index extra = (m - want) / 2;
  const Index extra_top = o.smallest == 0 ? extra : (o.largest == 0 ? 0 : extra * o.largest / want);
  const Index keep_top = o.largest + extra_top, keep_bottom = o.smallest + (extra - extra_top);

  KrylovSchurResult result;
  result.ncv = m;
  result.stored_products = store;
  Pairs pairs;
  for (;;) {
    expand(process, rng);
    const bool full = process.size() == m || process.exhausted();
    if (process.size() >= want) {
      const Ritz rz = ritz_pairs(process);
      const std::vector<Index> pos = wanted_positions(process.size(), o.largest, o.smallest);
      const bool last = process.exhausted() || (process.size() == m && result.restarts == o.max_restarts);
      if (estimates_pass(process, rz, pos, o.tol) || last) {
        pairs = true_pairs(op, process, rz, pos, o.tol);
        if (pairs.all_pass || last) {
          result.converged = pairs.all_pass;
          break;
        }
      }
      if (full) {
        restart(process, rz, keep_bottom, keep_top);
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

}  // namespace optdyn
