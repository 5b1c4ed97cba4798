// Line searches (see line_search.hpp): Armijo backtracking (Nocedal & Wright Alg. 3.1) and
// the strong-Wolfe search (Alg. 3.5 with zoom, Alg. 3.6; interpolation §3.5).
#include "optdyn/optimizers/line_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "optdyn/core/error.hpp"

namespace optdyn {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Trial {
  double a = 0.0, f = 0.0, d = 0.0;  // α, φ(α), φ'(α)
};

// Minimiser of the cubic that interpolates φ and φ' at a and b (N&W eq. 3.59); NaN if the
// cubic has no minimiser.
double cubic_minimizer(const Trial& a, const Trial& b) {
  const double d1 = a.d + b.d - 3.0 * (a.f - b.f) / (a.a - b.a);
  const double disc = d1 * d1 - a.d * b.d;
  if (!(disc >= 0.0)) return kNaN;
  const double d2 = std::copysign(std::sqrt(disc), b.a - a.a);
  return b.a - (b.a - a.a) * (b.d + d2 - d1) / (b.d - a.d + 2.0 * d2);
}

// Minimiser of the quadratic through φ(lo), φ'(lo), φ(hi); NaN if it is not convex.
double quadratic_minimizer(const Trial& lo, const Trial& hi) {
  const double h = hi.a - lo.a;
  const double c = (hi.f - lo.f - lo.d * h) / (h * h);
  return c > 0.0 ? lo.a - lo.d / (2.0 * c) : kNaN;
}

// A trial inside the bracket: the cubic's minimiser, else the quadratic's, else the midpoint,
// clamped to keep at least 10% of the bracket width from either end (so every trial cuts
// the bracket by ≥ 10% even when the interpolant points at an end).
double interpolate(const Trial& lo, const Trial& hi) {
  const double a = std::min(lo.a, hi.a), b = std::max(lo.a, hi.a);
  const double margin = 0.1 * (b - a);
  double x = cubic_minimizer(lo, hi);
  if (!std::isfinite(x)) x = quadratic_minimizer(lo, hi);
  if (!std::isfinite(x)) x = 0.5 * (a + b);
  return std::clamp(x, a + margin, b - margin);
}

Trial evaluate(LineFunction& phi, double a, LineSearchResult& r) {
  Trial t;
  t.a = a;
  t.f = phi.value_and_derivative(a, t.d);
  ++r.evaluations;
  return t;
}

LineSearchResult finish(const Trial& t, bool success, LineSearchResult r) {
  r.alpha = t.a;
  r.phi = t.f;
  r.dphi = t.d;
  r.success = success;
  return r;
}

// N&W Alg. 3.6. Invariants: lo satisfies sufficient decrease and has the lowest φ of the
// trials so far; φ'(lo)(hi − lo) < 0, so the bracket contains strong-Wolfe points.
LineSearchResult zoom(LineFunction& phi, double phi0, double dphi0, Trial lo, Trial hi, const LineSearchOptions& o,
                      LineSearchResult r) {
  while (r.evaluations < o.max_evaluations) {
    if (std::abs(hi.a - lo.a) <= 4.0 * std::numeric_limits<double>::epsilon() * std::max(lo.a, hi.a)) break;
    const Trial t = evaluate(phi, interpolate(lo, hi), r);
    // "φ(α_j) ≥ φ(α_lo)" up to rounding: near a minimiser φ differs from φ(lo) by less than
    // its rounding error, and only φ' still tells which side the minimiser is on.
    const double noise = 8.0 * std::numeric_limits<double>::epsilon() * std::abs(lo.f);
    if (!(t.f <= phi0 + o.c1 * t.a * dphi0) || t.f > lo.f + noise) {
      hi = t;
    } else {
      if (std::abs(t.d) <= -o.c2 * dphi0) return finish(t, true, r);
      if (t.d * (hi.a - lo.a) >= 0.0) hi = lo;
      lo = t;
    }
  }
  return finish(lo, false, r);  // lo.a = 0 (no step) when no trial decreased φ enough
}

// Non-finite numbers at the start come from an overflowing run (a huge gradient whose norm
// overflows makes α₀ = 1/‖g‖ zero, its slope −‖g‖² infinite): divergence, not a bug of the
// caller. A finite non-descent slope or a finite α₀ ≤ 0 is the caller's bug.
void check_start(double phi0, double dphi0, double alpha0) {
  if (!std::isfinite(phi0)) throw DivergenceError("line search: loss is " + non_finite_name(phi0) + " at the start");
  if (!std::isfinite(dphi0))
    throw DivergenceError("line search: slope along the direction is " + non_finite_name(dphi0) + " (overflow)");
  if (!(dphi0 < 0.0)) throw std::invalid_argument("line search: the direction is not a descent direction (φ'(0) ≥ 0)");
  if (!std::isfinite(alpha0) && !std::isnan(alpha0))
    throw DivergenceError("line search: first trial step is " + non_finite_name(alpha0) + " (overflow of the step scale)");
  if (!(alpha0 > 0.0) || !std::isfinite(alpha0)) throw std::invalid_argument("line search: first trial step must be > 0");
}

// φ as the searches see it, remembering whether any trial value was finite (check_outcome).
class Watched final : public LineFunction {
 public:
  explicit Watched(LineFunction& phi) : phi_(phi) {}
  double value(double alpha) override { return seen(phi_.value(alpha)); }
  double value_and_derivative(double alpha, double& derivative) override {
    return seen(phi_.value_and_derivative(alpha, derivative));
  }
  double second_derivative_at_zero() override { return phi_.second_derivative_at_zero(); }
  bool any_finite() const { return any_finite_; }
  double first() const { return first_; }

 private:
  double seen(double f) {
    if (!trials_++) first_ = f;
    any_finite_ = any_finite_ || std::isfinite(f);
    return f;
  }
  LineFunction& phi_;
  long trials_ = 0;
  double first_ = 0.0;
  bool any_finite_ = false;
};

// A search that found no step and never saw a finite value of φ: every trial overflowed, so
// the run has left the numbers (core/error.hpp). A search with finite trials that merely found
// no decrease is the caller's ordinary failure case.
void check_outcome(const LineSearchResult& r, bool any_finite_trial, double first_trial) {
  if (r.alpha > 0.0 || any_finite_trial || r.evaluations == 0) return;
  throw DivergenceError("line search: loss is " + non_finite_name(first_trial) +
                        " at the first trial step and at every trial after it");
}

}  // namespace

// --- OracleLine -------------------------------------------------------------------------------

OracleLine::OracleLine(Oracle& oracle, const Vec& theta, const Vec& direction)
    : oracle_(oracle), theta_(theta), direction_(direction) {}

const Vec& OracleLine::point(double alpha) {
  x_ = theta_ + alpha * direction_;
  return x_;
}

double OracleLine::value(double alpha) { return oracle_.value(point(alpha)); }

double OracleLine::value_and_derivative(double alpha, double& derivative) {
  gradient_loss_ = oracle_.gradient_same_batch(point(alpha), gradient_);
  gradient_point_ = x_;
  derivative = gradient_.dot(direction_);
  have_gradient_ = true;
  gradient_alpha_ = alpha;
  return gradient_loss_;
}

double OracleLine::second_derivative_at_zero() {
  oracle_.hessian_vector(theta_, direction_, hp_);
  return direction_.dot(hp_);
}

// --- the searches -------------------------------------------------------------------------------

// N&W Alg. 3.1: α ← ρα until φ(α) ≤ φ(0) + c₁αφ'(0).
namespace {

LineSearchResult backtracking_search(LineFunction& phi, double phi0, double dphi0, double alpha0,
                                     const LineSearchOptions& o) {
  LineSearchResult r;
  r.dphi = kNaN;
  double a = alpha0;
  while (r.evaluations < o.max_evaluations) {
    const double f = phi.value(a);
    ++r.evaluations;
    if (f <= phi0 + o.c1 * a * dphi0) {
      r.alpha = a;
      r.phi = f;
      r.success = true;
      return r;
    }
    a *= o.rho;
  }
  r.alpha = 0.0;
  r.phi = phi0;
  return r;
}

// N&W Alg. 3.5: grow α until the bracket [α_{i−1}, α_i] must contain strong-Wolfe points,
// then zoom.
LineSearchResult strong_wolfe_search(LineFunction& phi, double phi0, double dphi0, double alpha0,
                                     const LineSearchOptions& o) {
  LineSearchResult r;
  Trial prev{0.0, phi0, dphi0};
  double a = std::min(alpha0, o.alpha_max);
  for (int i = 1; r.evaluations < o.max_evaluations; ++i) {
    const Trial t = evaluate(phi, a, r);
    if (!(t.f <= phi0 + o.c1 * a * dphi0) || (i > 1 && t.f >= prev.f)) return zoom(phi, phi0, dphi0, prev, t, o, r);
    if (std::abs(t.d) <= -o.c2 * dphi0) return finish(t, true, r);
    if (t.d >= 0.0) return zoom(phi, phi0, dphi0, t, prev, o, r);
    prev = t;
    if (a >= o.alpha_max) break;
    a = std::min(2.0 * a, o.alpha_max);
  }
  return finish(prev, false, r);
}

}  // namespace

LineSearchResult backtracking_armijo(LineFunction& phi, double phi0, double dphi0, double alpha0,
                                     const LineSearchOptions& o) {
  check_start(phi0, dphi0, alpha0);
  Watched watched(phi);
  const LineSearchResult r = backtracking_search(watched, phi0, dphi0, alpha0, o);
  check_outcome(r, watched.any_finite(), watched.first());
  return r;
}

LineSearchResult strong_wolfe(LineFunction& phi, double phi0, double dphi0, double alpha0, const LineSearchOptions& o) {
  check_start(phi0, dphi0, alpha0);
  Watched watched(phi);
  const LineSearchResult r = strong_wolfe_search(watched, phi0, dphi0, alpha0, o);
  check_outcome(r, watched.any_finite(), watched.first());
  return r;
}

LineSearchResult line_search(LineFunction& phi, double phi0, double dphi0, double alpha0, const LineSearchOptions& o) {
  switch (o.kind) {
    case LineSearchKind::none: {
      LineSearchResult r;
      r.alpha = alpha0;
      r.phi = r.dphi = kNaN;
      r.success = true;
      return r;
    }
    case LineSearchKind::backtracking: return backtracking_armijo(phi, phi0, dphi0, alpha0, o);
    case LineSearchKind::strong_wolfe: return strong_wolfe(phi, phi0, dphi0, alpha0, o);
    case LineSearchKind::exact_quadratic: {
      check_start(phi0, dphi0, alpha0);
      const double curvature = phi.second_derivative_at_zero();
      if (std::isinf(curvature))
        throw DivergenceError("line search: curvature along the direction is " + non_finite_name(curvature));
      if (!(curvature > 0.0)) return strong_wolfe(phi, phi0, dphi0, alpha0, o);
      LineSearchResult r;
      const Trial t = evaluate(phi, -dphi0 / curvature, r);
      if (!std::isfinite(t.f))
        throw DivergenceError("line search: loss is " + non_finite_name(t.f) + " at the exact quadratic step");
      return finish(t, true, r);
    }
  }
  throw std::logic_error("line_search: unknown kind");
}

LineStep line_search_step(Oracle& oracle, Vec& theta, const Vec& direction, double loss, double slope, double alpha0,
                          const LineSearchOptions& o) {
  OracleLine line(oracle, theta, direction);
  LineStep step;
  step.search = line_search(line, loss, slope, alpha0, o);
  const double alpha = step.search.alpha;
  if (!(alpha > 0.0)) return step;
  step.gradient_known = line.has_gradient_at(alpha);
  if (step.gradient_known) {  // move to exactly the point where the gradient was taken
    step.gradient = line.gradient();
    step.loss = line.gradient_loss();
    theta = line.gradient_point();
  } else {
    theta.noalias() += alpha * direction;
  }
  return step;
}

std::string to_string(LineSearchKind kind) {
  switch (kind) {
    case LineSearchKind::none: return "none";
    case LineSearchKind::backtracking: return "backtracking";
    case LineSearchKind::strong_wolfe: return "strong_wolfe";
    case LineSearchKind::exact_quadratic: return "exact_quadratic";
  }
  return "?";
}

}  // namespace optdyn
