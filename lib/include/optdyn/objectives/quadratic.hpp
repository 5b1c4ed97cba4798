#pragma once
// Quadratic objective F(θ) = ½ (θ − θ*)ᵀ A (θ − θ*), A = Q diag(λ) Qᵀ.
//
// The model problem of optimization theory: gradient descent is the linear map
// θ_k − θ* = (I − ηA)^k (θ_0 − θ*), so every rate and stability threshold has a closed form
// (doc/references.md, "Momentum and Nesterov", "Stability").
//
// Keys (QuadraticParams, spec `quadratic:...`): dim, kappa, lmax, spacing, eigs, rotate, seed, shift.
//  * eigenvalues λ_i, i = 0..D−1, run from lmax down to lmax/kappa, log-spaced
//    (λ_i = lmax·kappa^{−i/(D−1)}) or linearly spaced; `eigs=1/0.1/-0.5` gives them
//    explicitly (negatives allowed: then the stationary point θ* is a saddle or maximum) and
//    overrides dim/kappa/lmax/spacing.
//  * rotate=true: Q is Haar-distributed on O(D) (QR of a Gaussian matrix with the signs of
//    R's diagonal moved into Q, Mezzadri 2007, "How to generate random matrices from the
//    classical compact groups"), seeded; rotate=false: Q = I (diagonal form, O(D) storage).
//  * shift: ‖θ*‖; θ* = shift · z/‖z‖ with z a seeded Gaussian vector (0: θ* = 0).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/core/random_orthogonal.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

class Quadratic : public Objective {
 public:
  // `rotation` is Q (D×D, orthogonal); an empty matrix means Q = I (diagonal form).
  Quadratic(Vec eigenvalues, Mat rotation, Vec minimizer, std::string spec);

  Index dim() const override { return eigenvalues_.size(); }
  std::string spec() const override { return spec_; }

  // λ in the order given (for the generated spectrum: descending).
  const Vec& eigenvalues() const { return eigenvalues_; }
  std::optional<Vec> known_hessian_eigenvalues() const override { return eigenvalues_; }
  // Q; the identity in diagonal form.
  Mat rotation() const;
  // A = Q diag(λ) Qᵀ (dense, D×D).
  Mat matrix() const;
  // θ* (the minimiser when all λ > 0, otherwise the stationary point).
  const Vec& minimizer() const { return minimizer_; }
  bool is_diagonal() const { return diagonal_; }

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;
  Mat evaluate_hessian(const Vec& theta) const override;

 private:
  Vec apply(const Vec& x) const;  // A x

  Vec eigenvalues_;
  bool diagonal_;
  Mat rotation_;  // Q (empty when diagonal)
  Mat matrix_;    // A (empty when diagonal)
  Vec minimizer_;
  std::string spec_;
};

struct QuadraticParams {
  enum class Spacing { log, linear };
  long dim = 10;
  double kappa = 10;
  double lmax = 1;
  Spacing spacing = Spacing::log;
  std::vector<double> eigs;  // non-empty: the eigenvalues, overriding dim, kappa, lmax, spacing
  bool rotate = true;
  std::uint64_t seed = 0;
  double shift = 0;
  static const ParamTable<QuadraticParams>& table();
};

// InputError naming the key for a bad value (as the spec `quadratic:...`).
std::unique_ptr<Quadratic> make_quadratic(const QuadraticParams& params = {});

RegistryEntry<ObjectivePtr> quadratic_entry();

}  // namespace optdyn
