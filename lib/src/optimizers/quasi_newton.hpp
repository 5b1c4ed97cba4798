#pragma once
// Private to lib/src/optimizers: the step shared by the quasi-Newton methods (bfgs.cpp,
// lbfgs.cpp; Nocedal & Wright Alg. 6.1 and 7.5). One step k:
//
//   1. absorb the pair s = θ_k − θ_{k−1}, y = g_k − g_{k−1} — unless yᵀs ≤ skip·‖s‖‖y‖
//      (the curvature condition fails numerically: N&W §6.1, "skip the update");
//   2. p_k = −H_k g_k from the method's inverse-Hessian approximation; if gᵀp ≥ 0 (rounding
//      trouble only) forget the curvature (H ← I) and take p = −g;
//   3. θ ← θ + α p with a line search (strong Wolfe, or exact on a quadratic), first trial
//      α₀ = 1/‖g‖ at the first step (H₀ = I carries no scale; LBFGS++ does the same), then 1;
//      a failed search moves to its best sufficient-decrease point (if any) and forgets.
//
// The gradient at the accepted point is handed to the next step (one gradient per trial).
// No step size (schedules are errors) and no gradient modifiers (the search evaluates F).
#include <string>
#include <vector>

#include "optdyn/optimizers/line_search_keys.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

// An optimizer whose step length comes from a line search on F (no lr, no modifiers that
// transform g) and whose directions combine gradients of successive steps (secant pairs,
// conjugacy): full batch only. Keys: wolfe_keys (line_search_keys.hpp).
class LineSearchMethod : public Optimizer {
 protected:
  LineSearchMethod(const LineSearchOptions& search, std::string spec) : Optimizer(std::move(spec), 1.0, std::nullopt), search_(search) {}

  std::vector<OracleAccess> required_access() const override {
    if (search_.kind == LineSearchKind::exact_quadratic)
      return {OracleAccess::value, OracleAccess::hessian_vector, OracleAccess::full_batch};
    return {OracleAccess::value, OracleAccess::full_batch};
  }
  bool accepts_transformed_gradient() const override { return false; }
  bool uses_step_size() const override { return false; }

  LineSearchOptions search_;
};

class QuasiNewton : public LineSearchMethod {
 protected:
  // P: a parameter struct with wolfe_keys and `skip`.
  template <class P>
  QuasiNewton(const P& p, std::string spec) : LineSearchMethod(line_search_options(p), std::move(spec)), skip_(p.skip) {}

  // The method's part. absorb() is called only with pairs that pass the curvature test.
  virtual void reset_curvature(Index dim) = 0;
  virtual void absorb(const Vec& s, const Vec& y, double ys) = 0;
  virtual void inverse_times(const Vec& g, Vec& hg) const = 0;  // hg = H_k g
  virtual void forget() = 0;                                    // H_k ← I
  // The method's curvature memory (checkpoints; Optimizer::archive_state).
  virtual void archive_curvature(StateArchive& a) = 0;

  // The shared step's memory, then the method's. θ_prev and g_prev are empty before the
  // first step (no pair to form yet), of length D after it.
  void archive_state(StateArchive& a) final {
    a.field("direction", direction_, dim());
    bool started = theta_prev_.size() != 0;
    a.field("started", started);
    a.field("theta_prev", theta_prev_, started ? dim() : 0);
    a.field("g_prev", g_prev_, started ? dim() : 0);
    archive_curvature(a);
  }

  void reset_state(Index dim) final {
    reset_curvature(dim);
    direction_.setZero(dim);
    theta_prev_.resize(0);
  }

  void update(Vec& theta, const Vec& g, double, std::uint64_t) final {
    if (theta_prev_.size() == theta.size()) {
      const Vec s = theta - theta_prev_, y = g - g_prev_;
      const double ys = y.dot(s);
      if (ys > skip_ * s.norm() * y.norm() && s.squaredNorm() > 0.0) absorb(s, y, ys);
    }
    if (g.squaredNorm() == 0.0) return;
    inverse_times(g, direction_);
    direction_ = -direction_;
    if (!(g.dot(direction_) < 0.0)) {
      forget();
      direction_ = -g;
    }
    const double alpha0 = theta_prev_.size() == 0 ? 1.0 / g.norm() : 1.0;
    theta_prev_ = theta;
    g_prev_ = g;
    const LineStep step =
        line_search_step(oracle(), theta, direction_, current_loss(), g.dot(direction_), alpha0, search_);
    if (step.gradient_known) hand_over_gradient(theta, step.gradient, step.loss);
    if (!step.search.success) forget();
  }

  const Vec& direction() const { return direction_; }

 private:
  double skip_;
  Vec direction_, theta_prev_, g_prev_;
};

}  // namespace optdyn
