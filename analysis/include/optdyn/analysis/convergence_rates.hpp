#pragma once
// Convergence rates: predicted from the Hessian spectrum, measured on trajectories
// (doc/references.md "Momentum and Nesterov"; seed 003).
//
// Linear rates. On F = ½(θ − θ*)ᵀA(θ − θ*) every method below is a linear map that splits
// over the eigenvalues λ of A into 1×1 (GD) or 2×2 (momentum) blocks; the error ‖θ_t − θ*‖
// decays like ρ^t with ρ the largest spectral radius of the blocks (times a polynomial
// factor t where a block is a Jordan block, e.g. heavy ball at its optimal parameters at the
// spectrum's ends). The loss gap F − F* decays like ρ^{2t}.
//   GD           θ ← θ − ηg                          block 1 − ηλ,  ρ = max_i |1 − ηλ_i|;
//                η = 2/(L + μ) gives (κ − 1)/(κ + 1)   (κ = L/μ).
//   heavy ball   v ← μv + ηg, θ ← θ − v  (optdyn `momentum`, convention=classic, which is Goh's
//                z ← βz + g, w ← w − αz with α = η, β = μ): block [[β, λ], [−αβ, 1 − αλ]]
//                (Goh 2017), trace 1 + β − αλ, determinant β; optimal α = (2/(√L + √μ))²,
//                β = ((√L − √μ)/(√L + √μ))² gives (√κ − 1)/(√κ + 1).
//   Nesterov     v ← μv + η∇F(θ − μv), θ ← θ − v  (optdyn `nesterov`, Sutskever's form):
//                on (v, θ − θ*) the block [[μ(1 − ηλ), ηλ], [−μ(1 − ηλ), 1 − ηλ]] (nesterov.cpp),
//                trace (1 + μ)(1 − ηλ), determinant μ(1 − ηλ). Standard strongly convex
//                choice η = 1/L, μ = (√κ − 1)/(√κ + 1) (Nesterov 2004, scheme 2.2.19); the
//                rate-optimal choice for quadratics η = 4/(3L + μ),
//                μ = (√(3κ+1) − 2)/(√(3κ+1) + 2) gives 1 − 2/√(3κ + 1) (Lessard, Recht &
//                Packard 2016, Table/§3; checked numerically in convergence_rates_test).
//
// Sublinear bounds (convex, L-smooth, not strongly convex; r₀ = ‖θ₀ − θ*‖):
//   GD, η = 1/L:  F(θ_t) − F* ≤ 2L r₀²/(t + 1)    (seed 003)
//                 F(θ_t) − F* ≤ 2L r₀²/(t + 4)    (Nesterov 2004, Introductory Lectures,
//                 Cor. 2.1.2): the textbook constant is sharper; seed 003's bound is implied
//                 by it (t + 1 ≤ t + 4), so both are valid upper bounds.
//   NAG (Su–Boyd–Candès form, momentum (k − 1)/(k + 2), step s ≤ 1/L):
//                 F(x_k) − F* ≤ 2r₀²/(s(k + 1)²)    (Nesterov 1983; SBC 2014 Thm. 6)
//   SGD with Robbins–Monro steps η_t ∝ 1/t on a strongly convex F: E[F − F*] = O(1/t)
//                 (seed 003; Bottou, Curtis & Nocedal 2018 Thm. 4.7): predicted power-law
//                 exponent −1; constant steps stall at an O(η) noise floor (exponent → 0).
//
// Measured rates: an ordinary least-squares fit of ln y_t = a + p·t·ln ρ over a window (p = 1
// for distances, 2 for loss gaps), with a Student-t confidence interval on the slope
// (boost::math::students_t, n − 2 degrees of freedom); and a power-law fit
// ln y = a + b ln t for sublinear regimes.
#include <span>
#include <string>
#include <vector>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn::analysis {

// --- predicted linear rates --------------------------------------------------------------------
enum class RateMethod { gd, heavy_ball, nesterov };
const char* to_string(RateMethod method);

struct MethodParams {
  RateMethod method = RateMethod::gd;
  double lr = 0.0;        // η (Goh's α)
  double momentum = 0.0;  // μ (Goh's β); ignored for GD
};

// The optdyn optimizer of these parameters, from typed parameters: gd (lr = η), momentum
// (lr = η, mu = μ, convention=classic), nesterov (lr = η, mu = μ, constant schedule).
OptimizerPtr make_rate_optimizer(const MethodParams& params);
// Its resolved spec (every key): gd:lr=η, momentum:lr=η,mu=μ,convention=classic, ...
std::string optimizer_spec(const MethodParams& params);

// Spectral radius of a real 2×2 matrix with trace T and determinant D.
double spectral_radius_2x2(double trace, double det);
// Spectral radius of the method's per-eigenvalue block at curvature λ.
double eigen_rate(const MethodParams& params, double lambda);
// max over the given eigenvalues (the exact asymptotic rate on that quadratic).
double predicted_rate(const MethodParams& params, const Vec& eigenvalues);
// max over the curvature interval [mu, L]: the endpoints and 4097 equally spaced interior
// points (for GD the endpoints alone, |1 − ηλ| being convex in λ).
double predicted_rate(const MethodParams& params, double mu, double L);

// The classic tunings (μ, L: extreme curvatures).
MethodParams gd_optimal(double mu, double L);             // η = 2/(L + μ)
MethodParams heavy_ball_optimal(double mu, double L);     // Goh / Polyak
MethodParams nesterov_standard(double mu, double L);      // η = 1/L, μ = (√κ − 1)/(√κ + 1)
MethodParams nesterov_optimal(double mu, double L);       // Lessard–Recht–Packard
double gd_optimal_rate(double kappa);          // (κ − 1)/(κ + 1)
double heavy_ball_optimal_rate(double kappa);  // (√κ − 1)/(√κ + 1)
double nesterov_optimal_rate(double kappa);    // 1 − 2/√(3κ + 1)

// --- sublinear bounds (see above; r0_sq = ‖θ₀ − θ*‖²) ---------------------------------------------
double gd_convex_bound_seed(double L, double r0_sq, double t);      // 2L r₀²/(t + 1), η = 1/L
double gd_convex_bound_nesterov(double L, double r0_sq, double t);  // 2L r₀²/(t + 4), η = 1/L
double nag_convex_bound(double step, double r0_sq, double k);       // 2 r₀²/(s (k + 1)²)

// --- measured rates --------------------------------------------------------------------------------
struct LinearRateFit {
  double rate = 0.0;                      // ρ = exp(slope/p)
  double rate_low = 0.0, rate_high = 0.0;  // confidence interval of ρ
  double slope = 0.0, slope_stderr = 0.0, intercept = 0.0;
  double r_squared = 0.0;
  double confidence = 0.95;
  Index points = 0;
};
// Fits ln y = a + p·t·ln ρ to (t_i, y_i), y_i > 0 (std::invalid_argument otherwise, or with
// fewer than 3 points). `power` p = 1 for a distance series, 2 for a loss gap.
// The interval is the ordinary-least-squares (Student-t) interval of the slope: it measures
// how well one exponential fits the window, treating the residuals as independent noise. On a
// deterministic run the residuals are a transient (other eigenvalues, Jordan-block factors t),
// not noise, so the interval can be much narrower than the distance to the asymptotic rate.
LinearRateFit fit_linear_rate(std::span<const double> t, std::span<const double> y, double power = 1.0,
                              double confidence = 0.95);

struct PowerLawFit {
  double exponent = 0.0, exponent_low = 0.0, exponent_high = 0.0;  // b in y ≈ C t^b
  double exponent_stderr = 0.0;  // OLS standard error of b: √(SSR/((n−2) Sxx)) in log–log
  double prefactor = 0.0;                                          // C
  double r_squared = 0.0;
  double confidence = 0.95;
  Index points = 0;
};
// Fits ln y = ln C + b ln t (t_i > 0, y_i > 0).
PowerLawFit fit_power_law(std::span<const double> t, std::span<const double> y, double confidence = 0.95);

// --- predicted vs measured for any objective ---------------------------------------------------------
struct CurvatureRange {
  double mu = 0.0, L = 0.0;
  std::string source;     // "quadratic" (exact eigenvalues) | "dense" | "lanczos"
  double residual = 0.0;  // max ‖Hv − λv‖ of the two eigenpairs (0 for "quadratic")
  bool converged = true;
};
// λmin and λmax of ∇²F(θ): exact for a Quadratic, otherwise extreme_eigenpairs (hessian_eigen.hpp,
// k = 1, both ends) of the HessianOperator at θ.
CurvatureRange curvature_range(const Objective& f, const Vec& theta);

struct RateComparison {
  MethodParams params;
  double predicted = 0.0;  // from the interval [μ, L]
  LinearRateFit measured;  // fit of ‖θ_t − θ*‖ over the second half of the run
  Index steps = 0;         // steps run
  bool reached = false;    // the distance fell below tolerance·‖θ₀ − θ*‖ within max_steps
};
// Runs the optdyn optimizer for `params` from θ₀ (full batch) until ‖θ_t − θ*‖ ≤
// tolerance·‖θ₀ − θ*‖ or max_steps, and fits the rate over the second half of the steps
// (t ∈ [T/2, T]): far from the start, where the slowest mode dominates, and above round-off
// (keep tolerance ≫ ε·κ·‖θ*‖/‖θ₀ − θ*‖: θ* itself is known only to round-off). Predicted
// from `range`. std::invalid_argument when fewer than 6 steps were run; DivergenceError
// (core/error.hpp) when the run diverges.
RateComparison compare_rate(const Objective& f, const Vec& theta_star, const Vec& theta0, const MethodParams& params,
                            const CurvatureRange& range, Index max_steps, double tolerance = 1e-10);

}  // namespace optdyn::analysis
