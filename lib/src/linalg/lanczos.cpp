// Lanczos with full reorthogonalisation (see lanczos.hpp). Moved here from
// analysis/src/spectral_density.cpp (which now calls it) so that lib/ and analysis/ share one.
#include "optdyn/linalg/lanczos.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace optdyn {

Mat LanczosResult::tridiagonal() const {
  Mat t = Mat::Zero(steps, steps);
  for (Index j = 0; j < steps; ++j) {
    t(j, j) = alpha[j];
    if (j + 1 < steps) t(j, j + 1) = t(j + 1, j) = beta[j];
  }
  return t;
}

// β_j v_{j+1} = A v_j − α_j v_j − β_{j−1} v_{j−1}, the three-term recurrence, here computed as
// A v_j minus its projection on all of v₁ … v_j (twice), which equals the recurrence in exact
// arithmetic and keeps V orthonormal in floating point.
LanczosResult lanczos(const SymmetricOperator& A, const Vec& v, Index k, bool keep_basis) {
  const Index d = v.size();
  k = std::min(k, d);
  if (k < 1) throw std::invalid_argument("lanczos: need at least one step");
  const double norm = v.norm();
  if (!(norm > 0.0) || !std::isfinite(norm)) throw std::invalid_argument("lanczos: start vector is zero or not finite");
  LanczosResult r;
  Mat V(d, k);
  V.col(0) = v / norm;
  r.alpha.resize(k);
  r.beta.resize(std::max<Index>(k - 1, 0));
  Vec w(d);
  double scale = 0.0;
  for (Index j = 0; j < k; ++j) {
    A.apply(V.col(j), w);
    ++r.products;
    r.alpha[j] = V.col(j).dot(w);
    r.steps = j + 1;
    if (j + 1 == k) break;
    for (int pass = 0; pass < 2; ++pass) {
      const Vec c = V.leftCols(j + 1).transpose() * w;
      w.noalias() -= V.leftCols(j + 1) * c;
    }
    const double b = w.norm();
    scale = std::max(scale, std::abs(r.alpha[j]) + b);
    if (b <= 1e-12 * scale) break;  // invariant subspace
    r.beta[j] = b;
    V.col(j + 1) = w / b;
  }
  r.alpha.conservativeResize(r.steps);
  r.beta.conservativeResize(r.steps - 1);
  if (keep_basis) r.basis = V.leftCols(r.steps);
  return r;
}

}  // namespace optdyn
