#pragma once
// The discrete symmetries of an MLP's parameters θ (layout: mlp.hpp, MlpLayout) and one
// canonical representative per orbit, so that points related by a symmetry compare equal.
//
// f(x; θ) is unchanged when, in a hidden layer h (the outputs of W_h, the inputs of W_{h+1}):
//  * its units are permuted: rows of W_h and entries of b_h by π, columns of W_{h+1} by π;
//  * for an odd activation (σ(−z) = −σ(z): tanh, linear) unit j changes sign: row j of W_h,
//    b_h[j] and column j of W_{h+1} are negated.
// Together these generate the group Π_h (Z₂^{n_h} ⋊ S_{n_h}) of order Π_h 2^{n_h} n_h! for tanh
// (Chen, Lu & Hecht-Nielsen 1993); permutations alone for relu and softplus. Not quotiented
// here: the continuous symmetries (relu's positive rescaling of a unit, the full GL(n_h) of a
// linear network), whose orbits are manifolds, not finite sets.
//
// Canonical form (canonical_mlp_parameters), hidden layer by hidden layer, h = 0, 1, …:
//  1. odd activation: flip every unit whose first nonzero entry of (row j of W_h, b_h[j]) is
//     negative (a unit with no nonzero incoming weight is left as it is);
//  2. sort the units by that incoming vector, lexicographically ascending, and permute.
// Layer h + 1 is then canonicalised with its columns already in layer h's canonical order, so
// every element of the group maps θ to the same representative. The order is discontinuous
// where two units' keys tie in their first entries: points within rounding of such a tie may
// canonicalise differently (generic critical points have no ties).
#include <span>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/activation.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn {

// Whether σ is odd, so that hidden units have the sign symmetry (tanh, linear).
bool has_sign_symmetry(Activation activation);

// θ with the units of hidden layer `hidden` (0 ≤ hidden < num_layers − 1) reordered: new unit i
// is old unit order[i]. InputError for a wrong θ length, a bad layer or a non-permutation.
void permute_hidden_units(const MlpLayout& layout, Vec& theta, Index hidden, std::span<const Index> order);

// θ with unit `unit` of hidden layer `hidden` negated (incoming weights and bias, outgoing
// weights): f is unchanged only for an odd activation. InputError for bad indices.
void flip_hidden_unit(const MlpLayout& layout, Vec& theta, Index hidden, Index unit);

// θ with every unit of every hidden layer made a copy of that layer's unit 0 (row of W_h, b_h[j],
// column of W_{h+1}; layer by layer, h = 0, 1, …). Not a symmetry: f changes. The point is a
// fixed point of every hidden-unit permutation, so the gradient is one too (∇F(Pθ) = P∇F(θ)):
// GD and any optimizer that commutes with permutations keep the units identical forever
// (symmetric initialisation never breaks symmetry; seed 001). InputError for a wrong θ length.
void tie_hidden_units(const MlpLayout& layout, Vec& theta);

// max over hidden layers h and units j of ‖u_j − u_0‖ / ‖u_0‖, u_j = (row j of W_h, b_h[j],
// column j of W_{h+1}): 0 exactly when every layer's units are identical (tie_hidden_units).
// The ‖u_0‖ = 0 case divides by 1. InputError for a wrong θ length.
double hidden_unit_spread(const MlpLayout& layout, const Vec& theta);

// The canonical representative of θ's orbit under the group above (sign flips only when
// has_sign_symmetry(activation)). InputError for a wrong θ length.
Vec canonical_mlp_parameters(const MlpLayout& layout, Activation activation, const Vec& theta);

}  // namespace optdyn
