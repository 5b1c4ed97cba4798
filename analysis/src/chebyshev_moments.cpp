#include "optdyn/analysis/chebyshev_moments.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "optdyn/analysis/probe_statistics.hpp"
#include "optdyn/linalg/lanczos.hpp"

namespace optdyn::analysis {

SpectralInterval SpectralInterval::widened() const {
  SpectralInterval w = *this;
  w.lower = center() - 1.25 * half_width();
  w.upper = center() + 1.25 * half_width();
  return w;
}

SpectralInterval spectral_interval(const SymmetricOperator& op, Index steps, double margin, Rng& rng) {
  if (steps < 1) throw std::invalid_argument("spectral_interval: need at least one Lanczos step");
  if (!(margin >= 0.0)) throw std::invalid_argument("spectral_interval: margin must be >= 0");
  const Index d = op.rows();
  const std::uint64_t before = op.products();
  LanczosProcess lp(op, std::min(steps, d), Reorthogonalization::twice);
  lp.start(rademacher(d, rng) / std::sqrt(static_cast<double>(d)));
  while (lp.size() < lp.capacity() && !lp.breakdown() && !lp.exhausted()) lp.expand();
  const Index j = lp.size();
  const Eigen::SelfAdjointEigenSolver<Mat> ritz(lp.projected().topLeftCorner(j, j));
  // Residual of the Ritz pair (θ_i, V u_i): ‖A V u_i − θ_i V u_i‖ = β_m |e_mᵀ u_i|.
  const Vec residuals = lp.beta() * ritz.eigenvectors().row(j - 1).cwiseAbs().transpose();
  SpectralInterval s;
  s.lower = ritz.eigenvalues()[0] - residuals[0];
  s.upper = ritz.eigenvalues()[j - 1] + residuals[j - 1];
  const double pad = margin * (s.upper - s.lower);
  s.lower -= pad;
  s.upper += pad;
  if (!(s.upper > s.lower)) {  // a multiple of the identity: any positive width will do
    s.lower -= 1.0;
    s.upper += 1.0;
  }
  s.products = op.products() - before;
  return s;
}

Vec chebyshev_moments(const SymmetricOperator& op, const SpectralInterval& interval, const Vec& z, Index degree) {
  if (degree < 1) throw std::invalid_argument("chebyshev_moments: degree must be >= 1");
  const double c = interval.center(), e = interval.half_width();
  auto apply_mapped = [&](const Vec& v, Vec& out) {  // out = Â v = (A v − c v)/e
    op.apply(v, out);
    out = (out - c * v) / e;
  };
  const Index half = (degree + 1) / 2;  // ⌈N/2⌉ products
  Vec mu(2 * half + 1);
  Vec prev = z, cur(z.size()), next(z.size());
  apply_mapped(prev, cur);
  mu[0] = z.squaredNorm();
  mu[1] = z.dot(cur);
  for (Index k = 1; k <= half; ++k) {
    // Invariant: prev = v_{k−1}, cur = v_k.
    mu[2 * k] = 2.0 * cur.squaredNorm() - mu[0];  // Weiße et al. 2006, eq. 34
    if (k == half) break;
    apply_mapped(cur, next);
    next = 2.0 * next - prev;
    mu[2 * k + 1] = 2.0 * next.dot(cur) - mu[1];
    prev.swap(cur);
    cur.swap(next);
  }
  return mu.head(degree + 1);
}

bool bounded(const Vec& moments) { return moments.cwiseAbs().maxCoeff() <= (1.0 + 1e-8) * moments[0]; }

}  // namespace optdyn::analysis
