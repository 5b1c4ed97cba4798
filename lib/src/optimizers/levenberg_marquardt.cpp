// Levenberg–Marquardt for F(θ) = ½‖r(θ)‖² (Levenberg 1944; Marquardt 1963, "An algorithm
// for least-squares estimation of nonlinear parameters", SIAM J. Appl. Math. 11:431; seed
// 000: "θᵗ⁺¹ = θᵗ − (JᵀJ + λI)⁻¹Jᵀf"):
//
//   (JᵀJ + λD) δ = −Jᵀr = −g,   D = I (scaling=identity, Levenberg; the seed's form)
//                                D = diag(JᵀJ) (scaling=jacobian: Marquardt's scaling of the
//                                problem to unit diagonal; zero diagonal entries are set to 1)
//
// λ → 0 gives the Gauss–Newton step; λ → ∞ gives δ ≈ −D⁻¹g/λ, scaled gradient descent with
// step 1/λ. Marquardt's point: adapt λ so that each step decreases F. One optimizer step
// solves, evaluates F(θ + δ) (one value) and retries with a larger λ until F decreases:
//
//   rule=simple (default; the textbook form, e.g. N&W §10.3's discussion):
//     accept if F(θ + δ(λ)) < F(θ), then λ ← λ/ν; else λ ← λν and solve again.
//   rule=marquardt (Marquardt 1963, §"the algorithm", with λ⁽ʳ⁻¹⁾ the λ of the last step):
//     i.   if F(δ(λ/ν)) ≤ F(θ): take it, λ ← λ/ν;
//     ii.  else if F(δ(λ)) ≤ F(θ): take it, λ unchanged;
//     iii. else λ ← λν^w with the smallest w ≥ 1 that gives F(δ(λν^w)) ≤ F(θ).
//   Both start from λ₀ = lambda0 (Marquardt's 10⁻², ν = 10). After max_retries failed
//   solves the step is not taken (θ unchanged) and λ keeps its increased value.
//
// Solves: solver=dense forms J (D products J e_j, or m products Jᵀe_i when m < D) once per
// step and factors JᵀJ + λD by LDLᵀ for each λ; solver=cg applies v ↦ Jᵀ(Jv) + λ D v
// matrix-free (D = diag(JᵀJ) then costs D products J e_j per step); auto = dense for
// D ≤ dense_max. Counts: one gradient per step, one value per tried λ, Jacobian products
// in the oracle's jacobian_products(). State: "lambda" (a 1-vector, the current λ).
// Gradient modifiers are refused (the acceptance test evaluates F).
#include <algorithm>

#include "optdyn/linalg/operator.hpp"
#include "optdyn/optimizers/levenberg_marquardt.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "symmetric_solve.hpp"

namespace optdyn {
namespace {

class LevenbergMarquardt final : public Optimizer {
 public:
  LevenbergMarquardt(const LevenbergMarquardtParams& p, std::string spec)
      : Optimizer(std::move(spec), 1.0, std::nullopt),
        lambda0_(p.lambda0),
        nu_(p.nu),
        marquardt_rule_(p.rule == LevenbergMarquardtParams::Rule::marquardt),
        jacobian_scaling_(p.scaling == LevenbergMarquardtParams::Scaling::jacobian),
        max_retries_(p.max_retries),
        solve_(detail::solve_options(p)) {}

 protected:
  void reset_state(Index dim) override {
    if (solve_.resolve(dim) == detail::SolverKind::dense)
      detail::check_dense_dimension(name(), "solver", dim, "use solver=cg (matrix-free J·v, Jᵀ·u)");
    lambda_.setConstant(1, lambda0_);
  }
  std::vector<OracleAccess> required_access() const override {
    return {OracleAccess::least_squares, OracleAccess::value};
  }
  bool accepts_transformed_gradient() const override { return false; }
  bool uses_step_size() const override { return false; }

  void update(Vec& theta, const Vec& g, double, std::uint64_t) override {
    prepare(theta);
    const double f0 = current_loss();
    double& lambda = lambda_[0];
    Vec delta;
    const auto decreases = [&](double l, bool strict) {
      solve(theta, g, l, delta);
      const double f = oracle().value(theta + delta);
      return strict ? f < f0 : f <= f0;
    };
    int tries = 0;
    if (marquardt_rule_) {
      if (decreases(lambda / nu_, false)) {  // i.
        lambda /= nu_;
        theta += delta;
        return;
      }
      ++tries;
      while (tries < max_retries_) {  // ii. (w = 0), iii. (w ≥ 1)
        ++tries;
        if (decreases(lambda, false)) {
          theta += delta;
          return;
        }
        lambda *= nu_;
      }
      return;
    }
    while (tries < max_retries_) {
      ++tries;
      if (decreases(lambda, true)) {
        lambda /= nu_;
        theta += delta;
        return;
      }
      lambda *= nu_;
    }
  }

  void collect_state(std::vector<StateView>& out) const override { out.push_back({"lambda", &lambda_}); }

 private:
  // Per step: J (dense) or diag(JᵀJ) (cg with Marquardt scaling).
  void prepare(const Vec& theta) {
    Oracle& o = oracle();
    const Index d = theta.size();
    dense_ = solve_.resolve(d) == detail::SolverKind::dense;
    if (dense_) {
      const Index m = o.num_residuals();
      // J from its m rows Jᵀe_i or its d columns J e_j, whichever are fewer.
      const Mat jac =
          m < d ? Mat(dense_from_products([&](const Vec& e, Vec& row) { row = o.jacobian_transpose_vector(theta, e); }, m)
                          .transpose())
                : dense_from_products([&](const Vec& e, Vec& column) { column = o.jacobian_vector(theta, e); }, d);
      gauss_newton_ = jac.transpose() * jac;
      scale_ = jacobian_scaling_ ? Vec(gauss_newton_.diagonal()) : Vec::Ones(d);
    } else if (jacobian_scaling_) {
      scale_.resize(d);
      Vec e = Vec::Zero(d);
      for (Index j = 0; j < d; ++j) {
        e[j] = 1.0;
        scale_[j] = o.jacobian_vector(theta, e).squaredNorm();
        e[j] = 0.0;
      }
    } else {
      scale_ = Vec::Ones(d);
    }
    for (Index j = 0; j < d; ++j)
      if (!(scale_[j] > 0.0)) scale_[j] = 1.0;
  }

  // (JᵀJ + λD) δ = −g.
  void solve(const Vec& theta, const Vec& g, double lambda, Vec& delta) {
    if (dense_) {
      Mat a = gauss_newton_;
      a.diagonal() += lambda * scale_;
      detail::solve_dense(a, -g, delta);
      return;
    }
    Oracle& o = oracle();
    const FunctionOperator op(theta.size(), [&](const Vec& v, Vec& out) {
      out = o.jacobian_transpose_vector(theta, o.jacobian_vector(theta, v));
      out.array() += lambda * scale_.array() * v.array();
    });
    detail::solve_krylov(detail::SolverKind::cg, op, -g, delta, solve_);
  }

  double lambda0_, nu_;
  bool marquardt_rule_, jacobian_scaling_;
  int max_retries_;
  detail::SolveOptions solve_;
  bool dense_ = true;
  Mat gauss_newton_;
  Vec scale_, lambda_;
};

}  // namespace

const ParamTable<LevenbergMarquardtParams>& LevenbergMarquardtParams::table() {
  using P = LevenbergMarquardtParams;
  static const auto t =
      ParamTable<P>("optimizer", "levenberg_marquardt",
                    "Levenberg–Marquardt (JᵀJ + λD)δ = −Jᵀr with Marquardt's adaptive λ (Marquardt 1963; seed 000)")
          .real("lambda0", &P::lambda0, Range::positive(), "initial λ (Marquardt's 10⁻²)")
          // larger factors over- or underflow λ within a few tries
          .real("nu", &P::nu, Range::above(1.0, 1e3), "factor ν > 1 by which λ shrinks after success and grows after failure")
          .choice("rule", &P::rule, {{"simple", P::Rule::simple}, {"marquardt", P::Rule::marquardt}},
                  "simple (λ/ν on decrease, λν and retry) | marquardt (1963 rules i–iii)")
          .choice("scaling", &P::scaling, {{"identity", P::Scaling::identity}, {"jacobian", P::Scaling::jacobian}},
                  "D = identity | jacobian (diag(JᵀJ), Marquardt's scaling)")
          .integer("max_retries", &P::max_retries, 1, 1000, "solves per step before giving up (no step)")
          .with([](ParamTable<P>& u) {
            symmetric_solver_keys(
                u, {{"auto", SymmetricSolver::automatic}, {"dense", SymmetricSolver::dense}, {"cg", SymmetricSolver::cg}},
                "auto (dense if D ≤ dense_max) | dense (J formed, LDLᵀ) | cg (matrix-free)", "CG");
          });
  return t;
}

OptimizerPtr make_levenberg_marquardt(const LevenbergMarquardtParams& params) {
  return make_typed_optimizer<LevenbergMarquardt>(params);
}

OptimizerEntry levenberg_marquardt_entry() {
  return typed_optimizer_entry<LevenbergMarquardt, LevenbergMarquardtParams>();
}

}  // namespace optdyn
