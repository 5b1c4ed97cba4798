#pragma once
// Levenberg–Marquardt's parameters and typed factory (Marquardt 1963; seed 000); the step and
// the λ rules are in lib/src/optimizers/levenberg_marquardt.cpp.
#include "optdyn/core/params.hpp"
#include "optdyn/optimizers/optimizer.hpp"
#include "optdyn/optimizers/solver_keys.hpp"

namespace optdyn {

struct LevenbergMarquardtParams {
  // simple: λ/ν on decrease, λν and retry; marquardt: Marquardt 1963's rules i–iii.
  enum class Rule { simple, marquardt };
  // D = identity (Levenberg) or diag(JᵀJ) (Marquardt's scaling).
  enum class Scaling { identity, jacobian };
  double lambda0 = 1e-2;  // initial λ (Marquardt's 10⁻²)
  double nu = 10.0;       // ν ∈ (1, 1000]
  Rule rule = Rule::simple;
  Scaling scaling = Scaling::identity;
  int max_retries = 50;   // solves per step before giving up (no step)
  SymmetricSolver solver = SymmetricSolver::automatic;  // automatic | dense | cg
  double tol = 1e-10;
  Index max_iterations = 0;
  Index dense_max = 1000;
  static const ParamTable<LevenbergMarquardtParams>& table();
};

OptimizerPtr make_levenberg_marquardt(const LevenbergMarquardtParams& params = {});

}  // namespace optdyn
