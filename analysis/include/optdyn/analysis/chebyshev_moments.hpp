#pragma once
// Chebyshev moments of a symmetric operator along a probe, the data of the kernel polynomial
// method (Weiße et al. 2006, §II.A; chebyshev_filter.hpp has the filters they feed).
//
// Spectral interval. The spectrum must lie in [a, b] so that Â = (A − c)/e, c = (a + b)/2,
// e = (b − a)/2, has its spectrum in [−1, 1], where |T_k| ≤ 1 (outside, T_k grows like
// cosh(k·arccosh|x|)). [a, b] comes from m Lanczos steps (linalg/lanczos.hpp) from a Rademacher
// start: the Ritz values θ_min, θ_max and the last residual norm β_m give
//   a = θ_min − β_m,  b = θ_max + β_m
// (the bounds of Zhou & Li 2011 as used for KPM by Lin, Saad & Yang 2016, §3.1), each widened
// by `margin`·(b − a). The moments below check the result: |μ_k| ≤ μ_0 must hold for every k
// when the spectrum lies inside (bounded() is false otherwise, and the caller widens).
//
// Moments with doubling (Weiße et al. 2006, eq. 34): v_0 = z, v_1 = Âz, v_{k+1} = 2Âv_k − v_{k−1},
// μ_k = zᵀT_k(Â)z = zᵀv_k, and from T_{2k} = 2T_k² − T_0, T_{2k+1} = 2T_{k+1}T_k − T_1:
//   μ_{2k} = 2 v_kᵀv_k − μ_0,   μ_{2k+1} = 2 v_{k+1}ᵀv_k − μ_1,
// so ⌈N/2⌉ operator products give μ_0 … μ_N.
#include <cstdint>

#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct SpectralInterval {
  double lower = -1.0, upper = 1.0;  // [a, b] ⊇ spectrum
  std::uint64_t products = 0;        // operator products spent finding it
  double center() const { return 0.5 * (lower + upper); }
  double half_width() const { return 0.5 * (upper - lower); }
  // 1.25 times as wide about the same center (the remedy when the moments are not bounded).
  SpectralInterval widened() const;
};

// min(steps, D) Lanczos steps from a Rademacher start drawn from rng; margin ≥ 0.
SpectralInterval spectral_interval(const SymmetricOperator& op, Index steps, double margin, Rng& rng);

// μ_0 … μ_N of zᵀT_k(Â)z for Â the operator mapped by `interval` (degree N ≥ 1).
Vec chebyshev_moments(const SymmetricOperator& op, const SpectralInterval& interval, const Vec& z, Index degree);

// |μ_k| ≤ (1 + 1e-8)·μ_0 for every k (necessary when the spectrum lies inside the interval).
bool bounded(const Vec& moments);

}  // namespace optdyn::analysis
