#pragma once
// A cliff: a smooth two-variable landscape with a steep step (Goodfellow, Bengio & Courville,
// Deep Learning, §8.2.4 and Fig. 8.3; Pascanu, Mikolov & Bengio 2013, Fig. 6).
//
//   F(x, y) = ½ a (x − m)² + ½ b y² − H σ(u),   u = (x + q y − c)/w,   σ(u) = 1/(1 + e^{−u}).
//
// A quadratic bowl centred at (m, 0) with a step DOWN of height H and width w across the line
// x + q y = c (q tilts the wall, so the wall's normal (1, q) also moves y). With m > c the
// descent from a start x₀ < c runs down the upper terrace, over the edge and into the bowl:
// on the face (u = 0, where σ' = ¼ is largest) the wall's part of the gradient is
// (H/4w)(1, q) — for H = 10, w = 0.05 of norm 56 at q = ½, against O(1) elsewhere — so one gradient step of size η catapults θ a distance ≈ ηH/(4w)
// along (1, q), far from the minimiser, while a clipped step (clipping.hpp) crosses safely.
// For w → 0 the minimiser is (m, 0) with F = −H (exactly so up to σ's tail e^{−(m−c)/w}).
//
// Derivatives (σ' = σ(1 − σ), σ'' = σ(1 − σ)(1 − 2σ)):
//   ∇F  = (a(x − m), b y) − (H/w) σ'(u) (1, q)
//   ∇²F = diag(a, b) − (H/w²) σ''(u) (1, q)(1, q)ᵀ
#include <memory>
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/saddles.hpp"

namespace optdyn {

struct CliffParams {
  double a = 1;       // curvature of the bowl along x
  double b = 1;       // curvature of the bowl along y
  double m = 4;       // the bowl's centre (m, 0)
  double height = 10; // H: the drop of the step
  double width = 0.05; // w: the width of the step's face
  double c = 2;       // the wall's position: x + q y = c
  double tilt = 0.5;  // q
  static const ParamTable<CliffParams>& table();
};

class Cliff final : public PlanarObjective {
 public:
  Cliff(const CliffParams& p, std::string spec) : PlanarObjective(std::move(spec)), p_(p) {}
  const CliffParams& params() const { return p_; }
  // u = (x + q y − c)/w: where (x, y) sits across the face (u = 0 on the wall's mid-line).
  double across(double x, double y) const { return (x + p_.tilt * y - p_.c) / p_.width; }

 protected:
  double value_at(double x, double y) const override;
  Vec gradient_at(double x, double y) const override;
  Mat hessian_at(double x, double y) const override;

 private:
  CliffParams p_;
};

std::unique_ptr<Cliff> make_cliff(const CliffParams& params = {});
RegistryEntry<ObjectivePtr> cliff_entry();

}  // namespace optdyn
