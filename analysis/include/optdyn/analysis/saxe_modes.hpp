#pragma once
// Exact learning dynamics of deep linear networks (Saxe, McClelland & Ganguli 2013,
// arXiv:1312.6120; doc/references.md "Saxe, McClelland, Ganguli 2013").
//
// Conventions — Saxe's and ours, and the map between them
// ---------------------------------------------------------
//  Saxe:   E(W) = Σ_{i=1..P} ½‖y_i − W_L⋯W_1 x_i‖²  (a SUM over the P examples);
//          GD with step λ on E; τ = 1/λ; t counts GD iterations, so GD is the Euler
//          scheme with dt = 1 of  τ dW_l/dt = −∂E/∂W_l.
//          Σ¹¹ = Σ_i x_i x_iᵀ, Σ³¹ = Σ_i y_i x_iᵀ (sums; lib/include/optdyn/data/correlations.hpp).
//  optdyn: F(θ) = E/P (the deep_linear objective is a MEAN of ½‖f(x_i) − y_i‖²);
//          GD step η on F; gradient flow θ̇ = −∇F in flow time T (T = k·η after k steps).
//  Map:    GD with step η on F  ≡  GD with step λ = η/P on E           (saxe_lambda)
//          τ = 1/λ = P/η iterations                                   (saxe_tau_iterations)
//          in flow time T = η·t the same dynamics read τ_T dW/dT = −∂E/∂W with τ_T = P
//                                                                      (saxe_tau_flow)
//  So the analytic curves below take (s, τ) in one time unit and return times in that unit:
//  pass τ = P/η to get GD iterations, τ = P to get flow time. The singular values s are
//  those of the SUMMED Σ³¹, and the formulas assume whitened inputs Σ¹¹ = I (summed), as
//  Saxe's hierarchical data (one-hot items) satisfy exactly; whitening_error() says how far
//  a data set is from that.
//
// Modes. Σ³¹ = U S Vᵀ (thin SVD, s descending). The strength of mode α in a network is
//   u_α = u_αᵀ W_L⋯W_1 v_α.
// Within a (near-)degenerate cluster of singular values U and V are defined only up to a
// rotation; a decoupled initial point built from the same U, V is aligned with them.
#include <vector>

#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/data/dataset.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn::analysis {

// --- convention map ---------------------------------------------------------------------
// λ = η/P: GD step η on the mean loss equals step λ on Saxe's summed loss.
double saxe_lambda(double lr, Index samples);
// τ = 1/λ = P/η, in GD iterations.
double saxe_tau_iterations(double lr, Index samples);
// τ in gradient-flow time T = k·η: τ_T = τ·η = P.
double saxe_tau_flow(Index samples);

// --- correlations and modes ----------------------------------------------------------------
struct SaxeModes {
  Index samples = 0;  // P
  Mat sigma11;        // Σ¹¹ = Σ_i x_i x_iᵀ (d × d, summed)
  Mat sigma31;        // Σ³¹ = Σ_i y_i x_iᵀ (k × d, summed)
  Mat u;              // k × r left singular vectors of Σ³¹
  Vec s;              // r = min(k, d) singular values, descending
  Mat v;              // d × r right singular vectors
  // max_ij |Σ¹¹ − I|_ij: 0 for whitened inputs (the analytic dynamics assume Σ¹¹ = I).
  double whitening_error() const;
};

// Σ¹¹, Σ³¹ (sums) and the SVD of Σ³¹ (Eigen's JacobiSVD: accurate small singular values).
SaxeModes saxe_modes(const Dataset& data);

// W_L⋯W_1 (k × d) from θ in the MLP layout (per layer W_l out × in row-major; biases are
// not allowed: InputError for a layout with biases).
Mat network_product(const MlpLayout& layout, const Vec& theta);

// u_α = u_αᵀ P v_α for every mode α (P = W_L⋯W_1).
Vec mode_strengths(const SaxeModes& modes, const Mat& product);
Vec mode_strengths(const SaxeModes& modes, const MlpLayout& layout, const Vec& theta);

// --- two layers (one hidden layer): τȧ = b(s − ab), τḃ = a(s − ab); for a = b, u = ab obeys
// τu̇ = 2u(s − u) (Saxe et al. eq. 6–8) ------------------------------------------------------
// u(t) = s e^{2st/τ}/(e^{2st/τ} − 1 + s/u₀), written as s/(1 + (s/u₀ − 1)e^{−2st/τ}) (no
// overflow). Requires u₀ > 0, s > 0, τ > 0 (std::invalid_argument otherwise).
double two_layer_mode(double s, double u0, double t, double tau);
// t(u₀ → u_f) = (τ/2s) ln[u_f(s − u₀)/(u₀(s − u_f))] (Saxe et al. eq. 9); u₀, u_f on the same
// side of s, positive.
double two_layer_learning_time(double s, double u0, double uf, double tau);
// The effective u₀ of a mode started from SMALL random weights (a, b the mode's hidden
// vectors a = W₂ᵀu_α, b = W₁v_α): near 0 the dynamics are linear, τȧ = sb, τḃ = sa, so
// a ± b grow/decay as e^{±st/τ} and u = aᵀb = ‖c‖²e^{2st/τ} − ‖d‖²e^{−2st/τ} with c = (a+b)/2,
// d = (a−b)/2: after a few τ/s the mode follows the balanced sigmoid from u₀ = ‖c‖².
// Returns ‖c‖² for every mode from the two weight matrices of a two-layer net.
Vec effective_small_init_strengths(const SaxeModes& modes, const MlpLayout& layout, const Vec& theta);

// --- depth: L = N_l − 1 weight matrices, all a_l(0) equal (balanced), u = Π a_l ----------------
// τu̇ = L u^{2−2/L}(s − u) (Saxe et al. eq. 14 with N_l − 1 = L): from τȧ = a^{L−1}(s − a^L).
double deep_mode_rate(double s, double u, int layers, double tau);
// t(u₀ → u_f) for 0 < u₀, u_f < s. With x = ln(u/(s − u)) (du = u(s − u)/s dx) the integral
// t = (τ/L)∫ du/(u^{2−2/L}(s − u)) becomes (τ/(Ls)) ∫ (s·σ(x))^{2/L−1} dx, σ the logistic
// function: a smooth integrand, integrated by adaptive Gauss–Kronrod (boost::math). For L = 2
// it reduces exactly to two_layer_learning_time.
double deep_learning_time(double s, double u0, double uf, int layers, double tau);
// u(t): the inverse of deep_learning_time (monotone in t), by a bracketed root find in x.
double deep_mode(double s, double u0, double t, int layers, double tau);

// N_l → ∞ (Saxe et al.): τu̇ = N_l u²(s − u). Closed form of its time (derived here):
//   1/(u²(s − u)) = 1/(s u²) + 1/(s² u) + 1/(s²(s − u))  ⇒
//   t(u₀ → u) = (τ/N_l)[ (1/s²) ln( u(s − u₀)/(u₀(s − u)) ) + (1/s)(1/u₀ − 1/u) ].
// For small u₀ the 1/(s u₀) term dominates: t ≈ τ/(N_l s u₀), the "hyperbolic" plateau.
double infinite_depth_learning_time(double s, double u0, double uf, double depth_nl, double tau);
// u(t) by inverting the closed form (monotone; bracketed root find).
double infinite_depth_mode(double s, double u0, double t, double depth_nl, double tau);

// --- decoupled, balanced initialisation (Saxe et al. §2 and §3) -------------------------------
// θ in the bias-free MLP layout with widths d = w₀, w₁, …, w_L = k such that
//   W_1 = R_1 D Vᵀ,  W_l = R_l D R_{l−1}ᵀ (1 < l < L),  W_L = U D R_{L−1}ᵀ,
// D = diag(u₀_α^{1/L}) over the first m = u0.size() modes (m ≤ every width and ≤ r), R_l
// (w_l × m) with orthonormal columns: Haar-random from `rng` (haar_orthogonal), or the
// first m columns of the identity when rng is null. Then W_L⋯W_1 = Σ_α u₀_α u_α v_αᵀ and
// every layer carries the same a_α = u₀_α^{1/L} (balanced), so each mode obeys the deep ODE.
// InputError when the widths do not match the data (d, k), m is too large or u₀ < 0.
Vec decoupled_initial_point(const SaxeModes& modes, const MlpLayout& layout, const Vec& u0, Rng* rng = nullptr);

}  // namespace optdyn::analysis
