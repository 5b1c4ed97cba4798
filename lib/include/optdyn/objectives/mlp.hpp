#pragma once
// Multilayer perceptron objective: F(θ) = (1/n) Σ_i L(f(x_i; θ), y_i) (+ (l2/2)‖θ‖²).
// Interface fixed here; see mlp.cpp for the mathematics (backprop gradient, Pearlmutter's
// R-operator HVP) and the conventions (loss normalisation, layout).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/core/sample_blocks.hpp"
#include "optdyn/data/dataset.hpp"
#include "optdyn/objectives/activation.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/objectives/training_data.hpp"  // DataParams

namespace optdyn {

// mse: L = ½‖f(x) − y‖² per sample (note the ½; PyTorch's MSELoss(mean) is L/k·2);
// cross_entropy: L = −log softmax(f(x))_y (PyTorch's CrossEntropyLoss, mean reduction);
// binary_cross_entropy: one output, L = log(1 + e^{−s f}) with s = ±1 (labels 1/0).
enum class MlpLoss { mse, cross_entropy, binary_cross_entropy };

struct MlpArchitecture {
  std::vector<Index> widths;  // input, hidden..., output
  Activation activation = Activation::tanh;  // hidden layers; the output layer is linear
  MlpLoss loss = MlpLoss::mse;
  bool bias = true;
  double l2 = 0.0;  // adds (l2/2)‖θ‖²
  // The first layer's products with the FULL-batch input (W_0 X, V_0 X, δ Xᵀ) skip the zero
  // entries of X (sparse_input.hpp: exact, another summation order than a GEMM) when X has
  // enough zeros to pay; false: always dense GEMMs.
  bool sparse_input = true;
};

// PyTorch's parameters_to_vector layout of nn.Sequential(Linear, act, ..., Linear):
// per layer l, the weight W_l (widths[l+1] × widths[l], row-major), then b_l (if bias).
class MlpLayout {
 public:
  MlpLayout(std::vector<Index> widths, bool bias);
  // The layout whose blocks() are `blocks` (what an Oracle reports of an Mlp's θ: per layer a
  // weight block, then optionally a bias block, chained by fan-in = previous fan-out). `who`
  // names the caller in the InputError raised for anything else (e.g. a quadratic's one
  // vector block): "optimizer 'path_sgd': needs an MLP's parameter blocks, got …".
  static MlpLayout from_blocks(const std::vector<ParameterBlock>& blocks, std::string_view who);
  Index num_layers() const { return static_cast<Index>(widths_.size()) - 1; }
  Index size() const { return size_; }
  const std::vector<Index>& widths() const { return widths_; }
  bool has_bias() const { return bias_; }
  Index weight_offset(Index layer) const { return weight_offset_[layer]; }
  Index bias_offset(Index layer) const { return bias_offset_[layer]; }  // -1 without bias
  Eigen::Map<const RowMat> weight(const Vec& theta, Index layer) const;
  Eigen::Map<const Vec> bias(const Vec& theta, Index layer) const;
  // Writable views of the same entries.
  Eigen::Map<RowMat> mutable_weight(Vec& theta, Index layer) const;
  Eigen::Map<Vec> mutable_bias(Vec& theta, Index layer) const;
  std::vector<ParameterBlock> blocks() const;

 private:
  std::vector<Index> widths_;
  bool bias_;
  std::vector<Index> weight_offset_, bias_offset_;
  Index size_ = 0;
};

class Mlp;
class SparseInput;

// The Hessian of an Mlp at ONE fixed point θ (and batch), for many Hessian-vector products
// at that point (Lanczos, SLQ, dense Hessians). Everything that does not depend on the
// direction v is computed once, on construction: the forward pass (activations), the
// output-loss derivatives (softmax / logistic curvature) and the backpropagated signals
// δ_l and W_lᵀδ_{l+1}. Each hvp() then costs one forward tangent pass and one backward
// R pass: 4BP + 8BP' flops instead of the unbound 6BP + 10BP' (B samples, P = Σ_l n_{l+1} n_l,
// P' the same sum without the first layer; see tests/bench/objective_bench.cpp), about 2/3.
//
// Mlp::evaluate_hvp is itself implemented as MlpCurvature(*this, θ, batch).hvp(v, out):
// the R-operator mathematics lives in one place (mlp_curvature.cpp). hvp() is exact and is
// not counted here: it is the kernel of the Mlp's bound curvature view (Objective::bind, which
// counts every product on the Mlp's counters, as an HVP).
//
// Memory: the activations, δ_l and W_lᵀδ_{l+1} of every hidden layer (3 × Σ hidden widths
// × batch doubles) plus θ. The Mlp must outlive this object; θ and the batch are copied.
class MlpCurvature final : public PointHessian {
 public:
  MlpCurvature(const Mlp& mlp, const Vec& theta, Batch batch = {});
  ~MlpCurvature();
  MlpCurvature(MlpCurvature&&) noexcept;
  MlpCurvature& operator=(MlpCurvature&&) noexcept;

  Index dim() const;
  const Vec& point() const;
  // F(θ) over the batch (computed on construction anyway).
  double value() const;
  // out = ∇²F(θ) v (exact; out is resized). Not thread-safe on one object.
  void hvp(const Vec& v, Vec& out) const override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The least-squares view (mse without l2): r = vec(f(X) − Y)/√n, sample-major (the k
// outputs of sample 0, then of sample 1, ...), so that F = ½‖r‖².
// The probabilistic view (every loss; objective.hpp ProbabilisticAccess): each loss is the
// negative log-likelihood of a predictive distribution over y given the outputs f —
//   mse  Gaussian N(f, I) with unit variance (−log p = ½‖f − y‖² + const),
//   ce   categorical softmax(f) (soft targets: the cross-entropy to the target distribution),
//   bce  Bernoulli logistic(f);
// the l2 penalty is a prior, not part of the likelihood, and enters no Fisher.
class Mlp : public Objective, private LeastSquaresAccess, private ProbabilisticAccess {
 public:
  Mlp(MlpArchitecture architecture, Dataset data, std::string spec);

  Index dim() const override { return layout_.size(); }
  std::string spec() const override { return spec_; }
  Index num_samples() const override { return data_.size(); }
  std::vector<ParameterBlock> parameter_blocks() const override { return layout_.blocks(); }
  const LeastSquaresAccess* least_squares() const override;  // mse without l2 only
  const ProbabilisticAccess* probabilistic() const override { return this; }  // every loss

  const MlpArchitecture& architecture() const { return arch_; }
  const MlpLayout& layout() const { return layout_; }
  const Dataset& data() const { return data_; }

  // Network outputs f(x; θ) (before any softmax), one column per input column.
  Mat predict(const Vec& theta, const Mat& inputs) const;

  // The data term alone: (1/n) Σ_i L(f(x_i; θ), y_i) over all n samples, WITHOUT the
  // (l2/2)‖θ‖² penalty — the same sum, in the same order, as value(θ) before it adds the
  // penalty (so equal to value(θ) bit for bit when l2 = 0), free of the cancellation of
  // value(θ) − (l2/2)‖θ‖² when the penalty dominates. With `outputs`, also the network outputs
  // f(x_i; θ) of that same forward pass (k × n, one column per sample; predict(θ, X) up to
  // rounding: the blocks' products may sum in another order). Counted as one full-batch value
  // (values + 1, samples + n). InputError when θ does not have length dim().
  double data_loss(const Vec& theta, Mat* outputs = nullptr) const;

  // The targets the loss uses (k × n; bce: 1 × n of 0/1; ce: one-hot or probabilities).
  const Mat& loss_targets() const { return targets_; }

  // Whether full-batch evaluations take the first layer's products through the compressed
  // input (MlpArchitecture::sparse_input and enough zeros in X). Builds it on first call.
  bool sparse_first_layer() const { return sparse_input({}, 0) != nullptr; }

  // Samples per block of every sum over samples (core/sample_blocks.hpp): block_samples()
  // when the Mlp was built.
  Index samples_per_block() const { return block_size_; }

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;
  // The bound view's kernel: an MlpCurvature (forward pass, output curvature and δ's cached).
  std::unique_ptr<const PointHessian> bind_hessian(const Vec& theta, Batch batch) const override;

 private:
  // LeastSquaresAccess (reached through least_squares()).
  Index num_residuals() const override;
  Vec residuals(const Vec& theta) const override;
  Vec jacobian_vector(const Vec& theta, const Vec& v) const override;
  Vec jacobian_transpose_vector(const Vec& theta, const Vec& u) const override;
  // ProbabilisticAccess (reached through probabilistic()).
  FunctionOperator fisher(const Vec& theta, Batch batch, FisherKind kind, Rng* rng) const override;
  Mat sample_gradients(const Vec& theta, Batch batch) const override;
  bool layered() const override { return true; }
  std::vector<DenseLayerStatistics> dense_layer_statistics(const Vec& theta, Batch batch, FisherKind kind,
                                                           Rng* rng) const override;
  void check_point(const Vec& theta, Batch batch) const;
  // (1/B) Σ_{i∈batch} L_i (no penalty); with `gradient` also its gradient, with `outputs` the
  // network outputs of the batch's samples (both resized here).
  double data_term(const Vec& theta, Batch batch, Vec* gradient, Mat* outputs = nullptr) const;
  // The blocks of an evaluation over `batch` (all n samples when empty).
  SampleBlocks sample_blocks(Batch batch) const;
  // sample_blocks(batch), after building the compressed input if it is used (call it before
  // entering block tasks).
  SampleBlocks prepare_blocks(Batch batch) const;
  // Block `block` of the full-batch input compressed for the first layer (all blocks built
  // on first use, ~3 products' time at n = 10,000); null for a minibatch, when
  // arch_.sparse_input is off, or when X has too few zeros.
  const SparseInput* sparse_input(Batch batch, Index block) const;

  MlpArchitecture arch_;
  MlpLayout layout_;
  Dataset data_;
  std::string spec_;
  Mat targets_;  // prepared from data_ for the loss (see loss_targets())
  struct LazySparseInput;
  std::shared_ptr<LazySparseInput> sparse_;
  Index block_size_;

  friend class MlpCurvature;
};

// "mse" | "ce" | "bce" (InputError naming `key` otherwise) and back.
MlpLoss parse_mlp_loss(std::string_view text, std::string_view key = "loss");
std::string_view mlp_loss_name(MlpLoss loss);

// The keys of `mlp:...`: the architecture, then the data keys (data=fashion-mnist by default).
struct MlpParams {
  // automatic: the first layer's full-batch products skip the zeros of X when that pays
  // (MlpArchitecture::sparse_input); dense: always GEMMs.
  enum class InputProducts { automatic, dense };
  std::vector<long> widths{784, 32, 10};  // input, hidden..., output
  Activation act = Activation::tanh;
  MlpLoss loss = MlpLoss::cross_entropy;
  bool bias = true;
  double l2 = 0;
  InputProducts input_products = InputProducts::automatic;
  DataParams data{.source = DataSource::fashion_mnist};
  static const ParamTable<MlpParams>& table();
};

// InputError naming the key for a bad value (as the spec `mlp:...`).
std::unique_ptr<Mlp> make_mlp(const MlpParams& params = {});

// Registry entry "mlp" (keys: widths, act, loss, bias, l2, input_products and the data keys).
RegistryEntry<ObjectivePtr> mlp_entry();

// The choices of the key loss (mse|ce|bce), for parameter tables.
const std::vector<std::pair<std::string, MlpLoss>>& mlp_loss_choices();

// An Mlp of `architecture` on the data `data` describes (for bce the data are asked for 2
// classes and the labels 0/1 become the single target row), after the network budget checks;
// `spec` is the objective's resolved spec (recorded without the data keys that do not apply,
// recorded_data_spec), `name` its registry name (for messages). Used by
// mlp, deep_linear, logistic_regression and softmax_regression.
std::unique_ptr<Mlp> make_mlp_objective(MlpArchitecture architecture, const DataParams& data, std::string spec,
                                        const std::string& name);

}  // namespace optdyn
