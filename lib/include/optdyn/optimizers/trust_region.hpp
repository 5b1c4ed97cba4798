#pragma once
// The trust-region steps on the linear model (seed 004): sign descent and normalised GD; the
// maps are in lib/src/optimizers/trust_region.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

// sign: θ −= lr·sign(g) (ℓ∞ ball of radius lr).
struct SignParams {
  double lr = 0.01;
  static const ParamTable<SignParams>& table();
};

// normalized_gd: θ −= lr·g/‖g‖^power: power 1 is the ℓ₂ trust-region step (ball of radius lr);
// power 2 is seed 004's step −ε J/‖J‖², equivariant under θ̃ = sθ; power 0 is GD.
struct NormalizedGdParams {
  double lr = 0.01;
  double power = 1.0;
  static const ParamTable<NormalizedGdParams>& table();
};

OptimizerPtr make_sign(const SignParams& params = {});
OptimizerPtr make_normalized_gd(const NormalizedGdParams& params = {});

}  // namespace optdyn
