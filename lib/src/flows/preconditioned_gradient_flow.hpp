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

#include "optdyn/core/spec.hpp"
#include "optdyn/flows/flow.hpp"
#include "optdyn/linalg/krylov.hpp"

namespace optdyn {

class PreconditionedGradientFlow : public Flow {
 public:
  std::string spec() const override { return spec_; }
  void derivative(const Vec& z, Vec& dzdt, double t) const final;

 protected:
  // `system` names the solved system in error messages, e.g. "MINRES on (∇²f + εI) d = ∇f".
  PreconditionedGradientFlow(const Spec& s, const Objective& f, std::string system);
  // v ↦ M(θ) v at θ = z.head(D) (without the damping).
  virtual FunctionOperator curvature(const Vec& z) const = 0;
  // The Krylov method for (M + εI) d = g: minres (M indefinite) or conjugate_gradient (M ⪰ 0).
  virtual KrylovResult solve(const SymmetricOperator& A, const Vec& g, Vec& d, const KrylovOptions& o) const = 0;

 private:
  std::string spec_, system_;
  KrylovOptions options_;
  double damping_;
};

}  // namespace optdyn
