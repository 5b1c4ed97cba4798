#pragma once
// Parameters and typed factories of the implicit Newton–Krylov integrators (implicit Euler and
// the implicit midpoint rule); the methods and sources are in lib/src/integrators/implicit.cpp.
//
//   IntegratorPtr prox = make_implicit_euler({.h = 0.5, .newton = {.solver = NewtonKrylovParams::Solver::cg}});
#include "optdyn/core/params.hpp"
#include "optdyn/integrators/integrator.hpp"

namespace optdyn {

// The Newton–Krylov keys both share, declared once and embedded as `newton`.
struct NewtonKrylovParams {
  enum class Forcing { fixed, eisenstat_walker };   // every solve to linear_tol | adaptive (Eisenstat & Walker 1996)
  enum class Solver { automatic, minres, gmres, cg };  // written auto|minres|gmres|cg
  double newton_tol = 1e-12;  // Newton stops when ‖r‖ ≤ newton_tol·(1 + ‖z_n‖) (> 0)
  long max_newton = 20;       // Newton iterations per step before status solver_failed, 1..10000
  double linear_tol = 1e-8;   // relative residual of each Krylov solve (> 0; eisenstat_walker: its floor)
  Forcing forcing = Forcing::fixed;
  long max_linear = 500;      // Jacobian-vector products per Krylov solve, 1..INT_MAX
  Solver solver = Solver::automatic;  // auto: minres if the Jacobian is symmetric, else gmres
  friend bool operator==(const NewtonKrylovParams&, const NewtonKrylovParams&) = default;
  static const ParamTable<NewtonKrylovParams>& table();
};

struct ImplicitEulerParams {
  double h = 0.01;  // step size (> 0; record times are hit exactly)
  NewtonKrylovParams newton{};
  friend bool operator==(const ImplicitEulerParams&, const ImplicitEulerParams&) = default;
  static const ParamTable<ImplicitEulerParams>& table();
};

struct ImplicitMidpointParams {
  double h = 0.01;
  NewtonKrylovParams newton{};
  friend bool operator==(const ImplicitMidpointParams&, const ImplicitMidpointParams&) = default;
  static const ParamTable<ImplicitMidpointParams>& table();
};

IntegratorPtr make_implicit_euler(const ImplicitEulerParams& params = {});
IntegratorPtr make_implicit_midpoint(const ImplicitMidpointParams& params = {});

}  // namespace optdyn
