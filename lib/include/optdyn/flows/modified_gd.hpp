#pragma once
// The Barrett–Dherin modified flow of gradient descent θ̇ = −∇(f + (h/4)‖∇f‖²); the field and
// its source are in lib/src/flows/modified_gd.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

struct ModifiedGdFlowParams {
  double h = 0.01;  // GD step size (> 0); time t = k·h
  friend bool operator==(const ModifiedGdFlowParams&, const ModifiedGdFlowParams&) = default;
  static const ParamTable<ModifiedGdFlowParams>& table();
};

FlowPtr make_modified_gd_flow(const Objective& objective, const ModifiedGdFlowParams& params = {});

}  // namespace optdyn
