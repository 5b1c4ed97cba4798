#pragma once
// Nesterov's (Sutskever's look-ahead form) parameters and typed factory; the map and the SBC
// momentum schedule are in lib/src/optimizers/nesterov.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"

namespace optdyn {

struct NesterovParams {
  // constant μ, or sbc: μ_t = (t−2)/(t+r−2) (Su, Boyd & Candès 2014; mu unused).
  enum class Schedule { constant, sbc };
  double lr = 0.01;
  double mu = 0.9;
  Schedule schedule = Schedule::constant;
  double r = 3.0;  // SBC friction (schedule=sbc; r = 3 is Nesterov 1983)
  static const ParamTable<NesterovParams>& table();
};

OptimizerPtr make_nesterov(const NesterovParams& params = {});

}  // namespace optdyn
