#pragma once
// Gradient descent's parameters and typed factory; the map is in lib/src/optimizers/gd.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct GdParams {
  double lr = 0.01;
  static const ParamTable<GdParams>& table();
};

OptimizerPtr make_gd(const GdParams& params = {});

}  // namespace optdyn
