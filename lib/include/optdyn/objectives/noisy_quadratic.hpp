#pragma once
// The noisy quadratic model: a finite sum of shifted copies of one quadratic,
//   F(θ) = (1/n) Σ_i f_i(θ),   f_i(θ) = ½ (θ − θ* − s_i)ᵀ A (θ − θ* − s_i),
// with A = Q diag(λ) Qᵀ and θ* from the `quadratic` keys (quadratic.hpp) and seeded shifts
// s_i = σ z_i − (1/n)Σ_j σ z_j (z_i standard normal, centred so that Σ s_i = 0).
//
// Why it exists: its minibatch gradient noise does not depend on θ. The per-sample gradient
// g_i = A(e − s_i), e = θ − θ*, has mean ∇F = A(e − s̄) = Ae (s̄ = 0 up to rounding) and
//   Σ = (1/n) Σ_i (g_i − ∇F)(g_i − ∇F)ᵀ = A S A,   S = (1/n) Σ_i s_i s_iᵀ,
// at every θ. So SGD on it is an exact linear recursion with i.i.d. noise, its SDE
// dθ = −A(θ − θ*) dt + (ηΣ/B)^{1/2} dW is an Ornstein–Uhlenbeck process, and both stationary
// covariances have closed forms (the Lyapunov equations of doc/references.md, "SVAG and the
// weak error"). The "noisy quadratic model" of Zhang et al. (2019), with exactly the
// covariance of a finite data set.
//
// Keys (NoisyQuadraticParams, spec `noisy_quadratic:...`): every key of `quadratic`, plus
// n (samples) and noise (σ). F(θ*) = ½ mean_i s_iᵀAs_i > 0: the shifts' spread.
#include <memory>
#include <optional>
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"
#include "optdyn/objectives/quadratic.hpp"

namespace optdyn {

class NoisyQuadratic : public Objective {
 public:
  // `shifts` is D×n, one s_i per column.
  NoisyQuadratic(std::unique_ptr<Quadratic> quadratic, Mat shifts, std::string spec);

  Index dim() const override { return quadratic_->dim(); }
  std::string spec() const override { return spec_; }
  Index num_samples() const override { return shifts_.cols(); }
  std::optional<Vec> known_hessian_eigenvalues() const override { return quadratic_->eigenvalues(); }

  // The quadratic ½(θ − θ*)ᵀA(θ − θ*) being shifted (A, θ*, λ, Q).
  const Quadratic& quadratic() const { return *quadratic_; }
  // s_i, one per column.
  const Mat& shifts() const { return shifts_; }
  // Σ = A S A: the covariance of one per-sample gradient, the same at every θ.
  Mat gradient_covariance() const;

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;
  Mat evaluate_hessian(const Vec& theta) const override { return a_; }

 private:
  std::unique_ptr<Quadratic> quadratic_;
  Mat shifts_;
  Mat a_;           // A, dense
  Vec curvature_;   // c_i = s_iᵀ A s_i
  std::string spec_;
};

struct NoisyQuadraticParams {
  QuadraticParams quadratic;
  long n = 100;        // samples
  double noise = 1.0;  // σ of the shifts
  static const ParamTable<NoisyQuadraticParams>& table();
};

// InputError naming the key for a bad value (as the spec `noisy_quadratic:...`).
std::unique_ptr<NoisyQuadratic> make_noisy_quadratic(const NoisyQuadraticParams& params = {});

RegistryEntry<ObjectivePtr> noisy_quadratic_entry();

}  // namespace optdyn
