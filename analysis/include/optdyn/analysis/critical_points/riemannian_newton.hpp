#pragma once
// Riemannian Newton on the sphere S = {θ : ‖θ‖ = s}, s the radius of the starting point (kept by
// every step): the Newton method of Absil, Mahony & Sepulchre 2008 (Optimization Algorithms on
// Matrix Manifolds, Ch. 6, Riemannian Newton for real-valued functions), written as an
// Optimizer so that the one step loop (Optimizer::step) drives it. For the spherical p-spin
// (objectives/spherical_pspin.hpp, ‖σ‖² = N) it converges to critical points of any index.
//
// With u = θ/s, P = I − uuᵀ the projection onto the tangent space T_θS and g = ∇F(θ):
//   Riemannian gradient   grad F = P g                                    (Absil et al. eq. 3.37)
//   Riemannian Hessian    Hess F = P ∇²F P − (θ·g/s²) P   on T_θS        (Absil et al. §5.5,
//                         the second term the curvature of the sphere; for ‖σ‖² = N it is
//                         P∇²H P − (σ·∇H/N) P, the form of spherical_pspin.hpp)
//   Newton step           ξ ∈ T_θS with Hess F ξ = −grad F
//   retraction            θ ← s (θ + η ξ)/‖θ + η ξ‖                       (Absil et al. §4.1)
// The system is solved on R^D with uuᵀ added to Hess F (eigenvalue 1 along the normal, which the
// tangent right-hand side never excites): dense by a complete orthogonal decomposition (the
// minimum-norm solution when Hess F is singular) for D ≤ dense_max, else MINRES on
// Hessian-vector products. Safeguard: ‖ξ‖ is capped at max_step·s (a trust radius; the
// uncapped Newton step can be arbitrarily long near a singular Hess F).
//
// A scale-invariant objective (F(cθ) = F(θ), as spherical_pspin's extension) has θ·g = 0 and
// P∇²F P equal to the Riemannian Hessian on the sphere of any radius; plain Newton on such an F
// is useless (its step is δ = θ, a rescaling: ∇²F θ = −g by Euler's relation).
// Costs per step: one gradient; dense: one dense Hessian and O(D³); else one HVP per MINRES
// iteration. Gradient modifiers are refused (the method needs g = ∇F).
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn::analysis {

struct RiemannianNewtonParams {
  double lr = 1.0;          // η: the step along ξ before the retraction
  double max_step = 0.3;    // ‖ξ‖ ≤ max_step·s; > 0 (0.3: most points per second in
                            // critical_points_bench, p-spin N = 100, against 0.1 and 1)
  Index dense_max = 1000;   // dense solve for D ≤ dense_max, else MINRES
  double tol = 1e-10;       // MINRES relative residual
  Index max_iterations = 0; // MINRES products per solve (0: 2·D)
};

// InputError for lr ≤ 0, max_step ≤ 0, tol outside (0, 1] or negative counts.
OptimizerPtr make_riemannian_newton(const RiemannianNewtonParams& params = {});

}  // namespace optdyn::analysis
