#pragma once
// Linear CG as a discrete map (Hestenes & Stiefel 1952; N&W Alg. 5.2): no keys; the step is
// in lib/src/optimizers/linear_cg.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct LinearCgParams {
  static const ParamTable<LinearCgParams>& table();
};

OptimizerPtr make_linear_cg(const LinearCgParams& params = {});

}  // namespace optdyn
