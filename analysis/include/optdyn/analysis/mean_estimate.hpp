#pragma once
// The mean of a quantity over independent seeded runs, with a Student-t confidence interval
// (doc/references.md, "SVAG and the weak error"):
//   x̄ = (1/M) Σ x_r,   s² = (1/(M−1)) Σ (x_r − x̄)²,   x̄ ± t_{M−1, (1+c)/2} · s/√M.
// And the difference of the means of two independent sets of runs (Welch 1947): standard
// error √(s_x²/M_x + s_y²/M_y), Welch–Satterthwaite degrees of freedom
//   ν = (s_x²/M_x + s_y²/M_y)² / [(s_x²/M_x)²/(M_x−1) + (s_y²/M_y)²/(M_y−1)].
// The intervals assume the runs are independent (distinct seeds), not that they are Gaussian:
// for M in the hundreds the t interval is the central-limit interval.
#include <span>

#include "optdyn/core/types.hpp"

namespace optdyn::analysis {

struct MeanEstimate {
  double mean = 0.0;
  double std_error = 0.0;  // s/√M (Welch: of the difference)
  double low = 0.0, high = 0.0;
  double dof = 0.0;  // degrees of freedom of the t quantile
  double confidence = 0.95;
  Index runs = 0;  // M (difference: M_x + M_y)
};

// std::invalid_argument with fewer than two values or a confidence outside (0, 1).
MeanEstimate estimate_mean(std::span<const double> values, double confidence = 0.95);
// E x − E y.
MeanEstimate estimate_difference(std::span<const double> x, std::span<const double> y, double confidence = 0.95);

}  // namespace optdyn::analysis
