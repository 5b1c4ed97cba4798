#include "optdyn/analysis/spectral_density.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <utility>

#include "optdyn/linalg/lanczos.hpp"

namespace optdyn::analysis {

// The one Lanczos of the project lives in lib/ (optdyn/linalg/lanczos.hpp).
Index lanczos_tridiagonal(const SymmetricOperator& op, const Vec& v1, Index m, Vec& alpha, Vec& beta) {
  if (m < 1) throw std::invalid_argument("lanczos_tridiagonal: need at least one step");
  LanczosResult r = lanczos(op, v1, m, /*keep_basis=*/false);
  alpha = std::move(r.alpha);
  beta = std::move(r.beta);
  return r.steps;
}

SpectralDensity spectral_density(const SymmetricOperator& op, const SlqOptions& o, Rng& rng) {
  if (o.probes < 1) throw std::invalid_argument("probes must be at least 1");
  if (o.lanczos_steps < 1) throw std::invalid_argument("lanczos steps must be at least 1");
  if (!(o.sigma_squared > 0.0)) throw std::invalid_argument("sigma_squared must be positive");
  if (o.grid_points < 2) throw std::invalid_argument("grid_points must be at least 2");
  const Index d = op.rows();
  const std::uint64_t before = op.products();
  SpectralDensity s;
  s.dim = d;
  std::vector<double> quad_trace;
  for (Index p = 0; p < o.probes; ++p) {
    const Vec z = rademacher(d, rng);
    Vec alpha, beta;
    const Index steps = lanczos_tridiagonal(op, z, o.lanczos_steps, alpha, beta);
    quad_trace.push_back(static_cast<double>(d) * alpha[0]);  // zᵀAz = D·v₁ᵀAv₁
    Eigen::SelfAdjointEigenSolver<Mat> t;
    t.computeFromTridiagonal(alpha, beta, Eigen::ComputeEigenvectors);
    s.nodes.push_back(t.eigenvalues());
    s.weights.push_back(t.eigenvectors().row(0).transpose().array().square().matrix());
    (void)steps;
  }
  s.trace = mean_and_stderr(quad_trace);
  s.lambda_min = s.nodes[0].minCoeff();
  s.lambda_max = s.nodes[0].maxCoeff();
  for (const Vec& n : s.nodes) {
    s.lambda_min = std::min(s.lambda_min, n.minCoeff());
    s.lambda_max = std::max(s.lambda_max, n.maxCoeff());
  }
  const double width = s.lambda_max - s.lambda_min;
  s.smoothing_variance = o.sigma_squared * std::max(1.0, width);
  const double sd = std::sqrt(s.smoothing_variance);
  const double pad = std::max(5.0 * sd, 1e-2 * width);
  s.grid = Vec::LinSpaced(o.grid_points, s.lambda_min - pad, s.lambda_max + pad);
  s.density = Vec::Zero(o.grid_points);
  // Bin average of the Gaussian mixture over [x_k − h/2, x_k + h/2], the outer bins extended
  // to ±∞ so that the tails beyond the grid are kept: Σ_k density_k·h = (1/P) Σ_p Σ_j τ_pj = 1
  // exactly (up to rounding) on any grid spacing, also when h ≫ s (a point evaluation of the
  // Gaussians would then miss most of the mass). Adjacent bins share their edge values, so the
  // sum telescopes.
  const Index n = o.grid_points;
  const double h = (s.grid[n - 1] - s.grid[0]) / static_cast<double>(n - 1);
  Vec edges(n + 1);
  for (Index k = 0; k <= n; ++k) edges[k] = s.grid[0] - 0.5 * h + static_cast<double>(k) * h;
  const double inv_sd_sqrt2 = 1.0 / (sd * std::numbers::sqrt2);
  const double scale = 1.0 / (h * static_cast<double>(o.probes));
  Vec lower(n + 1), upper(n + 1);  // Φ(z) and 1 − Φ(z) at each edge, each accurate in its tail
  for (std::size_t p = 0; p < s.nodes.size(); ++p)
    for (Index j = 0; j < s.nodes[p].size(); ++j) {
      const double node = s.nodes[p][j], w = s.weights[p][j];
      // Only edges within 40 s of the node: beyond, erfc(40/√2) underflows to exactly 0, so
      // the skipped bins have mass exactly 0 (the result is the same as over all bins).
      const double reach = 40.0 * sd;
      const Index klo = static_cast<Index>(std::clamp(std::floor((node - reach - edges[0]) / h), 0.0, static_cast<double>(n)));
      const Index khi = static_cast<Index>(std::clamp(std::ceil((node + reach - edges[0]) / h), 0.0, static_cast<double>(n)));
      for (Index k = klo; k <= khi; ++k) {
        const double z = (edges[k] - node) * inv_sd_sqrt2;
        lower[k] = k == 0 ? 0.0 : (k == n ? 1.0 : 0.5 * std::erfc(-z));
        upper[k] = k == 0 ? 1.0 : (k == n ? 0.0 : 0.5 * std::erfc(z));
      }
      for (Index k = klo; k < khi; ++k) {
        // Φ(b) − Φ(a), from the upper tails when the bin lies above the node (no cancellation).
        const double mass = edges[k] >= node && k > 0 ? upper[k] - upper[k + 1] : lower[k + 1] - lower[k];
        s.density[k] += w * scale * mass;
      }
    }
  s.products = op.products() - before;
  return s;
}

Estimate SpectralDensity::fraction_below(double x) const {
  std::vector<double> f;
  for (std::size_t p = 0; p < nodes.size(); ++p) f.push_back((nodes[p].array() < x).select(weights[p].array(), 0.0).sum());
  return mean_and_stderr(f);
}

Estimate SpectralDensity::fraction_between(double lo, double hi) const {
  std::vector<double> f;
  for (std::size_t p = 0; p < nodes.size(); ++p)
    f.push_back(((nodes[p].array() >= lo) && (nodes[p].array() <= hi)).select(weights[p].array(), 0.0).sum());
  return mean_and_stderr(f);
}

double SpectralDensity::cdf(double x) const {
  double total = 0.0;
  for (std::size_t p = 0; p < nodes.size(); ++p) total += (nodes[p].array() <= x).select(weights[p].array(), 0.0).sum();
  return nodes.empty() ? 0.0 : total / static_cast<double>(nodes.size());
}

Estimate hutchinson_trace(const SymmetricOperator& op, Index probes, Rng& rng) {
  if (probes < 1) throw std::invalid_argument("probes must be at least 1");
  const Index d = op.rows();
  std::vector<double> q;
  Vec az(d);
  for (Index p = 0; p < probes; ++p) {
    const Vec z = rademacher(d, rng);
    op.apply(z, az);
    q.push_back(z.dot(az));
  }
  return mean_and_stderr(q);
}

}  // namespace optdyn::analysis
