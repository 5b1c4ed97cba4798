#pragma once
// The central flow of RMSprop at the edge of stability (Cohen, Damian et al., ICLR 2025,
// "Understanding Optimization in Deep Learning with Central Flows", §4; doc/references.md,
// "Central flows"): the time-averaged trajectory of RMSprop
//
//   ν_k = αν_{k−1} + (1 − α)g_k²,   θ_{k+1} = θ_k − η g_k/D_k,   D = √ν + ε   (torch's convention)
//
// in time t = k·η (as rmsprop_ode), on the state z = (θ, ν). Its preconditioner is P = D/η, and
// RMSprop is stable when the preconditioned sharpness λmax(P⁻¹H) ≤ 2, i.e. 2P − H ⪰ 0. With U the
// critical generalized eigenvectors (H u_i = λ_i P u_i, UᵀPU = I, λ_i ≥ critical·2 among the k
// largest) and Σ = U X Uᵀ the covariance of the oscillation,
//
//   θ̇ = −D⁻¹[∇F + ½ Σ_ij X_ij ∇³F[u_i, u_j]]
//   ν̇ = b[∇F² + diag(H Σ H) − ν],   b = (1 − α)/(α η),   diag(HΣH) = Σ_ij X_ij (Hu_i)∘(Hu_j)
//
// (E over the oscillation of g(θ + δ)² ≈ ∇F² + diag(HΣH), see below). The rate b is the
// authors' code's (1 − α)/α per step, which matches the discrete average's lag α/(1 − α) for a
// linearly drifting g²; Barakat & Bianchi's rmsprop_ode uses (1 − α)/η. X ⪰ 0 solves
//
//   0 ⪯ X ⟂ κ(2I − Λ) + d/dt Uᵀ(2P − H)U ⪰ 0,     κ = 1/(relax·η),
//
// d/dt(UᵀHU)_ij = ⟨∇³F[u_i,u_j], θ̇⟩ and d/dt(UᵀPU)_ij = Σ_d u_id u_jd Ḋ_d/η, Ḋ = ν̇/(2√ν), both
// affine in X. In the X-part of Ṗ we use Hu_k ≈ 2Pu_k (exact on the edge λ_k = 2; the authors'
// code notes the same choice), which makes the map on X a positive semidefinite Gram map and the
// problem the convex program of psd_complementarity.hpp; the field itself uses Hu_k = λ_k P u_k.
// With α = 1 (ν frozen) and D = 1 this is the central flow of GD (central_flow.hpp) with
// X_GD = ηX. Predicted time-averaged loss: F + ½⟨Σ, H⟩ = F + ½ Σ_i λ_i X_ii.
//
// ν's equation is expanded about ∇F(θ), as in the authors' code: the cross term
// ∇F∘Σ X_ij ∇³F[u_i, u_j] of E g(θ + δ)² (of the order of the θ-correction) is left out.
// Start: ν(0) = (1 − α)∇F(θ₀)², RMSprop's ν after its first update (whose step it uses); α = 1
// freezes ν, at 0 from that start (useful only with a state given directly, as in the tests).
// A coordinate with ν_d = 0 (a gradient that has always been 0) contributes Ḋ_d = 0; there
// P = ε/η and λ(P⁻¹H) ≈ ηH_dd/ε, which the flow cannot hold at 2 without ∇³F or a ν to raise: a
// FlowEvaluationError (e.g. Rosenbrock from 0, a quadratic from its minimiser). The stability
// model assumes a slowly varying ν; RMSprop's ν jumps with a coordinate's first gradient.
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/flows/flow.hpp"

namespace optdyn {

struct RmspropCentralFlowParams {
  double lr = 0.001;        // RMSprop's η; time t = k·η
  double alpha = 0.99;      // the decay of ν (torch's alpha; 1 freezes ν)
  double eps = 1e-8;        // D = √ν + ε
  Index k = 2;              // generalized eigenvalues considered (the top k of P⁻¹H)
  double critical = 0.9;    // critical when λ(P⁻¹H) ≥ critical·2
  double relax = 1.0;       // relaxation time of the constraint, in steps: κ = 1/(relax·η)
  double eig_tol = 1e-10;   // Krylov–Schur relative residual tolerance
  double sdcp_tol = 1e-10;  // complementarity solver tolerance
  Index dense_max = 64;     // dense eigensolve up to this D (else Krylov–Schur)
  friend bool operator==(const RmspropCentralFlowParams&, const RmspropCentralFlowParams&) = default;
  static const ParamTable<RmspropCentralFlowParams>& table();
};

// What the flow computes at one state (for recording).
struct RmspropCentralFlowPoint {
  double loss = 0.0;
  Vec eigenvalues;              // the k largest of P⁻¹H, descending (the edge is 2)
  Index critical = 0;           // m
  Mat x;                        // m×m, ⪰ 0 (empty when m = 0), in the basis UᵀPU = I
  double predicted_loss = 0.0;  // F + ½ Σ λ_i X_ii
  Vec field;                    // ż = (θ̇, ν̇)
};

class RmspropCentralFlow : public Flow {
 public:
  RmspropCentralFlow(const RmspropCentralFlowParams& params, std::string spec, const Objective& objective);
  std::string spec() const override { return spec_; }
  Index state_dim() const override { return 2 * dim(); }
  Vec initial_state(const Vec& theta0) const override;
  void derivative(const Vec& z, Vec& dzdt, double t) const override;
  RmspropCentralFlowPoint evaluate(const Vec& z) const;
  const RmspropCentralFlowParams& params() const { return params_; }

 private:
  RmspropCentralFlowParams params_;
  std::string spec_;
};

FlowPtr make_rmsprop_central_flow(const Objective& objective, const RmspropCentralFlowParams& params = {});

}  // namespace optdyn
