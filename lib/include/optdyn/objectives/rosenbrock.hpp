#pragma once
// The n-dimensional Rosenbrock function (Rosenbrock 1960; the "extended" chained form of
// e.g. Nocedal & Wright, Numerical Optimization, 2nd ed., eq. (9.1) for n = 2):
//
//   F(x) = Σ_{i=0}^{D−2} [ a (x_{i+1} − x_i²)² + (1 − x_i)² ],   a = 100 by default.
//
// Global minimiser x = (1, …, 1) with F = 0. The Hessian is tridiagonal (closed form in
// rosenbrock.cpp). Least-squares access: r = √2 · (√a (x_{i+1} − x_i²), 1 − x_i)_{i<D−1},
// interleaved (r_{2i}, r_{2i+1}), so that F = ½‖r‖² exactly.
#include <memory>
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

class Rosenbrock : public Objective, public LeastSquaresAccess {
 public:
  Rosenbrock(Index dim, double a, std::string spec);

  Index dim() const override { return dim_; }
  std::string spec() const override { return spec_; }
  const LeastSquaresAccess* least_squares() const override { return this; }
  double a() const { return a_; }

  // LeastSquaresAccess
  Index num_residuals() const override { return 2 * (dim_ - 1); }
  Vec residuals(const Vec& theta) const override;
  Vec jacobian_vector(const Vec& theta, const Vec& v) const override;
  Vec jacobian_transpose_vector(const Vec& theta, const Vec& u) const override;

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;
  Mat evaluate_hessian(const Vec& theta) const override;

 private:
  Index dim_;
  double a_;
  std::string spec_;
};

struct RosenbrockParams {
  long dim = 2;
  double a = 100;
  static const ParamTable<RosenbrockParams>& table();
};

std::unique_ptr<Rosenbrock> make_rosenbrock(const RosenbrockParams& params = {});

RegistryEntry<ObjectivePtr> rosenbrock_entry();

}  // namespace optdyn
