#pragma once
// Private to lib/src/flows: the machinery shared by the flows θ̇ = −(M(θ) + εI)⁻¹∇f(θ) with a
// symmetric M given only by products (newton_flow.cpp: M = ∇²f, MINRES; natural_gradient_flow.cpp:
// M = the Fisher, CG). The direction solves (M + εI) d = ∇f from d = 0 to relative residual
// `tol` within `max_iterations` products (keys of every such flow, with `damping` = ε ≥ 0).
// At a stationary point d = 0 without a solve. When the solve does not converge (M + εI
// singular along ∇f, or too ill-conditioned) the field throws FlowEvaluationError naming the
// residual: the flow is undefined there, and an integrator stops (solver_failed) rather than
// follow a wrong direction. Jacobian products: Flow's default forward difference.
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"
#include "optdyn/linalg/krylov.hpp"

namespace optdyn {

class PreconditionedGradientFlow : public Flow {
 public:
  std::string spec() const override { return spec_; }
  void derivative(const Vec& z, Vec& dzdt, double t) const final;

 protected:
  // `system` names the solved system in error messages, e.g. "MINRES on (∇²f + εI) d = ∇f";
  // `spec` is the resolved spec the flow reports; P has members damping, tol, max_iterations.
  template <class P>
  PreconditionedGradientFlow(const P& p, std::string spec, const Objective& f, std::string system)
      : PreconditionedGradientFlow(f, std::move(spec), std::move(system), p.damping, p.tol, p.max_iterations) {}
  PreconditionedGradientFlow(const Objective& f, std::string spec, std::string system, double damping, double tol,
                             long max_iterations);
  // v ↦ M(θ) v at θ = z.head(D) (without the damping).
  virtual FunctionOperator curvature(const Vec& z) const = 0;
  // The Krylov method for (M + εI) d = g: minres (M indefinite) or conjugate_gradient (M ⪰ 0).
  virtual KrylovResult solve(const SymmetricOperator& A, const Vec& g, Vec& d, const KrylovOptions& o) const = 0;

 private:
  std::string spec_, system_;
  KrylovOptions options_;
  double damping_;
};

// The keys of every such flow, in this order: damping ε (help: `damping_help`, range
// [0, 1e300]), tol (`method` relative residual, [1e-300, 1): tol = 1 would accept d = 0 and the
// flow would not move), max_iterations (`method` products per evaluation, 1..1e9).
template <class P>
auto solve_keys(std::string damping_help, std::string method) {
  return [damping_help, method](ParamTable<P>& t) {
    t.real("damping", &P::damping, Range::closed(0.0, 1e300), damping_help)
        .real("tol", &P::tol, Range::below(1e-300, 1.0), method + " relative residual")
        .integer("max_iterations", &P::max_iterations, 1, 1000000000L, method + " products per evaluation");
  };
}

}  // namespace optdyn
