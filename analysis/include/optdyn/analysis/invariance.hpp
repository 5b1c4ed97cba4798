#pragma once
// Which optimizers commute with which change of parameters (seed 004, "reparameterisation";
// doc/references.md, "Symmetry and reparameterisation"). A transformation is a linear map
// θ ↦ Tθ; the optimizer Φ is EQUIVARIANT under it when running from Tθ₀ on F∘T⁻¹ and mapping
// back by T⁻¹ gives the same iterates as running from θ₀ on F:  T⁻¹Φ̃^k(Tθ₀) = Φ^k(θ₀).
// (The function-space trajectory is then reparameterisation-invariant.) When T is a symmetry
// (F∘T = F: hidden-unit permutations, sign flips for odd σ, rescalings for relu/linear), the
// second run is on F itself, so methods that need a network's layers (K-FAC, Path-SGD,
// teleport) apply; otherwise on Reparameterized(F, T⁻¹) (objectives/reparameterized.hpp).
//
// The gap reported is max_k ‖T⁻¹φ_k − θ_k‖ / ‖θ_k − θ₀‖ over steps k = 1 … K: the fraction of
// the motion that the two runs disagree on (0 when the first run does not move and neither
// does the mapped-back second).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/activation.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn::analysis {

struct LinearTransformation {
  std::string name;  // permutation | rescaling | sign_flip | linear
  Mat t;             // θ ↦ Tθ
  bool symmetry = false;  // F∘T = F for the objective it was built for
};

// A random permutation of the units of every hidden layer (a symmetry for every σ).
LinearTransformation random_permutation(const MlpLayout& layout, std::uint64_t seed);
// Every hidden unit rescaled by e^s, s uniform in [−spread, spread]; InputError naming σ unless
// relu or linear (mlp_rescaling.hpp).
LinearTransformation random_rescaling(const MlpLayout& layout, Activation activation, std::uint64_t seed,
                                      double spread = 1.0);
// Each hidden unit negated with probability ½ (at least one); InputError naming σ unless odd.
LinearTransformation random_sign_flip(const MlpLayout& layout, Activation activation, std::uint64_t seed);
// T = I + (spread/√D)·G, G Gaussian: a generic invertible reparameterisation (not a symmetry).
LinearTransformation random_linear(Index dim, std::uint64_t seed, double spread = 0.5);

// The relative trajectory gap above after `steps` steps of the optimizer `optimizer_spec`
// (registry spec, modifiers allowed) from θ₀. InputError when the spec or θ₀ is bad, or the
// optimizer cannot run on the transformed objective (e.g. K-FAC on a reparameterised one).
double invariance_gap(const Objective& f, std::string_view optimizer_spec, const Vec& theta0,
                      const LinearTransformation& transformation, Index steps);

// One row of the invariance report.
struct InvarianceRow {
  std::string optimizer;       // the spec
  std::string transformation;  // LinearTransformation::name
  bool predicted = false;      // equivariant in theory (predicted_equivariance)
  std::string reason;          // why, in one phrase
  bool applicable = true;      // false: the optimizer cannot run there (message in `reason`)
  double gap = 0.0;            // invariance_gap
  bool measured = false;       // gap ≤ tolerance
};

// The theory's answer for an optimizer name (the spec's core, `|teleport` noted) and a
// transformation name, with its reason. InputError for a pair it has no answer for.
InvarianceRow predicted_equivariance(std::string_view optimizer_spec, std::string_view transformation);

// The report: every optimizer in `optimizers` against permutation, rescaling and a linear
// reparameterisation on a small relu MLP, and against a permutation and sign flip on the same
// MLP with tanh units; `steps` steps each, measured equivariant when gap ≤ tolerance.
// Deterministic given `seed`.
struct InvarianceSetup {
  std::vector<std::string> optimizers{"gd:lr=0.05",
                                      "momentum:lr=0.05,mu=0.9",
                                      "adam:lr=0.01",
                                      "sign:lr=0.01",
                                      "normalized_gd:lr=0.05",
                                      "newton:lr=0.5",
                                      "natural_gradient:lr=0.5,damping=0",
                                      "kfac:lr=0.1,fisher=true,damping=0,decay=0",
                                      "path_sgd:lr=0.05",
                                      "gd:lr=0.05|teleport:every=5,steps=3"};
  Index steps = 10;
  std::uint64_t seed = 1;
  double tolerance = 1e-6;  // Newton's solves amplify rounding by cond(H)·cond(T); non-equivariant gaps are O(1)
};
std::vector<InvarianceRow> invariance_report(const InvarianceSetup& setup = {});

// The report as a Markdown table: optimizer, transformation, predicted, measured gap, agrees.
std::string format_invariance_report(const std::vector<InvarianceRow>& rows);

}  // namespace optdyn::analysis
