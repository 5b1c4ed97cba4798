#pragma once
// Calculus on the sphere S = {θ : ‖θ‖² = D} (the spherical p-spin's ‖σ‖² = N) for any objective
// F on R^D, from F's Euclidean gradient and Hessian (Absil, Mahony & Sepulchre 2008, §3.6.1 and
// §5.5: the sphere as a Riemannian submanifold of R^D). With s = ‖θ‖, u = θ/s, P = I − uuᵀ:
//   grad F(θ) = P ∇F(θ)
//   Hess F(θ) = P ∇²F(θ) P − (θ·∇F(θ)/s²) P        on the tangent space T_θS = u⊥,
// the second term the Weingarten map of the sphere. In an orthonormal basis B of u⊥ (D × (D−1))
// the tangent Hessian is Bᵀ∇²F B − (θ·∇F/s²) I_{D−1}; its negative eigenvalues give the index of a
// critical point on S. For spherical_pspin (F(θ) = H(√D θ/‖θ‖)) at ‖θ‖² = D these are
// SphericalPSpin::riemannian_gradient and tangent_hessian (tests/critical_points_test.cpp).
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

// θ rescaled to ‖θ‖² = D. InputError for θ = 0.
Vec onto_sphere(const Vec& theta);
// P∇F(θ) (one gradient of F). InputError for θ = 0.
Vec riemannian_gradient(const Objective& f, const Vec& theta);
// An orthonormal basis of θ⊥ (D × (D−1)), from the Householder reflection that maps θ to ‖θ‖e₁.
Mat tangent_basis(const Vec& theta);
// Bᵀ∇²F B − (θ·∇F/‖θ‖²) I with B = tangent_basis(θ): the Riemannian Hessian on T_θS
// ((D−1) × (D−1), symmetric; one dense Hessian and one gradient of F).
Mat tangent_hessian(const Objective& f, const Vec& theta);

}  // namespace optdyn::analysis
