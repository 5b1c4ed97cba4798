#pragma once
// Projection onto a box, composable with any optimizer (modifier.hpp): after each update
//
//   project_box:lo=l,hi=u    θ_i ← min(max(θ_i, l), u)     (Euclidean projection Π onto [l, u]^D)
//
// which makes GD projected online gradient descent (Zinkevich 2003) and Adam/AMSGrad the
// projected methods of Reddi, Kale & Kumar 2018 (Algorithms 1–2). Their projection is in the
// norm weighted by √v̂: Π_{F,√V̂}(z) = argmin_{x∈F} ‖V̂^{1/4}(x − z)‖; for a box and a diagonal
// V̂ that problem separates by coordinate and its minimiser is the same clamp, so this one
// modifier is exact for every diagonally preconditioned method.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/modifier.hpp"

namespace optdyn {

struct ProjectBoxParams {
  double lo = -1.0;
  double hi = 1.0;  // lo <= hi
  static const ParamTable<ProjectBoxParams>& table();
};

ModifierPtr make_project_box(const ProjectBoxParams& params = {});

}  // namespace optdyn
