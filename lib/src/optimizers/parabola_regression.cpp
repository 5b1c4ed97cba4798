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
//  * mode=diagonal: the directions are the coordinate axes (the seed's first, "1D" version).
//
// mode=subspace, the seed's d ≪ D version ("In D dimensions: do it in a few d ≪ D
// statistically relevant (v_i) … Maintain ≈ diagonal Hessian by periodic diagonalization,
// orthogonalization: OᵀΛO = H = (gθ¯ − ḡθ̄ᵀ)(θθ¯ − θ̄θ̄ᵀ)⁻¹ … Rotate subspace (online) to
// explore recent relevant directions"). With an orthonormal D × k basis V (k ≤ d columns):
//
//   a = Vᵀθ, b = Vᵀg;  the same EW Welford update for ā, b̄ and the k × k co-moments
//     S_aa = cov_w(a, a), S_ba = cov_w(b, a)   (δa δaᵀ and δb δaᵀ in place of δθ², δθ δg);
//   H = S_ba S_aa⁻¹   (multivariate least squares b ≈ b̄ + H(a − ā); regularised below);
//   λ_i = H_ii;   p_A = ā_A − (H_AA)⁺ b̄_A  over the usable directions A (below);
//   θ ← θ + V Δa − fallback_lr (I − VVᵀ) g,   Δa_i = the diagonal version's step with (λ_i, p_i);
//   every T steps: H_s = (H + Hᵀ)/2 = OΛOᵀ,  V ← VO,  ā ← Oᵀā,  b̄ ← Oᵀb̄,  S ← OᵀSO.
//
// The diagonal version is the special case V = I with only the diagonals of S_aa, S_ba kept
// (per-coordinate statistics): both modes share the moment estimator (EwMoments) and the
// per-direction step (DirectionRule) below. Choices (keys in the registry help):
//  * The solve is done on correlations, so that directions whose variances differ by many
//    orders of magnitude (a flat escape direction next to a steep one) are all resolved:
//    over the directions with var_w(a_i) > min_var, N = diag(S_aa)^{1/2}, C = N⁻¹S_aaN⁻¹,
//    H = S_ba N⁻¹(C + ridge·I)⁻¹N⁻¹ = S_ba (S_aa + ridge·diag S_aa)⁻¹ (columns of the other
//    directions 0). ridge (default 1e-8) is a Tikhonov term on C; ridge = 0 is the plain fit
//    S_ba S_aa⁻¹ (k = 1: the diagonal version's λ = cov/var).
//  * The rotation is exact on the statistics: every pair (a_s, b_s) becomes (Oᵀa_s, Oᵀb_s).
//    At ridge = 0 the model in θ-coordinates (VHVᵀ, Vp) is therefore unchanged by it; at
//    ridge > 0 it changes by O(ridge), because N (hence the Tikhonov term) depends on the
//    basis. Right after a rotation H's symmetric part is diagonal (H itself when H is
//    symmetric, e.g. the exact Hessian of a quadratic). Between rotations H drifts from
//    diagonal; the step treats it per direction (signs and the usability test from H_ii, the
//    seed's "≈ diagonal Hessian"), while p is the stationary point of the full model
//    restricted to the usable directions (the others held at their means).
//    every = T (default 10; 0 = never): a rotation costs O(Dk² + k³), a step O(Dk + k³).
//    After a rotation the columns are ordered by ascending eigenvalue, each signed so that its
//    largest-magnitude entry is positive (Eigen's SelfAdjointEigenSolver order; determinism).
//  * A direction is usable when it has statistics (var_w(a_i) > min_var), is identified —
//    the fraction of its variance not explained by the other directions,
//    1 − R²_i = 1/[(C + ridge·I)⁻¹]_ii − ridge, exceeds min_unexplained (default 1e-6; this
//    rejects directions that moved only together with others, e.g. during the first k steps
//    while S_aa has rank < k) — and is curved: |λ_i| ≥ min_curvature. Otherwise it takes
//    −fallback_lr·b_i. (H_AA)⁺ is the pseudo-inverse dropping singular values below
//    min_curvature.
//  * The complement of V takes plain gradient steps with fallback_lr (no model there), their
//    norm clipped to max_step (counted with the clipped directions): without it, GD in the
//    complement at fallback_lr = 1/λmax(saddle) diverged on the sextic plateau of the
//    saddle_escape experiment once the repelled subspace steps had thrown a flat coordinate
//    outside V to |x| ≈ 1.6, where its curvature is ≈ 20.
//  * init (default gradients): V is grown from the gradients, one column per step, each the
//    normalised residual of g outside V (Gram–Schmidt, twice), skipped when that residual is
//    ≤ 1e-8‖g‖, until k = d; random: a seeded Gaussian D × d matrix orthonormalised by QR
//    (key seed); axes: e_1..e_d. d is capped at D.
//  * refresh = R (default 0 = off): every R steps (once k = d) the weakest column — the
//    smallest |λ_i| (weak=curvature; undefined λ counts as 0) or the smallest var_w(a_i)
//    (weak=variance), lowest index on ties — is replaced by the normalised residual of the
//    current gradient outside V (skipped as above). Caution: weak=curvature discards a flat
//    escape direction as readily as a useless one; choose R ≳ 1/(1 − β) so that a new
//    direction gets to accumulate statistics first.
//  * A new column j (init=gradients or refresh) starts with its history taken as constant at
//    the current pair: ā_j = v_jᵀθ, b̄_j = v_jᵀg, row and column j of S_aa and S_ba zero. The
//    moments are then the exact EW moments of that modified history, so nothing is
//    inconsistent, but the fit of every direction coupled to j is biased until the fictitious
//    history has decayed (weight β^s after s steps); the bias-corrected weight a_t keeps
//    counting from the first step.
// State (subspace): "basis" (V, column-major D × k), "mean_a", "mean_b", "cov_aa", "cov_ba"
// (k × k, column-major), "hessian" (H, column-major k × k; NaN while no direction has
// statistics), "curvature" (H_ii, NaN while direction i is unidentified), "target" (p_i, NaN
// while unusable), "counts" = (regression steps, fallback steps, clipped steps including the
// complement's, rotations, installed columns).
// State (diagonal): "mean_theta", "mean_grad", "var_theta", "cov_grad_theta", "curvature"
// (λ_i, NaN while undefined), "target" (p_i, NaN while undefined), "counts".
#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "optdyn/core/rng.hpp"
#include "optdyn/optimizers/parabola_regression.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The weight a_t = (1−β)/(1−βᵗ) of the newest pair in the bias-corrected EW averages.
double newest_weight(double beta, std::uint64_t t) {
  return (1.0 - beta) / (1.0 - std::pow(beta, static_cast<double>(t)));
}

// Exponentially weighted means and centred co-moments of pairs (x, y) ∈ Rᵏ × Rᵏ (x = θ or a,
// y = g or b), by the EW Welford update with the newest pair's weight w:
//   δx = x − x̄, δy = y − ȳ;  x̄ += w δx;  ȳ += w δy;
//   S_xx ← (1 − w)(S_xx + w δx δxᵀ);  S_yx ← (1 − w)(S_yx + w δy δxᵀ).
// full: the k × k matrices (column-major in cov_xx, cov_yx); per coordinate: only their
// diagonals (k entries each), the diagonal version's var and cov.
class EwMoments {
 public:
  explicit EwMoments(bool full) : full_(full) {}

  void reset(Index k) {
    mean_x.setZero(k);
    mean_y.setZero(k);
    cov_xx.setZero(full_ ? k * k : k);
    cov_yx.setZero(full_ ? k * k : k);
  }
  Index size() const { return mean_x.size(); }

  void add(const Vec& x, const Vec& y, double w) {
    const Vec dx = x - mean_x, dy = y - mean_y;
    mean_x += w * dx;
    mean_y += w * dy;
    if (full_) {
      sxx() = (1.0 - w) * (sxx() + w * dx * dx.transpose());
      syx() = (1.0 - w) * (syx() + w * dy * dx.transpose());
    } else {
      cov_xx = (1.0 - w) * (cov_xx.array() + w * dx.array() * dx.array());
      cov_yx = (1.0 - w) * (cov_yx.array() + w * dx.array() * dy.array());
    }
  }

  // Full only. Every pair (x_s, y_s) becomes (Oᵀx_s, Oᵀy_s): means Oᵀ·, co-moments OᵀSO.
  void rotate(const Mat& O) {
    mean_x = O.transpose() * mean_x;
    mean_y = O.transpose() * mean_y;
    sxx() = O.transpose() * sxx() * O;
    syx() = O.transpose() * syx() * O;
  }

  // Full only. Coordinate j (j = size() appends one) restarts with a history constant at (x, y):
  // means (x, y), row and column j of both co-moments zero.
  void install(Index j, double x, double y) {
    if (j == size()) grow();
    mean_x[j] = x;
    mean_y[j] = y;
    sxx().row(j).setZero(), sxx().col(j).setZero();
    syx().row(j).setZero(), syx().col(j).setZero();
  }

  Eigen::Map<Mat> sxx() { return {cov_xx.data(), size(), size()}; }
  Eigen::Map<Mat> syx() { return {cov_yx.data(), size(), size()}; }
  Eigen::Map<const Mat> sxx() const { return {cov_xx.data(), size(), size()}; }
  Eigen::Map<const Mat> syx() const { return {cov_yx.data(), size(), size()}; }

  Vec mean_x, mean_y, cov_xx, cov_yx;

 private:
  void grow() {
    const Index k = size();
    const Vec mx = mean_x, my = mean_y;
    const Mat sxx_old = sxx(), syx_old = syx();
    reset(k + 1);
    mean_x.head(k) = mx, mean_y.head(k) = my;
    sxx().topLeftCorner(k, k) = sxx_old, syx().topLeftCorner(k, k) = syx_old;
  }

  bool full_;
};

// The keys both modes share, and the step along one direction (coordinate x, gradient
// component g, fitted curvature λ and target p, NaN where the fit is unusable):
//   η sign(λ)(p + δ_t − x)  (δ_t = (−1)ᵗδ along attracting directions only),  else −fallback_lr·g;
// clipped to max_step. counts[0..2] = (regression steps, fallback steps, clipped).
struct DirectionRule {
  explicit DirectionRule(const ParabolaRegressionParams& p)
      : beta(p.beta),
        fallback_lr(p.fallback_lr),
        min_var(p.min_var),
        min_curvature(p.min_curvature),
        max_step(p.max_step),
        probe(p.probe) {}

  bool usable(double lambda) const { return std::isfinite(lambda) && std::abs(lambda) >= min_curvature; }

  Vec steps(const Vec& lambda, const Vec& p, const Vec& x, const Vec& g, double eta, std::uint64_t t,
            Vec& counts) const {
    const double delta = (t % 2 == 0 ? 1.0 : -1.0) * probe;
    Vec out(x.size());
    for (Index i = 0; i < x.size(); ++i) out[i] = clip(unclipped(lambda[i], p[i], x[i], g[i], eta, delta, counts), counts);
    return out;
  }

  double beta, fallback_lr, min_var, min_curvature, max_step, probe;

 private:
  double unclipped(double lambda, double p, double x, double g, double eta, double delta, Vec& counts) const {
    if (std::isnan(p)) {
      counts[1] += 1.0;
      return -fallback_lr * g;
    }
    counts[0] += 1.0;
    if (lambda > 0.0) return eta * (p + delta - x);
    return -eta * (p - x);
  }

  double clip(double step, Vec& counts) const {
    if (std::abs(step) <= max_step) return step;
    counts[2] += 1.0;
    return std::copysign(max_step, step);
  }
};

// mode=diagonal: the coordinate axes, per-coordinate statistics.
class DiagonalParabolaRegression final : public Optimizer {
 public:
  DiagonalParabolaRegression(const ParabolaRegressionParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr), rule_(p), moments_(false) {}

 protected:
  void reset_state(Index dim) override {
    moments_.reset(dim);
    curvature_.setConstant(dim, kNaN);
    target_.setConstant(dim, kNaN);
    counts_.setZero(3);
  }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    moments_.add(theta, g, newest_weight(rule_.beta, t));
    fit();
    theta += rule_.steps(curvature_, target_, theta, g, eta, t, counts_);
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"mean_theta", &moments_.mean_x});
    out.push_back({"mean_grad", &moments_.mean_y});
    out.push_back({"var_theta", &moments_.cov_xx});
    out.push_back({"cov_grad_theta", &moments_.cov_yx});
    out.push_back({"curvature", &curvature_});
    out.push_back({"target", &target_});
    out.push_back({"counts", &counts_});
  }

 private:
  // λ_i = cov_i/var_i where var_i > min_var;  p_i = θ̄_i − ḡ_i/λ_i where λ_i is usable.
  void fit() {
    for (Index i = 0; i < curvature_.size(); ++i) {
      const double var = moments_.cov_xx[i];
      curvature_[i] = var > rule_.min_var ? moments_.cov_yx[i] / var : kNaN;
      target_[i] = rule_.usable(curvature_[i]) ? moments_.mean_x[i] - moments_.mean_y[i] / curvature_[i] : kNaN;
    }
  }

  DirectionRule rule_;
  EwMoments moments_;
  Vec curvature_, target_, counts_;
};

// mode=subspace: an orthonormal basis V of k ≤ d directions, full k × k statistics of
// a = Vᵀθ and b = Vᵀg, periodic diagonalisation, optional refresh of the weakest direction.
class SubspaceParabolaRegression final : public Optimizer {
 public:
  SubspaceParabolaRegression(const ParabolaRegressionParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr),
        rule_(p),
        moments_(true),
        d_(p.d),
        every_(p.every),
        refresh_(p.refresh),
        init_(p.init),
        weak_by_variance_(p.weak == ParabolaRegressionParams::Weak::variance),
        ridge_(p.ridge),
        min_unexplained_(p.min_unexplained),
        seed_(p.seed) {}

 protected:
  void reset_state(Index dim) override {
    const Index d = std::min<Index>(d_, dim);
    Mat V(dim, 0);
    if (init_ == Init::axes) V = Mat::Identity(dim, d);
    if (init_ == Init::random) {
      Rng rng(seed_);
      Mat gaussian(dim, d);
      for (Index j = 0; j < d; ++j)
        for (Index i = 0; i < dim; ++i) gaussian(i, j) = rng.normal();
      V = Eigen::HouseholderQR<Mat>(gaussian).householderQ() * Mat::Identity(dim, d);
    }
    capacity_ = d;
    basis_ = Eigen::Map<const Vec>(V.data(), V.size());
    moments_.reset(V.cols());
    counts_.setZero(5);
    fit();
  }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    if (k() < capacity_)
      install_residual(k(), theta, g);
    else if (refresh_ > 0 && t % static_cast<std::uint64_t>(refresh_) == 0 && k() > 0)
      install_residual(weakest(), theta, g);
    Vec a = basis().transpose() * theta, b = basis().transpose() * g;
    moments_.add(a, b, newest_weight(rule_.beta, t));
    fit();
    if (every_ > 0 && t % static_cast<std::uint64_t>(every_) == 0 && diagonalise(a, b)) fit();
    const Vec da = rule_.steps(curvature_, target_, a, b, eta, t, counts_);
    Vec outside = -rule_.fallback_lr * (g - basis() * b);  // −fallback_lr (I − VVᵀ)g
    const double norm = outside.norm();
    if (norm > rule_.max_step) outside *= rule_.max_step / norm, counts_[2] += 1.0;
    theta.noalias() += basis() * da;
    theta += outside;
  }

  // k ≤ capacity directions so far: the count, then the sizes it implies.
  void archive_state(StateArchive& a) override {
    auto columns = static_cast<std::int64_t>(k());
    a.field("directions", columns, 0, capacity_);
    a.field("basis", basis_, dim() * columns);
    a.field("mean_a", moments_.mean_x, columns);
    a.field("mean_b", moments_.mean_y, columns);
    a.field("cov_aa", moments_.cov_xx, columns * columns);
    a.field("cov_ba", moments_.cov_yx, columns * columns);
    a.field("hessian", hessian_, columns * columns);
    a.field("curvature", curvature_, columns);
    a.field("target", target_, columns);
    a.field("counts", counts_, 5);
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"basis", &basis_});
    out.push_back({"mean_a", &moments_.mean_x});
    out.push_back({"mean_b", &moments_.mean_y});
    out.push_back({"cov_aa", &moments_.cov_xx});
    out.push_back({"cov_ba", &moments_.cov_yx});
    out.push_back({"hessian", &hessian_});
    out.push_back({"curvature", &curvature_});
    out.push_back({"target", &target_});
    out.push_back({"counts", &counts_});
  }

 private:
  Index k() const { return moments_.size(); }
  Eigen::Map<Mat> basis() { return {basis_.data(), dim(), k()}; }

  // Over the directions with statistics (var_w(a_i) > min_var; N = diag(S_aa)^{1/2} there):
  //   C = N⁻¹S_aaN⁻¹ (correlations),  H = S_ba N⁻¹(C + ridge·I)⁻¹N⁻¹  (= S_ba S_aa⁻¹ at ridge 0),
  //   1 − R²_i = 1/[(C + ridge·I)⁻¹]_ii − ridge;   columns of the other directions 0.
  // λ_i = H_ii where 1 − R²_i > min_unexplained;  p_A = ā_A − (H_AA)⁺ b̄_A over the usable A.
  void fit() {
    hessian_.setConstant(k() * k(), kNaN);
    curvature_.setConstant(k(), kNaN);
    target_.setConstant(k(), kNaN);
    std::vector<Index> active;
    for (Index i = 0; i < k(); ++i)
      if (moments_.sxx()(i, i) > rule_.min_var) active.push_back(i);
    if (active.empty()) return;
    const Vec inv_scale = moments_.sxx().diagonal()(active).cwiseSqrt().cwiseInverse();
    Mat correlation = inv_scale.asDiagonal() * moments_.sxx()(active, active) * inv_scale.asDiagonal();
    correlation.diagonal().array() += ridge_;
    const Mat inverse = correlation.ldlt().solve(Mat::Identity(correlation.rows(), correlation.cols()));
    if (!inverse.allFinite()) return;
    Eigen::Map<Mat> H(hessian_.data(), k(), k());
    H.setZero();
    H(Eigen::all, active) = moments_.syx()(Eigen::all, active) * inv_scale.asDiagonal() * inverse * inv_scale.asDiagonal();
    std::vector<Index> usable;
    for (std::size_t n = 0; n < active.size(); ++n) {
      const Index i = active[n];
      const double unexplained = 1.0 / inverse(static_cast<Index>(n), static_cast<Index>(n)) - ridge_;  // 1 − R²_i
      if (unexplained > min_unexplained_) curvature_[i] = H(i, i);
      if (rule_.usable(curvature_[i])) usable.push_back(i);
    }
    if (usable.empty()) return;
    const Mat H_usable = H(usable, usable);
    const Eigen::JacobiSVD<Mat> svd(H_usable, Eigen::ComputeThinU | Eigen::ComputeThinV);
    Vec coefficients = svd.matrixU().transpose() * moments_.mean_y(usable);
    for (Index j = 0; j < coefficients.size(); ++j) {
      const double sigma = svd.singularValues()[j];
      coefficients[j] = sigma > 0.0 && sigma >= rule_.min_curvature ? coefficients[j] / sigma : 0.0;
    }
    const Vec shift = svd.matrixV() * coefficients;  // (H_AA)⁺ b̄_A
    for (std::size_t n = 0; n < usable.size(); ++n)
      target_[usable[n]] = moments_.mean_x[usable[n]] - shift[static_cast<Index>(n)];
  }

  // H_s = (H + Hᵀ)/2 = OΛOᵀ;  V ← VO and the statistics (and this step's a, b) rotated exactly.
  bool diagonalise(Vec& a, Vec& b) {
    if (k() == 0 || !hessian_.allFinite()) return false;
    const Eigen::Map<const Mat> H(hessian_.data(), k(), k());
    const Eigen::SelfAdjointEigenSolver<Mat> eigen(0.5 * (H + H.transpose()));
    Mat O = eigen.eigenvectors();
    for (Index j = 0; j < k(); ++j) {
      Index largest;
      O.col(j).cwiseAbs().maxCoeff(&largest);
      if (O(largest, j) < 0.0) O.col(j) = -O.col(j);
    }
    const Mat rotated = basis() * O;
    basis() = rotated;
    moments_.rotate(O);
    a = O.transpose() * a;
    b = O.transpose() * b;
    counts_[3] += 1.0;
    return true;
  }

  // Column j (j = k() appends one) ← the normalised residual of g outside V (all current
  // columns, so also ⊥ the replaced one), if it is not negligible (> 1e-8‖g‖), with
  // statistics restarting at the current pair.
  void install_residual(Index j, const Vec& theta, const Vec& g) {
    const Index columns = k();
    Vec r = g;
    const Eigen::Map<Mat> V = basis();
    for (int pass = 0; pass < 2; ++pass) r -= V * (V.transpose() * r);  // Gram–Schmidt, twice
    const double norm = r.norm();
    if (!(norm > 1e-8 * g.norm())) return;
    r /= norm;
    if (j == columns) basis_.conservativeResize(dim() * (columns + 1));
    Eigen::Map<Mat>(basis_.data(), dim(), std::max(columns, j + 1)).col(j) = r;
    moments_.install(j, r.dot(theta), r.dot(g));
    counts_[4] += 1.0;
  }

  // The column to refresh: smallest |λ_i| (undefined = 0) or smallest var_w(a_i).
  Index weakest() const {
    Index best = 0;
    double best_score = std::numeric_limits<double>::infinity();
    for (Index i = 0; i < k(); ++i) {
      const double score = weak_by_variance_ ? moments_.sxx()(i, i)
                                             : (std::isfinite(curvature_[i]) ? std::abs(curvature_[i]) : 0.0);
      if (score < best_score) best_score = score, best = i;
    }
    return best;
  }

  DirectionRule rule_;
  EwMoments moments_;
  using Init = ParabolaRegressionParams::Init;
  long d_, every_, refresh_;
  Init init_;
  bool weak_by_variance_;
  double ridge_, min_unexplained_;
  std::uint64_t seed_;
  Index capacity_ = 0;
  Vec basis_, hessian_, curvature_, target_, counts_;
};

// The optimizer of one mode (every key is checked in both modes: a bad value is an error even
// where mode=diagonal ignores it; subspace keys given with mode=diagonal are accepted and unused,
// as the help says).
OptimizerPtr make_mode(const ParabolaRegressionParams& p, std::string spec) {
  if (p.mode == ParabolaRegressionParams::Mode::subspace)
    return std::make_unique<SubspaceParabolaRegression>(p, std::move(spec));
  return std::make_unique<DiagonalParabolaRegression>(p, std::move(spec));
}

}  // namespace

const ParamTable<ParabolaRegressionParams>& ParabolaRegressionParams::table() {
  using P = ParabolaRegressionParams;
  static const auto t =
      ParamTable<P>("optimizer", "parabola_regression",
                    "online parabola regression (seed 000): λ = cov(g,θ)/var(θ), p = θ̄ − ḡ/λ (EMAs, β), "
                    "θ += lr·sign(λ)(p − θ): toward minima, away from maxima; per coordinate (mode=diagonal) or in d "
                    "directions V with H = cov(b,a)cov(a,a)⁻¹ (a = Vᵀθ, b = Vᵀg) diagonalised every T steps "
                    "(mode=subspace)")
          .real("lr", &P::lr, Range::positive(), "fraction η of the distance to the fitted extremum per step (the seed's α)")
          .real("beta", &P::beta, Range::below(0.0, 1.0), "EMA coefficient β of the regression's moments")
          .real("fallback_lr", &P::fallback_lr, Range::closed(0.0, 1e300),
                "gradient step where the fit is undefined (var ≤ min_var, |λ| < min_curvature) and, in mode=subspace, "
                "outside V")
          .real("min_var", &P::min_var, Range::closed(0.0, 1e300),
                "use the fit only when var_w(θ_i) > min_var (subspace: var_w(a_i))")
          .real("min_curvature", &P::min_curvature, Range::closed(0.0, 1e300),
                "use the fit only when |λ_i| ≥ min_curvature (subspace: also the pseudo-inverse's cutoff)")
          .real("max_step", &P::max_step, Range::positive(),
                "clip every |Δθ_i| (subspace: every |Δa_i| and the norm of the step outside V) to max_step")
          .real("probe", &P::probe, Range::closed(0.0, 1e300),
                "δ ≥ 0: attracting targets p + (−1)ᵗδ keep var(θ) from collapsing (noisy fits)")
          .choice("mode", &P::mode, {{"diagonal", P::Mode::diagonal}, {"subspace", P::Mode::subspace}},
                  "diagonal (coordinate axes) | subspace (d directions; the keys below)")
          .integer("d", &P::d, 1, 1L << 20, "subspace: number of directions (capped at D)")
          .integer("every", &P::every, 0, 1L << 40,
                   "subspace: diagonalise H every T steps, rotating V and the statistics (0 = never)")
          .choice("init", &P::init, {{"gradients", P::Init::gradients}, {"random", P::Init::random}, {"axes", P::Init::axes}},
                  "subspace: gradients (grow V from the gradients' residuals outside V, one per step) | random (seeded "
                  "Gaussian, QR) | axes (e_1..e_d)")
          .seed("seed", &P::seed, "subspace: seed of init=random")
          .real("ridge", &P::ridge, Range::closed(0.0, 1e300),
                "subspace: added to the correlation matrix of a before the solve (0: the plain fit)")
          .real("min_unexplained", &P::min_unexplained, Range::below(0.0, 1.0),
                "subspace: use direction i only when the fraction 1 − R²_i of var(a_i) not explained by the others exceeds it")
          .integer("refresh", &P::refresh, 0, 1L << 40,
                   "subspace: every R steps replace the weakest direction by the gradient's residual outside V (0 = off)")
          .choice("weak", &P::weak, {{"curvature", P::Weak::curvature}, {"variance", P::Weak::variance}},
                  "subspace: weakest direction = smallest |λ_i| (curvature) or var_w(a_i) (variance)");
  return t;
}

OptimizerPtr make_parabola_regression(const ParabolaRegressionParams& params) {
  ParabolaRegressionParams::table().check(params);
  return make_mode(params, ParabolaRegressionParams::table().to_spec(params));
}

OptimizerEntry parabola_regression_entry() {
  return ParabolaRegressionParams::table().entry<OptimizerPtr>(make_mode);
}

}  // namespace optdyn
