#include "optdyn/objectives/saddles.hpp"

#include <utility>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {

// --- two-variable objectives ---------------------------------------------------------------
double PlanarObjective::evaluate(const Vec& t, Batch, Vec* gradient) const {
  if (gradient) *gradient = gradient_at(t[0], t[1]);
  return value_at(t[0], t[1]);
}

void PlanarObjective::evaluate_hvp(const Vec& t, Batch, const Vec& v, Vec& out) const {
  out = hessian_at(t[0], t[1]) * v;
}

Mat PlanarObjective::evaluate_hessian(const Vec& t) const { return hessian_at(t[0], t[1]); }

namespace {
Vec vec2(double a, double b) {
  Vec v(2);
  v << a, b;
  return v;
}
Mat mat2(double a, double b, double c, double d) {
  Mat m(2, 2);
  m << a, b, c, d;
  return m;
}
}  // namespace

// --- saddle: F = x² − y², ∇F = (2x, −2y), ∇²F = diag(2, −2) ---------------------------------
double Saddle::value_at(double x, double y) const { return x * x - y * y; }
Vec Saddle::gradient_at(double x, double y) const { return vec2(2.0 * x, -2.0 * y); }
Mat Saddle::hessian_at(double, double) const { return mat2(2.0, 0.0, 0.0, -2.0); }

// --- monkey saddle: F = x³ − 3xy² -----------------------------------------------------------
// ∇F = (3x² − 3y², −6xy), ∇²F = [[6x, −6y], [−6y, −6x]].
double MonkeySaddle::value_at(double x, double y) const { return x * x * x - 3.0 * x * y * y; }
Vec MonkeySaddle::gradient_at(double x, double y) const { return vec2(3.0 * x * x - 3.0 * y * y, -6.0 * x * y); }
Mat MonkeySaddle::hessian_at(double x, double y) const { return mat2(6.0 * x, -6.0 * y, -6.0 * y, -6.0 * x); }

// --- plateau saddle -------------------------------------------------------------------------
PlateauSaddle::PlateauSaddle(Index dim, Index flat, double eps, std::string spec)
    : dim_(dim), flat_(flat), eps_(eps), spec_(std::move(spec)) {
  if (flat_ < 0 || flat_ > dim_)
    throw InputError("objective 'plateau_saddle': key 'flat': " + std::to_string(flat_) +
                     " is outside [0, dim = " + std::to_string(dim_) + "]");
}

// Flat direction: g = εx²/2 − x⁴/4 + x⁶/6, g' = εx − x³ + x⁵, g'' = ε − 3x² + 5x⁴.
// Steep direction: ½x², derivative x, curvature 1.
double PlateauSaddle::evaluate(const Vec& t, Batch, Vec* gradient) const {
  double f = 0;
  if (gradient) gradient->resize(dim_);
  for (Index i = 0; i < dim_; ++i) {
    const double x = t[i], x2 = x * x;
    if (i < flat_) {
      f += eps_ * x2 / 2.0 - x2 * x2 / 4.0 + x2 * x2 * x2 / 6.0;
      if (gradient) (*gradient)[i] = x * (eps_ - x2 + x2 * x2);
    } else {
      f += 0.5 * x2;
      if (gradient) (*gradient)[i] = x;
    }
  }
  return f;
}

Vec PlateauSaddle::curvature(const Vec& t) const {
  Vec c = Vec::Ones(dim_);
  for (Index j = 0; j < flat_; ++j) {
    const double x2 = t[j] * t[j];
    c[j] = eps_ - 3.0 * x2 + 5.0 * x2 * x2;
  }
  return c;
}

void PlateauSaddle::evaluate_hvp(const Vec& t, Batch, const Vec& v, Vec& out) const {
  out = curvature(t).cwiseProduct(v);
}

Mat PlateauSaddle::evaluate_hessian(const Vec& t) const { return curvature(t).asDiagonal(); }

// --- parameters and registry ----------------------------------------------------------------
namespace {

std::unique_ptr<Saddle> build_saddle(const SaddleParams&, std::string spec) {
  return std::make_unique<Saddle>(std::move(spec));
}
std::unique_ptr<MonkeySaddle> build_monkey_saddle(const MonkeySaddleParams&, std::string spec) {
  return std::make_unique<MonkeySaddle>(std::move(spec));
}
std::unique_ptr<PlateauSaddle> build_plateau_saddle(const PlateauSaddleParams& p, std::string spec) {
  return std::make_unique<PlateauSaddle>(p.dim, p.flat, p.eps, std::move(spec));
}

}  // namespace

const ParamTable<SaddleParams>& SaddleParams::table() {
  static const auto t = ParamTable<SaddleParams>(
      "objective", "saddle", "F = x² − y² (D = 2): non-degenerate saddle at 0, Hessian diag(2, −2)");
  return t;
}

const ParamTable<MonkeySaddleParams>& MonkeySaddleParams::table() {
  static const auto t = ParamTable<MonkeySaddleParams>(
      "objective", "monkey_saddle", "F = x³ − 3xy² (D = 2): degenerate saddle at 0 with zero Hessian");
  return t;
}

const ParamTable<PlateauSaddleParams>& PlateauSaddleParams::table() {
  using P = PlateauSaddleParams;
  static const auto t =
      ParamTable<P>("objective", "plateau_saddle",
                    "F = ½Σ_{i≥flat} x_i² + Σ_{j<flat} (εx_j²/2 − x_j⁴/4 + x_j⁶/6): saddle at 0 with "
                    "curvature ε in the flat directions, minima at x_j² = (1 + √(1−4ε))/2 (±1 for ε = 0; "
                    "none but 0 for ε ≥ 1/4)")
          .integer("dim", &P::dim, 1, 10000000, "dimension D")
          .integer("flat", &P::flat, 0, 10000000, "number of flat (λ = eps) directions, 0..dim")
          .real("eps", &P::eps, Range::any(), "Hessian eigenvalue of the flat directions at 0 (<0: strict saddle)")
          .rule([](const P& p, const Spec& s) {
            if (p.flat > p.dim) s.reject("flat", s.text("flat") + " is outside [0, " + std::to_string(p.dim) + "]");
          });
  return t;
}

std::unique_ptr<Saddle> make_saddle(const SaddleParams& params) { return make_typed_objective(params, build_saddle); }
std::unique_ptr<MonkeySaddle> make_monkey_saddle(const MonkeySaddleParams& params) {
  return make_typed_objective(params, build_monkey_saddle);
}
std::unique_ptr<PlateauSaddle> make_plateau_saddle(const PlateauSaddleParams& params) {
  return make_typed_objective(params, build_plateau_saddle);
}

RegistryEntry<ObjectivePtr> saddle_entry() { return typed_objective_entry<SaddleParams>(build_saddle); }
RegistryEntry<ObjectivePtr> monkey_saddle_entry() {
  return typed_objective_entry<MonkeySaddleParams>(build_monkey_saddle);
}
RegistryEntry<ObjectivePtr> plateau_saddle_entry() {
  return typed_objective_entry<PlateauSaddleParams>(build_plateau_saddle);
}

}  // namespace optdyn
