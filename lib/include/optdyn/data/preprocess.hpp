#pragma once
// Input preprocessing, applied to a data set's inputs (one sample per column).
#include "optdyn/core/types.hpp"
#include "optdyn/data/dataset.hpp"

namespace optdyn {

// Subtracts the mean input (over the data set's own samples) from every column.
void centre_inputs(Dataset& data);

// ZCA whitening ("zero-phase", Bell & Sejnowski 1997), which implies centring:
//   C = (1/n) X̄ X̄ᵀ = U Λ Uᵀ,   x ← U (Λ + ε I)^{-1/2} Uᵀ (x − μ).
// ZCA (rather than PCA whitening, which would stop at (Λ + εI)^{-1/2} Uᵀ) keeps the inputs
// in pixel coordinates, as close to the originals as any whitening can be. ε is ABSOLUTE
// (in units of input variance): directions with variance ≫ ε get unit variance, directions
// with variance ≪ ε (e.g. Fashion-MNIST's constant border pixels) are left near zero
// instead of being blown up. With ε → 0 and full-rank data, (1/n) X Xᵀ = I afterwards, i.e.
// Saxe's (sum-convention) Σ¹¹ = Σ_i x_i x_iᵀ = n·I (see correlations.hpp).
//
// Rank-deficient data (fewer samples than inputs, constant inputs): eigenvalues
// λ ≤ τ = d·ε_machine·λ_max are rounding noise, i.e. zero. If there is such an eigenvalue
// and ε ≤ τ (in particular ε = 0), whitening would amplify rounding noise by up to
// 1/√τ ≈ 1e7 into arbitrary directions: InputError naming whiten_eps instead.
void whiten_inputs(Dataset& data, double epsilon);

}  // namespace optdyn
