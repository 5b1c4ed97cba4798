#pragma once
// K-FAC's parameters and typed factory (Martens & Grosse 2015); the step is in
// lib/src/optimizers/kfac.cpp.
#include <cstdint>

#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct KfacParams {
  // pi: Ā + π√γI, G + √γ/π I (M&G §6.3); plain: both + √γI.
  enum class DampingSplit { pi, plain };
  double lr = 1.0;
  FisherKind fisher = FisherKind::sampled;  // the labels of G
  double damping = 1e-3;                    // γ ≥ 0 (0: pseudo-inverses)
  DampingSplit damping_split = DampingSplit::pi;
  double decay = 0.95;                      // ε ∈ [0, 1) of the moving averages
  Index inverse_every = 1;                  // recompute the inverses every T steps
  std::uint64_t seed = 0;                   // of the sampled labels
  static const ParamTable<KfacParams>& table();
};

OptimizerPtr make_kfac(const KfacParams& params = {});

}  // namespace optdyn
