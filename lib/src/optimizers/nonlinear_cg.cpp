// Nonlinear conjugate gradients (Fletcher & Reeves 1964; Polak & Ribière 1969; seed 000
// "nonlinear conjugated gradients (NCG)", after LeCun et al. 1998; Nocedal & Wright §5.2):
//
//   p_k = −g_k + β_k p_{k−1},   θ ← θ + α_k p_k   (α_k: strong-Wolfe line search)
//   fletcher_reeves      β = g_kᵀg_k / g_{k−1}ᵀg_{k−1}                   (N&W 5.41a)
//   polak_ribiere        β = g_kᵀ(g_k − g_{k−1}) / g_{k−1}ᵀg_{k−1}       (N&W 5.44)
//   polak_ribiere_plus   β⁺ = max(β_PR, 0)                               (N&W 5.45)
//
// Restarts (β = 0, p = −g): at the first step; every `restart` steps (0 = every D steps,
// N&W §5.2 "restart every n iterations"); when Powell's test |g_kᵀg_{k−1}| / ‖g_k‖² ≥ powell
// fires (N&W eq. 5.52, ν = 0.1; powell=0 disables it); when p_k is not a descent direction
// (g_kᵀp_k ≥ 0, possible for PR); and after a failed line search.
// Line search: strong Wolfe with c₁ = 1e-4, c₂ = 0.1 (N&W's choice for NCG; FR needs
// c₂ < ½ to guarantee descent, Lemma 5.6), first trial α₀ = 1/‖g‖ at the first step
// (‖α₀p‖ = 1, as LBFGS++) and N&W eq. 3.60 afterwards, α₀ = α_{k−1} g_{k−1}ᵀp_{k−1} / g_kᵀp_k.
// line_search=exact_quadratic: the exact minimiser along p on a quadratic (one HVP), where
// FR/PR with exact searches reproduce linear CG (N&W §5.2).
// A failed search moves to its best sufficient-decrease point (if any) and restarts.
// Cost per step: one gradient per line-search trial; the gradient at the accepted point is
// reused by the next step (Optimizer::hand_over_gradient), so evals = trials.
// No step size (schedules are errors); no gradient modifiers (the search evaluates F).
#include <cmath>
#include <limits>

#include "optdyn/optimizers/nonlinear_cg.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "quasi_newton.hpp"  // LineSearchMethod

namespace optdyn {
namespace {

class NonlinearCg final : public LineSearchMethod {
 public:
  using Beta = NonlinearCgParams::Beta;

  NonlinearCg(const NonlinearCgParams& p, std::string spec)
      : LineSearchMethod(line_search_options(p), std::move(spec)),
        beta_(p.beta),
        restart_every_(p.restart),
        powell_(p.powell) {}

 protected:
  void reset_state(Index dim) override {
    p_.setZero(dim);
    g_prev_.setZero(dim);
    restart_next_ = true;
    since_restart_ = 0;
    alpha_prev_ = slope_prev_ = 0.0;
  }
  void update(Vec& theta, const Vec& g, double, std::uint64_t) override {
    const double gg = g.squaredNorm();
    if (gg == 0.0) return;
    const Index n = restart_every_ > 0 ? restart_every_ : theta.size();
    bool restart = restart_next_ || since_restart_ >= n || (powell_ > 0.0 && std::abs(g.dot(g_prev_)) >= powell_ * gg);
    if (!restart) {
      p_ = -g + beta(g) * p_;
      restart = !(g.dot(p_) < 0.0);
    }
    if (restart) {
      p_ = -g;
      since_restart_ = 0;
    }
    const double slope = g.dot(p_);
    const double alpha0 = alpha_prev_ > 0.0 ? alpha_prev_ * slope_prev_ / slope : 1.0 / std::sqrt(gg);
    const LineStep step = line_search_step(oracle(), theta, p_, current_loss(), slope, alpha0, search_);
    if (step.gradient_known) hand_over_gradient(theta, step.gradient, step.loss);
    restart_next_ = !step.search.success;
    if (step.search.alpha > 0.0) {
      alpha_prev_ = step.search.alpha;
      slope_prev_ = slope;
    }
    g_prev_ = g;
    ++since_restart_;
  }

  void archive_state(StateArchive& a) override {
    a.field("p", p_, dim());
    a.field("g_prev", g_prev_, dim());
    a.field("restart_next", restart_next_);
    a.field("since_restart", since_restart_, 0, std::numeric_limits<std::int64_t>::max());
    a.field("alpha_prev", alpha_prev_);
    a.field("slope_prev", slope_prev_);
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"p", &p_});
    out.push_back({"g_prev", &g_prev_});
  }

 private:
  double beta(const Vec& g) const {
    const double prev = g_prev_.squaredNorm();
    switch (beta_) {
      case Beta::fletcher_reeves: return g.squaredNorm() / prev;
      case Beta::polak_ribiere: return g.dot(g - g_prev_) / prev;
      case Beta::polak_ribiere_plus: return std::max(0.0, g.dot(g - g_prev_) / prev);
    }
    return 0.0;
  }

  Beta beta_;
  Index restart_every_;
  double powell_;
  Vec p_, g_prev_;
  bool restart_next_ = true;
  Index since_restart_ = 0;
  double alpha_prev_ = 0.0, slope_prev_ = 0.0;
};

}  // namespace

const ParamTable<NonlinearCgParams>& NonlinearCgParams::table() {
  using P = NonlinearCgParams;
  static const auto t =
      ParamTable<P>("optimizer", "nonlinear_cg",
                    "nonlinear CG p = −g + βp, strong-Wolfe search; FR / PR / PR+ β, restarts (N&W §5.2; seed 000)")
          .choice("beta", &P::beta,
                  {{"fletcher_reeves", P::Beta::fletcher_reeves},
                   {"polak_ribiere", P::Beta::polak_ribiere},
                   {"polak_ribiere_plus", P::Beta::polak_ribiere_plus}},
                  "fletcher_reeves | polak_ribiere | polak_ribiere_plus")
          .integer("restart", &P::restart, 0, 1L << 40, "restart every n steps (0: n = D)")
          .real("powell", &P::powell, Range::closed(0.0, 1.0), "restart when |gᵀg_prev|/‖g‖² ≥ this (N&W 5.52); 0 = never")
          .with([](ParamTable<P>& u) { wolfe_keys(u, "curvature constant c₂ (c₁ < c₂ < 1; < ½ for FR)"); })
          // FR generates descent directions under the strong Wolfe conditions only for c₂ < ½
          // (N&W Lemma 5.6); with a larger c₂ the next p may point uphill.
          .rule([](const P& p, const Spec& s) {
            if (p.beta == P::Beta::fletcher_reeves && p.line_search == LineSearchKind::strong_wolfe && !(p.c2 < 0.5))
              s.reject("c2", "Fletcher–Reeves needs c2 < 0.5 for descent (N&W Lemma 5.6)");
          });
  return t;
}

OptimizerPtr make_nonlinear_cg(const NonlinearCgParams& params) { return make_typed_optimizer<NonlinearCg>(params); }

OptimizerEntry nonlinear_cg_entry() { return typed_optimizer_entry<NonlinearCg, NonlinearCgParams>(); }

}  // namespace optdyn
