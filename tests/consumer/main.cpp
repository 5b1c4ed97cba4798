// Builds against the installed optdyn package and checks one closed form: for the
// Rosenbrock function f = Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², f(0) = D − 1 and ∇f(1) = 0.
#include <cmath>
#include <cstdio>

#include "optdyn/objectives/registry.hpp"

int main() {
  auto f = optdyn::make_objective("rosenbrock:dim=5");
  const double at_zero = f->value(optdyn::Vec::Zero(5));
  const double grad_at_one = f->gradient(optdyn::Vec::Ones(5)).norm();
  std::printf("f(0) = %g, |grad f(1)| = %g\n", at_zero, grad_at_one);
  return (std::abs(at_zero - 4.0) < 1e-12 && grad_at_one < 1e-12) ? 0 : 1;
}
