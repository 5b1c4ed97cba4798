#pragma once
// The ℓ₂ path norm of an MLP and the per-weight scaling of Path-SGD (Neyshabur, Salakhutdinov &
// Srebro 2015, "Path-SGD: path-normalized optimization in deep neural networks", NeurIPS;
// doc/references.md, "Symmetry and reparameterisation"). Layout: mlp.hpp, MlpLayout.
//
// A path runs from an input unit (or a bias unit, whose output is the constant 1) through one
// unit per layer to an output unit; its weight is the product of the weights it crosses. The
// squared path norm is φ²(θ) = Σ_paths Π_{e ∈ path} w_e². It is invariant under per-unit
// rescaling (mlp_rescaling.hpp): a path through unit u crosses one weight scaled by α_u and
// one by 1/α_u. Both sums below are passes of the SQUARED weights with all-ones inputs:
//   forward   κ_in(0) = 1,  κ_in(l+1) = W_l^{∘2} κ_in(l) + b_l^{∘2}   (path mass INTO units)
//   backward  κ_out(L) = 1, κ_out(l)   = (W_l^{∘2})ᵀ κ_out(l+1)         (path mass OUT of units)
// so that φ² = 1ᵀκ_in(L), and for the edge e = W_l[i,k] (unit k of layer l → unit i of l+1)
//   γ_e = Σ_{paths through e} Π_{e' ≠ e} w_{e'}² = κ_out(l+1)[i] · κ_in(l)[k],
// and for the bias b_l[i] (an edge from the bias unit, κ_in = 1): γ = κ_out(l+1)[i].
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn {

// φ²(θ) = Σ_paths Π w_e². InputError for a wrong θ length.
double path_norm_squared(const MlpLayout& layout, const Vec& theta);

// γ(θ) in θ's layout (one entry per weight and bias, above). InputError for a wrong θ length.
Vec path_scaling(const MlpLayout& layout, const Vec& theta);

}  // namespace optdyn
