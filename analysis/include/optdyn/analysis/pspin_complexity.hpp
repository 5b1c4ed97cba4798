#pragma once
// What random-matrix theory predicts for the critical points of the spherical p-spin glass
// (objectives/spherical_pspin.hpp; energies per spin u = H/N; doc/references.md, "Index
// against loss"):
//  * Auffinger, Ben Arous & Černý 2013 ("Random matrices and complexity of spin glasses", CPAM
//    66, Thm. 2.5 and 2.8): the mean number of critical points of index k with H/N ≤ u grows as
//    exp(N Θ_{k,p}(u)), for u ≤ −E_∞
//        Θ_{k,p}(u) = ½ log(p − 1) − (p − 2)/(4(p − 1)) u² − (k + 1) I₁(u),
//        I₁(u) = −(u/E_∞²) √(u² − E_∞²) − log(−u + √(u² − E_∞²)) + log E_∞,
//        E_∞ = 2 √((p − 1)/p).
//    E_k > 0 is the zero of Θ_{k,p}(−E_k) = 0: index-k critical points have energies in
//    [−E_k, −E_∞] (E₀ the ground state, E₀ > E₁ > E₂ > … → E_∞); below −E_∞ only finitely
//    many indices, above it the index is of order N.
//  * The Hessian at a critical point of energy Nu (Bray & Dean 2007, "Statistics of critical
//    points of Gaussian fields on large-dimensional spaces", PRL 98, 150201, for isotropic
//    fields; for the p-spin ABC 2013 §3): the Riemannian Hessian is a GOE matrix of semicircle
//    radius 2√(p(p − 1)) shifted by −pu, so the index fraction is
//        α(u) = F_sc(u/E_∞),   F_sc(x) = ½ + (x√(1 − x²) + arcsin x)/π on [−1, 1]
//    (0 below −E_∞, ½ at u = 0): the index grows monotonically with the energy.
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

// E_∞ = 2√((p − 1)/p). std::invalid_argument for p < 2.
double pspin_threshold_energy(int p);
// Θ_{k,p}(u) for u ≤ −E_∞ (std::invalid_argument otherwise, or for p < 3, k < 0).
double pspin_index_complexity(int p, int k, double u);
// E_k: Θ_{k,p}(−E_k) = 0, E_k > E_∞ (bisection to machine precision). p ≥ 3, k ≥ 0.
double pspin_index_energy(int p, int k);
// α(u): the fraction of negative Hessian eigenvalues at a critical point of energy per spin u.
double pspin_index_fraction(int p, double u);

}  // namespace optdyn::analysis
