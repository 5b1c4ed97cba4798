#pragma once
// Online parabola regression's parameters and typed factory (seed 000); both modes and every
// choice are in lib/src/optimizers/parabola_regression.cpp.
#include <cstdint>

#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct ParabolaRegressionParams {
  // diagonal: per coordinate; subspace: d directions V (the keys from d on).
  enum class Mode { diagonal, subspace };
  // gradients: V grown from the gradients' residuals; random: seeded Gaussian, QR; axes: e_1..e_d.
  enum class Init { gradients, random, axes };
  // The weakest direction (refresh): smallest |λ_i| (curvature) or var_w(a_i) (variance).
  enum class Weak { curvature, variance };
  double lr = 0.5;              // fraction η of the distance to the fitted extremum per step
  double beta = 0.9;            // EMA coefficient of the moments, in [0, 1)
  double fallback_lr = 0.01;    // gradient step where the fit is undefined (and outside V)
  double min_var = 1e-20;       // use the fit only when var_w > min_var
  double min_curvature = 1e-8;  // use the fit only when |λ| ≥ min_curvature
  double max_step = 1.0;        // clip every |Δθ_i| (|Δa_i|, and the norm outside V)
  double probe = 0.0;           // δ ≥ 0: attracting targets p + (−1)ᵗδ
  Mode mode = Mode::diagonal;
  Index d = 4;                  // subspace: number of directions (capped at D)
  Index every = 10;             // subspace: diagonalise H every T steps (0 = never)
  Init init = Init::gradients;
  std::uint64_t seed = 0;       // subspace: seed of init=random
  double ridge = 1e-8;          // subspace: Tikhonov term on the correlation matrix of a
  double min_unexplained = 1e-6;  // subspace: usable direction when 1 − R²_i exceeds it
  Index refresh = 0;            // subspace: replace the weakest direction every R steps (0 = off)
  Weak weak = Weak::curvature;
  static const ParamTable<ParabolaRegressionParams>& table();
};

OptimizerPtr make_parabola_regression(const ParabolaRegressionParams& params = {});

}  // namespace optdyn
