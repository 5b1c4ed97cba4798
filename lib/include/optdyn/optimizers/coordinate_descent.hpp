#pragma once
// Coordinate descent's and block coordinate descent's parameters and typed factories (seed
// 001; Wright 2015); the step is in lib/src/optimizers/coordinate_descent.cpp.
#include <cstdint>

#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct CoordinateDescentParams {
  // cyclic blocks 0, 1, …; random: uniform with replacement from an Rng seeded with `seed`.
  enum class Rule { cyclic, random };
  // exact: θ_B −= H_BB⁻¹g_B from |B| HVPs (fallback lr·g_B when H_BB is not positive
  // definite); gradient: θ_B −= lr·g_B.
  enum class Update { exact, gradient };
  Rule rule = Rule::cyclic;
  std::uint64_t seed = 0;
  Update update = Update::exact;
  double lr = 0.01;
  static const ParamTable<CoordinateDescentParams>& table();
};

// One block of `block` contiguous coordinates per step; the other keys as above.
struct BlockCoordinateDescentParams {
  using Rule = CoordinateDescentParams::Rule;
  using Update = CoordinateDescentParams::Update;
  Index block = 2;
  Rule rule = Rule::cyclic;
  std::uint64_t seed = 0;
  Update update = Update::exact;
  double lr = 0.01;
  static const ParamTable<BlockCoordinateDescentParams>& table();
};

OptimizerPtr make_coordinate_descent(const CoordinateDescentParams& params = {});
OptimizerPtr make_block_coordinate_descent(const BlockCoordinateDescentParams& params = {});

}  // namespace optdyn
