#pragma once
// A first-order optimizer run on the sphere S = {θ : ‖θ‖ = s}, s the radius of the start: every
// Optimizer::step is followed by the retraction θ ← s θ/‖θ‖ (Absil, Mahony & Sepulchre 2008,
// §4.1, the projection retraction). With gd this is Riemannian gradient descent
// θ ← R_θ(−η grad F(θ)) whenever the step is tangent — as for spherical_pspin's scale-invariant
// F, whose Euclidean gradient is the Riemannian one (objectives/spherical_pspin.hpp).
//
// The run stops when ‖grad F(θ)‖/√D < tol (grad F = P∇F, P = I − θθᵀ/s², from the gradient the
// step used, so at the point before the last step) or after max_steps steps.
#include <string>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

struct SphereDescentParams {
  std::string optimizer = "gd:lr=0.1";  // an optimizer spec (optimizers/registry.hpp)
  long max_steps = 1000;
  double tol = 1e-6;  // on the root-mean-square coordinate of the Riemannian gradient
};

struct SphereDescent {
  Vec theta;                  // the last point, on the sphere of the start's radius
  long steps = 0;
  double gradient_rms = 0.0;  // ‖grad F‖/√D at the point before the last step
  bool converged = false;     // gradient_rms < tol
};

// InputError for start = 0, max_steps < 1 or tol ≤ 0 (and the optimizer's own errors).
SphereDescent descend_on_sphere(const Objective& f, const Vec& start, const SphereDescentParams& params = {});

}  // namespace optdyn::analysis
