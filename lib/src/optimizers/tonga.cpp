// TONGA, "Topmoumoute online natural gradient algorithm" (Le Roux, Manzagol & Bengio,
// NIPS 2008; seed 000: "non-centered covariance matrix from exponential moving average:
// C_t = γĈ_t + g_t g_tᵀ ≈ X_t X_tᵀ, X_t is D × d for some d ≪ D … v_t = (C_t + λI)⁻¹g_t =
// X_t(X_tᵀX_t + λI)⁻¹y_t in O(Dd + d³) time … G_t = X_tᵀX_t = VDVᵀ,
// C_t = (X_t V D^{−½}) D (X_t V D^{−½})ᵀ … keep only k eigenvalues … every few steps"):
//
//   C_t = γ Ĉ_{t−1} + (1 − γ) g_t g_tᵀ = X_t X_tᵀ,   X_t = [√γ X̂_{t−1}, √(1−γ) g_t],
//   v_t = (C_t + λI)⁻¹ g_t = X_t (G_t + λI)⁻¹ y_t,    G_t = X_tᵀX_t,  y_t = e_last/√(1−γ),
//   θ ← θ − η v_t.
//
// Why the small solve is exact: (XXᵀ + λI)X = X(G + λI), so (XXᵀ + λI)⁻¹X = X(G + λI)⁻¹, and
// g_t = X_t y_t because g_t is X_t's last column over √(1−γ) (the paper's form of the
// Woodbury identity; no cancellation as in (g − X(G + λI)⁻¹Xᵀg)/λ). Cost per step: O(Dk) for
// the rescaling, the new Gram column Xᵀg and X·z, O(k³) for the k×k Cholesky, k ≤ d + T.
//
// Re-compression (Ĉ = the best rank-d approximation of C, the paper's low-rank step): when X
// has d + T columns after a step (T = refresh), G = VΛVᵀ (k×k eigendecomposition) and
// X̂ = X V_d with V_d the eigenvectors of the d largest eigenvalues, so X̂X̂ᵀ = Σ_{i≤d} λ_i q_i q_iᵀ
// (q_i = X v_i/√λ_i are the top eigenvectors of C = XXᵀ) and X̂ᵀX̂ = diag(λ_1..λ_d): the Gram
// matrix needs no recomputation. O(Dkd + k³) every T steps. Until X first reaches d + T
// columns, C is the exact moving covariance Σ_s (1−γ)γ^{t−s} g_s g_sᵀ.
//
// Choices (the seed and the paper leave these open or differ):
//  * The new term is weighted (1 − γ) (an exponential moving average, so C has the scale of
//    E[ggᵀ] and λ is comparable to gradient second moments); the paper and the seed write
//    C_t = γĈ + ggᵀ. Their (λ_p, η_p) is this file's (λ, η) = ((1−γ)λ_p, η_p/(1−γ)).
//  * Non-centred covariance, as the paper's final algorithm (the seed: "non-centered").
//  * The step uses C_t before re-compression (g_t is then in span X_t exactly).
//  * C₀ = 0, so the first step is v = g/((1 − γ)‖g‖² + λ).
//  * g = 0: no step (v = 0), and g does not enter C.
// State: "direction" (v_t), "factor" (X̂ column-major, D × columns after the step; its length
// changes with the number of columns), "columns" (a 1-vector).
#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>

#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/tonga.hpp"

namespace optdyn {
namespace {

class Tonga final : public Optimizer {
 public:
  Tonga(const TongaParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr), gamma_(p.gamma), damping_(p.damping), rank_(p.rank), refresh_(p.refresh) {}

 protected:
  void reset_state(Index dim) override {
    direction_.setZero(dim);
    factor_.resize(0);
    gram_.resize(0, 0);
    columns_.setZero(1);
  }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    if (g.squaredNorm() == 0.0) {
      direction_.setZero();
      return;
    }
    append(g);
    const Index k = cols();
    // v = X (G + λI)⁻¹ y, y = e_k/√(1−γ).
    Mat shifted = gram_;
    shifted.diagonal().array() += damping_;
    Vec y = Vec::Zero(k);
    y[k - 1] = 1.0 / std::sqrt(1.0 - gamma_);
    const Vec z = shifted.llt().solve(y);
    direction_.noalias() = x() * z;
    theta.noalias() -= eta * direction_;
    if (k >= rank_ + refresh_) compress();
  }

  // The factor X has `columns` columns (< rank + refresh between steps), the Gram matrix is
  // columns × columns: the count first, then the sizes it implies.
  void archive_state(StateArchive& a) override {
    a.field("direction", direction_, dim());
    auto k = static_cast<std::int64_t>(cols());
    a.field("columns", k, 0, rank_ + refresh_);
    if (a.loading()) columns_[0] = static_cast<double>(k);
    a.field("factor", factor_, dim() * k);
    a.field("gram", gram_, k, k);
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"direction", &direction_});
    out.push_back({"factor", &factor_});
    out.push_back({"columns", &columns_});
  }

 private:
  Index cols() const { return static_cast<Index>(columns_[0]); }
  Eigen::Map<Mat> x() { return {factor_.data(), dim(), cols()}; }

  // X ← [√γ X, √(1−γ) g]; G ← [[γG, √(γ(1−γ)) Xᵀg], [·, (1−γ)gᵀg]] (O(Dk)).
  void append(const Vec& g) {
    const Index k = cols();
    const double a = std::sqrt(gamma_), b = std::sqrt(1.0 - gamma_);
    const Vec xg = k > 0 ? Vec(x().transpose() * g) : Vec();
    factor_ *= a;
    factor_.conservativeResize(dim() * (k + 1));
    factor_.tail(dim()) = b * g;
    Mat gram(k + 1, k + 1);
    gram.topLeftCorner(k, k) = gamma_ * gram_;
    gram.col(k).head(k) = (a * b) * xg;
    gram.row(k).head(k) = gram.col(k).head(k).transpose();
    gram(k, k) = (1.0 - gamma_) * g.squaredNorm();
    gram_ = std::move(gram);
    columns_[0] = static_cast<double>(k + 1);
  }

  // X̂ = X V_d (top-d eigenvectors of G), Ĝ = diag(top-d eigenvalues).
  void compress() {
    const Eigen::SelfAdjointEigenSolver<Mat> eig(gram_);  // ascending eigenvalues
    const Index k = cols(), d = std::min(rank_, k);
    const Mat top = eig.eigenvectors().rightCols(d);
    Vec compressed(dim() * d);
    Eigen::Map<Mat>(compressed.data(), dim(), d).noalias() = x() * top;
    factor_ = std::move(compressed);
    gram_ = eig.eigenvalues().tail(d).cwiseMax(0.0).asDiagonal();
    columns_[0] = static_cast<double>(d);
  }

  double gamma_, damping_;
  Index rank_, refresh_;
  Vec direction_, factor_, columns_;
  Mat gram_;
};

}  // namespace

const ParamTable<TongaParams>& TongaParams::table() {
  using P = TongaParams;
  static const auto t =
      ParamTable<P>("optimizer", "tonga",
                    "TONGA: θ −= lr·(C + λI)⁻¹g, C = γĈ + (1−γ)ggᵀ kept at rank d by Woodbury/Gram eigendecomposition "
                    "(Le Roux, Manzagol & Bengio 2008; seed 000)")
          .real("lr", &P::lr, Range::positive(), "step size η")
          .real("gamma", &P::gamma, Range::below(0.0, 1.0), "moving-average coefficient γ of the gradient covariance")
          .real("damping", &P::damping, Range::positive(), "λ > 0 added to C (regularised natural gradient)")
          .integer("rank", &P::rank, 1, 1L << 20, "rank d kept by the re-compression")
          .integer("refresh", &P::refresh, 1, 1L << 20,
                   "re-compress when the factor has d + refresh columns (every refresh steps)");
  return t;
}

OptimizerPtr make_tonga(const TongaParams& params) { return make_typed_optimizer<Tonga>(params); }

OptimizerEntry tonga_entry() { return typed_optimizer_entry<Tonga, TongaParams>(); }

}  // namespace optdyn
