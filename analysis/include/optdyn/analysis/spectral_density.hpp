#pragma once
// Spectral density of a symmetric operator by stochastic Lanczos quadrature (SLQ; Ghorbani,
// Krishnan & Xiao 2019; Lin, Saad & Yang 2016) and the Hutchinson trace estimate, matrix-free.
//
// For each probe p = 1..P: z ∈ {±1}^D (Rademacher, from the Rng passed in), v₁ = z/√D;
// m Lanczos steps with FULL reorthogonalisation (classical Gram–Schmidt, applied twice)
// give the tridiagonal T_m; with T_m = Σ_j θ_j u_j u_jᵀ the quadrature nodes are θ_j and
// the weights τ_j = (u_j)₁² (Σ_j τ_j = 1). Then v₁ᵀ f(A) v₁ ≈ Σ_j τ_j f(θ_j), and
//   φ(t) = (1/D) Σ_i δ(t − λ_i)  ≈  (1/P) Σ_p Σ_j τ_pj δ(t − θ_pj).
// The smoothed density replaces δ by a Gaussian of variance s² = σ²·max(1, λmax − λmin)
// (σ² = 1e-5 by default; λmax, λmin = extreme nodes over all probes), as PyHessian and
// google/spectral-density do, on a uniform grid x_k over [λmin − pad, λmax + pad],
// pad = max(5 s, 1e-2·(λmax − λmin)), spacing h. Each grid value is the bin average
//   density_k = (1/P) Σ_p Σ_j τ_pj (Φ((x_k + h/2 − θ_pj)/s) − Φ((x_k − h/2 − θ_pj)/s)) / h
// (Φ the standard normal CDF; the first and last bins extend to ∓∞), not the Gaussian's
// value at x_k: Σ_k density_k·h = 1 exactly (up to rounding) for any h, also when h ≫ s
// (a sparse spectrum whose smoothing width is below the grid spacing); for h ≪ s the two
// agree to O(h²/s²).
// Lanczos stops early when β_j ≤ 1e-12·(|α|max + β) (an invariant subspace: the quadrature
// is then exact for that probe).
//
// Hutchinson: tr(A) ≈ (1/P) Σ_p zᵀAz = D·(1/P) Σ_p (T_p)₁₁, free from the first Lanczos step;
// the standard error is the sample standard deviation over probes / √P.
// Fractions (e.g. of negative eigenvalues, for the saddle index) are estimated per probe
// from the quadrature weights, with the standard error over probes; this error bar is the
// probe-sampling error only: with m ≪ D nodes the quadrature also smears mass near λ ≈ 0
// over about the node spacing (a bias the error bar does not include).
#include <cstdint>
#include <vector>

#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/analysis/probe_statistics.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct SlqOptions {
  Index probes = 10;
  Index lanczos_steps = 90;     // m (capped at D)
  double sigma_squared = 1e-5;  // smoothing variance before scaling by max(1, λmax − λmin)
  Index grid_points = 1000;
};

struct SpectralDensity {
  Index dim = 0;
  std::vector<Vec> nodes, weights;  // per probe
  double lambda_min = 0.0, lambda_max = 0.0;  // extreme nodes over all probes
  double smoothing_variance = 0.0;            // s² actually used
  Vec grid, density;
  Estimate trace;              // Hutchinson
  std::uint64_t products = 0;  // operator products used

  // Estimated fraction of eigenvalues in (−∞, x) (strict) — per-probe quadrature, mean ± se.
  Estimate fraction_below(double x) const;
  // Fraction in [lo, hi].
  Estimate fraction_between(double lo, double hi) const;
  // The quadrature CDF F(x) = fraction of eigenvalues ≤ x (mean over probes).
  double cdf(double x) const;
};

// Lanczos with full reorthogonalisation from the unit vector v1, at most m steps.
// alpha (diagonal) and beta (off-diagonal, size steps−1) of T. Returns the steps taken.
Index lanczos_tridiagonal(const SymmetricOperator& op, const Vec& v1, Index m, Vec& alpha, Vec& beta);

SpectralDensity spectral_density(const SymmetricOperator& op, const SlqOptions& options, Rng& rng);

// Hutchinson's estimator alone: P Rademacher probes, one product each.
Estimate hutchinson_trace(const SymmetricOperator& op, Index probes, Rng& rng);

}  // namespace optdyn::analysis
