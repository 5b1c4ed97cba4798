// Newton's method and damped Newton (seed 000: "Newton-Raphson … θ − θᵗ = −H⁻¹∇F" and
// "Damped Newton: −(H + εI)⁻¹g"; Nocedal & Wright §3.3, §3.4):
//
//   newton         ∇²F(θ) p = −g,            θ ← θ + αp
//   damped_newton  (∇²F(θ) + εI) p = −g,     θ ← θ + αp      (Levenberg 1944's damping;
//                  for ε ≫ ‖H‖, p = −g/ε + Hg/ε² + O(ε⁻³): gradient descent with step 1/ε)
//
// Step length: line_search=none takes α = η_t (lr, default 1: the full Newton step; a
// schedule scales it). line_search=backtracking takes α from Armijo backtracking started at
// α₀ = η_t (line_search.hpp: c₁ = 1e-4, ρ = ½ by default), so a schedule caps the step.
//
// Indefinite H (a saddle): the Newton step still solves H p = −g (dense or MINRES), so it
// moves toward the critical point whatever its index — Newton is attracted to saddles
// (Dauphin et al. 2014, §3). With solver=cg the solve stops at the first direction of
// negative curvature (Newton-CG, symmetric_solve.hpp). With backtracking, a p that is not a
// descent direction (gᵀp ≥ 0, possible only when H + εI is not positive definite) is
// replaced by −g (steepest descent; N&W §3.4 discuss Hessian modifications instead) and the
// replacement is counted in the state "fallbacks" (a 1-vector). A failed backtracking
// (no Armijo point in 50 trials) takes no step.
//
// Costs per step: one gradient; dense: one dense Hessian and an O(D³) factorisation;
// Krylov: one HVP per iteration; backtracking: one value per trial.
#include <string>

#include "optdyn/optimizers/line_search.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "symmetric_solve.hpp"

namespace optdyn {
namespace {

class Newton : public Optimizer {
 public:
  Newton(const Spec& s, bool damped)
      : Optimizer(s.canonical(), s.positive("lr")),
        damping_(damped ? s.real("damping", 0.0, 1e300) : 0.0),
        search_(line_search_options(s, {"none", "backtracking"})),
        solve_(detail::solve_options(s)) {}

 protected:
  void reset_state(Index dim) override {
    if (solve_.resolve(dim) == detail::SolverKind::dense)
      detail::check_dense_dimension(name(), "solver", dim,
                                    "use solver=minres or solver=cg (Hessian-vector products)");
    direction_.setZero(dim);
    fallbacks_.setZero(1);
  }

  std::vector<OracleAccess> required_access() const override {
    std::vector<OracleAccess> a{solve_.resolve(dim()) == detail::SolverKind::dense ? OracleAccess::hessian
                                                                                   : OracleAccess::hessian_vector};
    if (search_.kind != LineSearchKind::none) a.push_back(OracleAccess::value);
    return a;
  }
  // Backtracking evaluates F, so it must see g = ∇F.
  bool accepts_transformed_gradient() const override { return search_.kind == LineSearchKind::none; }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    solve(theta, g, direction_);
    if (search_.kind == LineSearchKind::none) {
      theta.noalias() += eta * direction_;
      return;
    }
    double slope = g.dot(direction_);
    if (!(slope < 0.0)) {  // not a descent direction: steepest descent instead
      direction_ = -g;
      slope = -g.squaredNorm();
      fallbacks_[0] += 1.0;
      if (!(slope < 0.0)) return;  // g = 0: a critical point, stay
    }
    OracleLine line(oracle(), theta, direction_);
    const LineSearchResult r = backtracking_armijo(line, current_loss(), slope, eta, search_);
    if (r.success) theta.noalias() += r.alpha * direction_;
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"direction", &direction_});
    out.push_back({"fallbacks", &fallbacks_});
  }

 private:
  // p = −(H + εI)⁻¹ g.
  void solve(const Vec& theta, const Vec& g, Vec& p) {
    Oracle& o = oracle();
    const Vec b = -g;
    const detail::SolverKind kind = solve_.resolve(theta.size());
    if (kind == detail::SolverKind::dense) {
      Mat h = o.hessian(theta);
      h.diagonal().array() += damping_;
      detail::solve_dense(h, b, p);
      return;
    }
    const LinearOperator op = [&](const Vec& v, Vec& hv) {
      o.hessian_vector(theta, v, hv);
      if (damping_ != 0.0) hv.noalias() += damping_ * v;
    };
    detail::solve_krylov(kind, op, b, p, solve_);
  }

  double damping_;
  LineSearchOptions search_;
  detail::SolveOptions solve_;
  Vec direction_, fallbacks_;
};

std::vector<ParamInfo> newton_params(bool damped) {
  std::vector<ParamInfo> p{
      {"lr", "1", "step length α (line_search=none) or first trial α₀ (backtracking)"},
      {"line_search", "none", "none | backtracking (Armijo, from α₀ = lr)"},
      {"c1", "1e-4", "Armijo sufficient-decrease constant c₁"},
      {"rho", "0.5", "backtracking contraction ρ"},
      {"solver", "auto", "auto (dense if D ≤ dense_max, else minres) | dense (LDLᵀ) | cg (stops at negative curvature) | minres"},
      {"tol", "1e-10", "Krylov relative residual"},
      {"max_iterations", "0", "Krylov products per solve (0: 2·D)"},
      {"dense_max", "1000", "largest D solved densely by solver=auto"},
  };
  if (damped) p.insert(p.begin() + 1, {"damping", "1e-3", "ε ≥ 0 added to the Hessian's diagonal"});
  return p;
}

class DampedNewton final : public Newton {
 public:
  explicit DampedNewton(const Spec& s) : Newton(s, true) {}
};

class PlainNewton final : public Newton {
 public:
  explicit PlainNewton(const Spec& s) : Newton(s, false) {}
};

}  // namespace

std::vector<OptimizerEntry> newton_entries() {
  return {
      optimizer_entry<PlainNewton>("newton", "Newton: ∇²F p = −g, θ += lr·p or Armijo backtracking (seed 000; N&W §3.3)",
                                   newton_params(false)),
      optimizer_entry<DampedNewton>("damped_newton", "damped Newton: (∇²F + εI) p = −g (seed 000); large ε → GD with step 1/ε",
                                    newton_params(true)),
  };
}

}  // namespace optdyn
