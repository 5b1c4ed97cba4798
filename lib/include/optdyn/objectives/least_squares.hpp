#pragma once
// Linear least squares as a finite sum over the n rows of A:
//
//   F(θ) = (1/2n) ‖Aθ − b‖² = (1/n) Σ_i ½ (a_iᵀθ − b_i)²,   b = Aθ_true + noise·ξ.
//
// A batch B gives (1/|B|) Σ_{i∈B} ½ (a_iᵀθ − b_i)², its Hessian A_Bᵀ A_B / |B|.
// Least-squares access: r = (Aθ − b)/√n, so F = ½‖r‖².
//
// Keys (LeastSquaresParams, spec `least_squares:...`): n, dim, kappa, noise, seed.
//  * Without kappa, A has iid N(0, 1) entries, so the Hessian AᵀA/n is a Wishart
//    (Marchenko–Pastur) matrix with eigenvalues near (1 ± √(dim/n))².
//  * With kappa (requires n ≥ dim), A = √n · U diag(s) Vᵀ with U (n×dim, orthonormal columns)
//    and V (dim×dim) Haar-random, s_j = kappa^{−j/(2(dim−1))}: the Hessian AᵀA/n then has
//    eigenvalues s_j² log-spaced from 1 down to 1/kappa (condition number exactly kappa,
//    the same convention as quadratic's kappa).
//  * θ_true ~ N(0, I) and ξ ~ N(0, I_n), from independent streams derived from the seed.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/core/sample_blocks.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

class LeastSquares : public Objective, public LeastSquaresAccess {
 public:
  LeastSquares(Mat a, Vec b, Vec theta_true, std::string spec);

  Index dim() const override { return a_.cols(); }
  std::string spec() const override { return spec_; }
  Index num_samples() const override { return a_.rows(); }
  const LeastSquaresAccess* least_squares() const override { return this; }

  const Mat& a() const { return a_; }
  const Vec& b() const { return b_; }
  // The planted parameter θ_true (b = Aθ_true + noise·ξ).
  const Vec& theta_true() const { return theta_true_; }
  // A minimiser of F (minimum-norm least-squares solution, complete orthogonal decomposition).
  Vec solution() const;
  // Rows per block of every sum over rows (core/sample_blocks.hpp): block_samples() when built.
  Index samples_per_block() const { return block_size_; }

  // LeastSquaresAccess
  Index num_residuals() const override { return a_.rows(); }
  Vec residuals(const Vec& theta) const override;
  Vec jacobian_vector(const Vec& theta, const Vec& v) const override;
  Vec jacobian_transpose_vector(const Vec& theta, const Vec& u) const override;

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;
  Mat evaluate_hessian(const Vec& theta) const override;

 private:
  SampleBlocks sample_blocks(Batch batch) const;

  Mat a_;
  Vec b_, theta_true_;
  std::string spec_;
  Index block_size_;
};

struct LeastSquaresParams {
  long n = 100;
  long dim = 10;
  std::optional<double> kappa;  // set: the condition number of AᵀA/n (needs n >= dim)
  double noise = 0;
  std::uint64_t seed = 0;
  static const ParamTable<LeastSquaresParams>& table();
};

std::unique_ptr<LeastSquares> make_least_squares(const LeastSquaresParams& params = {});

RegistryEntry<ObjectivePtr> least_squares_entry();

}  // namespace optdyn
