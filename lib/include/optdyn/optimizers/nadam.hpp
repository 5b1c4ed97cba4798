#pragma once
// Nadam's parameters and typed factory (Dozat 2016; Ruder 2016's form); the update and its
// conventions are in lib/src/optimizers/nadam.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct NadamParams {
  enum class Convention { seed, torch };
  double lr = 0.002;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double momentum_decay = 0.004;  // ψ of torch's μ_t = β₁(1 − ½·0.96^{tψ})
  Convention convention = Convention::seed;
  static const ParamTable<NadamParams>& table();
};

OptimizerPtr make_nadam(const NadamParams& params = {});

}  // namespace optdyn
