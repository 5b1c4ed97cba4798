#pragma once
// Gradient clipping's parameters and typed factories (modifier.hpp); the maps are in
// lib/src/optimizers/clipping.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/modifier.hpp"

namespace optdyn {

// clip_norm: g ← g·min(1, max/‖g‖₂).
struct ClipNormParams {
  double max = 1.0;
  static const ParamTable<ClipNormParams>& table();
};

// clip_value: g_i ← clamp(g_i, −max, max).
struct ClipValueParams {
  double max = 1.0;
  static const ParamTable<ClipValueParams>& table();
};

ModifierPtr make_clip_norm(const ClipNormParams& params = {});
ModifierPtr make_clip_value(const ClipValueParams& params = {});

}  // namespace optdyn
