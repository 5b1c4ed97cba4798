#pragma once
// Line searches along a direction p from θ: choose α > 0 for θ + αp using the
// one-dimensional function φ(α) = F(θ + αp), φ'(α) = ∇F(θ + αp)ᵀp (Nocedal & Wright,
// Numerical Optimization, 2nd ed., ch. 3). Shared by every method that searches: newton and
// damped_newton (backtracking), gauss_newton, nonlinear_cg, bfgs, lbfgs.
//
//   backtracking  Armijo backtracking (N&W Alg. 3.1): α = α₀, α₀ρ, α₀ρ², … until the
//                 sufficient-decrease condition φ(α) ≤ φ(0) + c₁αφ'(0). Values only (one
//                 value evaluation per trial). Defaults c₁ = 1e-4, ρ = 1/2.
//   strong_wolfe  N&W Alg. 3.5 (bracketing) + Alg. 3.6 (zoom): α satisfies
//                   φ(α) ≤ φ(0) + c₁αφ'(0)   and   |φ'(α)| ≤ c₂|φ'(0)|,   0 < c₁ < c₂ < 1.
//                 Bracketing doubles the trial step (α_{i+1} = 2α_i, capped at alpha_max);
//                 zoom picks the minimiser of the cubic interpolating φ, φ' at both ends of
//                 the bracket (N&W eq. 3.59), else of the quadratic through φ(lo), φ'(lo),
//                 φ(hi), else the midpoint, clamped to stay ≥ 10% of the bracket from either
//                 end (safeguard). Zoom's test "φ(α_j) ≥ φ(α_lo)" allows 8 ulps of rounding in
//                 φ (near a minimiser only φ' still resolves the side; Moré–Thuente's second
//                 test function needs this). Each trial evaluates φ and φ' together: one gradient
//                 evaluation. Defaults c₁ = 1e-4, c₂ = 0.9 (quasi-Newton; N&W suggest 0.1
//                 for nonlinear CG).
//   exact_quadratic  α = −φ'(0)/φ''(0), φ''(0) = pᵀ∇²F(θ)p from one Hessian-vector product:
//                 the exact minimiser of φ when F is quadratic (for the finite-termination
//                 theorems of CG and BFGS, N&W Thm 5.1 and §6.1); elsewhere the Newton step
//                 on φ. Needs φ''(0) > 0, else it falls back to strong_wolfe.
//
// Failure: when the evaluation budget runs out (or the bracket shrinks to rounding) the
// search returns the best point that satisfies sufficient decrease, or α = 0 if none does,
// with success = false. Callers then restart (steepest descent) or take no step; each
// method documents which. Overflow is not such a failure: a non-finite φ(0), φ'(0) or α₀, a
// non-finite exact_quadratic step, or a search all of whose trials are non-finite throws
// DivergenceError ("line search: …", core/error.hpp).
#include <cstdint>
#include <string>

#include "optdyn/core/spec.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/optimizers/oracle.hpp"

namespace optdyn {

enum class LineSearchKind { none, backtracking, strong_wolfe, exact_quadratic };

struct LineSearchOptions {
  LineSearchKind kind = LineSearchKind::strong_wolfe;
  double c1 = 1e-4;             // sufficient decrease (Armijo)
  double c2 = 0.9;              // curvature (strong Wolfe)
  double rho = 0.5;             // backtracking contraction
  double alpha_max = 1e20;      // bracketing cap
  int max_evaluations = 50;     // trials (values for backtracking, gradients for Wolfe)
};

struct LineSearchResult {
  double alpha = 0.0;
  double phi = 0.0;            // φ(α)
  double dphi = 0.0;           // φ'(α) when known (strong Wolfe, exact_quadratic), else NaN
  bool success = false;
  int evaluations = 0;         // trials evaluated
};

// φ along a line, as the searches see it.
class LineFunction {
 public:
  virtual ~LineFunction() = default;
  virtual double value(double alpha) = 0;
  virtual double value_and_derivative(double alpha, double& derivative) = 0;
  // φ''(0); only for exact_quadratic.
  virtual double second_derivative_at_zero() = 0;
};

// φ(α) = F(θ + αp) through an oracle (same batch as the step's gradient, oracle.hpp).
// Remembers the gradient of its last value_and_derivative call, so that the caller can reuse
// ∇F(θ + αp) at the accepted α (BFGS's y, the next step's gradient) without evaluating again.
class OracleLine final : public LineFunction {
 public:
  OracleLine(Oracle& oracle, const Vec& theta, const Vec& direction);
  double value(double alpha) override;
  double value_and_derivative(double alpha, double& derivative) override;
  double second_derivative_at_zero() override;

  // True when the last gradient evaluation was at exactly this α.
  bool has_gradient_at(double alpha) const { return have_gradient_ && alpha == gradient_alpha_; }
  const Vec& gradient() const { return gradient_; }   // ∇F at θ + (that α)p
  const Vec& gradient_point() const { return gradient_point_; }  // θ + (that α)p
  double gradient_loss() const { return gradient_loss_; }

 private:
  const Vec& point(double alpha);
  Oracle& oracle_;
  const Vec& theta_;
  const Vec& direction_;
  Vec x_, gradient_, gradient_point_, hp_;
  bool have_gradient_ = false;
  double gradient_alpha_ = 0.0, gradient_loss_ = 0.0;
};

// φ(0) = phi0 and φ'(0) = dphi0 < 0 (a descent direction; otherwise std::invalid_argument),
// first trial alpha0 > 0.
LineSearchResult line_search(LineFunction& phi, double phi0, double dphi0, double alpha0, const LineSearchOptions& o);
LineSearchResult backtracking_armijo(LineFunction& phi, double phi0, double dphi0, double alpha0,
                                     const LineSearchOptions& o);
LineSearchResult strong_wolfe(LineFunction& phi, double phi0, double dphi0, double alpha0, const LineSearchOptions& o);

// One searched step through an oracle: α from `line_search` along p from θ (φ(0) = loss,
// φ'(0) = slope < 0), θ ← θ + αp when α > 0. When the search evaluated the gradient at the
// accepted point (strong Wolfe, exact_quadratic), it is returned for reuse (BFGS's y, and
// Optimizer::hand_over_gradient for the next step).
struct LineStep {
  LineSearchResult search;
  bool gradient_known = false;
  Vec gradient;       // ∇F(θ + αp) when gradient_known
  double loss = 0.0;  // F(θ + αp) when gradient_known
};
LineStep line_search_step(Oracle& oracle, Vec& theta, const Vec& direction, double loss, double slope, double alpha0,
                          const LineSearchOptions& o);

// The `line_search`, `c1`, `c2` (and `rho`) keys shared by the methods' parameter structs:
// line_search_keys.hpp.
std::string to_string(LineSearchKind kind);

}  // namespace optdyn
