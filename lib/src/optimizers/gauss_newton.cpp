// Gauss–Newton for F(θ) = ½‖r(θ)‖² (seed 000: "θᵗ⁺¹ = θᵗ − (JᵀJ)⁻¹Jᵀf", assuming the
// residuals' second derivatives vanish; Nocedal & Wright §10.3):
//
//   JᵀJ p = −Jᵀr = −g,   θ ← θ + αp,   J = ∂r/∂θ at θ.
//
// JᵀJ is never formed: conjugate gradients (linalg/krylov.hpp) apply v ↦ Jᵀ(J v) with one
// J·v and one Jᵀ·u product per iteration (least-squares access, objective.hpp). The right
// side is the step's gradient g, which equals Jᵀr by the least-squares contract (F = ½‖r‖²
// exactly), so no extra Jᵀr product is needed. JᵀJ is positive semidefinite: CG from p = 0
// stays in range(Jᵀ) ∋ g, so for a rank-deficient J it converges to the minimum-norm
// solution (the pseudo-inverse step); CG's negative-curvature exit cannot trigger except at
// pᵀJᵀJp = 0 exactly.
// Step length: line_search=none takes α = η_t (lr, default 1: the full Gauss–Newton step),
// backtracking (Armijo, line_search.hpp) starts at α₀ = η_t; a failed search takes no step.
// The Gauss–Newton direction is a descent direction whenever g ≠ 0 (gᵀp = −pᵀJᵀJp ≤ 0).
// On a linear least-squares problem JᵀJ = ∇²F, so a Gauss–Newton step is a Newton step.
// Cost per step: one gradient, 2 Jacobian products per CG iteration (+ values when searching).
#include "optdyn/linalg/krylov.hpp"
#include "optdyn/optimizers/gauss_newton.hpp"
#include "optdyn/optimizers/line_search_keys.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/solver_keys.hpp"

namespace optdyn {
namespace {

class GaussNewton final : public Optimizer {
 public:
  GaussNewton(const GaussNewtonParams& p, std::string spec)
      : Optimizer(std::move(spec), p.lr), search_(line_search_options(p)) {
    krylov_.tol = p.tol;
    krylov_.max_iterations = p.max_iterations;
  }

 protected:
  void reset_state(Index dim) override { direction_.setZero(dim); }
  std::vector<OracleAccess> required_access() const override {
    if (search_.kind == LineSearchKind::none) return {OracleAccess::least_squares};
    return {OracleAccess::least_squares, OracleAccess::value};
  }
  bool accepts_transformed_gradient() const override { return search_.kind == LineSearchKind::none; }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    Oracle& o = oracle();
    const FunctionOperator gauss_newton(theta.size(), [&](const Vec& v, Vec& out) {
      out = o.jacobian_transpose_vector(theta, o.jacobian_vector(theta, v));
    });
    KrylovOptions k = krylov_;
    if (k.max_iterations == 0) k.max_iterations = std::max<Index>(2 * theta.size(), 1);
    conjugate_gradient(gauss_newton, -g, direction_, k);
    if (search_.kind == LineSearchKind::none) {
      theta.noalias() += eta * direction_;
      return;
    }
    const double slope = g.dot(direction_);
    if (!(slope < 0.0)) return;  // g = 0 (or J v = 0 along g): nothing to gain
    OracleLine line(o, theta, direction_);
    const LineSearchResult r = backtracking_armijo(line, current_loss(), slope, eta, search_);
    if (r.success) theta.noalias() += r.alpha * direction_;
  }

  void collect_state(std::vector<StateView>& out) const override { out.push_back({"direction", &direction_}); }

 private:
  LineSearchOptions search_;
  KrylovOptions krylov_;
  Vec direction_;
};

}  // namespace

const ParamTable<GaussNewtonParams>& GaussNewtonParams::table() {
  using P = GaussNewtonParams;
  static const auto t =
      ParamTable<P>("optimizer", "gauss_newton",
                    "Gauss–Newton JᵀJ p = −Jᵀr by CG on J·v, Jᵀ·u (least-squares objectives; seed 000)")
          .real("lr", &P::lr, Range::positive(), "step length α (line_search=none) or first trial α₀ (backtracking)")
          .with(backtracking_keys<P>)
          .with([](ParamTable<P>& u) { krylov_keys(u, "CG"); });
  return t;
}

OptimizerPtr make_gauss_newton(const GaussNewtonParams& params) { return make_typed_optimizer<GaussNewton>(params); }

OptimizerEntry gauss_newton_entry() { return typed_optimizer_entry<GaussNewton, GaussNewtonParams>(); }

}  // namespace optdyn
