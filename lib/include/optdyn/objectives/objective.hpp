#pragma once
// The Objective concept (DESIGN.md): F(θ) = (1/n) Σ_i L(x_i, θ), or a plain function of θ.
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
#include <string>
#include <vector>

#include "optdyn/core/types.hpp"

namespace optdyn {

struct EvalCounters {
  std::uint64_t values = 0;     // calls that computed F (alone or with the gradient)
  std::uint64_t gradients = 0;  // gradient evaluations (full or minibatch)
  std::uint64_t hvps = 0;       // Hessian-vector products
  std::uint64_t samples = 0;    // sum over calls of the samples touched (0 for non-data objectives)
};

class LeastSquaresAccess;

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

  // --- finite-sum access ------------------------------------------------------------
  // Number of samples n (0: not a finite sum; then only the empty batch is allowed).
  virtual Index num_samples() const { return 0; }
  double batch_value(const Vec& theta, Batch batch) const;
  double batch_value_and_gradient(const Vec& theta, Batch batch, Vec& gradient) const;
  void batch_hessian_vector(const Vec& theta, Batch batch, const Vec& v, Vec& out) const;

  // θ as named, shaped blocks; the default is one vector block of length dim().
  virtual std::vector<ParameterBlock> parameter_blocks() const;

  // --- optional views -----------------------------------------------------------------
  // Non-null when F = ½‖r(θ)‖² for an explicit residual map (see LeastSquaresAccess).
  virtual const LeastSquaresAccess* least_squares() const { return nullptr; }

  const EvalCounters& counters() const { return counters_; }
  void reset_counters() const { counters_ = {}; }

 protected:
  // F over the batch; when `gradient` is non-null also writes ∇F (resized by the callee).
  virtual double evaluate(const Vec& theta, Batch batch, Vec* gradient) const = 0;
  virtual void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const = 0;
  // Override with a closed form where one is cheaper than D HVPs.
  virtual Mat evaluate_hessian(const Vec& theta) const;

  // Samples a call over `batch` touches (n for the empty batch of a finite sum).
  std::uint64_t samples_in(Batch batch) const;

 private:
  void check_arguments(const Vec& theta, Batch batch) const;
  mutable EvalCounters counters_;
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

using ObjectivePtr = std::unique_ptr<Objective>;

}  // namespace optdyn
