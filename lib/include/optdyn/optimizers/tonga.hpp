#pragma once
// TONGA's parameters and typed factory (Le Roux, Manzagol & Bengio 2008; seed 000); the step
// and the low-rank covariance are in lib/src/optimizers/tonga.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct TongaParams {
  double lr = 0.01;
  double gamma = 0.99;    // moving-average coefficient of the gradient covariance, in [0, 1)
  double damping = 0.01;  // λ > 0 added to C
  Index rank = 5;         // rank d kept by the re-compression
  Index refresh = 5;      // re-compress when the factor has d + refresh columns
  static const ParamTable<TongaParams>& table();
};

OptimizerPtr make_tonga(const TongaParams& params = {});

}  // namespace optdyn
