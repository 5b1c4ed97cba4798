#pragma once
// The saddle-free Newton flow θ̇ = −(|∇²f| + λI)⁻¹∇f (dense, small D); the field and its source
// are in lib/src/flows/saddle_free_flow.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

struct SaddleFreeFlowParams {
  double damping = 0.0;  // added to every |λ| (≥ 0)
  long max_dim = 500;    // largest dimension D accepted, 1..5000 (dense O(D³) per evaluation)
  friend bool operator==(const SaddleFreeFlowParams&, const SaddleFreeFlowParams&) = default;
  static const ParamTable<SaddleFreeFlowParams>& table();
};

// InputError naming max_dim when the objective's dimension exceeds it.
FlowPtr make_saddle_free_flow(const Objective& objective, const SaddleFreeFlowParams& params = {});

}  // namespace optdyn
