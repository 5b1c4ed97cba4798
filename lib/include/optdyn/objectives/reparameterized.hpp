#pragma once
// An objective under a linear change of variables θ = Aφ (seed 004, "reparameterisation";
// doc/references.md, "Symmetry and reparameterisation"):
//
//   F̃(φ) = F(Aφ),   ∇_φF̃ = Aᵀ ∇_θF(Aφ),   ∇²_φF̃ v = Aᵀ ∇²_θF(Aφ) (A v),
//
// and for a probabilistic F the Fisher pulls back the same way, F̃_φ = Aᵀ F_θ A, per-sample
// gradients g̃_i = Aᵀ g_i. Exact whenever F's derivatives are (no differences). Batches are
// F's. So GD on φ with step η is θ ← θ − η AAᵀ∇F: preconditioned GD (seed 004), while the
// Newton and natural-gradient steps map back to θ's own (their equivariance;
// analysis/invariance.hpp measures both).
//
// Library-only (no registry spec): A is a matrix, which a spec string does not carry.
// The symmetries of mlp_symmetry.hpp and mlp_rescaling.hpp are linear maps θ ↦ Tθ with
// F∘T = F; F̃ with A = T⁻¹ is then F itself. Not forwarded: least-squares access (r̃(φ) =
// r(Aφ) would need it, nothing uses it yet), dense-layer statistics (φ has no layers) and
// parameter blocks (φ is one vector).
#include <string>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

class Reparameterized final : public Objective, private ProbabilisticAccess {
 public:
  // F̃(φ) = F(Aφ) for A of size F.dim() × m (φ ∈ R^m). `f` must outlive this object.
  // InputError naming 'A' when A.rows() ≠ F.dim() or A is empty.
  Reparameterized(const Objective& f, Mat a);

  Index dim() const override { return a_.cols(); }
  std::string spec() const override { return "reparameterized(" + f_.spec() + ")"; }
  Index num_samples() const override { return f_.num_samples(); }
  const ProbabilisticAccess* probabilistic() const override { return f_.probabilistic() ? this : nullptr; }
  const Mat& matrix() const { return a_; }
  // θ = Aφ.
  Vec to_theta(const Vec& phi) const { return a_ * phi; }

 protected:
  double evaluate(const Vec& phi, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& phi, Batch batch, const Vec& v, Vec& out) const override;

 private:
  FunctionOperator fisher(const Vec& phi, Batch batch, FisherKind kind, Rng* rng) const override;
  Mat sample_gradients(const Vec& phi, Batch batch) const override;

  const Objective& f_;
  Mat a_;
};

}  // namespace optdyn
