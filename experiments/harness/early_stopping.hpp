#pragma once
// Early stopping (doc/references.md, "Generalization and early stopping"; Goodfellow, Bengio &
// Courville 2016, §7.8, Algorithm 7.1): a run is evaluated on held-out data every so often;
// the rule keeps the best parameters seen and says when to stop.
//
//   v* = +∞, j = 0.  At each evaluation (step i, value v, parameters θ):
//     v < v* − min_delta  →  v* = v, θ* = θ, i* = i, j = 0       (an improvement)
//     otherwise           →  j = j + 1                            (NaN is never an improvement)
//   stop once j = patience; the result is (θ*, i*, v*).
//
// patience counts EVALUATIONS, not steps. min_delta = 0 is the book's rule; a positive
// min_delta (Keras's EarlyStopping convention) asks an improvement to exceed it. Pure logic
// on numbers the caller measures: `optdyn run --early-stopping` and the experiments share it.
#include <cstdint>
#include <limits>
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/core/state_archive.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::harness {

// The keys of an early-stopping spec `early_stopping:patience=P[,min_delta=D][,monitor=loss|error]`.
struct EarlyStoppingParams {
  enum class Monitor { loss, error };  // the held-out loss or the held-out 0-1 error
  long patience = 5;
  double min_delta = 0.0;
  Monitor monitor = Monitor::loss;
  static const ParamTable<EarlyStoppingParams>& table();
};

// "loss" | "error".
std::string monitor_name(EarlyStoppingParams::Monitor monitor);

class EarlyStopping {
 public:
  // InputError naming the key for patience < 1 or min_delta < 0 (or not finite).
  explicit EarlyStopping(const EarlyStoppingParams& params);
  // The spec text (InputError naming its key when bad).
  explicit EarlyStopping(const std::string& spec);

  // One evaluation; returns stop() after it. Ignored once stopped.
  bool observe(std::int64_t step, double value, const Vec& theta);

  bool stop() const { return since_best_ >= params_.patience; }
  bool improved_last() const { return improved_last_; }
  std::int64_t evaluations() const { return evaluations_; }
  std::int64_t since_best() const { return since_best_; }  // j
  // i*, v*, θ* (best_step −1, best_value +∞ and an empty θ before any improvement).
  std::int64_t best_step() const { return best_step_; }
  double best_value() const { return best_value_; }
  const Vec& best_theta() const { return best_theta_; }
  const EarlyStoppingParams& params() const { return params_; }
  // The canonical spec (early_stopping:patience=...,min_delta=...,monitor=...).
  const std::string& spec() const { return spec_; }
  // "no improvement of the held-out <monitor> by more than <min_delta> in <patience> evaluations
  // after step <i*>" once stopped; empty before.
  std::string reason() const;

  // Saves or restores the state (a resumable run's checkpoint).
  void archive(StateArchive& a);

 private:
  EarlyStoppingParams params_;
  std::string spec_;
  std::int64_t evaluations_ = 0, since_best_ = 0, best_step_ = -1;
  double best_value_ = std::numeric_limits<double>::infinity();
  Vec best_theta_;
  bool improved_last_ = false;
};

}  // namespace optdyn::harness
