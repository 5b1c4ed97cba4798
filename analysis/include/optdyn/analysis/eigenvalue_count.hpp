#pragma once
// The saddle index at scale: the fractions of eigenvalues below −τ (negative), in [−τ, τ]
// (near zero) and above τ (positive), each with an interval that brackets the truth at a
// stated level, by Jackson-damped Chebyshev filters and Rademacher probes (Di Napoli, Polizzi
// & Saad 2016; Lin, Saad & Yang 2016, §3; Weiße et al. 2006). See doc/references.md,
// "Hessian spectra".
//
// Why not SLQ (spectral_density.hpp): its m quadrature nodes per probe cannot resolve a
// cluster of eigenvalues at λ ≈ 0 (the normal case for a network with fewer samples than
// parameters): a probe's whole zero cluster falls on one side of −τ, so the index is biased
// far outside its probe standard error. Here the resolution is explicit and enters the bar.
//
// Method. Map the spectrum into [−1, 1] (chebyshev_moments.hpp: interval [a, b] from Lanczos,
// θ(λ) = arccos((λ − c)/e)). For a threshold t with angle θ_t and the filter margin δ = δ_ε of
// chebyshev_filter.hpp (T(δ) = ε), three filters φ of "λ ≤ t" are read from the same moments:
//   central  θ_s = θ_t        the KPM estimate (the reported value),
//   upper    θ_s = θ_t − δ    φ ≥ 1 − ε wherever λ ≤ t   ⇒  n(λ ≤ t)/D ≤ tr φ(Â)/D + ε,
//   lower    θ_s = θ_t + δ    φ ≤ ε     wherever λ ≥ t   ⇒  n(λ < t)/D ≥ tr φ(Â)/D − ε
// (0 ≤ φ ≤ 1 from the positive kernel). The bracket [lower − ε, upper + ε] is exact for the
// traces; its width ("ambiguity") is the mass in the transition band of angles
// (θ_t − 2δ, θ_t + 2δ) plus 2ε: the eigenvalues the degree cannot place on either side of t.
// The traces are Hutchinson estimates over P probes (probe_statistics.hpp): the interval of a
// mass is [mean(lower) − t·se(lower), mean(upper) + t·se(upper)] with t the Student-t multiplier
// at `level`; each side fails with probability ≤ (1 − level)/2, so the interval covers with
// probability ≥ level (per mass). negative uses t = −τ; positive 1 − (bracket at +τ); near zero
// the difference of the two brackets.
//
// Resolution τ. A zero eigenvalue must stay outside both transition bands at ±τ, i.e.
// θ(−τ) ≥ θ(0) + 2δ and θ(τ) ≤ θ(0) − 2δ; τ_resolution uses `resolution_margins`·δ (default 3:
// 2δ for the band, one δ of room for eigenvalues near, not at, zero). τ = max(τ requested,
// τ_resolution): asked below the resolution, τ is raised and the message says so.
//
// Status. `resolved` is false when any mass's ambiguity exceeds `budget` (a fraction of D):
// then more than the budget of the spectrum sits in a transition band and the value may be off
// by that much; the interval still brackets the truth, and `message` says which mass and
// what to raise (degree or τ). "Unresolved" is an answer, not an error.
//
// Cost: spectral_interval's Lanczos steps + P·⌈N/2⌉ operator products; memory four D-vectors.
#include <cstdint>
#include <string>

#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct IndexEstimateOptions {
  Index degree = 500;              // N: Chebyshev degree (⌈N/2⌉ products per probe)
  Index probes = 20;               // P ≥ 2 Rademacher probes
  double level = 0.95;             // two-sided confidence level of each interval
  double filter_error = 1e-3;      // ε: the filters' error outside their transition bands
  double budget = 0.01;            // largest ambiguity (fraction of D) still called resolved
  double tau = 0.0;                // requested τ ≥ 0 (absolute); raised to τ_resolution
  double resolution_margins = 3.0; // τ_resolution in units of δ (≥ 2)
  Index bound_steps = 30;          // Lanczos steps for the spectral interval
  double bound_margin = 0.01;      // its widening, as a fraction of its width
};

// One mass as a fraction of D.
struct MassInterval {
  double value = 0.0;      // central-filter KPM estimate (mean over probes)
  double stderr_ = 0.0;    // its standard error over probes
  double low = 0.0, high = 0.0;  // the interval at `level`, clipped to [0, 1]
  double ambiguity = 0.0;  // mean(upper) − mean(lower): transition-band mass + filter error
};

struct IndexEstimate {
  Index dim = 0;
  double tau = 0.0, tau_requested = 0.0, tau_resolution = 0.0;
  double level = 0.0;
  MassInterval negative, near_zero, positive;  // index = negative.value
  bool resolved = true;
  std::string message;  // empty when resolved and τ was not raised
  Index degree = 0, probes = 0;
  double lambda_lower = 0.0, lambda_upper = 0.0;  // the spectral interval used
  double filter_error = 0.0, margin_angle = 0.0;  // ε and δ_ε
  std::uint64_t products = 0;                     // operator products (interval + moments)
};

// Deterministic given rng's state. std::invalid_argument for bad options.
IndexEstimate estimate_index(const SymmetricOperator& op, const IndexEstimateOptions& options, Rng& rng);

}  // namespace optdyn::analysis
