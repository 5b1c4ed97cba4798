#pragma once
// The input–output Jacobian of an MLP and its singular values: the quantity that decides
// whether signals and gradients explode or vanish with depth.
//
// For f(x) = W_L σ(W_{L−1} σ(⋯ σ(W_1 x + b_1) ⋯) + b_{L−1}) + b_L (the output layer is
// linear, as in optdyn::Mlp), with pre-activations z_l = W_l h_{l−1} + b_l, h_0 = x,
// h_l = σ(z_l), the chain rule gives
//
//     J(x) = ∂f/∂x = W_L · D_{L−1} W_{L−1} ⋯ D_1 W_1,   D_l = diag(σ'(z_l)).
//
// Backpropagation multiplies an output error by Jᵀ (and by the partial products of it for
// the per-layer gradients), so the spread of J's singular values is the spread of gradient
// magnitudes across directions and layers:
//  * Saxe, McClelland, Ganguli 2013 (arXiv:1312.6120), §"dynamical isometry": a deep LINEAR
//    chain with orthogonal W_l = g·Q_l has J = g^L · Q_L⋯Q_1, so every singular value equals
//    g^L exactly — all are 1 at g = 1 ("dynamical isometry"); with Gaussian W_l of variance
//    1/fan_in the product's log singular values spread like √L even though the mean
//    squared norm is preserved.
//  * Pennington, Schoenholz, Ganguli 2017, "Resurrecting the sigmoid in deep learning
//    through dynamical isometry" (NeurIPS; arXiv:1711.04735): the spectrum of JJᵀ for deep
//    tanh nets by free probability; orthogonal weights at the edge of chaos keep it
//    concentrated, Gaussian weights do not.
//  * Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural
//    networks" (AISTATS): Var(W) = 1/fan_in (or 2/(fan_in+fan_out)) keeps the forward and
//    backward variances of activations and gradients constant in expectation.
#include <vector>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/activation.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn {

// J(x) = ∂f/∂x ∈ R^{d_L × d_0} at one input x (length d_0), by forward accumulation:
// J ← W_l J, then J ← D_l J for the hidden layers (cost Σ_l d_l d_{l−1} d_0).
// `activation` acts on hidden layers only; biases are used when the layout has them.
Mat input_output_jacobian(const MlpLayout& layout, Activation activation, const Vec& theta,
                          const Vec& x);
// The same for an Mlp objective (its layout and activation).
Mat input_output_jacobian(const Mlp& mlp, const Vec& theta, const Vec& x);

// The factors of J = F_L ⋯ F_1 at x: F_l = D_l W_l for hidden layers, F_L = W_L (index 0
// holds F_1). For product_singular_values, which resolves far more decades than an SVD of
// the explicit product.
std::vector<Mat> input_output_jacobian_factors(const MlpLayout& layout, Activation activation,
                                               const Vec& theta, const Vec& x);

// Singular values of a dense matrix, largest first (Eigen's BDCSVD, values only). Absolute
// accuracy ≈ ε·s_max: values below ~1e-15·s_max are rounding noise.
Vec singular_values(const Mat& matrix);

// Singular values of a product P = F_L ⋯ F_1 of square n×n factors (factors[0] = F_1),
// largest first, resolved across hundreds of decades.
//
// Why: for a depth-64 Gaussian chain the singular values of J span ~80 decades (the smallest
// Lyapunov exponent of 64×64 Ginibre products is ½(ln 2 + ψ(½) − ln 64) ≈ −2.7 per layer),
// so an SVD of the explicit product returns rounding noise for all but the top few.
// How (the QR method for Lyapunov spectra, Benettin et al. 1980; Eckmann & Ruelle 1985;
// as a product SVD, the "treppen" iteration of Stewart 1997 / Golub, Sølna, Van Dooren 2000):
//  1. QR sweep: F_1 = Q_1 R_1, F_l Q_{l−1} = Q_l R_l, so P = Q_L R_L ⋯ R_1 and
//     sv(P) = sv(R_L ⋯ R_1) (diagonals made positive).
//  2. Scaled triangular product: with R_l = Δ_l U_l (U_l unit upper triangular) and
//     Λ_l = Δ_l ⋯ Δ_1 kept as logarithms, R_L⋯R_1 = Λ_L C with
//     C = Π_l (Λ_{l−1}^{-1} U_l Λ_{l−1}), whose entries U_ij·Λ_j/Λ_i never overflow once the
//     diagonal is ordered. sv(Λ C) by Jacobi SVD of (Λ C)ᵀ = Cᵀ Λ, which has high relative
//     accuracy for column-scaled matrices with well-conditioned Cᵀ (Demmel & Veselić 1992).
//  3. Sweep again on Pᵀ ≅ R_1ᵀ ⋯ R_Lᵀ (one zero-shift QR iteration on PᵀP): it orders and
//     grades the diagonal so that κ(C) → 1. Stop when the log singular values change by
//     less than `tolerance` between sweeps, or after `max_sweeps`.
// Exact identities that hold to rounding: (1/n) Σ ln s_i = (1/n) Σ_l ln|det F_l|, and for
// F_l = g·(orthogonal) every s_i = g^L. Convergence is linear in the ratios of neighbouring
// singular values: a 64-layer 64×64 Gaussian chain needs ~30 sweeps for 1e-10 (stopping
// after 8 sweeps leaves errors up to ~1e-2 in ln s); once converged, the values agree to
// ~1e-11 in ln s with those of the reversed transposed product and move by ~1e-11 under
// relative perturbations of 1e-14 of the factors (measured), i.e. they are well determined.
// Falls back to BDCSVD of the explicit product when factors are not all n×n or a diagonal
// of R vanishes (an exactly singular factor).
struct ProductSvdOptions {
  int max_sweeps = 100;
  double tolerance = 1e-10;  // on max_i |Δ ln s_i| between sweeps
};
struct ProductSvdResult {
  Vec singular_values;      // largest first
  int sweeps = 0;           // QR sweeps done (0: explicit-product fallback)
  double last_change = 0;   // max_i |Δ ln s_i| of the last sweep (convergence measure)
};
ProductSvdResult product_singular_values(const std::vector<Mat>& factors,
                                         const ProductSvdOptions& options = {});

// Singular values of J(x) via product_singular_values of the Jacobian factors.
Vec input_output_singular_values(const MlpLayout& layout, Activation activation,
                                 const Vec& theta, const Vec& x,
                                 const ProductSvdOptions& options = {});

// Summary of a set of singular values s_1 ≥ … ≥ s_k > 0 on a log scale, the scale on which
// products of random matrices concentrate (Lyapunov exponents).
struct SingularValueSummary {
  double max = 0.0;
  double min = 0.0;
  double median = 0.0;
  double mean_log = 0.0;  // (1/k) Σ ln s_i
  double std_log = 0.0;   // standard deviation of ln s_i (population, 1/k)
  double condition = 0.0;  // max / min (inf when min = 0)
};
SingularValueSummary summarize_singular_values(const Vec& singular_values);

}  // namespace optdyn
