#pragma once
// Random probes and their statistics, shared by the stochastic trace estimators (SLQ and
// Hutchinson in spectral_density.hpp, the Chebyshev eigenvalue counts in eigenvalue_count.hpp).
//
// A Rademacher probe z ∈ {±1}^D gives E[zᵀAz] = tr A with
//   Var[zᵀAz] = 2 Σ_{i≠j} A_ij²  (Hutchinson 1989),
// so the mean of P probe values x_p is unbiased with standard error s/√P, s² the sample
// variance (divisor P − 1). A two-sided interval at level L (e.g. 0.95) is the mean ± t·s/√P
// with t the Student-t quantile t_{P−1}(1 − (1 − L)/2); each one-sided bound then fails with
// probability (1 − L)/2 (normal approximation of the mean; Student, 1908).
#include <vector>

#include "optdyn/core/rng.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct Estimate {
  double value = 0.0;
  double stderr_ = 0.0;  // standard error over probes (0 with one probe); `stderr` is a macro
};

// z ∈ {±1}^D, one Rng bit per entry.
Vec rademacher(Index d, Rng& rng);

// Mean and standard error s/√P of the probe values (stderr 0 for one value, all 0 for none).
Estimate mean_and_stderr(const std::vector<double>& values);

// t_{P−1}(1 − (1 − level)/2): the multiple of the standard error that makes mean ± t·se a
// two-sided interval at `level` ∈ (0, 1) from P ≥ 2 probes (std::invalid_argument otherwise).
double student_t_multiplier(Index probes, double level);

}  // namespace optdyn::analysis
