#pragma once
// Matrix-free symmetric operators for the spectral tools (Spectra's operator concept,
// doc/references.md "Hessian spectra"):
//
//   using Scalar = double;  Index rows() const;  Index cols() const;
//   void perform_op(const Scalar* x_in, Scalar* y_out) const;
//
// SymmetricOperator is the one virtual interface the analysis algorithms take (extreme
// eigenpairs, SLQ, Hutchinson); every SymmetricOperator also satisfies Spectra's concept
// directly, so `Spectra::SymEigsSolver<SymmetricOperator>` works on any of them.
//
//   HessianOperator       ∇²F(θ) of any Objective at a fixed θ. For an Mlp (and the
//                         objectives built as one: deep_linear, logistic_regression,
//                         softmax_regression) it binds θ once (MlpCurvature: forward pass,
//                         output curvature and δ's cached) so that every product costs only
//                         the tangent and backward R passes; for any other objective each
//                         product is Objective::hessian_vector (counted by the objective too).
//   DenseSymmetricOperator  a dense symmetric matrix (tests, small problems).
//   ShiftedOperator       σ I + s·A (s = ±1), e.g. λmax I − H for the smallest eigenvalues.
//
// Every operator counts its products (products(); mutable, not thread-safe).
#include <cstdint>
#include <memory>
#include <optional>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

class SymmetricOperator {
 public:
  using Scalar = double;
  virtual ~SymmetricOperator() = default;

  virtual Index rows() const = 0;
  Index cols() const { return rows(); }
  // y = A x (x, y of length rows(); they must not alias). Counts one product.
  void perform_op(const Scalar* x_in, Scalar* y_out) const {
    ++products_;
    apply(x_in, y_out);
  }
  Vec operator*(const Vec& x) const;
  // The dense matrix, one product per column (symmetrised: (A + Aᵀ)/2). Small rows() only.
  virtual Mat dense() const;

  std::uint64_t products() const { return products_; }
  void reset_products() const { products_ = 0; }

 protected:
  virtual void apply(const Scalar* x_in, Scalar* y_out) const = 0;

 private:
  mutable std::uint64_t products_ = 0;
};

class HessianOperator final : public SymmetricOperator {
 public:
  // Keeps a reference to `objective` (which must outlive the operator) and a copy of θ.
  // Throws InputError when θ has the wrong length.
  HessianOperator(const Objective& objective, const Vec& theta);
  Index rows() const override { return objective_.dim(); }
  const Objective& objective() const { return objective_; }
  const Vec& point() const { return theta_; }
  // True when products reuse a cached forward pass (the objective is an Mlp).
  bool cached() const { return curvature_ != nullptr; }
  // The dense Hessian, symmetrised: for an Mlp D cached products (counted here); otherwise
  // Objective::hessian (a closed form where the objective has one, else D HVPs counted by
  // the objective, not here).
  Mat dense() const override;

 protected:
  void apply(const Scalar* x_in, Scalar* y_out) const override;

 private:
  const Objective& objective_;
  Vec theta_;
  std::unique_ptr<MlpCurvature> curvature_;
  mutable Vec x_, y_;
};

class DenseSymmetricOperator final : public SymmetricOperator {
 public:
  // Throws std::invalid_argument when the matrix is not square.
  explicit DenseSymmetricOperator(Mat matrix);
  Index rows() const override { return matrix_.rows(); }
  const Mat& matrix() const { return matrix_; }
  Mat dense() const override { return matrix_; }

 protected:
  void apply(const Scalar* x_in, Scalar* y_out) const override;

 private:
  Mat matrix_;
};

// y = shift·x + sign·(A x), sign = ±1. Products are counted here AND on `base`.
class ShiftedOperator final : public SymmetricOperator {
 public:
  ShiftedOperator(const SymmetricOperator& base, double shift, double sign);
  Index rows() const override { return base_.rows(); }

 protected:
  void apply(const Scalar* x_in, Scalar* y_out) const override;

 private:
  const SymmetricOperator& base_;
  double shift_, sign_;
};

}  // namespace optdyn::analysis
