#pragma once
// The Objective concept (doc/design.md, "Objective"): F(θ) = (1/n) Σ_i L(x_i, θ), or a plain function of θ.
//
// Public members are non-virtual: they count evaluations and check dimensions, then call the
// protected virtual implementation. Every derivative is exact (finite differences appear
// only in tests).
//
// Conventions
//  * Finite sums are MEANS over samples, never sums. A batch (span of sample indices) gives
//    the mean over that batch; the empty batch means all n samples.
//  * Least-squares access: residuals are scaled so that F(θ) = ½‖r(θ)‖² exactly; then the
//    Gauss–Newton matrix is JᵀJ with J = ∂r/∂θ.
//  * Counters are per object and mutable (an Objective is not shared across threads while
//    it is being evaluated). `samples` adds the number of samples each call touched.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "optdyn/core/state_archive.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/linalg/operator.hpp"

namespace optdyn {

// What evaluations cost: one struct for every layer that counts them. An Objective counts
// values, gradients, hvps and samples (the other fields stay 0); an Oracle
// (optimizers/oracle.hpp) counts all of them. Every report of counts (status files, CSV
// columns) names them through count_fields, the one table of names.
struct EvaluationCounts {
  std::uint64_t values = 0;                // F computed: alone or with the gradient (Objective); value-only queries (Oracle)
  std::uint64_t gradients = 0;             // gradient evaluations (full or minibatch)
  std::uint64_t hvps = 0;                  // Hessian-vector products
  std::uint64_t hessians = 0;              // dense Hessians (Oracle)
  std::uint64_t residual_evaluations = 0;  // least-squares residual maps r(θ) (Oracle)
  std::uint64_t jacobian_products = 0;     // J·v and Jᵀ·u (Oracle)
  std::uint64_t fisher_products = 0;       // Fisher-vector products (Oracle)
  std::uint64_t layer_statistics = 0;      // dense-layer statistics for K-FAC (Oracle)
  std::uint64_t samples = 0;               // samples touched by all of the above (0 when not a finite sum)

  // Field by field.
  EvaluationCounts& operator+=(const EvaluationCounts& other);
  EvaluationCounts& operator-=(const EvaluationCounts& other);
  friend EvaluationCounts operator+(EvaluationCounts a, const EvaluationCounts& b) { return a += b; }
  friend EvaluationCounts operator-(EvaluationCounts a, const EvaluationCounts& b) { return a -= b; }
};

// The counters named in `names` as (name, value) pairs, in that order: what every report of
// evaluation counts writes. The names are the fields above ("values", "gradients", "hvps",
// "hessians", "residual_evaluations", "jacobian_products", "fisher_products",
// "layer_statistics", "samples"); std::invalid_argument for any other.
std::vector<std::pair<std::string_view, std::uint64_t>> count_fields(const EvaluationCounts& counts,
                                                                     std::span<const std::string_view> names);
// Saves or restores every counter, named as above, in that order (checkpoints).
void archive_counts(StateArchive& a, EvaluationCounts& counts);

class BoundCurvature;
class LeastSquaresAccess;
class PointHessian;
class ProbabilisticAccess;

// A contiguous slice of θ with a shape, so that initialisers and per-layer diagnostics can
// treat θ as the list of tensors it is. For an MLP: per layer, the weight (rows = fan_out,
// cols = fan_in, row-major, as PyTorch) and then the bias (cols = 1).
struct ParameterBlock {
  enum class Kind { vector, weight, bias };
  std::string name;  // e.g. "0.weight", "0.bias" (PyTorch's nn.Sequential names), or "theta"
  Kind kind = Kind::vector;
  Index offset = 0;
  Index rows = 0;  // fan_out for a weight; the length for a vector or bias
  Index cols = 1;  // fan_in for a weight
  Index size() const { return rows * cols; }
};

class Objective {
 public:
  virtual ~Objective() = default;

  virtual Index dim() const = 0;
  // The resolved spec string this objective was built from.
  virtual std::string spec() const = 0;

  // --- full objective -------------------------------------------------------------
  double value(const Vec& theta) const;
  double value_and_gradient(const Vec& theta, Vec& gradient) const;
  Vec gradient(const Vec& theta) const;
  // out = ∇²F(θ) v, exact.
  void hessian_vector(const Vec& theta, const Vec& v, Vec& out) const;
  Vec hessian_vector(const Vec& theta, const Vec& v) const;
  // Dense D×D Hessian; the default stacks D HVPs (and counts them). For small D only.
  Mat hessian(const Vec& theta) const;
  // ∇²F at θ over `batch` bound at that point, for many products there: the one curvature view
  // (BoundCurvature below; a symmetric operator of linalg/operator.hpp). Its products are
  // counted here, as HVPs, exactly as batch_hessian_vector counts them.
  BoundCurvature bind(const Vec& theta, Batch batch = {}) const;

  // --- finite-sum access ------------------------------------------------------------
  // Number of samples n (0: not a finite sum; then only the empty batch is allowed).
  virtual Index num_samples() const { return 0; }
  double batch_value(const Vec& theta, Batch batch) const;
  double batch_value_and_gradient(const Vec& theta, Batch batch, Vec& gradient) const;
  void batch_hessian_vector(const Vec& theta, Batch batch, const Vec& v, Vec& out) const;

  // θ as named, shaped blocks; the default is one vector block of length dim().
  virtual std::vector<ParameterBlock> parameter_blocks() const;

  // The eigenvalues of ∇²F when F is a quadratic form with a known spectrum (the Hessian is the
  // same at every θ: Quadratic); empty otherwise. Lets an analysis skip the eigensolver.
  virtual std::optional<Vec> known_hessian_eigenvalues() const { return std::nullopt; }

  // --- optional views -----------------------------------------------------------------
  // Non-null when F = ½‖r(θ)‖² for an explicit residual map (see LeastSquaresAccess).
  virtual const LeastSquaresAccess* least_squares() const { return nullptr; }
  // Non-null when F is a mean negative log-likelihood of a predictive distribution p_θ(y|x)
  // (see ProbabilisticAccess): Fisher-vector products, per-sample gradients.
  virtual const ProbabilisticAccess* probabilistic() const { return nullptr; }

  const EvaluationCounts& counters() const { return counters_; }
  void reset_counters() const { counters_ = {}; }

 protected:
  // F over the batch; when `gradient` is non-null also writes ∇F (resized by the callee).
  virtual double evaluate(const Vec& theta, Batch batch, Vec* gradient) const = 0;
  virtual void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const = 0;
  // Override with a closed form where one is cheaper than D HVPs.
  virtual Mat evaluate_hessian(const Vec& theta) const;
  // Override when HVPs at one point can share work that does not depend on the direction
  // (Mlp: the forward pass, the output curvature, the backpropagated signals): the bound
  // view's products then go through the returned kernel. nullptr (the default): each product of
  // the bound view is evaluate_hvp at θ. θ and the batch are already checked.
  virtual std::unique_ptr<const PointHessian> bind_hessian(const Vec& theta, Batch batch) const {
    (void)theta, (void)batch;
    return nullptr;
  }

  // Samples a call over `batch` touches (n for the empty batch of a finite sum).
  std::uint64_t samples_in(Batch batch) const;
  // Counts one value over `batch` (values + 1, samples + its samples), as batch_value does: for
  // a subclass's public evaluation of part of F (Mlp::data_loss).
  void count_value(Batch batch) const;

 private:
  friend class BoundCurvature;
  void check_arguments(const Vec& theta, Batch batch) const;
  void count_hvp(Batch batch) const;
  mutable EvaluationCounts counters_;
};

// An exact Hessian-vector product at one fixed point and batch, not counted (the bound view
// that holds it counts): what Objective::bind_hessian returns.
class PointHessian {
 public:
  virtual ~PointHessian() = default;
  // out = ∇²F(θ) v (out is resized).
  virtual void hvp(const Vec& v, Vec& out) const = 0;
};

// The Hessian ∇²F(θ) of an Objective at one point θ (and batch) as a symmetric operator
// (linalg/operator.hpp): the one view of an objective's curvature that the analysis tools
// (eigensolvers, SLQ, curvature monitors, `optdyn spectrum`) take.
//  * Counting: every product counts once on the objective's own counters, exactly as
//    Objective::batch_hessian_vector counts an HVP (hvps + 1, samples + the batch's samples),
//    and on this operator's products().
//  * cached(): the objective bound work at θ for all products (Objective::bind_hessian: an
//    Mlp and the objectives built as one); otherwise each product is the objective's own HVP
//    at θ, bit for bit what hessian_vector returns.
//  * dense(): the D × D Hessian, symmetrised: from D counted products when cached or on a
//    minibatch; otherwise Objective::hessian (its closed form where it has one, else D HVPs
//    that the objective counts; not counted in products()).
// Keeps a reference to the objective (which must outlive it) and copies θ and the batch.
class BoundCurvature final : public SymmetricOperator {
 public:
  // Throws InputError when θ has the wrong length or a batch index is out of range.
  BoundCurvature(const Objective& objective, const Vec& theta, Batch batch = {});
  Index rows() const override { return objective_.dim(); }
  const Objective& objective() const { return objective_; }
  const Vec& point() const { return theta_; }
  Batch batch() const { return batch_; }
  bool cached() const { return kernel_ != nullptr; }
  Mat dense() const override;

 protected:
  // Throws InputError when v does not have length D.
  void product(const Vec& v, Vec& out) const override;

 private:
  const Objective& objective_;
  Vec theta_;
  std::vector<Index> batch_;
  std::unique_ptr<const PointHessian> kernel_;
};

// F(θ) = ½‖r(θ)‖², r: R^D → R^m (residuals already carry any 1/√n scaling).
class LeastSquaresAccess {
 public:
  virtual ~LeastSquaresAccess() = default;
  virtual Index num_residuals() const = 0;
  virtual Vec residuals(const Vec& theta) const = 0;
  // J v with J = ∂r/∂θ (m × D).
  virtual Vec jacobian_vector(const Vec& theta, const Vec& v) const = 0;
  // Jᵀ u.
  virtual Vec jacobian_transpose_vector(const Vec& theta, const Vec& u) const = 0;
};

class Rng;

// Which Fisher matrix of a probabilistic model (Martens 2014, "New insights and perspectives
// on the natural gradient method", §5, §9; seed 004: F = E_x E_{y∼p_θ(y|x)}[(∇ log p)^{⊗2}]).
// With ℓ_i(θ, y) = −log p_θ(y | x_i), g_i = ∇_θ ℓ_i(θ, y_i), J_i = ∂f(x_i)/∂θ (network
// outputs) and B the samples of the batch:
//   true_fisher  F = (1/B) Σ_i J_iᵀ H_i J_i, H_i = E_{y∼p_θ(·|x_i)}[∇_f ℓ ∇_f ℓᵀ] the output
//                Fisher, exact (no sampling). For exponential-family outputs in their natural
//                parameters (softmax/categorical, logistic/Bernoulli, identity/Gaussian)
//                H_i = ∂²ℓ/∂f², so F is the generalized Gauss–Newton matrix (Martens §9.2).
//   empirical    F = (1/B) Σ_i g_i g_iᵀ at the data labels y_i (not a Fisher: Martens §11).
//   sampled      F = (1/B) Σ_i ĝ_i ĝ_iᵀ with one label ŷ_i ∼ p_θ(·|x_i) per sample drawn from the
//                Rng passed in: an unbiased Monte Carlo estimate of true_fisher.
enum class FisherKind { true_fisher, empirical, sampled };
// The spec value of a `fisher` key: "true" | "empirical" | "sampled" (already validated by
// the caller's Spec::choice; anything else is "sampled").
inline FisherKind fisher_kind_from_name(std::string_view name) {
  return name == "true" ? FisherKind::true_fisher : name == "empirical" ? FisherKind::empirical : FisherKind::sampled;
}

// One dense layer z = W a + b of a layered model, sampled for Kronecker-factored curvature
// (K-FAC, Martens & Grosse 2015). W occupies θ[weight_offset, +rows·cols) row-major
// (rows = fan_out, cols = fan_in), b θ[bias_offset, +rows) (bias_offset = −1: no bias).
//   inputs            a_i, the layer's input for each sample (cols × B).
//   output_gradients  u_j = ∂ℓ/∂z (rows × m·B; columns c·B + i for c < m, sample i), weighted
//                     so that (1/B) Σ_j u_j u_jᵀ is the Fisher's E[∂ℓ/∂z ∂ℓ/∂zᵀ]: m = 1 with the
//                     data labels (empirical) or one sampled label (sampled); for true_fisher
//                     the expectation over y is exact, from a factorisation H_i = Σ_c s_c s_cᵀ
//                     of the output Fisher (m = number of outputs, or 1 for Bernoulli).
struct DenseLayerStatistics {
  Index weight_offset = 0;
  Index bias_offset = -1;
  Index rows = 0;
  Index cols = 0;
  Mat inputs;
  Mat output_gradients;
};

// F(θ) = (1/n) Σ_i −log p_θ(y_i | x_i) (+ a penalty the objective documents, which is not
// part of the likelihood and not part of any Fisher below). Batches as in Objective: the
// empty batch is all n samples.
class ProbabilisticAccess {
 public:
  virtual ~ProbabilisticAccess() = default;
  // The Fisher of `kind` at θ over the batch, as an operator v ↦ F v of size dim()
  // (linalg/operator.hpp; out is resized), bound at that point: the forward pass is done once
  // here, each product then costs about one forward and one backward pass. `rng` draws the
  // labels of FisherKind::sampled (once, here; required for that kind, unused otherwise). The
  // returned operator does not refer to θ or the batch after the call, only to the objective.
  virtual FunctionOperator fisher(const Vec& theta, Batch batch, FisherKind kind, Rng* rng) const = 0;
  // g_i = ∇_θ(−log p_θ(y_i | x_i)) at the data labels, one column per sample (D × B).
  virtual Mat sample_gradients(const Vec& theta, Batch batch) const = 0;
  // True when the model is a stack of dense layers (dense_layer_statistics is not empty).
  virtual bool layered() const { return false; }
  // Per-layer inputs and output gradients for K-FAC; empty when the model is not a stack of
  // dense layers. `kind` and `rng` choose the labels as in fisher().
  virtual std::vector<DenseLayerStatistics> dense_layer_statistics(const Vec& theta, Batch batch, FisherKind kind,
                                                                   Rng* rng) const {
    (void)theta, (void)batch, (void)kind, (void)rng;
    return {};
  }
};

using ObjectivePtr = std::unique_ptr<Objective>;

}  // namespace optdyn
