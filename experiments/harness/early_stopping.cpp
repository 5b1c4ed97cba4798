// Early stopping: the rule of Goodfellow et al. 2016, Algorithm 7.1 (early_stopping.hpp).
#include "harness/early_stopping.hpp"

#include <cmath>
#include <limits>

#include "optdyn/core/error.hpp"
#include "optdyn/core/spec.hpp"

namespace optdyn::harness {

const ParamTable<EarlyStoppingParams>& EarlyStoppingParams::table() {
  using P = EarlyStoppingParams;
  static const auto t =
      ParamTable<P>("early stopping", "early_stopping", "stop when the held-out measure stops improving")
          .integer("patience", &P::patience, 1, std::numeric_limits<long>::max(),
                   "evaluations without an improvement before stopping")
          .real("min_delta", &P::min_delta, Range::closed(0.0, std::numeric_limits<double>::max()),
                "an improvement must lower the best value by more than this")
          .choice("monitor", &P::monitor, {{"loss", P::Monitor::loss}, {"error", P::Monitor::error}},
                  "loss | error: the held-out mean loss or 0-1 error");
  return t;
}

std::string monitor_name(EarlyStoppingParams::Monitor monitor) {
  return monitor == EarlyStoppingParams::Monitor::loss ? "loss" : "error";
}

EarlyStopping::EarlyStopping(const EarlyStoppingParams& params) : params_(params) {
  EarlyStoppingParams::table().check(params_);
  spec_ = EarlyStoppingParams::table().to_spec(params_);
}

EarlyStopping::EarlyStopping(const std::string& spec) {
  const Spec resolved = EarlyStoppingParams::table().resolve(spec);
  params_ = EarlyStoppingParams::table().from_spec(resolved);
  spec_ = resolved.canonical();
}

bool EarlyStopping::observe(std::int64_t step, double value, const Vec& theta) {
  if (stop()) return true;
  ++evaluations_;
  // An improvement: v < v* − min_delta (false for NaN, and the first finite value always is one).
  improved_last_ = value < best_value_ - params_.min_delta;
  if (improved_last_) {
    best_value_ = value;
    best_step_ = step;
    best_theta_ = theta;
    since_best_ = 0;
  } else {
    ++since_best_;
  }
  return stop();
}

std::string EarlyStopping::reason() const {
  if (!stop()) return {};
  std::string after = best_step_ < 0 ? "since the start" : "after step " + std::to_string(best_step_);
  return "early stopping: no improvement of the held-out " + monitor_name(params_.monitor) + " by more than " +
         format_number(params_.min_delta, 17) + " in " + std::to_string(params_.patience) + " evaluations " + after;
}

void EarlyStopping::archive(StateArchive& a) {
  a.constant("spec", spec_);
  a.field("evaluations", evaluations_);
  a.field("since_best", since_best_);
  a.field("best_step", best_step_);
  a.field("best_value", best_value_);
  // θ* is empty until the first improvement, then has the run's dimension.
  std::int64_t length = best_theta_.size();
  a.field("best_theta_length", length, 0, std::numeric_limits<std::int64_t>::max());
  a.field("best_theta", best_theta_, static_cast<Index>(length));
  a.field("improved_last", improved_last_);
}

}  // namespace optdyn::harness
