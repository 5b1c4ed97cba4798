#pragma once
// Every critical point of a two-layer linear network in closed form (Baldi & Hornik 1989,
// "Neural networks and principal component analysis: learning from examples without local
// minima", Neural Networks 2:53; doc/references.md, "Critical points"): the network
// f(x) = W₂W₁x (widths d → h → k, no biases) on the mean squared loss
// F = (1/2n) Σ_i ‖y_i − W₂W₁x_i‖² with whitened inputs, Σ¹¹ = Σ_i x_i x_iᵀ = I (summed, as
// saxe_modes.hpp), and Σ³¹ = Σ_i y_i x_iᵀ = Σ_α s_α u_α v_αᵀ with distinct s_α > 0.
//   * Critical points: W₂W₁ = Σ_{α∈S} s_α u_α v_αᵀ for a subset S of the modes with |S| ≤ h;
//     loss F_S = (‖Y‖²_F − Σ_{α∈S} s_α²)/(2n).
//   * Negative Hessian eigenvalues (second variation, derived and checked against dense
//     Hessians in tests/critical_points_test.cpp and tests/index_vs_loss_test.cpp):
//         #{(i ∈ S, j ∉ S): s_j > s_i} + (h − |S|)·#{j ∉ S: s_j > 0}.
//     Only S = the top h modes is a minimum; every other S is a saddle. The point is a
//     manifold (the GL(h) symmetry W₁ → AW₁, W₂ → W₂A⁻¹), so the Hessian also has zero
//     eigenvalues.
// A point found numerically is identified by its mode strengths u_αᵀW₂W₁v_α (saxe_modes.hpp),
// each s_α (α ∈ S) or 0.
#include <optional>
#include <vector>

#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct LinearCriticalPoint {
  std::vector<Index> modes;  // S, ascending
  double loss = 0.0;         // F_S
  Index negatives = 0;       // negative Hessian eigenvalues
};

// The closed form for one subset S (modes < s.size(), |S| ≤ hidden). `target_energy` = ‖Y‖²_F,
// `samples` = n. std::invalid_argument for a mode out of range, a repeated mode or |S| > hidden.
LinearCriticalPoint linear_critical_point(const Vec& s, std::vector<Index> modes, Index hidden, double target_energy,
                                          Index samples);

// All subsets S with |S| ≤ hidden, by size then lexicographically (Σ_{j≤h} C(r, j) points).
std::vector<LinearCriticalPoint> enumerate_linear_critical_points(const Vec& s, Index hidden, double target_energy,
                                                                  Index samples);

// S from mode strengths: every strength within `tolerance`·s_α of s_α (used) or of 0 (unused);
// std::nullopt when a strength is neither (not a closed-form critical point).
std::optional<std::vector<Index>> used_modes(const Vec& strengths, const Vec& s, double tolerance = 1e-6);

}  // namespace optdyn::analysis
