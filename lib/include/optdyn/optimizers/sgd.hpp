#pragma once
// torch.optim.SGD's parameters and typed factory; the map is in lib/src/optimizers/sgd.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct SgdParams {
  double lr = 0.01;         // γ
  double momentum = 0.0;    // μ ∈ [0, 1]
  double dampening = 0.0;   // τ ∈ [0, 1]
  bool nesterov = false;    // torch's d = g + μb (needs μ > 0, τ = 0)
  static const ParamTable<SgdParams>& table();
};

OptimizerPtr make_sgd(const SgdParams& params = {});

}  // namespace optdyn
