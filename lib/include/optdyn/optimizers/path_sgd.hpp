#pragma once
// Path-SGD's parameters and typed factory (Neyshabur, Salakhutdinov & Srebro 2015); the step
// is in lib/src/optimizers/path_sgd.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

// path_sgd: θ_e −= lr · g_e / γ_e(θ), γ the path-norm scaling (objectives/mlp_path_norm.hpp);
// MLP objectives only (their parameter blocks give the layout).
struct PathSgdParams {
  double lr = 0.01;
  static const ParamTable<PathSgdParams>& table();
};

OptimizerPtr make_path_sgd(const PathSgdParams& params = {});

}  // namespace optdyn
