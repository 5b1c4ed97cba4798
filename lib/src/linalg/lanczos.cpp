// The Lanczos process with full reorthogonalisation and the k-step tridiagonalisation (see
// lanczos.hpp). Krylov–Schur (krylov_schur.cpp) and lanczos() below are its two drivers.
#include "optdyn/linalg/lanczos.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace optdyn {

namespace {

// DGKS: sweep again when a Gram–Schmidt sweep left less than 1/√2 of the norm.
constexpr double kReorthogonalise = 0.7071067811865476;
// ‖f‖ ≤ kBreakdown·‖A‖: the basis spans an invariant subspace (its Ritz pairs are exact).
constexpr double kBreakdown = 1e-12;

// Orthogonalises w against the first `cols` columns of V: one classical Gram–Schmidt sweep, a
// second when the first removed more than 1 − 1/√2 of the norm (DGKS) or always (`twice`).
// Adds the removed coefficients to h (if given) and returns the remaining norm.
double orthogonalise(const Mat& V, Index cols, Vec& w, Vec* h, bool twice) {
  const auto basis = V.leftCols(cols);
  double before = w.norm();
  for (int sweep = 0; sweep < 2; ++sweep) {
    const Vec c = basis.transpose() * w;
    w.noalias() -= basis * c;
    if (h) *h += c;
    const double after = w.norm();
    if (!twice && after > kReorthogonalise * before) return after;
    before = after;
  }
  return w.norm();
}

}  // namespace

LanczosProcess::LanczosProcess(const SymmetricOperator& a, Index max_vectors, Reorthogonalization reorthogonalization,
                               bool store_products)
    : a_(a), capacity_(max_vectors), reorthogonalization_(reorthogonalization), store_(store_products) {
  const Index d = a.rows();
  if (max_vectors < 1 || max_vectors > d)
    throw std::invalid_argument("LanczosProcess: need 1 <= max_vectors <= D (got " + std::to_string(max_vectors) +
                                ", D = " + std::to_string(d) + ")");
  V_.resize(d, max_vectors + 1);
  if (store_) AV_.resize(d, max_vectors);
  H_ = Mat::Zero(max_vectors, max_vectors);
  w_.resize(d);
}

void LanczosProcess::start(const Vec& v1) {
  V_.col(0) = v1;
  H_.setZero();
  size_ = 0;
  alpha_ = beta_ = anorm_ = 0.0;
  breakdown_ = exhausted_ = false;
}

// w = A v_j; column j of H is h = V_{j+1}ᵀ w (dgks: the local three-term part first, then the
// full sweeps; twice: the two full sweeps); v_{j+1} = (w − V_{j+1} h)/β.
void LanczosProcess::expand() {
  if (size_ >= capacity_ || breakdown_ || exhausted_)
    throw std::logic_error("LanczosProcess::expand: no room or no next vector");
  const Index j = size_, d = a_.rows();
  Vec& w = w_;
  a_.apply(V_.col(j), w);
  if (store_) AV_.col(j) = w;
  anorm_ = std::max(anorm_, w.norm());
  Vec h = Vec::Zero(j + 1);
  alpha_ = V_.col(j).dot(w);
  const bool twice = reorthogonalization_ == Reorthogonalization::twice;
  if (!twice) {
    h[j] = alpha_;
    w -= h[j] * V_.col(j);
    if (j > 0) {
      h[j - 1] = V_.col(j - 1).dot(w);  // β_{j−1} (or the arrowhead entry after a restart)
      w -= h[j - 1] * V_.col(j - 1);
    }
  }
  const double beta = orthogonalise(V_, j + 1, w, &h, twice);
  H_.col(j).head(j + 1) = h;
  H_.row(j).head(j + 1) = h.transpose();
  size_ = j + 1;
  if (size_ == d) {
    beta_ = 0.0;
    exhausted_ = true;
    return;
  }
  if (beta > kBreakdown * anorm_) {
    beta_ = beta;
    V_.col(j + 1) = w / beta;
    return;
  }
  beta_ = 0.0;  // invariant subspace
  breakdown_ = true;
}

bool LanczosProcess::continue_from(const std::function<Vec()>& fresh_direction, int attempts) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    Vec r = fresh_direction();
    const double start = r.norm();
    const double left = orthogonalise(V_, size_, r, nullptr, false);
    if (left > 1e-8 * start) {
      V_.col(size_) = r / left;
      breakdown_ = false;
      return true;
    }
  }
  exhausted_ = true;  // numerically no direction outside V
  return false;
}

void LanczosProcess::restart(const Mat& s, const Vec& theta) {
  const Index m = size_, p = s.cols();
  Mat kept = V_.leftCols(m) * s;
  V_.leftCols(p) = kept;
  V_.col(p) = V_.col(m);
  if (store_) {
    kept.noalias() = AV_.leftCols(m) * s;
    AV_.leftCols(p) = kept;
  }
  H_.setZero();
  H_.diagonal().head(p) = theta;
  size_ = p;
}

Mat LanczosResult::tridiagonal() const {
  Mat t = Mat::Zero(steps, steps);
  for (Index j = 0; j < steps; ++j) {
    t(j, j) = alpha[j];
    if (j + 1 < steps) t(j, j + 1) = t(j + 1, j) = beta[j];
  }
  return t;
}

// α_j is the Rayleigh quotient v_jᵀAv_j (before any orthogonalisation) and β_j the norm of
// A v_j orthogonalised against v₁ … v_j: the three-term recurrence β_j v_{j+1} = A v_j − α_j v_j
// − β_{j−1} v_{j−1} in exact arithmetic, with V orthonormal in floating point.
LanczosResult lanczos(const SymmetricOperator& A, const Vec& v, Index k, bool keep_basis) {
  const Index d = v.size();
  k = std::min(k, d);
  if (k < 1) throw std::invalid_argument("lanczos: need at least one step");
  const double norm = v.norm();
  if (!(norm > 0.0) || !std::isfinite(norm)) throw std::invalid_argument("lanczos: start vector is zero or not finite");
  LanczosProcess process(A, k, Reorthogonalization::twice);
  process.start(v / norm);
  LanczosResult r;
  r.alpha.resize(k);
  r.beta.resize(std::max<Index>(k - 1, 0));
  for (Index j = 0; j < k; ++j) {
    process.expand();
    r.alpha[j] = process.alpha();
    r.steps = j + 1;
    if (j + 1 == k || process.breakdown()) break;
    r.beta[j] = process.beta();
  }
  r.products = static_cast<std::uint64_t>(r.steps);
  r.alpha.conservativeResize(r.steps);
  r.beta.conservativeResize(r.steps - 1);
  if (keep_basis) r.basis = process.basis().leftCols(r.steps);
  return r;
}

}  // namespace optdyn
