// L-BFGS (Nocedal 1980; Liu & Nocedal 1989; Nocedal & Wright Alg. 7.4–7.5; seed 000
// "limited memory: store m ≈ 10 last Δx, Δg … two loop recursion"): the BFGS inverse update
// (bfgs.cpp, N&W eq. 6.17) applied implicitly from the m most recent pairs
// s_i = θ_{i+1} − θ_i, y_i = g_{i+1} − g_i to H₀ₖ = γ_k I, γ_k = s_{k−1}ᵀy_{k−1}/y_{k−1}ᵀy_{k−1}
// (N&W eq. 7.20). Two-loop recursion (N&W Alg. 7.4) for p = −H_k g:
//
//   q = g;  for i = k−1 … k−m:  a_i = ρ_i s_iᵀq,  q ← q − a_i y_i
//   r = γ_k q;  for i = k−m … k−1:  b = ρ_i y_iᵀr,  r ← r + s_i (a_i − b);   p = −r
//
// Choices as in bfgs.cpp: a pair with yᵀs ≤ skip·‖s‖‖y‖ is not stored; the first step is
// p = −g with α₀ = 1/‖g‖, later α₀ = 1; strong Wolfe c₁ = 1e-4, c₂ = 0.9; a non-descent p
// or a failed search clears the memory. O(mD) memory and flops per step.
// State: "direction" (the last p), "s" and "y" (the newest stored pair).
#include <deque>

#include "optdyn/optimizers/line_search.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class Lbfgs final : public Optimizer {
 public:
  explicit Lbfgs(const Spec& s)
      : Optimizer(s.canonical(), 1.0),
        memory_(static_cast<std::size_t>(s.integer("m", 1, 100000))),
        skip_(s.real("skip", 0.0, 1.0)),
        search_(line_search_options(s, {"strong_wolfe", "exact_quadratic"})) {}

 protected:
  void reset_state(Index dim) override {
    pairs_.clear();
    direction_.setZero(dim);
    s_newest_.setZero(dim);
    y_newest_.setZero(dim);
    theta_prev_.resize(0);
  }
  std::vector<OracleAccess> required_access() const override {
    if (search_.kind == LineSearchKind::exact_quadratic) return {OracleAccess::value, OracleAccess::hessian_vector};
    return {OracleAccess::value};
  }
  bool accepts_transformed_gradient() const override { return false; }
  bool uses_step_size() const override { return false; }

  void update(Vec& theta, const Vec& g, double, std::uint64_t) override {
    if (theta_prev_.size() == theta.size()) remember(theta - theta_prev_, g - g_prev_);
    if (g.squaredNorm() == 0.0) return;
    two_loop(g, direction_);
    if (!(g.dot(direction_) < 0.0)) {
      pairs_.clear();
      direction_ = -g;
    }
    const double alpha0 = theta_prev_.size() == 0 ? 1.0 / g.norm() : 1.0;
    theta_prev_ = theta;
    g_prev_ = g;
    const LineStep step = line_search_step(oracle(), theta, direction_, current_loss(), g.dot(direction_), alpha0, search_);
    if (step.gradient_known) hand_over_gradient(theta, step.gradient, step.loss);
    if (!step.search.success) pairs_.clear();
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"direction", &direction_});
    out.push_back({"s", &s_newest_});
    out.push_back({"y", &y_newest_});
  }

 private:
  struct Pair {
    Vec s, y;
    double rho;
  };

  void remember(Vec s, Vec y) {
    const double ys = y.dot(s);
    if (!(ys > skip_ * s.norm() * y.norm()) || s.squaredNorm() == 0.0) return;
    s_newest_ = s;
    y_newest_ = y;
    if (pairs_.size() == memory_) pairs_.pop_front();
    pairs_.push_back({std::move(s), std::move(y), 1.0 / ys});
  }

  // N&W Alg. 7.4: p = −H_k g.
  void two_loop(const Vec& g, Vec& p) const {
    Vec q = g;
    std::vector<double> a(pairs_.size());
    for (std::size_t i = pairs_.size(); i-- > 0;) {
      a[i] = pairs_[i].rho * pairs_[i].s.dot(q);
      q.noalias() -= a[i] * pairs_[i].y;
    }
    const double gamma = pairs_.empty() ? 1.0 : pairs_.back().s.dot(pairs_.back().y) / pairs_.back().y.squaredNorm();
    Vec r = gamma * q;
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      const double b = pairs_[i].rho * pairs_[i].y.dot(r);
      r.noalias() += (a[i] - b) * pairs_[i].s;
    }
    p = -r;
  }

  std::size_t memory_;
  double skip_;
  LineSearchOptions search_;
  std::deque<Pair> pairs_;
  Vec direction_, s_newest_, y_newest_, theta_prev_, g_prev_;
};

}  // namespace

OptimizerEntry lbfgs_entry() {
  return optimizer_entry<Lbfgs>(
      "lbfgs", "L-BFGS two-loop recursion with memory m, H₀ = (sᵀy/yᵀy)I, strong-Wolfe search (N&W Alg. 7.4; seed 000)",
      {{"m", "10", "memory: number of (s, y) pairs"},
       {"line_search", "strong_wolfe", "strong_wolfe | exact_quadratic (quadratics: exact minimiser, one HVP)"},
       {"c1", "1e-4", "sufficient-decrease constant c₁"},
       {"c2", "0.9", "curvature constant c₂ (c₁ < c₂ < 1)"},
       {"skip", "1e-8", "do not store a pair with yᵀs ≤ skip·‖s‖‖y‖"}});
}

}  // namespace optdyn
