// Online parabola (gradient) regression, diagonal version (seed 000, its author's method:
// "Online gradient linear regression: let's start with 1D fixed parabola f(θ) = ½λ(θ − p)²
// from noisy gᵗ ≈ f'(θᵗ) = λ(θᵗ − p) … argmin_{λ,p} Σ_t wᵗ(gᵗ − λ(θᵗ − p))² …
// λ = (ḡθ − ḡ·θ̄)/(θ²̄ − θ̄²), p = (λθ̄ − ḡ)/λ … use exponential moving average …
// Attract (λ > 0) or repel (λ < 0) correspondingly to handle saddles"). Per coordinate i:
//
//   weighted least-squares line g ≈ λ_i(θ_i − p_i) through the recent (θ_i, g_i) pairs,
//   weights w_s ∝ β^{t−s} normalised to sum 1 (the seed's wᵗ ~ β^{−t}):
//   λ_i = cov_w(g_i, θ_i)/var_w(θ_i),   p_i = θ̄_i − ḡ_i/λ_i,
//   θ_i ← θ_i + η sign(λ_i)(p_i + δ_t − θ_i)      (δ_t: the probe below, 0 by default).
//
// The step is the seed's "θ ← θ + α Σ_i sign(λ_i)(p_i − θ·v_i) v_i" with v_i = e_i (the OCR
// prints the bracket as a fraction 1/(p_i − θ·v_i); read as a product: the step must vanish
// at p and be a fraction α = η of the distance to the fitted extremum, which η = 1 makes
// the Newton step on the fitted parabola). Along an attracting direction it moves a
// fraction η of the way to the fitted minimum; along a repelling one it moves AWAY from the
// fitted maximum by η|p − θ|, so |θ − p| grows by the factor (1 + η) per step whatever |λ|
// is — unlike GD, whose escape factor 1 + η_GD|λ| is slow on flat saddles.
//
// The averages are updated in centred form (the exponentially weighted Welford update;
// West 1979, Finch 2009), algebraically equal to the seed's raw moments θ̄, ḡ, θg¯, θ²¯ with
// normalised weights but free of the cancellation in θ²¯ − θ̄²: with a_t = (1−β)/(1−βᵗ)
// (the weight of the newest pair; the bias-corrected EMA, a_1 = 1),
//   δθ = θ − θ̄, δg = g − ḡ;  θ̄ += a δθ;  ḡ += a δg;
//   var ← (1 − a)(var + a δθ²);  cov ← (1 − a)(cov + a δθ δg).
//
// Choices the seed leaves open (every one a key with its default):
//  * lr = η (the seed's α), default 0.5: half way to the fitted extremum per step; schedules
//    scale it.
//  * beta = β, default 0.9 (effective sample size (1+β)/(1−β) = 19 pairs).
//  * The regression includes the current pair (θ_t, g_t) before the step.
//  * Safeguards, per coordinate: the regression is used only when var_w(θ_i) > min_var
//    (absolute, default 1e-20; var = 0 at t = 1 always) and |λ_i| ≥ min_curvature (default
//    1e-8); otherwise the coordinate takes a gradient step −fallback_lr·g_i (default 0.01).
//    Every |Δθ_i| is clipped to max_step (default 1). The numbers of coordinate steps of each
//    kind are counted in the state "counts" = (regression steps, fallback steps, clipped).
//  * probe = δ ≥ 0 (default 0): along attracting directions the target is p + (−1)ᵗδ. With
//    δ = 0 the iterates collapse onto p, var_w(θ) → 0 and λ becomes poorly determined under
//    gradient noise (its standard error is σ/(std_w(θ)·√n_eff)); an alternating probe of
//    amplitude δ keeps std_w(θ) ≳ δ at the price of an excess loss ≈ λδ²/2 (the seed's open
//    question "step cost vs uncertainty").
//  * Directions: the coordinate axes (the seed's first, "1D" version). The seed's d ≪ D
//    version (directions v_i kept near-diagonal by periodic diagonalisation of
//    H = cov(g, θ) cov(θ, θ)⁻¹ in the subspace, rotated online toward recent gradients) is not
//    implemented; README "Second-order and quasi-Newton methods" says what it needs.
// State: "mean_theta", "mean_grad", "var_theta", "cov_grad_theta", "curvature" (λ_i, NaN while
// undefined), "target" (p_i, NaN while undefined), "counts".
#include <algorithm>
#include <cmath>
#include <limits>

#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class ParabolaRegression final : public Optimizer {
 public:
  explicit ParabolaRegression(const Spec& s)
      : Optimizer(s.canonical(), s.positive("lr")),
        beta_(s.real_below("beta", 0.0, 1.0)),
        fallback_lr_(s.real("fallback_lr", 0.0, 1e300)),
        min_var_(s.real("min_var", 0.0, 1e300)),
        min_curvature_(s.real("min_curvature", 0.0, 1e300)),
        max_step_(s.positive("max_step")),
        probe_(s.real("probe", 0.0, 1e300)) {}

 protected:
  void reset_state(Index dim) override {
    mean_theta_.setZero(dim);
    mean_grad_.setZero(dim);
    var_.setZero(dim);
    cov_.setZero(dim);
    curvature_.setConstant(dim, std::numeric_limits<double>::quiet_NaN());
    target_.setConstant(dim, std::numeric_limits<double>::quiet_NaN());
    counts_.setZero(3);
  }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    const double a = (1.0 - beta_) / (1.0 - std::pow(beta_, static_cast<double>(t)));
    const double probe = (t % 2 == 0 ? 1.0 : -1.0) * probe_;
    for (Index i = 0; i < theta.size(); ++i) {
      accumulate(i, theta[i], g[i], a);
      theta[i] += clip(coordinate_step(i, theta[i], g[i], eta, probe));
    }
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"mean_theta", &mean_theta_});
    out.push_back({"mean_grad", &mean_grad_});
    out.push_back({"var_theta", &var_});
    out.push_back({"cov_grad_theta", &cov_});
    out.push_back({"curvature", &curvature_});
    out.push_back({"target", &target_});
    out.push_back({"counts", &counts_});
  }

 private:
  // Exponentially weighted Welford update with the newest pair's weight a.
  void accumulate(Index i, double theta, double g, double a) {
    const double dt = theta - mean_theta_[i], dg = g - mean_grad_[i];
    mean_theta_[i] += a * dt;
    mean_grad_[i] += a * dg;
    var_[i] = (1.0 - a) * (var_[i] + a * dt * dt);
    cov_[i] = (1.0 - a) * (cov_[i] + a * dt * dg);
  }

  // η sign(λ)(p + δ − θ) from the fitted parabola, or −fallback_lr·g where it is undefined.
  double coordinate_step(Index i, double theta, double g, double eta, double probe) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    curvature_[i] = var_[i] > min_var_ ? cov_[i] / var_[i] : nan;
    const double lambda = curvature_[i];
    if (!(std::abs(lambda) >= min_curvature_) || !std::isfinite(lambda)) {
      target_[i] = nan;
      counts_[1] += 1.0;
      return -fallback_lr_ * g;
    }
    target_[i] = mean_theta_[i] - mean_grad_[i] / lambda;
    counts_[0] += 1.0;
    if (lambda > 0.0) return eta * (target_[i] + probe - theta);
    return -eta * (target_[i] - theta);
  }

  double clip(double step) {
    if (std::abs(step) <= max_step_) return step;
    counts_[2] += 1.0;
    return std::copysign(max_step_, step);
  }

  double beta_, fallback_lr_, min_var_, min_curvature_, max_step_, probe_;
  Vec mean_theta_, mean_grad_, var_, cov_, curvature_, target_, counts_;
};

}  // namespace

OptimizerEntry parabola_regression_entry() {
  return optimizer_entry<ParabolaRegression>(
      "parabola_regression",
      "online parabola regression per coordinate: λ = cov(g,θ)/var(θ), p = θ̄ − ḡ/λ (EMAs, β), "
      "θ += lr·sign(λ)(p − θ): toward minima, away from maxima (seed 000)",
      {{"lr", "0.5", "fraction η of the distance to the fitted extremum per step (the seed's α)"},
       {"beta", "0.9", "EMA coefficient β of the regression's moments, in [0, 1)"},
       {"fallback_lr", "0.01", "gradient step where the fit is undefined (var ≤ min_var, |λ| < min_curvature)"},
       {"min_var", "1e-20", "use the fit only when var_w(θ_i) > min_var"},
       {"min_curvature", "1e-8", "use the fit only when |λ_i| ≥ min_curvature"},
       {"max_step", "1", "clip every |Δθ_i| to max_step"},
       {"probe", "0", "δ ≥ 0: attracting targets p + (−1)ᵗδ keep var(θ) from collapsing (noisy fits)"}});
}

}  // namespace optdyn
