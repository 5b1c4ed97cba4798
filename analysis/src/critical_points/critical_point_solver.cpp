#include "optdyn/analysis/critical_points/critical_point_solver.hpp"

#include <cmath>
#include <string>

#include "optdyn/analysis/critical_points/gradient_norm_objective.hpp"
#include "optdyn/analysis/critical_points/sphere_geometry.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/oracle.hpp"

namespace optdyn::analysis {
namespace {

constexpr std::pair<CriticalPointMethod, std::string_view> kMethods[] = {
    {CriticalPointMethod::gauss_newton, "gauss_newton"},
    {CriticalPointMethod::newton, "newton"},
    {CriticalPointMethod::saddle_free_newton, "saddle_free_newton"},
    {CriticalPointMethod::riemannian_newton, "riemannian_newton"},
};

void check_arguments(const Objective& f, const Vec& start, const CriticalPointSolverOptions& o) {
  const std::string who = "critical points: ";
  if (start.size() != f.dim())
    throw InputError(who + "the start has length " + std::to_string(start.size()) + ", objective '" + f.spec() +
                     "' has dimension " + std::to_string(f.dim()));
  if (!(o.tol > 0.0)) throw InputError(who + "tol must be > 0");
  if (o.max_steps < 0) throw InputError(who + "max_steps must be >= 0");
}

OptimizerPtr make_method(CriticalPointMethod method, const CriticalPointSolverOptions& o) {
  switch (method) {
    case CriticalPointMethod::gauss_newton: return make_levenberg_marquardt(o.gauss_newton);
    case CriticalPointMethod::newton: return make_newton(o.newton);
    case CriticalPointMethod::saddle_free_newton: return make_saddle_free_newton(o.saddle_free_newton);
    case CriticalPointMethod::riemannian_newton: return make_riemannian_newton(o.riemannian_newton);
  }
  return nullptr;
}

// The optimizer in use and the oracle it steps on: F itself, or G = ½‖∇F‖² for gauss_newton.
class Stepper {
 public:
  Stepper(const Objective& f, const CriticalPointSolverOptions& o)
      : options_(o), gradient_norm_(f), f_oracle_(f), g_oracle_(gradient_norm_) {
    use(o.method);
  }
  void use(CriticalPointMethod method) {
    optimizer_ = make_method(method, options_);
    oracle_ = method == CriticalPointMethod::gauss_newton ? &g_oracle_ : &f_oracle_;
    optimizer_->reset(f_oracle_.dim());
  }
  void step(Vec& theta) { optimizer_->step(theta, *oracle_); }

 private:
  const CriticalPointSolverOptions& options_;
  GradientNormObjective gradient_norm_;
  ObjectiveOracle f_oracle_, g_oracle_;
  OptimizerPtr optimizer_;
  Oracle* oracle_ = nullptr;
};

}  // namespace

CriticalPointMethod parse_critical_point_method(std::string_view name) {
  for (const auto& [method, text] : kMethods)
    if (text == name) return method;
  throw InputError("critical points: unknown method '" + std::string(name) +
                   "' (gauss_newton|newton|saddle_free_newton|riemannian_newton)");
}

std::string_view critical_point_method_name(CriticalPointMethod method) {
  for (const auto& [m, text] : kMethods)
    if (m == method) return text;
  return "?";
}

Geometry geometry_of(CriticalPointMethod method) {
  return method == CriticalPointMethod::riemannian_newton ? Geometry::sphere : Geometry::euclidean;
}

double critical_gradient_norm(const Objective& f, const Vec& theta, Geometry geometry) {
  return geometry == Geometry::euclidean ? f.gradient(theta).norm() : riemannian_gradient(f, theta).norm();
}

SolverRun find_critical_point(const Objective& f, const Vec& start, const CriticalPointSolverOptions& options) {
  check_arguments(f, start, options);
  const Geometry geometry = geometry_of(options.method);
  SolverRun run;
  run.theta = geometry == Geometry::sphere ? onto_sphere(start) : start;
  const EvaluationCounts before = f.counters();
  Stepper stepper(f, options);
  double norm = critical_gradient_norm(f, run.theta, geometry);
  for (;;) {
    if (!std::isfinite(norm)) {
      run.stopped = "diverged: the gradient norm is not finite";
      break;
    }
    if (norm <= options.tol) {
      run.converged = true;
      run.stopped = "converged";
      break;
    }
    if (run.steps == options.max_steps) {
      run.stopped = "max_steps";
      break;
    }
    const Vec previous = run.theta;
    try {
      stepper.step(run.theta);
    } catch (const DivergenceError& e) {
      run.theta = previous;
      run.stopped = std::string("diverged: ") + e.what();
      break;
    }
    ++run.steps;
    const double next = critical_gradient_norm(f, run.theta, geometry);
    if (options.method == CriticalPointMethod::newton && !run.fell_back && !(next < norm)) {
      run.theta = previous;  // the safeguard: undo, then Levenberg–Marquardt on ½‖∇F‖²
      run.fell_back = true;
      stepper.use(CriticalPointMethod::gauss_newton);
      continue;
    }
    if (run.theta == previous) {
      run.stopped = "stalled";
      break;
    }
    norm = next;
  }
  run.gradient_norm = norm;
  run.counts = f.counters() - before;
  return run;
}

}  // namespace optdyn::analysis
