#pragma once
// Adagrad's parameters and typed factory (Duchi, Hazan & Singer 2011); the update and its
// conventions are in lib/src/optimizers/adagrad.cpp.
#include <optional>

#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct AdagradParams {
  // seed: ε inside the root, g/√(G+ε) (seed 000); torch: ε outside, g/(√G+ε).
  enum class Convention { seed, torch };
  double lr = 0.01;
  std::optional<double> eps;         // unset: 1e-8 (seed) or 1e-10 (torch)
  double lr_decay = 0.0;             // η_t = η/(1 + (t−1)·lr_decay) (torch)
  double initial_accumulator = 0.0;  // G₀ (torch's initial_accumulator_value)
  Convention convention = Convention::seed;
  // The ε in use: eps, or the convention's default.
  double effective_eps() const { return eps ? *eps : convention == Convention::torch ? 1e-10 : 1e-8; }
  static const ParamTable<AdagradParams>& table();
};

OptimizerPtr make_adagrad(const AdagradParams& params = {});

}  // namespace optdyn
