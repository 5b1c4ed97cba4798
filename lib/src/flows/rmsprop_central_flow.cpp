// The central flow of RMSprop (Cohen, Damian et al., ICLR 2025, §4; doc/references.md, "Central
// flows"); the field, its conventions and choices are stated in rmsprop_central_flow.hpp.
#include "optdyn/flows/rmsprop_central_flow.hpp"

#include <string>

#include "central_flow_parts.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/flows/registry.hpp"

namespace optdyn {

using namespace central_flow_parts;

namespace {

// The k largest eigenpairs of S = P^{-1/2} H P^{-1/2} (eigenvalues of P⁻¹H; u = P^{-1/2}w then has
// Hu = λPu, uᵀPu = 1), s = P^{-1/2} as a vector: dense for D ≤ dense_max, else Krylov–Schur.
TopEigenpairs top_preconditioned_eigenpairs(const Objective& f, const Vec& theta, const Vec& s,
                                            const RmspropCentralFlowParams& p) {
  if (f.dim() <= p.dense_max) return dense_top_eigenpairs(s.asDiagonal() * f.hessian(theta) * s.asDiagonal(), p.k);
  const BoundCurvature h = f.bind(theta);
  const FunctionOperator scaled(f.dim(), [&](const Vec& v, Vec& out) {
    h.apply(s.cwiseProduct(v), out);
    out.array() *= s.array();
  });
  return krylov_top_eigenpairs(scaled, p.k, p.eig_tol);
}

// Q (D × m²), column i + m·j = u_i ∘ u_j: (UᵀMU)_ij = Qᵀ diag(M) for a diagonal M.
Mat pair_products(const Mat& u) {
  const Index m = u.cols();
  Mat q(u.rows(), m * m);
  for (Index j = 0; j < m; ++j)
    for (Index i = 0; i < m; ++i) q.col(i + m * j) = u.col(i).cwiseProduct(u.col(j));
  return q;
}

// X, with a word on coordinates that never had a gradient when there is none: there ν = 0, P = ε/η,
// λ(P⁻¹H) ≈ ηH_dd/ε, and the flow's linear stability, which assumes a slowly varying ν, does not
// describe RMSprop (whose ν jumps to (1 − α)g² with the first gradient).
Mat solve_for_x(const Mat& c, const Mat& gram, const Vec& nu, double tol) {
  try {
    return oscillation_covariance(c, gram, tol, "rmsprop central flow");
  } catch (const FlowEvaluationError& e) {
    const Index zeros = (nu.array() == 0.0).count();
    if (zeros == 0) throw;
    throw FlowEvaluationError(std::string(e.what()) + " (" + std::to_string(zeros) +
                              " coordinates have ν = 0, where P = eps/lr and λ(P⁻¹H) ≈ lr·H_dd/eps)");
  }
}

}  // namespace

RmspropCentralFlow::RmspropCentralFlow(const RmspropCentralFlowParams& p, std::string spec, const Objective& f)
    : Flow(f), params_(p), spec_(std::move(spec)) {
  const Index limit = f.dim() <= p.dense_max ? f.dim() : f.dim() - 1;
  if (p.k > limit)
    throw InputError("flow 'rmsprop_central': key 'k': " + std::to_string(p.k) + " eigenvalues of a dimension-" +
                     std::to_string(f.dim()) + " objective (at most " + std::to_string(limit) +
                     (f.dim() > p.dense_max ? ": Krylov–Schur above dense_max needs k < dim)" : ")"));
}

Vec RmspropCentralFlow::initial_state(const Vec& theta0) const {
  check_parameters(theta0);
  Vec z(state_dim());
  z.head(dim()) = theta0;
  z.tail(dim()) = (1.0 - params_.alpha) * objective().gradient(theta0).array().square();  // ν₁ = (1 − α)g₀²
  return z;
}

RmspropCentralFlowPoint RmspropCentralFlow::evaluate(const Vec& z) const {
  const Objective& f = objective();
  const Index d = dim();
  const RmspropCentralFlowParams& p = params_;
  const double eta = p.lr;
  const double b = (1.0 - p.alpha) / (p.alpha * eta);  // ν's rate per unit t = kη
  const double kappa = 1.0 / (p.relax * eta);           // κ = 1/(relax·η)
  const Vec theta = z.head(d), nu = z.tail(d).cwiseMax(0.0);
  RmspropCentralFlowPoint out;
  Vec g;
  out.loss = f.value_and_gradient(theta, g);
  const Vec root = nu.cwiseSqrt();
  const Vec dvec = root.array() + p.eps;             // D = √ν + ε, P = D/η
  const Vec s = (eta / dvec.array()).sqrt();         // P^{-1/2}
  const TopEigenpairs top = top_preconditioned_eigenpairs(f, theta, s, p);
  check_finite_eigenvalues(top.values, "rmsprop central flow");
  out.eigenvalues = top.values;
  Index m = 0;
  while (m < p.k && top.values(m) >= p.critical * 2.0) ++m;
  out.critical = m;
  // The stable flow: θ̇ = −∇F/D, ν̇ = b(∇F² − ν).
  const Vec theta_dot = -g.cwiseQuotient(dvec);
  const Vec nu_dot = b * (g.array().square() - nu.array()).matrix();
  out.field.resize(2 * d);
  out.field << theta_dot, nu_dot;
  out.predicted_loss = out.loss;
  if (m == 0) return out;

  const Mat u = s.asDiagonal() * top.vectors.leftCols(m);  // Hu_i = λ_i P u_i, UᵀPU = I
  const Mat t = critical_third_derivatives(f, theta, u, top.values.head(m), 2.0);
  const Mat q = pair_products(u);
  // Ḋ = ν̇/(2√ν): r = 1/(2√ν), 0 where ν = 0 (a gradient that was always 0).
  const Vec r = root.unaryExpr([](double x) { return x > 0.0 ? 0.5 / x : 0.0; });
  // C = κ(2I − Λ) + 2 Uᵀ Ṗ_s U − ⟨T_ij, θ̇_s⟩, Ṗ_s = r∘ν̇_s/η: the X-free part of d/dt Uᵀ(2P − H)U.
  const Vec cv = (2.0 / eta) * (q.transpose() * r.cwiseProduct(nu_dot)) - t.transpose() * theta_dot;
  Mat c = Eigen::Map<const Mat>(cv.data(), m, m);
  for (Index i = 0; i < m; ++i) c(i, i) += kappa * (2.0 - top.values(i));
  // 𝒢: −⟨T_ij, θ̇_X(E_kl)⟩ = ½⟨T_ij, D⁻¹T_kl⟩, and 2UᵀṖ_X U with Hu ≈ 2Pu = (2/η)D∘u, i.e.
  // ν̇_X(E_kl) = b(4/η²)D²∘u_k∘u_l: (8b/η³) Qᵀ diag(r∘D²) Q. Both Gram maps, so 𝒢 ⪰ 0.
  const Vec weight = r.cwiseProduct(dvec.cwiseAbs2());
  const Mat gram = symmetric_part(0.5 * (t.transpose() * dvec.cwiseInverse().asDiagonal() * t) +
                                  (8.0 * b / (eta * eta * eta)) * (q.transpose() * weight.asDiagonal() * q));
  out.x = solve_for_x(c, gram, nu, p.sdcp_tol);
  // θ̇ = −D⁻¹[∇F + ½ Σ X_ij T_ij];  ν̇ += b Σ X_kl (Hu_k)∘(Hu_l), Hu_k = λ_k (D/η)∘u_k.
  const Vec xv = Eigen::Map<const Vec>(out.x.data(), m * m);
  out.field.head(d) -= 0.5 * (t * xv).cwiseQuotient(dvec);
  const Mat lxl = top.values.head(m).asDiagonal() * out.x * top.values.head(m).asDiagonal();
  const Vec lxl_v = Eigen::Map<const Vec>(lxl.data(), m * m);
  out.field.tail(d) += (b / (eta * eta)) * dvec.cwiseAbs2().cwiseProduct(q * lxl_v);
  // predicted loss F + ½⟨Σ, H⟩ = F + ½ Σ_i λ_i X_ii (u_iᵀHu_j = λ_j δ_ij)
  for (Index i = 0; i < m; ++i) out.predicted_loss += 0.5 * top.values(i) * out.x(i, i);
  return out;
}

void RmspropCentralFlow::derivative(const Vec& z, Vec& dzdt, double) const { dzdt = evaluate(z).field; }

const ParamTable<RmspropCentralFlowParams>& RmspropCentralFlowParams::table() {
  using P = RmspropCentralFlowParams;
  static const auto t =
      ParamTable<P>("flow", "rmsprop_central",
                    "central flow of RMSprop (Cohen, Damian et al. 2025 §4): z = (θ, ν), θ̇ = −D⁻¹[∇F + ½Σ X_ij "
                    "∇³F[u_i,u_j]], ν̇ = b(∇F² + diag(HΣH) − ν), X ⪰ 0 keeping λ(P⁻¹H) ≤ 2 (t = k·lr)")
          .real("lr", &P::lr, Range::positive(), "RMSprop's step size η (time t = k·η)")
          .real("alpha", &P::alpha, Range::above(0.0, 1.0), "decay of ν (torch's alpha; 1 freezes ν)")
          .real("eps", &P::eps, Range::positive(), "D = √ν + eps")
          .integer("k", &P::k, 1, 16, "top eigenvalues of P⁻¹H considered")
          .real("critical", &P::critical, Range::above(0.0, 1.0), "critical when λ ≥ critical·2")
          .real("relax", &P::relax, Range::positive(), "constraint relaxation time in steps (κ = 1/(relax·η))")
          .real("eig_tol", &P::eig_tol, Range::positive(), "Krylov–Schur relative residual tolerance")
          .real("sdcp_tol", &P::sdcp_tol, Range::positive(), "complementarity solver tolerance")
          .integer("dense_max", &P::dense_max, 1, 5000, "dense eigensolve up to this dimension");
  return t;
}

FlowPtr make_rmsprop_central_flow(const Objective& f, const RmspropCentralFlowParams& p) {
  return make_typed_flow<RmspropCentralFlow>(f, p);
}

FlowEntry rmsprop_central_flow_entry() { return typed_flow_entry<RmspropCentralFlow, RmspropCentralFlowParams>(); }

}  // namespace optdyn
