#pragma once
// Jackson-damped Chebyshev expansions of a step function: the spectral filters of the
// kernel polynomial method (KPM; Weiße, Wellein, Alvermann & Fehske 2006, Rev. Mod. Phys. 78,
// 275) used to count eigenvalues (Di Napoli, Polizzi & Saad 2016; Lin, Saad & Yang 2016).
// Pure mathematics on [−1, 1]: no operator here (chebyshev_moments.hpp maps a spectrum onto
// [−1, 1] and eigenvalue_count.hpp combines filters with moments).
//
// With x = cos θ, T_k(x) = cos kθ, a Chebyshev series in x is a cosine series in θ.
//  * Step coefficients: the indicator h_s(x) = 1 for x ≤ s = cos θ_s (0 above) has
//      γ_0 = 1 − θ_s/π,   γ_k = −2 sin(kθ_s)/(πk)   (k ≥ 1)
//    (Di Napoli, Polizzi & Saad 2016, eq. 3.3, with the interval [a, b] = [−1, s]).
//  * Jackson damping for N + 1 moments k = 0 … N (Weiße et al. 2006, eq. 71, with their N the
//    number of moments, here N + 1 =: M):
//      g_k = [(M − k + 1) cos(πk/(M + 1)) + sin(πk/(M + 1)) cot(π/(M + 1))] / (M + 1).
//  * The filter φ_s(x) = Σ_k g_k γ_k T_k(x) is, in θ, the convolution of the even 2π-periodic
//    step with the Jackson kernel K(u) = 1 + 2 Σ_{k≥1} g_k cos ku, which is positive with
//    (1/2π)∫K = 1 (Weiße et al. 2006, §II.C). Hence 0 ≤ φ_s ≤ 1, φ_s grows with s, and
//      1 − φ_s(cos θ) ≤ T(θ − θ_s) for θ ≥ θ_s,     φ_s(cos θ) ≤ T(θ_s − θ) for θ ≤ θ_s,
//    where T(δ) is the kernel's mass outside [−δ, δ]:
//      T(δ) = 1 − δ/π − (2/π) Σ_{k=1}^{N} g_k sin(kδ)/k,   decreasing from T(0) = 1 to T(π) = 0.
//    These two inequalities are exact (no grid, no asymptotics): they are what turns a filtered
//    trace into a rigorous bracket on an eigenvalue count (eigenvalue_count.hpp). The angle
//    δ_ε with T(δ_ε) = ε is the filter's transition half-width: it shrinks like 1/N (the Jackson
//    kernel is close to a Gaussian of width π/N in θ; Weiße et al. 2006, eq. 72), with a
//    heavier-than-Gaussian tail (T(δ) ~ 1/(Nδ)³), hence δ_ε ≈ c(ε)/N.
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

// g_0 … g_N for a degree-N expansion (N ≥ 1).
Vec jackson_coefficients(Index degree);

// γ_0 … γ_N of the step 1_{x ≤ cos θ_s}, θ_s ∈ [0, π] (θ_s = 0: the constant 1; π: 0).
Vec step_coefficients(double theta_s, Index degree);

// The damped filter's coefficients g_k γ_k.
Vec jackson_step_filter(double theta_s, const Vec& jackson);

// T(δ) for δ ∈ [0, π] (the Jackson kernel's mass outside [−δ, δ]).
double jackson_tail_mass(const Vec& jackson, double delta);

// δ_ε: the smallest δ ∈ [0, π] with T(δ) ≤ ε (bisection to 1e-12 in δ, rounded up), ε ∈ (0, 1).
double jackson_margin(const Vec& jackson, double epsilon);

// Σ_k c_k T_k(x) by Clenshaw's recurrence (x ∈ [−1, 1]).
double chebyshev_series(const Vec& coefficients, double x);

}  // namespace optdyn::analysis
