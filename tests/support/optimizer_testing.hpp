#pragma once
// Helpers for the optimizer tests (tests/<optimizer>_test.cpp): oracles with known
// gradients, so that each test can recompute the update from its formula independently
// (scalar loops, no Eigen expressions shared with the library).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn::testing {

// ∇F(θ) = A(θ − θ*), F = ½(θ − θ*)ᵀA(θ − θ*).
inline FunctionOracle quadratic_oracle(const Mat& A, const Vec& minimizer) {
  return FunctionOracle(A.rows(), [A, minimizer](const Vec& theta, Vec& g) {
    const Vec d = theta - minimizer;
    g = A * d;
    return 0.5 * d.dot(g);
  });
}

// Returns the k-th vector of `gradients` at the k-th call, whatever θ is (cycling): the
// update rules can then be recomputed by hand coordinate by coordinate.
inline FunctionOracle sequence_oracle(std::vector<Vec> gradients) {
  const Index dim = gradients.at(0).size();
  auto calls = std::make_shared<std::size_t>(0);
  return FunctionOracle(dim, [gradients, calls](const Vec&, Vec& g) {
    g = gradients[(*calls)++ % gradients.size()];
    return 0.0;
  });
}

inline Vec vec(std::initializer_list<double> values) {
  Vec v(static_cast<Index>(values.size()));
  Index i = 0;
  for (double x : values) v[i++] = x;
  return v;
}

// The gradient sequence most hand-computed tests use: three steps in D = 3, with a zero,
// sign changes and different magnitudes.
inline std::vector<Vec> standard_gradients() {
  return {vec({1.0, -2.0, 0.5}), vec({0.5, 1.0, 0.0}), vec({-1.5, -0.5, 2.0})};
}

// Runs `steps` steps of `spec` from θ₀ with the standard gradient sequence; returns every
// iterate θ_0..θ_steps.
inline std::vector<Vec> trajectory(const std::string& spec, const Vec& theta0, int steps,
                                   std::vector<Vec> gradients = standard_gradients()) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(theta0.size());
  FunctionOracle oracle = sequence_oracle(std::move(gradients));
  std::vector<Vec> out{theta0};
  Vec theta = theta0;
  for (int k = 0; k < steps; ++k) {
    opt->step(theta, oracle);
    out.push_back(theta);
  }
  return out;
}

// The update p = θ₁ − θ₀ of one step of a fresh `spec` on f from θ₀ (exact oracle).
inline Vec one_step(const std::string& spec, const Objective& f, const Vec& theta0) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f);
  Vec theta = theta0;
  opt->step(theta, oracle);
  return theta - theta0;
}

// The message of the InputError one step of a fresh `spec` from θ = 1 throws on `oracle`
// (e.g. an oracle without the access the method needs), or "" when it throws none.
inline std::string step_error(const std::string& spec, Oracle& oracle) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(oracle.dim());
  Vec theta = Vec::Ones(oracle.dim());
  try {
    opt->step(theta, oracle);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// max_i |a_i − b_i| / max(1, |b_i|): a mixed absolute/relative error.
inline double mixed_error(const Vec& a, const Vec& b) {
  double e = 0.0;
  for (Index i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a[i] - b[i]) / std::max(1.0, std::abs(b[i])));
  return a.size() == b.size() ? e : 1e300;
}

}  // namespace optdyn::testing
