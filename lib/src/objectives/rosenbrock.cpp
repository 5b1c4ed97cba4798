#include "optdyn/objectives/rosenbrock.hpp"

#include <cmath>
#include <limits>
#include <utility>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {

Rosenbrock::Rosenbrock(Index dim, double a, std::string spec)
    : dim_(dim), a_(a), spec_(std::move(spec)) {
  if (dim_ < 2) throw InputError("objective 'rosenbrock': key 'dim': must be >= 2");
}

// F = Σ_{i<D−1} a (x_{i+1} − x_i²)² + (1 − x_i)²;
// ∂F/∂x_i = −4a x_i (x_{i+1} − x_i²) − 2(1 − x_i)   [term i, i < D−1]
//          + 2a (x_i − x_{i−1}²)                      [term i−1, i > 0].
double Rosenbrock::evaluate(const Vec& x, Batch, Vec* gradient) const {
  double f = 0;
  if (gradient) gradient->setZero(dim_);
  for (Index i = 0; i + 1 < dim_; ++i) {
    const double q = x[i + 1] - x[i] * x[i];
    const double l = 1.0 - x[i];
    f += a_ * q * q + l * l;
    if (gradient) {
      (*gradient)[i] += -4.0 * a_ * x[i] * q - 2.0 * l;
      (*gradient)[i + 1] += 2.0 * a_ * q;
    }
  }
  return f;
}

// Tridiagonal Hessian:
//   H_ii = [i < D−1] (2 − 4a(x_{i+1} − x_i²) + 8a x_i²) + [i > 0] 2a = [..](2 − 4a x_{i+1} + 12a x_i²) + ..
//   H_{i,i+1} = H_{i+1,i} = −4a x_i.
void Rosenbrock::evaluate_hvp(const Vec& x, Batch, const Vec& v, Vec& out) const {
  out.setZero(dim_);
  for (Index i = 0; i + 1 < dim_; ++i) {
    const double dii = 2.0 - 4.0 * a_ * x[i + 1] + 12.0 * a_ * x[i] * x[i];
    const double off = -4.0 * a_ * x[i];
    out[i] += dii * v[i] + off * v[i + 1];
    out[i + 1] += off * v[i] + 2.0 * a_ * v[i + 1];
  }
}

Mat Rosenbrock::evaluate_hessian(const Vec& x) const {
  Mat h = Mat::Zero(dim_, dim_);
  for (Index i = 0; i + 1 < dim_; ++i) {
    h(i, i) += 2.0 - 4.0 * a_ * x[i + 1] + 12.0 * a_ * x[i] * x[i];
    h(i + 1, i + 1) += 2.0 * a_;
    h(i, i + 1) = h(i + 1, i) = -4.0 * a_ * x[i];
  }
  return h;
}

// r_{2i} = √(2a) (x_{i+1} − x_i²), r_{2i+1} = √2 (1 − x_i).
Vec Rosenbrock::residuals(const Vec& x) const {
  Vec r(num_residuals());
  const double sa = std::sqrt(2.0 * a_), s2 = std::sqrt(2.0);
  for (Index i = 0; i + 1 < dim_; ++i) {
    r[2 * i] = sa * (x[i + 1] - x[i] * x[i]);
    r[2 * i + 1] = s2 * (1.0 - x[i]);
  }
  return r;
}

// J rows: ∂r_{2i} = √(2a) (−2x_i e_i + e_{i+1}), ∂r_{2i+1} = −√2 e_i.
Vec Rosenbrock::jacobian_vector(const Vec& x, const Vec& v) const {
  if (x.size() != dim_ || v.size() != dim_)
    throw InputError("objective '" + spec_ + "': vector length differs from dim");
  Vec out(num_residuals());
  const double sa = std::sqrt(2.0 * a_), s2 = std::sqrt(2.0);
  for (Index i = 0; i + 1 < dim_; ++i) {
    out[2 * i] = sa * (v[i + 1] - 2.0 * x[i] * v[i]);
    out[2 * i + 1] = -s2 * v[i];
  }
  return out;
}

Vec Rosenbrock::jacobian_transpose_vector(const Vec& x, const Vec& u) const {
  if (x.size() != dim_ || u.size() != num_residuals())
    throw InputError("objective '" + spec_ + "': vector length differs from dim / residuals");
  Vec out = Vec::Zero(dim_);
  const double sa = std::sqrt(2.0 * a_), s2 = std::sqrt(2.0);
  for (Index i = 0; i + 1 < dim_; ++i) {
    out[i] += -2.0 * sa * x[i] * u[2 * i] - s2 * u[2 * i + 1];
    out[i + 1] += sa * u[2 * i];
  }
  return out;
}

namespace {

std::unique_ptr<Rosenbrock> build_rosenbrock(const RosenbrockParams& p, std::string spec) {
  return std::make_unique<Rosenbrock>(p.dim, p.a, std::move(spec));
}

}  // namespace

const ParamTable<RosenbrockParams>& RosenbrockParams::table() {
  using P = RosenbrockParams;
  static const auto t =
      ParamTable<P>("objective", "rosenbrock",
                    "F = Σ a(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1,…,1) (least-squares access)")
          .integer("dim", &P::dim, 2, 10000000, "dimension D (>= 2)")
          .real("a", &P::a, Range::positive(), "coefficient of the valley term (> 0)");
  return t;
}

std::unique_ptr<Rosenbrock> make_rosenbrock(const RosenbrockParams& params) {
  return make_typed_objective(params, build_rosenbrock);
}

RegistryEntry<ObjectivePtr> rosenbrock_entry() { return typed_objective_entry<RosenbrockParams>(build_rosenbrock); }

}  // namespace optdyn
