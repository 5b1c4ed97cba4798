#pragma once
// The central flow of gradient descent at the edge of stability (Cohen, Damian et al., ICLR 2025,
// "Understanding Optimization in Deep Learning with Central Flows"; doc/references.md, "Central
// flows"): the time-averaged trajectory of GD with step η, in time t = k·η,
//
//   θ̇ = −[∇F(θ) + ½ Σ_ij X_ij ∇³F(θ)[u_i, u_j]]   (= −∇F − ½∇_θ⟨Σ, ∇²F(θ)⟩, Σ = U X Uᵀ),
//
// U = (u_1 … u_m) the eigenvectors of the critical Hessian eigenvalues (λ_i ≥ critical·2/η among the
// k largest), X ⪰ 0 the covariance of GD's oscillation in span U, chosen so that no critical
// eigenvalue rises above 2/η: with a_ij = ⟨∇³F[u_i,u_j], ∇F⟩ and 𝒢(X)_ij = ½ Σ_kl ⟨∇³F[u_i,u_j],
// ∇³F[u_k,u_l]⟩ X_kl one has d/dt(UᵀHU) = −a − 𝒢(X), and X solves the complementarity problem
// (psd_complementarity.hpp)
//
//   0 ⪯ X ⟂ κ(2/η·I − Λ) + a + 𝒢(X) ⪰ 0,     κ = 1/(relax·η).
//
// On the edge (Λ = 2/η) this is the paper's condition d/dt(UᵀHU) ⪯ 0 with complementarity; off it,
// the κ term (Baumgarte's constraint stabilisation, our choice, like the paper's code that asks
// for 2/η − UᵀHU ⪰ 0 one substep ahead) pulls an eigenvalue above 2/η back at rate κ and lets
// one below it rise at most at rate κ(2/η − λ). For one critical eigenvalue X = σ² in closed form,
// σ² = max(0, −2(a + κ(2/η − S))/‖∇S‖²), ∇S = ∇³F[u,u]: gradient flow projected onto S ≤ 2/η.
//
// The paper's "stable flow" of GD (−P⁻¹∇F with P = I/η) IS gradient flow: compare with `gradient`.
// Predicted time-averaged loss of GD: F(θ) + ½⟨Σ, ∇²F⟩ = F + ½ Σ_i λ_i X_ii (= F + tr X/η on the edge).
//
// Cost per evaluation: a gradient, the top-k eigenpairs (dense Hessian for D ≤ dense_max, else
// Krylov–Schur on exact HVPs), and 4m² HVPs for the third derivatives (third_derivative.hpp).
// Jacobian products: Flow's forward difference of the field. A problem whose X does not converge
// (e.g. ∇S = 0 while S grows) is a FlowEvaluationError.
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

struct CentralFlowParams {
  double lr = 0.01;         // GD step size η; the edge is 2/η, time t = k·η
  Index k = 2;              // Hessian eigenvalues considered (the top k)
  double critical = 0.9;    // an eigenvalue is critical when λ ≥ critical·2/η
  double relax = 1.0;       // relaxation time of the constraint, in GD steps: κ = 1/(relax·η)
  double eig_tol = 1e-10;   // Krylov–Schur relative residual tolerance
  double sdcp_tol = 1e-10;  // complementarity solver tolerance (psd_complementarity.hpp)
  Index dense_max = 64;     // dense Hessian eigensolve up to this D (else Krylov–Schur)
  friend bool operator==(const CentralFlowParams&, const CentralFlowParams&) = default;
  static const ParamTable<CentralFlowParams>& table();
};

// What the central flow computes at one θ (for recording): the k top eigenvalues, the critical
// count m, X (m×m), the field and GD's predicted time-averaged loss.
struct CentralFlowPoint {
  double loss = 0.0;
  Vec eigenvalues;       // the k largest, descending
  Index critical = 0;    // m
  Mat x;                 // m×m, ⪰ 0 (empty when m = 0)
  double predicted_loss = 0.0;  // F + ½ Σ λ_i X_ii
  Vec field;             // θ̇
};

class CentralFlow : public Flow {
 public:
  CentralFlow(const CentralFlowParams& params, std::string spec, const Objective& objective);
  std::string spec() const override { return spec_; }
  void derivative(const Vec& z, Vec& dzdt, double t) const override;
  // Everything the field evaluation computes at θ.
  CentralFlowPoint evaluate(const Vec& theta) const;
  const CentralFlowParams& params() const { return params_; }

 private:
  CentralFlowParams params_;
  std::string spec_;
};

FlowPtr make_central_flow(const Objective& objective, const CentralFlowParams& params = {});

}  // namespace optdyn
