// The central flow of GD (Cohen, Damian et al., ICLR 2025, §3 and App. B; doc/references.md,
// "Central flows"); the field, its conventions and choices are stated in central_flow.hpp.
#include "optdyn/flows/central_flow.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Eigenvalues>
#include <limits>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "central_flow_parts.hpp"
#include "optdyn/flows/psd_complementarity.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/linalg/krylov_schur.hpp"
#include "optdyn/objectives/third_derivative.hpp"

namespace optdyn {
namespace central_flow_parts {

TopEigenpairs dense_top_eigenpairs(const Mat& symmetric, Index k) {
  Eigen::SelfAdjointEigenSolver<Mat> eig(0.5 * (symmetric + symmetric.transpose()));
  return {eig.eigenvalues().tail(k).reverse(), eig.eigenvectors().rightCols(k).rowwise().reverse()};
}

TopEigenpairs krylov_top_eigenpairs(const LinearOperator& op, Index k, double tol) {
  KrylovSchurOptions options;
  options.largest = k;
  options.tol = tol;
  const KrylovSchurResult r = krylov_schur(op, options);
  if (!r.converged) throw FlowEvaluationError("central flow: the top Hessian eigenpairs did not converge");
  return {r.eigenvalues.head(k), r.eigenvectors.leftCols(k)};
}

Mat critical_third_derivatives(const Objective& f, const Vec& theta, const Mat& u, const Vec& lambda, double edge) {
  const Index m = u.cols();
  Mat t(theta.size(), m * m);
  for (Index j = 0; j < m; ++j) t.middleCols(j * m, m) = third_derivatives(f, theta, u, u.col(j));
  for (Index j = 0; j < m; ++j)  // symmetrise T_ij = T_ji (equal up to the difference error)
    for (Index i = j + 1; i < m; ++i) {
      const Vec mean = 0.5 * (t.col(i + m * j) + t.col(j + m * i));
      t.col(i + m * j) = mean;
      t.col(j + m * i) = mean;
    }
  const double scale = 1.0 + theta.lpNorm<Eigen::Infinity>();
  for (Index j = 0; j < m; ++j)
    for (Index i = 0; i < m; ++i) {
      const double floor = std::max(1e-8 * edge, 1e-10 * std::sqrt(std::abs(lambda(i) * lambda(j)))) / scale;
      if (t.col(i + m * j).norm() <= floor) t.col(i + m * j).setZero();
    }
  return t;
}

void check_finite_eigenvalues(const Vec& values, const char* flow) {
  if (!values.allFinite())
    throw FlowEvaluationError(std::string(flow) + ": the top eigenvalues are not finite (the Hessian or its scaling overflowed)");
}

Mat oscillation_covariance(const Mat& c, const Mat& gram, double tol, const char* flow) {
  const PsdComplementarityResult x = solve_psd_complementarity(c, gram, tol);
  if (!x.converged && gram.isZero(0.0))
    throw FlowEvaluationError(std::string(flow) + ": an eigenvalue is above the edge and ∇³F[u,u] vanishes along the "
                              "critical eigenvectors: no oscillation can hold the sharpness at the edge");
  if (!x.converged)
    throw FlowEvaluationError(std::string(flow) + ": the complementarity problem for X did not converge (residual " +
                              format_number(x.residual, 3) + ")");
  return x.x;
}

}  // namespace central_flow_parts

namespace {

using namespace central_flow_parts;

// The k largest eigenpairs of ∇²F(θ): dense for D ≤ dense_max, else Krylov–Schur on the bound Hessian.
TopEigenpairs top_eigenpairs(const Objective& f, const Vec& theta, const CentralFlowParams& p) {
  if (f.dim() <= p.dense_max) return dense_top_eigenpairs(f.hessian(theta), p.k);
  return krylov_top_eigenpairs(f.bind(theta), p.k, p.eig_tol);
}

}  // namespace

CentralFlow::CentralFlow(const CentralFlowParams& p, std::string spec, const Objective& f)
    : Flow(f), params_(p), spec_(std::move(spec)) {
  const Index limit = f.dim() <= p.dense_max ? f.dim() : f.dim() - 1;
  if (p.k > limit)
    throw InputError("flow 'central': key 'k': " + std::to_string(p.k) + " eigenvalues of a dimension-" +
                     std::to_string(f.dim()) + " objective (at most " + std::to_string(limit) +
                     (f.dim() > p.dense_max ? ": Krylov–Schur above dense_max needs k < dim)" : ")"));
}

CentralFlowPoint CentralFlow::evaluate(const Vec& theta) const {
  const Objective& f = objective();
  const double edge = 2.0 / params_.lr;                   // the stability threshold 2/η
  const double kappa = 1.0 / (params_.relax * params_.lr);  // κ = 1/(relax·η)
  CentralFlowPoint out;
  Vec g;
  out.loss = f.value_and_gradient(theta, g);
  const TopEigenpairs top = top_eigenpairs(f, theta, params_);
  check_finite_eigenvalues(top.values, "central flow");
  out.eigenvalues = top.values;
  Index m = 0;
  while (m < params_.k && top.values(m) >= params_.critical * edge) ++m;
  out.critical = m;
  out.field = -g;
  out.predicted_loss = out.loss;
  if (m == 0) return out;  // no critical eigenvalue: gradient flow θ̇ = −∇F

  // T_ij = ∇³F[u_i, u_j] (pair (i, j) in column i + m·j), from the HVPs along each u_j.
  const Mat u = top.vectors.leftCols(m);
  const Mat t = critical_third_derivatives(f, theta, u, top.values.head(m), edge);
  // C = κ(2/η·I − Λ) + a, a_ij = ⟨T_ij, ∇F⟩;  G = ½ TᵀT, so 𝒢(X) = ½ Σ_kl ⟨T_ij, T_kl⟩ X_kl.
  const Vec a = t.transpose() * g;
  Mat c = Eigen::Map<const Mat>(a.data(), m, m);
  for (Index i = 0; i < m; ++i) c(i, i) += kappa * (edge - top.values(i));
  const Mat gram = 0.5 * (t.transpose() * t);
  out.x = oscillation_covariance(c, gram, params_.sdcp_tol, "central flow");
  // θ̇ = −∇F − ½ Σ_ij X_ij T_ij
  const Vec xv = Eigen::Map<const Vec>(out.x.data(), m * m);
  out.field.noalias() -= 0.5 * (t * xv);
  // predicted loss F + ½⟨Σ, H⟩ = F + ½ Σ_i λ_i X_ii (u_i eigenvectors)
  for (Index i = 0; i < m; ++i) out.predicted_loss += 0.5 * top.values(i) * out.x(i, i);
  return out;
}

void CentralFlow::derivative(const Vec& z, Vec& dzdt, double) const { dzdt = evaluate(z).field; }

const ParamTable<CentralFlowParams>& CentralFlowParams::table() {
  using P = CentralFlowParams;
  static const auto t =
      ParamTable<P>("flow", "central",
                    "central flow of GD (Cohen, Damian et al. 2025): θ̇ = −∇F − ½Σ X_ij ∇³F[u_i,u_j], X ⪰ 0 keeping "
                    "the top eigenvalues at ≤ 2/lr (t = k·lr)")
          .real("lr", &P::lr, Range::positive(), "GD step size η (edge 2/η, time t = k·η)")
          .integer("k", &P::k, 1, 16, "top Hessian eigenvalues considered")
          .real("critical", &P::critical, Range::above(0.0, 1.0), "critical when λ ≥ critical·2/η")
          .real("relax", &P::relax, Range::positive(), "constraint relaxation time in GD steps (κ = 1/(relax·η))")
          .real("eig_tol", &P::eig_tol, Range::positive(), "Krylov–Schur relative residual tolerance")
          .real("sdcp_tol", &P::sdcp_tol, Range::positive(), "complementarity solver tolerance")
          .integer("dense_max", &P::dense_max, 1, 5000, "dense Hessian eigensolve up to this dimension");
  return t;
}

FlowPtr make_central_flow(const Objective& f, const CentralFlowParams& p) { return make_typed_flow<CentralFlow>(f, p); }

FlowEntry central_flow_entry() { return typed_flow_entry<CentralFlow, CentralFlowParams>(); }

}  // namespace optdyn
