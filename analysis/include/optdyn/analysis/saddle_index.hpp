#pragma once
// The saddle index α = fraction of negative Hessian eigenvalues (seed 004: α = 0 a local
// minimum, α = 1 a maximum, in between a saddle), with eigenvalues |λ| ≤ tolerance counted
// separately as near-zero (the seeds stress λ ≈ 0 plateaus): negative means λ < −tol,
// positive λ > tol. α = negative / D.
//
// Exact, two ways:
//  * from all D eigenvalues (dense_eigenvalues: Householder tridiagonalisation + QL), or
//  * by inertia (Sylvester's law; linalg/inertia.hpp): n(λ < σ) = the number of negative
//    pivots of a Bunch–Kaufman LDLᵀ of H − σI, so negative = n(λ < −τ) and
//    near_zero = n(λ ≤ τ) − negative; D³/3 flops, about a third of the eigenvalue route.
//    Eigen's LDLT cannot do this: it pivots on the diagonal only (1×1 pivots, no Bunch–Kaufman
//    2×2 blocks), so for an indefinite matrix it is not backward stable ([[0, 1], [1, 0]] has no
//    usable 1×1 pivot at all) and the signs of its D are not reliable; the 2×2 pivots of
//    Bunch–Kaufman bound the growth and make the computed inertia that of a matrix within
//    O(u·growth·‖H‖) of H − σI — exact for shifts σ = ±τ with τ far above rounding level.
// Estimated, for large D:
//  * by Chebyshev filters (eigenvalue_count.hpp: estimate_index), the default: the three masses
//    at a τ the polynomial degree resolves, each with an interval that covers the truth at a
//    stated level, and "unresolved" when too much mass sits in the filters' transition bands;
//  * from an SLQ spectral density (spectral_density.hpp): fractions per probe, mean ± standard
//    error over probes. That bar is the probe-sampling error only: with m ≪ D quadrature nodes
//    a cluster at λ ≈ 0 falls on one side of −τ per probe, so the SLQ index can be biased far
//    outside it (kept for comparison).
//
// The combinatorial count of seed 000: the number of sign patterns with αD negative
// directions among D is C(D, αD) ≈ e^{D h(α)} (= 2^{D h₂(α)}), h the binary entropy in nats;
// more precisely log C(D, αD) = D h(α) − ½ log(2π D α(1 − α)) + O(1/D).
#include <string>

#include "optdyn/analysis/spectral_density.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct SaddleIndex {
  Index dim = 0;
  double negative = 0.0, near_zero = 0.0, positive = 0.0;  // counts (estimated: fraction × D)
  double tolerance = 0.0;                                  // absolute
  double index = 0.0;                                      // negative / D
  double index_stderr = 0.0;                               // 0 when exact
  double near_zero_stderr = 0.0;
  bool exact = true;
};

// From all D eigenvalues (any order). tolerance ≥ 0 (absolute).
SaddleIndex saddle_index(const Vec& eigenvalues, double tolerance);
// Estimated from an SLQ density (probe standard error only, see above).
SaddleIndex saddle_index(const SpectralDensity& density, double tolerance);
// Exact by inertia of the symmetric matrix H − σI at σ = −tolerance and +tolerance.
SaddleIndex saddle_index_by_inertia(const Mat& hessian, double tolerance);

// log C(n, k) (natural log) via lgamma; k may be non-integer (the Gamma-function extension),
// 0 ≤ k ≤ n.
double log_binomial(double n, double k);
// h(α) = −α log α − (1 − α) log(1 − α) in nats (h(0) = h(1) = 0).
double binary_entropy(double alpha);
// log of the number of index-αD sign patterns, log C(D, αD), αD rounded to the nearest integer.
double log_saddle_count(Index dim, double alpha);

}  // namespace optdyn::analysis
