#pragma once
// Saddle-free Newton's parameters and typed factory (Dauphin et al. 2014, Alg. 1; seed 000);
// the step, the Krylov mode and the damping search are in lib/src/optimizers/saddle_free_newton.cpp.
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct SaddleFreeNewtonParams {
  // exact: |H| from the dense eigendecomposition; krylov: from k Lanczos vectors started at g.
  enum class Mode { exact, krylov };
  double lr = 1.0;
  Mode mode = Mode::exact;
  Index k = 20;            // Krylov subspace dimension (capped at D)
  double damping = 1e-4;   // λ > 0 when damping_search = false
  bool damping_search = true;  // λ = argmin over damping_grid of F(θ + lr·p(λ))
  std::vector<double> damping_grid = {1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100};  // every λ finite and > 0
  Index refresh = 1;       // recompute |H| every m steps
  static const ParamTable<SaddleFreeNewtonParams>& table();
};

OptimizerPtr make_saddle_free_newton(const SaddleFreeNewtonParams& params = {});

}  // namespace optdyn
