// The cliff objective; see cliff.hpp for F, ∇F, ∇²F and their source.
#include "optdyn/objectives/cliff.hpp"

#include <cmath>
#include <utility>

#include "optdyn/objectives/registry.hpp"

namespace optdyn {
namespace {

// σ(u) = 1/(1 + e^{−u}), written so that neither branch overflows.
double sigmoid(double u) { return u >= 0 ? 1.0 / (1.0 + std::exp(-u)) : std::exp(u) / (1.0 + std::exp(u)); }

}  // namespace

// F = ½a(x − m)² + ½by² − Hσ(u).
double Cliff::value_at(double x, double y) const {
  const double dx = x - p_.m;
  return 0.5 * p_.a * dx * dx + 0.5 * p_.b * y * y - p_.height * sigmoid(across(x, y));
}

// ∇F = (a(x − m), by) − (H/w)σ'(u)(1, q), σ' = σ(1 − σ).
Vec Cliff::gradient_at(double x, double y) const {
  const double s = sigmoid(across(x, y));
  const double k = p_.height / p_.width * s * (1.0 - s);
  Vec g(2);
  g << p_.a * (x - p_.m) - k, p_.b * y - k * p_.tilt;
  return g;
}

// ∇²F = diag(a, b) − (H/w²)σ''(u)(1, q)(1, q)ᵀ, σ'' = σ(1 − σ)(1 − 2σ).
Mat Cliff::hessian_at(double x, double y) const {
  const double s = sigmoid(across(x, y));
  const double k = p_.height / (p_.width * p_.width) * s * (1.0 - s) * (1.0 - 2.0 * s);
  const double q = p_.tilt;
  Mat h(2, 2);
  h << p_.a - k, -k * q, -k * q, p_.b - k * q * q;
  return h;
}

namespace {
std::unique_ptr<Cliff> build_cliff(const CliffParams& p, std::string spec) {
  return std::make_unique<Cliff>(p, std::move(spec));
}
}  // namespace

const ParamTable<CliffParams>& CliffParams::table() {
  using P = CliffParams;
  static const auto t =
      ParamTable<P>("objective", "cliff",
                    "F = ½a(x−m)² + ½by² − H·σ((x + tilt·y − c)/width) (D = 2): a bowl with a step down of "
                    "height H and face width w on its way (Goodfellow et al. Fig. 8.3; Pascanu et al. 2013)")
          .real("a", &P::a, Range::positive(), "curvature of the bowl along x")
          .real("b", &P::b, Range::positive(), "curvature of the bowl along y")
          .real("m", &P::m, Range::any(), "x of the bowl's centre (m, 0)")
          .real("height", &P::height, Range::closed(0.0, 1e12), "H: height of the step")
          .real("width", &P::width, Range::positive(), "w: width of the step's face")
          .real("c", &P::c, Range::any(), "the wall's mid-line x + tilt·y = c")
          .real("tilt", &P::tilt, Range::any(), "q: tilt of the wall (its normal is (1, q))");
  return t;
}

std::unique_ptr<Cliff> make_cliff(const CliffParams& params) { return make_typed_objective(params, build_cliff); }
RegistryEntry<ObjectivePtr> cliff_entry() { return typed_objective_entry<CliffParams>(build_cliff); }

}  // namespace optdyn
