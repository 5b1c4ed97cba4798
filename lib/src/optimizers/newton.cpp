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

#include "optdyn/optimizers/line_search_keys.hpp"
#include "optdyn/optimizers/newton.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "symmetric_solve.hpp"

namespace optdyn {
namespace {

class Newton : public Optimizer {
 public:
  template <class P>
  Newton(const P& p, std::string spec, double damping)
      : Optimizer(std::move(spec), p.lr),
        damping_(damping),
        search_(line_search_options(p)),
        solve_(detail::solve_options(p)) {}

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
    const FunctionOperator op(theta.size(), [&](const Vec& v, Vec& hv) {
      o.hessian_vector(theta, v, hv);
      if (damping_ != 0.0) hv.noalias() += damping_ * v;
    });
    detail::solve_krylov(kind, op, b, p, solve_);
  }

  double damping_;
  LineSearchOptions search_;
  detail::SolveOptions solve_;
  Vec direction_, fallbacks_;
};

class DampedNewton final : public Newton {
 public:
  DampedNewton(const DampedNewtonParams& p, std::string spec) : Newton(p, std::move(spec), p.damping) {}
};

class PlainNewton final : public Newton {
 public:
  PlainNewton(const NewtonParams& p, std::string spec) : Newton(p, std::move(spec), 0.0) {}
};

// The keys after lr (and damping), shared by both entries.
template <class P>
void newton_keys(ParamTable<P>& t) {
  t.with(backtracking_keys<P>).with([](ParamTable<P>& u) {
    symmetric_solver_keys(u,
                          {{"auto", SymmetricSolver::automatic},
                           {"dense", SymmetricSolver::dense},
                           {"cg", SymmetricSolver::cg},
                           {"minres", SymmetricSolver::minres}},
                          "auto (dense if D ≤ dense_max, else minres) | dense (LDLᵀ) | cg (stops at negative curvature) | minres",
                          "Krylov");
  });
}

constexpr const char* kStepHelp = "step length α (line_search=none) or first trial α₀ (backtracking)";

}  // namespace

const ParamTable<NewtonParams>& NewtonParams::table() {
  static const auto t =
      ParamTable<NewtonParams>("optimizer", "newton",
                               "Newton: ∇²F p = −g, θ += lr·p or Armijo backtracking (seed 000; N&W §3.3)")
          .real("lr", &NewtonParams::lr, Range::positive(), kStepHelp)
          .with(newton_keys<NewtonParams>);
  return t;
}

const ParamTable<DampedNewtonParams>& DampedNewtonParams::table() {
  static const auto t =
      ParamTable<DampedNewtonParams>("optimizer", "damped_newton",
                                     "damped Newton: (∇²F + εI) p = −g (seed 000); large ε → GD with step 1/ε")
          .real("lr", &DampedNewtonParams::lr, Range::positive(), kStepHelp)
          .real("damping", &DampedNewtonParams::damping, Range::closed(0.0, 1e300), "ε ≥ 0 added to the Hessian's diagonal")
          .with(newton_keys<DampedNewtonParams>);
  return t;
}

OptimizerPtr make_newton(const NewtonParams& params) { return make_typed_optimizer<PlainNewton>(params); }
OptimizerPtr make_damped_newton(const DampedNewtonParams& params) { return make_typed_optimizer<DampedNewton>(params); }

std::vector<OptimizerEntry> newton_entries() {
  return {typed_optimizer_entry<PlainNewton, NewtonParams>(), typed_optimizer_entry<DampedNewton, DampedNewtonParams>()};
}

}  // namespace optdyn
