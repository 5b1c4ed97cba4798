#pragma once
// One representative per orbit of an objective's discrete symmetry group, so that critical
// points that are the same point up to a symmetry are counted once (deduplication.hpp):
//   Mlp, deep_linear    canonical_mlp_parameters (objectives/mlp_symmetry.hpp): hidden-unit
//                       permutations, sign flips for odd activations (tanh, linear). A linear
//                       network's continuous GL symmetry is not quotiented: its critical points
//                       come in manifolds, on which solves from different starts end at
//                       different points.
//   spherical_pspin     H(−σ) = (−1)^p H(σ): for even p, σ ~ −σ, the representative has its
//                       first nonzero coordinate positive; odd p has no symmetry.
//   anything else       θ itself.
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

// InputError for θ of the wrong length.
Vec canonical_point(const Objective& f, const Vec& theta);

}  // namespace optdyn::analysis
