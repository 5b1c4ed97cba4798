#pragma once
// Symmetry teleportation's parameters and typed factory (Armenta et al. 2021; Zhao et al.
// 2022); the move is in lib/src/optimizers/teleport.cpp.
#include <cstdint>

#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/modifier.hpp"

namespace optdyn {

// teleport: before steps 1, 1 + every, 1 + 2·every, …, move θ along its rescaling orbit
// (objectives/mlp_rescaling.hpp) to increase ‖∇F‖: `steps` normalised gradient-ascent steps of
// length `lr` on the log-scales, each halved until ‖∇F‖ grows. MLPs with relu or linear units.
struct TeleportParams {
  std::int64_t every = 10;
  std::int64_t steps = 5;
  double lr = 0.1;
  static const ParamTable<TeleportParams>& table();
};

ModifierPtr make_teleport(const TeleportParams& params = {});

}  // namespace optdyn
