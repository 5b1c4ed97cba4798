#pragma once
// Oracle: what an optimizer sees of the objective (DESIGN.md, "Core concepts"): a
// gradient — full or stochastic — at a point it chooses. Optimizers never hold an Objective.
//
//  * ObjectiveOracle: gradients of an Objective, full batch or over minibatches from a
//    MinibatchSampler driven by an Rng the oracle owns, seeded explicitly at construction.
//  * FunctionOracle: any callable (θ, g) → loss; for online problems whose loss changes with
//    time and for tests.
//
// Counts: calls() = gradient evaluations requested (one per minibatch), samples() = samples
// touched (n for a full batch of a finite sum, 0 when the objective is not a finite sum).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/optimizers/minibatch_sampler.hpp"

namespace optdyn {

class Oracle {
 public:
  virtual ~Oracle() = default;
  virtual Index dim() const = 0;
  // g ← a gradient at θ (g is resized if needed); returns the loss of the same batch.
  double gradient(const Vec& theta, Vec& g) {
    ++calls_;
    return evaluate(theta, g);
  }
  std::uint64_t calls() const { return calls_; }
  virtual std::uint64_t samples() const { return 0; }

 protected:
  virtual double evaluate(const Vec& theta, Vec& g) = 0;

 private:
  std::uint64_t calls_ = 0;
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
  std::uint64_t samples() const override { return samples_; }
  const MinibatchSampler* sampler() const { return sampler_ ? &*sampler_ : nullptr; }
  // The batch of the last call (empty = full batch).
  Batch last_batch() const { return last_; }

 protected:
  double evaluate(const Vec& theta, Vec& g) override;

 private:
  const Objective& f_;
  std::optional<MinibatchSampler> sampler_;
  Rng rng_;
  Batch last_;
  std::uint64_t samples_ = 0;
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
