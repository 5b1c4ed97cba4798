// K-FAC, Kronecker-factored approximate curvature (Martens & Grosse 2015, "Optimizing neural
// networks with Kronecker-factored approximate curvature", ICML; seed 000: "natural gradient
// approximating the full Hessian with a block-diagonal one inside layers"):
//
// For a dense layer z = W a + b write ā = (a, 1) (the 1 only with a bias) and W̄ = [W b]
// (fan_out × (fan_in + 1)). With u = ∂ℓ/∂z, the layer's gradient is ∇W̄ = E[u āᵀ] and its
// Fisher block E[vec(u āᵀ) vec(u āᵀ)ᵀ] = E[ā āᵀ ⊗ u uᵀ] (column-major vec) is approximated by
//   Ā ⊗ G,   Ā = E[ā āᵀ],   G = E[u uᵀ]                  (M&G §3, eq. 1; exact when ā and u
//                                                          are independent, e.g. one sample)
// and the block-diagonal approximation over layers is inverted block by block:
//   (Ā ⊗ G)⁻¹ vec(∇W̄) = vec(G⁻¹ ∇W̄ Ā⁻¹),   W̄ ← W̄ − η G_γ⁻¹ ∇W̄ Ā_γ⁻¹.
// Choices (each written down):
//  * u: `fisher=sampled` one label per sample drawn from the model's predictive distribution
//    (M&G §5, from an Rng seeded with `seed` at reset), `true` the exact expectation over
//    labels (objective.hpp DenseLayerStatistics), `empirical` the data labels. ∇W̄ itself
//    is the step's gradient g (any modifier and l2 penalty included), read from θ's layout:
//    W row-major at the weight offset, then b (PyTorch's parameters_to_vector, mlp.hpp),
//    mapped to the columns 0..fan_in−1 and fan_in of W̄.
//  * Statistics: Ā, G from the step's batch, E = mean over the B samples (G sums the m label
//    columns of a sample); exponential moving averages Ā ← εĀ + (1−ε)Ā_batch with ε = `decay`,
//    started at the first batch's statistics (no zero start, no bias correction).
//  * Damping γ (`damping`), factored Tikhonov (M&G §6.3): damping_split=pi uses
//    Ā + π√γ I and G + (√γ/π) I with π = √((tr Ā/dim Ā)/(tr G/dim G)) (π = 1 if a trace is 0);
//    plain uses Ā + √γ I and G + √γ I. (Ā + x I) ⊗ (G + y I) = Ā ⊗ G + xy I + cross terms,
//    xy = γ. M&G's other devices (Levenberg–Marquardt adaptation of γ, the re-scaling and
//    momentum of §6.4–§7, the block-tridiagonal inverse) are not implemented.
//  * Inverses: recomputed every `inverse_every` steps (M&G's T₃; first at step 1) from the
//    eigendecompositions of the damped factors; eigenvalues ≤ 1e-12·max are dropped (a
//    pseudo-inverse, relevant only with damping = 0 and singular factors). Statistics are
//    updated every step.
// Needs an objective that is a stack of dense layers (mlp, softmax_regression,
// logistic_regression): an InputError naming the optimizer otherwise.
// Cost per step: one gradient, one forward and m backward passes for the statistics,
// O(Σ fan_in² + fan_out²)·B flops for the factors, O(fan_in³ + fan_out³) per layer per
// inverse refresh, two small GEMMs per layer per step.
#include <Eigen/Eigenvalues>
#include <cmath>

#include "optdyn/core/rng.hpp"
#include "optdyn/optimizers/kfac.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

// The pseudo-inverse of a symmetric positive semidefinite matrix (eigenvalues ≤ 1e-12·max → 0).
Mat psd_inverse(const Mat& m) {
  const Eigen::SelfAdjointEigenSolver<Mat> eig(m);
  const Vec& lambda = eig.eigenvalues();
  const double cut = 1e-12 * std::max(lambda.cwiseAbs().maxCoeff(), 1e-300);
  Vec inv(lambda.size());
  for (Index i = 0; i < lambda.size(); ++i) inv[i] = lambda[i] > cut ? 1.0 / lambda[i] : 0.0;
  return eig.eigenvectors() * inv.asDiagonal() * eig.eigenvectors().transpose();
}

class Kfac final : public Optimizer {
 public:
  Kfac(const KfacParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr),
        kind_(p.fisher),
        damping_(p.damping),
        pi_split_(p.damping_split == KfacParams::DampingSplit::pi),
        decay_(p.decay),
        inverse_every_(static_cast<std::uint64_t>(p.inverse_every)),
        seed_(p.seed),
        rng_(seed_) {}

 protected:
  void reset_state(Index dim) override {
    direction_.setZero(dim);
    layers_.clear();
    rng_ = Rng(seed_);
  }
  std::vector<OracleAccess> required_access() const override { return {OracleAccess::dense_layers}; }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) override {
    accumulate(oracle().dense_layer_statistics(theta, kind_, &rng_));
    if ((t - 1) % inverse_every_ == 0)
      for (Layer& layer : layers_) invert(layer);
    for (const Layer& layer : layers_) precondition(layer, g);
    theta.noalias() += eta * direction_;
  }

  void collect_state(std::vector<StateView>& out) const override { out.push_back({"direction", &direction_}); }

  // Per layer: its place in θ, the factor averages Ā, G and their damped inverses (kept
  // between refreshes every inverse_every steps); the Rng draws sampled-Fisher labels.
  void archive_state(StateArchive& a) override {
    Optimizer::archive_state(a);
    a.field("rng", rng_);
    const Index d = dim();
    auto count = static_cast<std::int64_t>(layers_.size());
    a.field("layers", count, 0, d);
    if (a.loading()) layers_.assign(static_cast<std::size_t>(count), Layer{});
    for (std::size_t l = 0; l < layers_.size(); ++l)
      a.scope("layer." + std::to_string(l), [&] {
        Layer& layer = layers_[l];
        a.field("weight_offset", layer.weight_offset, 0, d);
        a.field("bias_offset", layer.bias_offset, -1, d);
        a.field("rows", layer.rows, 0, d);
        a.field("cols", layer.cols, 0, d);
        if (a.loading() && (layer.weight_offset + layer.rows * layer.cols > d ||
                            (layer.bias_offset >= 0 && layer.bias_offset + layer.rows > d)))
          a.fail("rows", "and cols place the layer outside θ of dimension " + std::to_string(d));
        const Index na = layer.cols + (layer.bias_offset >= 0 ? 1 : 0);
        a.field("a", layer.a, na, na);
        a.field("g", layer.g, layer.rows, layer.rows);
        bool inverted = layer.a_inv.size() != 0;
        a.field("inverted", inverted);
        a.field("a_inv", layer.a_inv, inverted ? na : 0, inverted ? na : 0);
        a.field("g_inv", layer.g_inv, inverted ? layer.rows : 0, inverted ? layer.rows : 0);
      });
  }

 private:
  struct Layer {
    Index weight_offset = 0, bias_offset = -1, rows = 0, cols = 0;
    Mat a, g;          // moving averages Ā, G
    Mat a_inv, g_inv;  // damped (pseudo-)inverses
  };

  // Ā_batch = (1/B) Σ_i ā_i ā_iᵀ and G_batch = (1/B) Σ_j u_j u_jᵀ, folded into the averages.
  void accumulate(const std::vector<DenseLayerStatistics>& stats) {
    const bool first = layers_.empty();
    if (first) layers_.resize(stats.size());
    for (std::size_t l = 0; l < stats.size(); ++l) {
      const DenseLayerStatistics& s = stats[l];
      const Index b = s.inputs.cols();
      const bool bias = s.bias_offset >= 0;
      Mat abar(s.cols + (bias ? 1 : 0), b);
      abar.topRows(s.cols) = s.inputs;
      if (bias) abar.row(s.cols).setOnes();
      const Mat a_batch = abar * abar.transpose() / static_cast<double>(b);
      const Mat g_batch = s.output_gradients * s.output_gradients.transpose() / static_cast<double>(b);
      Layer& layer = layers_[l];
      if (first) {
        layer.weight_offset = s.weight_offset;
        layer.bias_offset = s.bias_offset;
        layer.rows = s.rows;
        layer.cols = s.cols;
        layer.a = a_batch;
        layer.g = g_batch;
      } else {
        layer.a = decay_ * layer.a + (1.0 - decay_) * a_batch;
        layer.g = decay_ * layer.g + (1.0 - decay_) * g_batch;
      }
    }
  }

  // Factored Tikhonov damping (M&G §6.3), then the (pseudo-)inverses.
  void invert(Layer& layer) const {
    double pi = 1.0;
    if (pi_split_) {
      const double ta = layer.a.trace() / static_cast<double>(layer.a.rows());
      const double tg = layer.g.trace() / static_cast<double>(layer.g.rows());
      if (ta > 0.0 && tg > 0.0) pi = std::sqrt(ta / tg);
    }
    const double root = std::sqrt(damping_);
    Mat a = layer.a, g = layer.g;
    a.diagonal().array() += pi * root;
    g.diagonal().array() += root / pi;
    layer.a_inv = psd_inverse(a);
    layer.g_inv = psd_inverse(g);
  }

  // direction_ on the layer's block = −G⁻¹ ∇W̄ Ā⁻¹.
  void precondition(const Layer& layer, const Vec& g) {
    const bool bias = layer.bias_offset >= 0;
    Mat grad(layer.rows, layer.cols + (bias ? 1 : 0));  // ∇W̄ = [∇W ∇b]
    grad.leftCols(layer.cols) = Eigen::Map<const RowMat>(g.data() + layer.weight_offset, layer.rows, layer.cols);
    if (bias) grad.col(layer.cols) = g.segment(layer.bias_offset, layer.rows);
    const Mat step = -(layer.g_inv * grad * layer.a_inv);
    Eigen::Map<RowMat>(direction_.data() + layer.weight_offset, layer.rows, layer.cols) = step.leftCols(layer.cols);
    if (bias) direction_.segment(layer.bias_offset, layer.rows) = step.col(layer.cols);
  }

  FisherKind kind_;
  double damping_;
  bool pi_split_;
  double decay_;
  std::uint64_t inverse_every_;
  std::uint64_t seed_;
  Rng rng_;
  std::vector<Layer> layers_;
  Vec direction_;
};

}  // namespace

const ParamTable<KfacParams>& KfacParams::table() {
  using P = KfacParams;
  static const auto t =
      ParamTable<P>("optimizer", "kfac",
                    "K-FAC: per dense layer W̄ −= lr·G⁻¹∇W̄Ā⁻¹, Ā = E[āāᵀ], G = E[uuᵀ] (Martens & Grosse 2015; mlp objectives)")
          .real("lr", &P::lr, Range::positive(), "step length η")
          .choice("fisher", &P::fisher,
                  {{"sampled", FisherKind::sampled}, {"true", FisherKind::true_fisher}, {"empirical", FisherKind::empirical}},
                  "labels of G: sampled (from the model, seeded) | true (exact expectation) | empirical (data)")
          .real("damping", &P::damping, Range::closed(0.0, 1e300), "γ ≥ 0, factored Tikhonov damping (0: pseudo-inverses)")
          .choice("damping_split", &P::damping_split, {{"pi", P::DampingSplit::pi}, {"plain", P::DampingSplit::plain}},
                  "pi (Ā + π√γI, G + √γ/π I; M&G §6.3) | plain (both + √γI)")
          .real("decay", &P::decay, Range::below(0.0, 1.0), "ε: moving averages Ā ← εĀ + (1−ε)Ā_batch")
          .integer("inverse_every", &P::inverse_every, 1, 1L << 40, "recompute the inverses every T steps (M&G's T₃ = 20)")
          .seed("seed", &P::seed, "seed of the sampled labels");
  return t;
}

OptimizerPtr make_kfac(const KfacParams& params) { return make_typed_optimizer<Kfac>(params); }

OptimizerEntry kfac_entry() { return typed_optimizer_entry<Kfac, KfacParams>(); }

}  // namespace optdyn
