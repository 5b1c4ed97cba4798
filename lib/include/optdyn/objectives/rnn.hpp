#pragma once
// A tied-weight tanh recurrent network on the adding task (Hochreiter & Schmidhuber 1997,
// experiment 4; the form of Le, Jaitly & Hinton 2015 and Arjovsky et al. 2016):
//
//   h_0 = 0,   h_t = tanh(W h_{t−1} + U x_t + b)   (t = 1, …, T),   ŷ = vᵀ h_T + c,
//   F(θ) = (1/n) Σ_i ½ (ŷ_i − y_i)²,                 θ = (W, U, b, v, c).
//
// Data (seeded): sample i is T inputs x_t = (u_t, m_t) ∈ R², u_t ~ U[0, 1), with exactly two
// markers m_t = 1, one at a uniform step of the first half [1, ⌊T/2⌋] and one of the second
// half (⌊T/2⌋, T]; the target y = Σ_t m_t u_t is the sum of the two marked values. Predicting
// the mean 1 gives F ≈ 1/12 (Var y = 2·1/12, halved); solving the task needs memory over T steps.
//
// Layout of θ (D = H² + 4H + 1), as parameter blocks (PyTorch's nn.RNN names):
//   "weight_hh" W (H × H, row-major), "weight_ih" U (H × 2, row-major), "bias" b (H),
//   "weight_out" v (1 × H), "bias_out" c (1).
//
// Derivatives are exact: the gradient by backpropagation through time (Rumelhart, Hinton &
// Williams 1986; Werbos 1990), the Hessian-vector product by Pearlmutter's (1994) R-operator
// pushed through the same forward and backward passes (rnn.cpp writes out both). Sums over
// samples run serially in sample order (deterministic for any thread count).
//
// The exploding/vanishing-gradient quantity of Pascanu, Mikolov & Bengio (2013, §2.1):
//   ∂h_T/∂h_0 = Π_{t=T}^{1} diag(1 − h_t²) W,
// hidden_jacobian() (by forward tangent propagation) and its spectral norm; with W = ρQ
// (Q orthogonal, initial_point) the norm is at most ρ^T (|tanh′| ≤ 1), so ρ < 1 is a sufficient
// condition for vanishing (their §3.2), ρ > 1 necessary for exploding.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

struct RnnParams {
  long steps = 20;         // T
  long hidden = 8;         // H
  long n = 64;             // sequences
  double radius = 1.0;     // ρ: spectral radius of W at initial_point()
  std::uint64_t seed = 0;  // data
  static const ParamTable<RnnParams>& table();
};

class Rnn final : public Objective {
 public:
  Rnn(const RnnParams& p, std::string spec);

  Index dim() const override { return h_ * h_ + 4 * h_ + 1; }
  std::string spec() const override { return spec_; }
  Index num_samples() const override { return n_; }
  std::vector<ParameterBlock> parameter_blocks() const override;

  Index steps() const { return t_; }
  Index hidden() const { return h_; }
  // Sample i's inputs x_1 … x_T as the columns of a 2 × T matrix, and its target.
  Mat inputs(Index i) const;
  double target(Index i) const { return targets_[i]; }

  // A starting point: W = ρQ (Q Haar orthogonal, so every singular value of W is ρ),
  // U_jk ~ N(0, 1/2), v_j ~ N(0, 1/H), b = 0, c = 0; drawn from Rng::derived(seed, 1).
  Vec initial_point(std::uint64_t seed) const;
  // h_0, …, h_T of sample i (H × (T + 1)).
  Mat hidden_states(const Vec& theta, Index i) const;
  // ∂h_k/∂h_0 of sample i (k ≤ T steps; H × H), by J_0 = I, J_t = diag(1 − h_t²) W J_{t−1}.
  Mat hidden_jacobian(const Vec& theta, Index i, Index k) const;
  // ‖∂h_k/∂h_0‖₂, its largest singular value.
  double hidden_jacobian_norm(const Vec& theta, Index i, Index k) const;

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;

 private:
  Index t_, h_, n_;
  double radius_;
  Mat values_;                 // u_t of sample i in column i (T × n)
  std::vector<Index> first_, second_;  // the marked steps (1-based)
  Vec targets_;
  std::string spec_;
};

std::unique_ptr<Rnn> make_rnn(const RnnParams& params = {});
RegistryEntry<ObjectivePtr> rnn_entry();

}  // namespace optdyn
