#pragma once
// Learning time as Saxe, McClelland & Ganguli (2013) measure it: gradient-descent iterations
// until the training loss first falls to a target. Shared by the saxe_modes and saxe_depth
// experiments; the update is the library's gd (Optimizer::step), not a loop of its own.
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

struct CriterionRun {
  long steps = -1;  // iterations k with F(θ_k) ≤ target first, −1 if not within max_steps
  bool diverged = false;  // F > 1e3·F(θ₀), or a non-finite F or θ
  double final_loss = 0.0;  // the last F evaluated
};

// GD with step `lr` from θ₀ until F(θ_k) ≤ target, at most max_steps iterations. The oracle
// records F at each query point, so step k reveals F(θ_{k−1}) without a second evaluation.
// A diverging run is a result (diverged = true), not an error.
CriterionRun gd_time_to_criterion(const Objective& f, const Vec& theta0, double lr, double target, long max_steps);

}  // namespace optdyn::analysis
