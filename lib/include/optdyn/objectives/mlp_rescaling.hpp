#pragma once
// The continuous symmetry of an MLP with a positively homogeneous activation (relu, linear:
// σ(αz) = ασ(z) for α > 0): per-unit rescaling of hidden units (Neyshabur, Salakhutdinov &
// Srebro 2015, §2; Dinh et al. 2017, §3). Layout: mlp.hpp, MlpLayout. The discrete symmetries
// (permutations, sign flips) and the canonical form are in mlp_symmetry.hpp.
//
// Unit j of hidden layer h (the outputs of W_h, the inputs of W_{h+1}) rescaled by α_j > 0:
//   row j of W_h and b_h[j] are multiplied by α_j, column j of W_{h+1} by 1/α_j,
// so the unit's output becomes α_j σ(z_j) and the next layer sees the same input: f(x; θ) is
// unchanged for every x. The scales of all hidden units form the group (R_{>0})^{Σ n_h}; we
// write an element as α = exp(s) with log-scales s (one per hidden unit, layer by layer), so
// that the group law is s + s' and s = 0 is the identity.
//
// Tangent of the orbit: d/ds_u θ(s) at s = 0 is +θ_e on the incoming entries e of unit u (row
// and bias), −θ_e on its outgoing column, 0 elsewhere; so for a cotangent w (a gradient in θ)
//   ∂/∂s_u [wᵀθ(s)] at s = 0 = Σ_{e into u} w_e θ_e − Σ_{e out of u} w_e θ_e
// (log_scale_gradient). With w = ∇F it is 0 on a symmetric F (the loss is flat along the
// orbit); with w = H∇F it is the gradient of ½‖∇F‖² in s (teleportation, teleport.hpp).
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/activation.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn {

// Whether σ(αz) = ασ(z) for all α > 0 (relu, linear), so that rescaling leaves f unchanged.
bool has_rescaling_symmetry(Activation activation);

// The number of hidden units Σ_{h < L−1} n_h: the length of a vector of log-scales.
Index num_hidden_units(const MlpLayout& layout);

// θ ← R(exp(s)) θ for log-scales s (one per hidden unit, layer 0's units first). Pure algebra:
// f is unchanged only when has_rescaling_symmetry(σ). InputError for a wrong θ or s length.
void scale_hidden_units(const MlpLayout& layout, Vec& theta, const Vec& log_scales);

// The same for a network with activation σ: InputError naming σ unless it is relu or linear
// ("tanh is not positively homogeneous: rescaling hidden units changes f").
void rescale_hidden_units(const MlpLayout& layout, Activation activation, Vec& theta, const Vec& log_scales);

// The gradient in s of wᵀθ(s) at s = 0 (above): one entry per hidden unit.
Vec log_scale_gradient(const MlpLayout& layout, const Vec& theta, const Vec& w);

}  // namespace optdyn
