#pragma once
// Oracle: what an optimizer sees of the objective (doc/design.md, "Core concepts"): a
// gradient — full or stochastic — at a point it chooses, and for curvature-based methods
// (newton.cpp, bfgs.cpp, …) values, Hessian-vector products, dense Hessians and
// least-squares access, and for probabilistic models Fisher-vector products and per-layer
// statistics (natural_gradient.cpp, kfac.cpp). Optimizers never hold an Objective.
//
//  * ObjectiveOracle: everything an Objective offers, full batch or over minibatches from a
//    MinibatchSampler driven by an Rng the oracle owns, seeded explicitly at construction.
//  * FunctionOracle: any callable (θ, g) → loss; gradients only (the callable may be an
//    online problem whose loss changes with every call, so the oracle cannot re-evaluate it
//    for a line search). Asking it for anything else is an InputError naming the optimizer.
//
// Which function the curvature belongs to. `gradient(θ, g)` draws the next minibatch (full
// batch without a sampler). Every other query — `gradient_same_batch`, `value`,
// `hessian_vector`, `hessian` — evaluates the SAME function as the most recent `gradient`
// call, i.e. the same minibatch F_B (the full F before any gradient call and on a full-batch
// oracle). So a Newton step on a minibatch oracle is a Newton step on F_B, and a line search
// searches along F_B: its Wolfe conditions hold for one function (the subsampled-Newton
// convention; Martens' Hessian-free uses a separate curvature batch, not offered here).
// Least-squares access (residuals, J·v, Jᵀ·u) exists only on a full-batch oracle: the
// objectives' residual maps are defined for all samples at once. Fisher products and
// dense-layer statistics (objective.hpp, ProbabilisticAccess) follow the batch like HVPs.
//
// Counts (per oracle; one EvaluationCounts, objective.hpp, returned by counts()):
//   calls()        gradient evaluations (counts().gradients): `gradient` and
//                  `gradient_same_batch` (one per call, the loss comes with it). This is the
//                  `evals` column of `optdyn run`.
//   values()       value-only evaluations F(θ) (backtracking and grid line searches, LM).
//   hvps()         Hessian-vector products.
//   hessians()     dense Hessians (the objective may form each one from D HVPs; those are
//                  counted by the objective's own counters, not in hvps()).
//   residual_evaluations(), jacobian_products()  least-squares residuals r(θ); J·v and Jᵀ·u.
//   fisher_products()   Fisher-vector products (each about one forward and backward pass).
//   layer_statistics()  dense-layer statistics (K-FAC), one per call.
//   samples()      samples touched by all of the above (n for each full-batch query of a
//                  finite sum, 0 when the objective is not a finite sum).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "optdyn/core/rng.hpp"
#include "optdyn/core/state_archive.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/optimizers/minibatch_sampler.hpp"

namespace optdyn {

// What an optimizer may ask of an oracle beyond gradients.
// full_batch: every gradient is of the same function (no minibatches) — what secant pairs
// (BFGS, L-BFGS) and conjugacy (linear and nonlinear CG) assume.
enum class OracleAccess { value, hessian_vector, hessian, least_squares, fisher, dense_layers, full_batch };

class Oracle {
 public:
  virtual ~Oracle() = default;
  virtual Index dim() const = 0;

  // g ← a gradient at θ (g is resized if needed); returns the loss of the same batch.
  // Draws the next minibatch on a minibatch oracle.
  double gradient(const Vec& theta, Vec& g) {
    ++counts_.gradients;
    return evaluate(theta, g);
  }
  // g ← the gradient at θ of the same function (minibatch) as the last gradient() call.
  double gradient_same_batch(const Vec& theta, Vec& g);
  // F(θ) of that function.
  double value(const Vec& theta);
  // out ← ∇²F(θ) v of that function (exact).
  void hessian_vector(const Vec& theta, const Vec& v, Vec& out);
  // Dense D×D Hessian of that function; for small D.
  Mat hessian(const Vec& theta);
  // Least squares F = ½‖r(θ)‖² (objective.hpp): m, r(θ), J v, Jᵀ u. Full batch only.
  Index num_residuals() const;
  Vec residuals(const Vec& theta);
  Vec jacobian_vector(const Vec& theta, const Vec& v);
  Vec jacobian_transpose_vector(const Vec& theta, const Vec& u);
  // Fisher products v ↦ F v at θ of that function (objective.hpp FisherKind), bound at θ;
  // `rng` (the caller's) draws the labels of FisherKind::sampled. Each product is counted.
  // The operator refers to this oracle: use it within the step that asked for it.
  FunctionOperator fisher(const Vec& theta, FisherKind kind, Rng* rng = nullptr);
  // Per-layer inputs and output gradients of that function (K-FAC).
  std::vector<DenseLayerStatistics> dense_layer_statistics(const Vec& theta, FisherKind kind, Rng* rng = nullptr);

  // θ as named, shaped blocks (Objective::parameter_blocks): what layer-aware methods read the
  // network's layout from (path_sgd, teleport; MlpLayout::from_blocks). Default: one vector.
  virtual std::vector<ParameterBlock> parameter_blocks() const;

  // Whether `access` is available; when it is not, `require` throws an InputError that names
  // `who` (the optimizer) and says why.
  bool provides(OracleAccess access) const { return missing(access).empty(); }
  void require(OracleAccess access, std::string_view who) const;
  // True when gradient() at the same θ always returns the same vector (no sampler, no
  // time-varying function), so a method may reuse a gradient it already evaluated there.
  virtual bool deterministic() const { return false; }

  // Every counter (the accessors below read single fields of it).
  const EvaluationCounts& counts() const { return counts_; }
  std::uint64_t calls() const { return counts_.gradients; }
  std::uint64_t values() const { return counts_.values; }
  std::uint64_t hvps() const { return counts_.hvps; }
  std::uint64_t hessians() const { return counts_.hessians; }
  std::uint64_t residual_evaluations() const { return counts_.residual_evaluations; }
  std::uint64_t jacobian_products() const { return counts_.jacobian_products; }
  std::uint64_t fisher_products() const { return counts_.fisher_products; }
  std::uint64_t layer_statistics() const { return counts_.layer_statistics; }
  std::uint64_t samples() const { return counts_.samples; }

  // Saves or restores the oracle's state (checkpoint/resume; core/state_archive.hpp): every
  // counter, and in ObjectiveOracle the objective's spec (must match on load), the sampler
  // and its Rng and the current batch. The objective's own counters (Objective::counters)
  // are not part of it: front ends report differences of them within one process.
  virtual void archive(StateArchive& a);

 protected:
  // Adds the samples a query touched (ObjectiveOracle).
  void add_samples(std::uint64_t n) { counts_.samples += n; }
  // The gradient on the next batch (gradient()) and on the current one.
  virtual double evaluate(const Vec& theta, Vec& g) = 0;
  virtual double evaluate_same_batch(const Vec& theta, Vec& g) { return evaluate(theta, g); }
  // Empty when `access` is available, otherwise the reason (one clause).
  virtual std::string missing(OracleAccess access) const;
  // The curvature queries; called only after `provides` said yes. The defaults throw.
  virtual double evaluate_value(const Vec& theta);
  virtual void evaluate_hvp(const Vec& theta, const Vec& v, Vec& out);
  virtual Mat evaluate_hessian(const Vec& theta);
  virtual const LeastSquaresAccess* least_squares_access() const { return nullptr; }
  // The Fisher product of the current function (called after `provides`); not yet counted.
  virtual FunctionOperator evaluate_fisher(const Vec& theta, FisherKind kind, Rng* rng);
  virtual std::vector<DenseLayerStatistics> evaluate_dense_layers(const Vec& theta, FisherKind kind, Rng* rng);

 private:
  void check(OracleAccess access) const;
  EvaluationCounts counts_;
};

class ObjectiveOracle : public Oracle {
 public:
  // Full batch.
  explicit ObjectiveOracle(const Objective& f);
  // Minibatches of `batch_size` (0 = full batch) drawn with `mode` from an Rng seeded with
  // Rng::derived(seed, kSamplerStream).
  ObjectiveOracle(const Objective& f, Index batch_size, Sampling mode, std::uint64_t seed);

  static constexpr std::uint64_t kSamplerStream = 0x5a4d504c4552ULL;  // "SAMPLER"-ish tag

  Index dim() const override { return f_.dim(); }
  std::vector<ParameterBlock> parameter_blocks() const override { return f_.parameter_blocks(); }
  bool deterministic() const override { return !sampler_; }
  const MinibatchSampler* sampler() const { return sampler_ ? &*sampler_ : nullptr; }
  // The batch of the last gradient() call (empty = full batch).
  Batch last_batch() const { return last_; }

  void archive(StateArchive& a) override;

 protected:
  double evaluate(const Vec& theta, Vec& g) override;
  double evaluate_same_batch(const Vec& theta, Vec& g) override;
  std::string missing(OracleAccess access) const override;
  double evaluate_value(const Vec& theta) override;
  void evaluate_hvp(const Vec& theta, const Vec& v, Vec& out) override;
  Mat evaluate_hessian(const Vec& theta) override;
  const LeastSquaresAccess* least_squares_access() const override { return f_.least_squares(); }
  FunctionOperator evaluate_fisher(const Vec& theta, FisherKind kind, Rng* rng) override;
  std::vector<DenseLayerStatistics> evaluate_dense_layers(const Vec& theta, FisherKind kind, Rng* rng) override;

 private:
  void touch(Batch batch);
  const Objective& f_;
  std::optional<MinibatchSampler> sampler_;
  Rng rng_;
  Batch last_;
  std::vector<Index> restored_batch_;  // what last_ refers to after a restore
};

class FunctionOracle : public Oracle {
 public:
  using Function = std::function<double(const Vec& theta, Vec& g)>;
  FunctionOracle(Index dim, Function function) : dim_(dim), function_(std::move(function)) {}
  Index dim() const override { return dim_; }

 protected:
  double evaluate(const Vec& theta, Vec& g) override {
    g.resize(dim_);
    return function_(theta, g);
  }

 private:
  Index dim_;
  Function function_;
};

}  // namespace optdyn
