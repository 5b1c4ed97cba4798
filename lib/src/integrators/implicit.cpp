// Implicit one-step methods for large state dimensions, matrix-free (Newton–Krylov on
// Jacobian-vector products; for the gradient flow J·v = −∇²f·v is one HVP):
//
//   implicit_euler     z_{n+1} = z_n + h F(z_{n+1}, t_n + h)                  (order 1, L-stable)
//   implicit_midpoint  z_{n+1} = z_n + h F((z_n + z_{n+1})/2, t_n + h/2)      (order 2, A-stable,
//                      symplectic; Hairer, Lubich & Wanner, Geometric Numerical Integration, §II.1)
//
// On the gradient flow F = −∇f, implicit Euler is the proximal point method
//   θ_{n+1} = argmin_θ f(θ) + ‖θ − θ_n‖²/(2h)     (Rockafellar 1976; Parikh & Boyd,
// Proximal Algorithms, 2014, §4.1.1), and on f = ½θᵀAθ both methods are rational maps:
// (I + hA)⁻¹ and the Cayley map (I + hA/2)⁻¹(I − hA/2).
//
// Both reduce to one nonlinear equation: find u with
//   u = z_n + c·h·F(u, τ)          (implicit Euler: c = 1, τ = t_n + h, z_{n+1} = u;
//                                   midpoint:       c = ½, τ = t_n + h/2, z_{n+1} = 2u − z_n,
//                                   u being the midpoint (z_n + z_{n+1})/2)
// solved by Newton's method on r(u) = u − z_n − c·h·F(u, τ), each Newton system
//   (I − c·h·J(u, τ)) δ = −r,   J = ∂F/∂z,
// solved inexactly by a Krylov method on products J·v (Knoll & Keyes 2004, "Jacobian-free
// Newton–Krylov methods"): MINRES when J is symmetric (then so is I − chJ), GMRES otherwise,
// or CG when asked for (I − chJ positive definite, e.g. gradient flow of a convex f).
// Start: the explicit Euler predictor u₀ = z_n + c·h·F(z_n, t_n), or z_n when that has the
// smaller residual; each Newton step is damped
// by backtracking on ‖r‖ when the full step does not reduce it (far from the solution, e.g.
// large h on a non-convex f). Stop: ‖r‖ ≤ newton_tol·(1 + ‖z_n‖). Each Krylov solve stops at
// relative residual linear_tol, or (forcing=eisenstat_walker) at an adaptive forcing term.
#include <algorithm>
#include <cmath>
#include <limits>

#include "driver.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/integrators/implicit.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/linalg/krylov.hpp"

namespace optdyn {
namespace {

using LinearSolver = NewtonKrylovParams::Solver;

struct NewtonOptions {
  double newton_tol = 1e-12;
  long max_newton = 20;
  KrylovOptions krylov;
  LinearSolver solver = LinearSolver::automatic;
  bool eisenstat_walker = false;  // forcing=eisenstat_walker: adaptive Krylov tolerance
};

// The forcing term η_k of inexact Newton (the Krylov solve stops at ‖r + Aδ‖ ≤ η_k‖r‖):
// Eisenstat & Walker 1996 ("Choosing the forcing terms in an inexact Newton method"),
// choice 2 with γ = 0.9, α = 2: η_k = γ(‖r_k‖/‖r_{k−1}‖)^α, safeguarded by
// η_k ≥ γη_{k−1}^α when γη_{k−1}^α > 0.1, capped at η_max = 0.9, and never below what the
// Newton tolerance needs, ½·tolerance/‖r_k‖ (no oversolving in the last step), nor below
// linear_tol. The first solve uses η₀ = 0.5. Loose solves far from the solution, tight ones
// near it: the same Newton limit with fewer products.
struct ForcingTerm {
  double previous_eta = 0.5, previous_norm = 0.0;
  double next(long iteration, double norm, double tolerance, double floor) {
    double eta = 0.5;
    if (iteration > 0) {
      const double ratio = norm / previous_norm;
      eta = 0.9 * ratio * ratio;
      const double safeguard = 0.9 * previous_eta * previous_eta;
      if (safeguard > 0.1) eta = std::max(eta, safeguard);
    }
    eta = std::min(eta, 0.9);
    eta = std::max({eta, 0.5 * tolerance / norm, floor});
    previous_eta = eta;
    previous_norm = norm;
    return eta;
  }
};

// Smallest damping factor of the backtracking line search before Newton gives up.
constexpr double kMinDamping = 1.0 / 1024.0;

// Solves u = z + c·h·F(u, τ) for u by Newton–Krylov (see the file comment). Returns ok, or
// solver_failed with `message` (u is then undefined).
IntegrationStatus newton_krylov(const Flow& flow, const Vec& z, double t, double tau, double ch, LinearSolver solver,
                                const NewtonOptions& options, Vec& u, IntegrationStats& stats, std::string& message) {
  Vec F, r, delta, Jv, trial, r_trial;
  // r(point) = point − z − c·h·F(point, τ) into `out`; returns ‖r‖ (one evaluation of F).
  auto residual = [&](const Vec& point, Vec& out) {
    flow.derivative(point, F, tau);
    ++stats.rhs_evaluations;
    out = point - z - ch * F;
    return out.norm();
  };
  // Start: the explicit Euler predictor, unless z itself has the smaller residual (large h
  // on a stiff or strongly non-linear field, where the predictor overshoots). For an
  // autonomous field r(z) = −c·h·F(z) comes free with the predictor.
  flow.derivative(z, F, t);
  ++stats.rhs_evaluations;
  u = z + ch * F;
  Vec r_at_z = -ch * F;
  if (!flow.autonomous()) residual(z, r_at_z);
  double norm = residual(u, r);
  if (!(norm <= r_at_z.norm())) {
    u = z;
    r.swap(r_at_z);
    norm = r.norm();
  }
  // The Newton matrix I − c·h·J(u, τ), applied matrix-free at the current iterate u.
  const FunctionOperator newton_matrix(z.size(), [&](const Vec& v, Vec& Av) {
    flow.jacobian_vector(u, tau, v, Jv);
    ++stats.jacobian_products;
    Av = v - ch * Jv;
  });
  const double tolerance = options.newton_tol * (1.0 + z.norm());
  const std::string where = " at t = " + format_number(tau, 6);
  ForcingTerm forcing;
  for (long iteration = 0;; ++iteration) {
    if (!std::isfinite(norm)) {
      message = "Newton iterate not finite" + where + " (try a smaller h)";
      return IntegrationStatus::solver_failed;
    }
    if (norm <= tolerance) return IntegrationStatus::ok;
    if (iteration == options.max_newton) {
      message = "Newton did not converge" + where + ": residual " + format_number(norm, 3) +
                " > newton_tol·(1 + ‖z‖) = " + format_number(tolerance, 3) + " after max_newton = " +
                std::to_string(options.max_newton) + " iterations";
      return IntegrationStatus::solver_failed;
    }
    delta.setZero(z.size());
    const Vec rhs = -r;
    KrylovOptions krylov = options.krylov;
    if (options.eisenstat_walker) krylov.tol = forcing.next(iteration, norm, tolerance, options.krylov.tol);
    KrylovResult k;
    switch (solver) {
      case LinearSolver::cg: k = conjugate_gradient(newton_matrix, rhs, delta, krylov); break;
      case LinearSolver::minres: k = minres(newton_matrix, rhs, delta, krylov); break;
      default: k = gmres(newton_matrix, rhs, delta, krylov); break;
    }
    stats.linear_iterations += k.products;
    ++stats.newton_iterations;
    // Backtracking on ‖r‖ (Eisenstat & Walker 1994, "Globally convergent inexact Newton
    // methods"): halve the step until ‖r(u + λδ)‖ ≤ (1 − 10⁻⁴λ)‖r(u)‖. The full step is taken
    // whenever Newton converges locally, so this costs nothing there.
    double lambda = 1.0, trial_norm = 0.0;
    for (;;) {
      trial = u + lambda * delta;
      trial_norm = residual(trial, r_trial);
      if (trial_norm <= (1.0 - 1e-4 * lambda) * norm) break;
      lambda *= 0.5;
      if (lambda < kMinDamping) {
        message = "Newton line search failed" + where + ": no decrease of the residual " + format_number(norm, 3) +
                  " along the Newton direction (try a smaller h)";
        return IntegrationStatus::solver_failed;
      }
    }
    u.swap(trial);
    r.swap(r_trial);
    norm = trial_norm;
  }
}

// One implicit step by Newton–Krylov (the file comment); nothing is carried from one step to
// the next (each Newton solve starts afresh from z_n).
struct NewtonStep {
  const Flow* flow;
  NewtonOptions options;
  LinearSolver solver;
  bool midpoint;
  IntegrationStats* stats;
  Vec u;
  IntegrationStatus operator()(Vec& state, double t, double h, std::string& message) {
    const double c = midpoint ? 0.5 : 1.0;
    const IntegrationStatus status = newton_krylov(*flow, state, t, t + c * h, c * h, solver, options, u, *stats, message);
    if (status != IntegrationStatus::ok) return status;
    if (midpoint)
      state = 2.0 * u - state;
    else
      state.swap(u);
    return IntegrationStatus::ok;
  }
  void archive(StateArchive&, Index) {}
};

class NewtonKrylovIntegrator : public Integrator {
 public:
  // midpoint = false: implicit Euler; true: implicit midpoint.
  NewtonKrylovIntegrator(double h, const NewtonKrylovParams& p, std::string spec, bool midpoint)
      : spec_(std::move(spec)), h_(h), midpoint_(midpoint) {
    options_.newton_tol = p.newton_tol;
    options_.max_newton = p.max_newton;
    options_.krylov.tol = p.linear_tol;
    options_.krylov.max_iterations = p.max_linear;
    options_.eisenstat_walker = p.forcing == NewtonKrylovParams::Forcing::eisenstat_walker;
    options_.solver = p.solver;
  }
  std::string spec() const override { return spec_; }

  std::unique_ptr<Integration> start(const Flow& flow, const Vec& z, double t0,
                                     std::span<const double> record_times) override {
    integrators::check_inputs(spec_, false, flow, z, t0, record_times);
    const LinearSolver solver = resolve_solver(flow);
    return integrators::fixed_step_integration(z, t0, record_times, h_, [&](IntegrationStats& stats) {
      return NewtonStep{&flow, options_, solver, midpoint_, &stats, {}};
    });
  }

 private:
  LinearSolver resolve_solver(const Flow& flow) const {
    if (options_.solver == LinearSolver::automatic)
      return flow.symmetric_jacobian() ? LinearSolver::minres : LinearSolver::gmres;
    if (options_.solver != LinearSolver::gmres && !flow.symmetric_jacobian())
      throw InputError("integrator '" + spec_ + "': key 'solver': minres and cg need a symmetric Jacobian, flow '" +
                       flow.spec() + "' has none (use gmres or auto)");
    return options_.solver;
  }

  std::string spec_;
  double h_;
  bool midpoint_;
  NewtonOptions options_;
};

struct ImplicitEuler final : NewtonKrylovIntegrator {
  ImplicitEuler(const ImplicitEulerParams& p, std::string spec) : NewtonKrylovIntegrator(p.h, p.newton, std::move(spec), false) {}
};
struct ImplicitMidpoint final : NewtonKrylovIntegrator {
  ImplicitMidpoint(const ImplicitMidpointParams& p, std::string spec)
      : NewtonKrylovIntegrator(p.h, p.newton, std::move(spec), true) {}
};

// h, then the Newton–Krylov keys.
template <class P>
ParamTable<P> implicit_table(std::string name, std::string help) {
  return ParamTable<P>("integrator", std::move(name), std::move(help))
      .real("h", &P::h, Range::positive(), "step size (record times are hit exactly)")
      .embed(&P::newton, NewtonKrylovParams::table());
}

}  // namespace

const ParamTable<NewtonKrylovParams>& NewtonKrylovParams::table() {
  using P = NewtonKrylovParams;
  static const auto t =
      ParamTable<P>("integrator", "newton_krylov", "the Newton–Krylov solve of the implicit integrators")
          .real("newton_tol", &P::newton_tol, Range::positive(), "Newton stops when ‖r‖ ≤ newton_tol·(1 + ‖z_n‖)")
          .integer("max_newton", &P::max_newton, 1, 10000, "Newton iterations per step before status solver_failed")
          .real("linear_tol", &P::linear_tol, Range::positive(),
                "relative residual of each Krylov solve (forcing=eisenstat_walker: its floor)")
          .choice("forcing", &P::forcing, {{"fixed", P::Forcing::fixed}, {"eisenstat_walker", P::Forcing::eisenstat_walker}},
                  "fixed (every solve to linear_tol) | eisenstat_walker (adaptive, Eisenstat & Walker 1996)")
          .integer("max_linear", &P::max_linear, 1, std::numeric_limits<int>::max(),
                   "Jacobian-vector products per Krylov solve")
          .choice("solver", &P::solver,
                  {{"auto", P::Solver::automatic}, {"minres", P::Solver::minres}, {"gmres", P::Solver::gmres},
                   {"cg", P::Solver::cg}},
                  "Krylov method: auto (minres if the Jacobian is symmetric, else gmres)|minres|gmres|cg");
  return t;
}

const ParamTable<ImplicitEulerParams>& ImplicitEulerParams::table() {
  static const auto t = implicit_table<ImplicitEulerParams>(
      "implicit_euler", "implicit Euler by Newton–Krylov on J·v (proximal point on the gradient flow), order 1, L-stable");
  return t;
}

const ParamTable<ImplicitMidpointParams>& ImplicitMidpointParams::table() {
  static const auto t = implicit_table<ImplicitMidpointParams>(
      "implicit_midpoint", "implicit midpoint rule by Newton–Krylov on J·v, order 2, A-stable, symplectic");
  return t;
}

IntegratorPtr make_implicit_euler(const ImplicitEulerParams& p) { return make_typed_integrator<ImplicitEuler>(p); }
IntegratorPtr make_implicit_midpoint(const ImplicitMidpointParams& p) { return make_typed_integrator<ImplicitMidpoint>(p); }

std::vector<IntegratorEntry> implicit_entries() {
  return {typed_integrator_entry<ImplicitEuler, ImplicitEulerParams>(),
          typed_integrator_entry<ImplicitMidpoint, ImplicitMidpointParams>()};
}

}  // namespace optdyn
